from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, WORKERS
from shuangsuiji.common.uploads import small_file

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.year_view, name="year"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/<str:step>/", views.plan_step, name="plan_step"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<str:number>/", views.task_detail, name="task_detail"),
    path("tasks/<str:number>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<str:number>/step/<str:step>/", views.task_step, name="task_step"),
    path("tasks/<str:number>/commit/", views.task_commit, name="task_commit"),
    path("tasks/<str:number>/consult/", views.task_consult, name="task_consult"),
    path("tasks/<str:number>/reveal/", views.task_reveal, name="task_reveal"),
    path("tasks/<str:number>/visits.pdf", views.visits_pdf, name="visits_pdf"),
    path("tasks/<str:number>/visits.xlsx", views.visits_xlsx, name="visits_xlsx"),
    path("visits/<str:number>/", views.visit_detail, name="visit_detail"),
]

PERMISSIONS = {
    "year": ANY_STAFF,
    "plan_create": ADMINS,
    "plan_detail": ANY_STAFF,
    "plan_step": ADMINS,
    "entry_edit": ADMINS,
    "entry_remove": ADMINS,
    "task_list": ANY_STAFF,
    "task_create": ADMINS,
    "task_detail": ANY_STAFF,
    "task_edit": ADMINS,
    "task_step": WORKERS,
    "task_commit": ADMINS,
    "task_consult": ADMINS,
    "task_reveal": ADMINS,
    "visits_pdf": ANY_STAFF,
    "visits_xlsx": ANY_STAFF,
    "visit_detail": ANY_STAFF,
}

UPLOAD_LIMITS = {"task_reveal": small_file}  # a drand round as a file (site.routes.UploadLimitMiddleware)
