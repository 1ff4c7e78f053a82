from django.contrib.auth import views as auth_views
from django.urls import path

from shuangsuiji.accounts.permissions import ANY_STAFF, PUBLIC

from .forms import LoginForm, ThrottledPasswordChangeForm

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="accounts/password.html",
                                                            form_class=ThrottledPasswordChangeForm,
                                                            success_url="/"), name="password"),
]

PERMISSIONS = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "password": ANY_STAFF,
}
