from django.urls import path

from shuangsuiji.common.permissions import READERS

from . import views

app_name = "inspectors"
urlpatterns = [
    path("", views.inspector_list, name="inspector_list"),
]

PERMISSIONS = {
    "inspector_list": READERS,
}
