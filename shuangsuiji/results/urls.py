from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, OFFICE, WORKERS

from . import evidence, views

app_name = "results"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("visits/<str:number>/", views.visit_page, name="visit"),
    path("parts/<int:pk>/save/", views.part_save, name="part_save"),
    path("parts/<int:pk>/review/", views.part_review, name="part_review"),
    path("items/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("items/<int:pk>/followup/", views.followup_create, name="followup_create"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/<int:pk>/", views.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/<str:action>/", views.followup_step, name="followup_step"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("minor/", views.minor_list, name="minor_list"),
    path("minor/<int:pk>/retire/", views.minor_retire, name="minor_retire"),
]

PERMISSIONS = {
    "workbench": ANY_STAFF,
    "visit": ANY_STAFF,
    "part_save": WORKERS,
    "part_review": ADMINS,
    "evidence_upload": WORKERS,
    "followup_create": WORKERS,
    "evidence_file": ANY_STAFF,
    "followup_list": ANY_STAFF,
    "followup_detail": ANY_STAFF,
    "followup_step": ADMINS,
    "deadlines": ANY_STAFF,
    "minor_list": ANY_STAFF,
    "minor_retire": OFFICE,
}

# One photo or scan (site.routes.UploadLimitMiddleware refuses more at the door).
UPLOAD_LIMITS = {"evidence_upload": evidence.limit}
