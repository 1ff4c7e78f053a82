from django.urls import path

from shuangsuiji.accounts.permissions import OFFICE

from . import views

app_name = "push"
urlpatterns = [
    path("", views.status, name="status"),
    path("retry/", views.retry, name="retry_all"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("exports/<str:day>/<str:department>.xlsx", views.export, name="export"),
]

# The push is the office's: it watches the outbox, retries, and uploads export files where needed.
PERMISSIONS = {"status": OFFICE, "retry_all": OFFICE, "retry": OFFICE, "export": OFFICE}
