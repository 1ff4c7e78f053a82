"""/public/plans/: kept under its own namespace (public_plans) so its addresses stay stable."""

from django.urls import path

from shuangsuiji.accounts.permissions import PUBLIC

from . import plans

app_name = "public_plans"
urlpatterns = [
    path("", plans.index, name="index"),
    path("export/<int:year>.xlsx", plans.export, name="export"),
]

PERMISSIONS = {p.name: PUBLIC for p in urlpatterns}
