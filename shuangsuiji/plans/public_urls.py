from django.urls import path

from shuangsuiji.common.permissions import PUBLIC

from . import views

app_name = "public_plans"
urlpatterns = [
    path("", views.public_plans, name="index"),
    path("export/<int:year>.xlsx", views.plan_export, name="export"),
]

PERMISSIONS = {"index": PUBLIC, "export": PUBLIC}
