from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, READERS

from . import views

app_name = "directory"
urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/<str:uscc>/", views.entity_detail, name="entity_detail"),
    path("import/", views.entity_import, name="entity_import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("sublibraries/", views.sublibrary_list, name="sublibrary_list"),
    path("sublibraries/new/", views.sublibrary_create, name="sublibrary_create"),
    path("sublibraries/count/", views.sublibrary_rule_count, name="sublibrary_rule_count"),
    path("sublibraries/<int:pk>/", views.sublibrary_detail, name="sublibrary_detail"),
    path("sublibraries/<int:pk>/edit/", views.sublibrary_edit, name="sublibrary_edit"),
    path("sublibraries/<int:pk>/delete/", views.sublibrary_delete, name="sublibrary_delete"),
]

# Sub-library rules can name credit-risk classes, so they are for the roles that may see classes.
PERMISSIONS = {
    "entity_list": ANY_STAFF,
    "entity_detail": ANY_STAFF,
    "entity_import": ADMINS,
    "import_template": ADMINS,
    "sublibrary_list": READERS,
    "sublibrary_create": ADMINS,
    "sublibrary_rule_count": ADMINS,
    "sublibrary_detail": READERS,
    "sublibrary_edit": ADMINS,
    "sublibrary_delete": ADMINS,
}
