from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, READERS, WORKERS

from . import views

app_name = "inspectors"
urlpatterns = [
    path("", views.inspector_list, name="inspector_list"),
    path("new/", views.inspector_create, name="inspector_create"),
    path("import/", views.inspector_import, name="inspector_import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("<int:pk>/status/", views.inspector_status, name="inspector_status"),
    path("<int:pk>/account/", views.inspector_account, name="inspector_account"),
    path("<int:pk>/conflicts/new/", views.conflict_create, name="conflict_create"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/end/", views.conflict_end, name="conflict_end"),
    path("entities/search/", views.entity_search, name="entity_search"),
]

# Department scope (own department only; an inspector sees their own record) is checked in the views.
PERMISSIONS = {
    "inspector_list": ANY_STAFF,
    "inspector_create": ADMINS,
    "inspector_import": ADMINS,
    "import_template": ADMINS,
    "inspector_detail": ANY_STAFF,
    "inspector_edit": ADMINS,
    "inspector_status": ADMINS,
    "inspector_account": ADMINS,
    "conflict_create": WORKERS,
    "conflict_list": READERS,
    "conflict_end": ADMINS,
    "entity_search": WORKERS,
}
