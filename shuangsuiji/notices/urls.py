from django.urls import path

from shuangsuiji.accounts.permissions import ANY_STAFF

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read-all/", views.notice_read_all, name="read_all"),
]

PERMISSIONS = {"list": ANY_STAFF, "read": ANY_STAFF, "read_all": ANY_STAFF}
