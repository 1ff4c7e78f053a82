from django.urls import path

from shuangsuiji.common.permissions import PUBLIC

from . import items, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", items.items_index, name="items_index"),
    path("items/<slug:code>/", items.items_department, name="items_department"),
    path("items/<slug:code>.csv", items.items_csv, name="items_csv"),
    path("items/<slug:code>.json", items.items_json, name="items_json"),
    path("audit/", views.audit_heads, name="audit_heads"),
    path("audit.json", views.audit_heads_json, name="audit_heads_json"),
]

PERMISSIONS = {
    "home": PUBLIC,
    "items_index": PUBLIC,
    "items_department": PUBLIC,
    "items_csv": PUBLIC,
    "items_json": PUBLIC,
    "audit_heads": PUBLIC,
    "audit_heads_json": PUBLIC,
}
