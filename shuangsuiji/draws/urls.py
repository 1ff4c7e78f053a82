from django.urls import path

from shuangsuiji.common.permissions import ADMINS, READERS, WORKERS

from . import views

app_name = "draws"
urlpatterns = [
    path("", views.draw_list, name="draw_list"),
    path("new/", views.draw_create, name="draw_create"),
    path("<str:number>/", views.draw_detail, name="draw_detail"),
    path("<str:number>/commit/", views.draw_commit, name="draw_commit"),
    path("<str:number>/reveal/", views.draw_reveal, name="draw_reveal"),
    path("<str:number>/publish/", views.draw_publish, name="draw_publish"),
    path("<str:number>/void/", views.draw_void, name="draw_void"),
    path("<str:number>/redraw/", views.draw_redraw, name="draw_redraw"),
    path("<str:number>/kit.zip", views.department_kit, name="department_kit"),
    path("<str:number>/members/<int:member>/recusal/", views.recusal_request, name="recusal_request"),
    path("<str:number>/recusals/<int:pk>/decide/", views.recusal_decide, name="recusal_decide"),
]

PERMISSIONS = {
    "draw_list": READERS,
    "draw_create": ADMINS,
    "draw_detail": READERS,
    "draw_commit": ADMINS,
    "draw_reveal": ADMINS,
    "draw_publish": ADMINS,
    "draw_void": ADMINS,
    "draw_redraw": ADMINS,
    "department_kit": READERS,
    "recusal_request": WORKERS,
    "recusal_decide": ADMINS,
}
