from django.urls import path

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.permissions import ADMINS, OFFICE, READERS, Rule

from . import views

app_name = "clues"
urlpatterns = [
    path("", views.clue_list, name="list"),
    path("new/", views.clue_new, name="new"),
    path("import/", views.clue_import, name="import"),
    path("dashboard/", views.clue_dashboard, name="dashboard"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("<str:number>/", views.clue_detail, name="detail"),
    path("<str:number>/triage/", views.clue_triage, name="triage"),
    path("<str:number>/check/", views.clue_check, name="check"),
    path("<str:number>/case/", views.clue_case, name="case"),
    path("<str:number>/close/", views.clue_close, name="close"),
    path("<str:number>/case/close/", views.case_close, name="case_close"),
]

# Clues are internal: the office and department administrators register and triage them, the leader reads;
# a department reads only the clues it received or is responsible for (Clue.objects.visible_to).
# 专项整治联查 proposals span departments: the office decides, the leader reads.
OVERSIGHT = Rule(roles=frozenset({Role.OFFICE, Role.LEADER}))
PERMISSIONS = {"proposals": OVERSIGHT, "proposal": OVERSIGHT, "proposal_accept": OFFICE, "proposal_dismiss": OFFICE,
               "list": READERS, "dashboard": READERS, "new": ADMINS, "import": ADMINS, "import_template": ADMINS, "detail": READERS, "triage": ADMINS, "check": ADMINS, "case": ADMINS,
               "close": ADMINS, "case_close": ADMINS}
