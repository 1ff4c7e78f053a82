from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, OFFICE, READERS, WORKERS
from shuangsuiji.common.uploads import small_file

from . import views

app_name = "draws"
urlpatterns = [
    path("", views.draw_list, name="draw_list"),
    path("new/", views.draw_create, name="draw_create"),
    path("lotteries/", views.lottery_kinds, name="lottery_kinds"),
    path("lotteries/new/", views.lottery_kind_edit, name="lottery_kind_new"),
    path("lotteries/<int:pk>/", views.lottery_kind_edit, name="lottery_kind_edit"),
    path("<str:number>/", views.draw_detail, name="draw_detail"),
    path("<str:number>/commit/", views.draw_commit, name="draw_commit"),
    path("<str:number>/reveal/", views.draw_reveal, name="draw_reveal"),
    path("<str:number>/publish/", views.draw_publish, name="draw_publish"),
    path("<str:number>/void/", views.draw_void, name="draw_void"),
    path("<str:number>/redraw/", views.draw_redraw, name="draw_redraw"),
    path("<str:number>/kit.zip", views.department_kit, name="department_kit"),
    path("<str:number>/members/<int:member>/recusal/", views.recusal_request, name="recusal_request"),
    path("<str:number>/recusals/<int:pk>/decide/", views.recusal_decide, name="recusal_decide"),
    path("<str:number>/recusals/<int:pk>/complete/", views.recusal_complete, name="recusal_complete"),
]

PERMISSIONS = {
    "draw_list": READERS,
    "draw_create": ADMINS,
    "lottery_kinds": READERS,
    "lottery_kind_new": OFFICE,
    "lottery_kind_edit": OFFICE,
    "draw_detail": READERS,
    "draw_commit": ADMINS,
    "draw_reveal": ADMINS,
    "draw_publish": ADMINS,
    "draw_void": ADMINS,
    "draw_redraw": ADMINS,
    "department_kit": READERS,
    "recusal_request": WORKERS,
    "recusal_decide": ADMINS,
    "recusal_complete": ADMINS,
}

# A drand round or lottery result as a file (site.routes.UploadLimitMiddleware).
UPLOAD_LIMITS = {"draw_reveal": small_file, "recusal_complete": small_file}
