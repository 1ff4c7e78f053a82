"""The shared pages of ``common`` (background jobs, the audit log) under their namespace "common", with their
rules: ``common`` itself knows no roles."""

from django.urls import path

from shuangsuiji.accounts.permissions import ANY_STAFF, OFFICE
from shuangsuiji.common import views
from shuangsuiji.site import audit

app_name = "common"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("audit/", audit.audit_list, name="audit_list"),
]

PERMISSIONS = {
    "job_list": ANY_STAFF,
    "job_detail": ANY_STAFF,
    "audit_list": OFFICE,
}
