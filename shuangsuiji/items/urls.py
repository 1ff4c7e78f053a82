from django.urls import path

from shuangsuiji.common.permissions import READERS

from . import views

app_name = "items"
urlpatterns = [
    path("", views.list_index, name="list_index"),
]

PERMISSIONS = {
    "list_index": READERS,
}
