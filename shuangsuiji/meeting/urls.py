from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, OFFICE, READERS

from . import views

app_name = "meeting"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/successor/", views.member_replace, name="member_replace"),
    path("liaisons/", views.liaison_file, name="liaison_file"),
]

# The office records the composition; a member unit's administrator files its own liaison; leaders read.
PERMISSIONS = {"home": READERS, "member_add": OFFICE, "member_replace": OFFICE, "liaison_file": ADMINS}
