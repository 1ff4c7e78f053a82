from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, READERS

from . import importer, views

app_name = "items"
urlpatterns = [
    path("", views.list_index, name="list_index"),
    path("import/", views.import_form, name="import_form"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/diff/", views.list_diff, name="list_diff"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list_publish"),
    path("lists/<int:pk>/submit/", views.list_submit, name="list_submit"),
    path("lists/<int:pk>/return/", views.list_return, name="list_return"),
    path("lists/<int:pk>/new-version/", views.list_new_version, name="list_new_version"),
    path("lists/<int:pk>/delete/", views.list_delete, name="list_delete"),
    path("lists/<int:pk>/ratio-caps/", views.list_ratio_caps, name="list_ratio_caps"),
    path("lists/<int:pk>/add/", views.item_add, name="item_add"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/delete/", views.item_delete, name="item_delete"),
]

# Reading is open to every reader role; department scope is applied in querysets and services.
PERMISSIONS = {
    "list_index": READERS,
    "list_detail": READERS,
    "list_diff": READERS,
    "item_detail": READERS,
    "import_form": ADMINS,
    "list_publish": ADMINS,
    "list_submit": ADMINS,
    "list_return": ADMINS,
    "list_new_version": ADMINS,
    "list_delete": ADMINS,
    "list_ratio_caps": ADMINS,
    "item_add": ADMINS,
    "item_edit": ADMINS,
    "item_delete": ADMINS,
}

# Uploads above these are refused at the door (site.routes.UploadLimitMiddleware); others: the default.
UPLOAD_LIMITS = {"import_form": importer.max_file_bytes}
