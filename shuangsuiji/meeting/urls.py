from django.urls import path

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.permissions import ADMINS, OFFICE, READERS, Rule

from . import views

app_name = "meeting"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/successor/", views.member_replace, name="member_replace"),
    path("liaisons/", views.liaison_file, name="liaison_file"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<str:number>/", views.meeting_detail, name="meeting"),
    path("meetings/<str:number>/<str:action>/", views.meeting_act, name="meeting_act"),
    path("decisions/<int:pk>/", views.decision_report, name="decision_report"),
    path("reports/", views.report_list, name="reports"),
    path("reports/summary/", views.report_summary, name="report_summary"),
]

# The office records the composition; a member unit's administrator files its own liaison; leaders read.
# The summary of the units' reports is for the office and the conveners (the leader role).
OVERSIGHT = Rule(roles=frozenset({Role.OFFICE, Role.LEADER}))
# Meetings: the office records them; a unit proposes topics, signs for minutes and reports on its decisions.
PERMISSIONS = {"home": READERS, "meetings": READERS, "meeting": READERS, "meeting_act": ADMINS,
               "decision_report": ADMINS, "reports": READERS, "report_summary": OVERSIGHT, "member_add": OFFICE, "member_replace": OFFICE, "liaison_file": ADMINS}
