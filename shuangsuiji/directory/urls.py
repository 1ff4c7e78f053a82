from django.urls import path

from shuangsuiji.common.permissions import ANY_STAFF

from . import views

app_name = "directory"
urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("sublibraries/", views.sublibrary_list, name="sublibrary_list"),
]

PERMISSIONS = {
    "entity_list": ANY_STAFF,
    "sublibrary_list": ANY_STAFF,
}
