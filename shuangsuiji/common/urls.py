from django.urls import path

from . import views
from .permissions import ANY_STAFF, OFFICE

app_name = "common"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("audit/", views.audit_list, name="audit_list"),
]

PERMISSIONS = {
    "job_list": ANY_STAFF,
    "job_detail": ANY_STAFF,
    "audit_list": OFFICE,
}
