from django.urls import path

from shuangsuiji.common.permissions import PUBLIC

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
]

PERMISSIONS = {
    "home": PUBLIC,
}
