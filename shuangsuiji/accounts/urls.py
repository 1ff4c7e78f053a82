from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import path

from shuangsuiji.accounts.permissions import ANY_STAFF, PUBLIC
from shuangsuiji.common import audit

from .forms import LoginForm, ThrottledPasswordChangeForm


class PasswordChange(auth_views.PasswordChangeView):
    """修改密码: the current password is checked (throttled); the change is audited and ends a first-password
    hold (``User.must_change_password``)."""

    template_name = "accounts/password.html"
    form_class = ThrottledPasswordChangeForm
    success_url = "/"

    def form_valid(self, form):
        answer = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit.record(user, "accounts.password_change", user)
        messages.success(self.request, "密码已修改。")
        return answer


app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChange.as_view(), name="password"),
]

PERMISSIONS = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "password": ANY_STAFF,
}
