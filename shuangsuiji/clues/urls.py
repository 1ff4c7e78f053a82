from django.urls import path

from shuangsuiji.accounts.permissions import ADMINS, READERS

from . import views

app_name = "clues"
urlpatterns = [
    path("", views.clue_list, name="list"),
    path("new/", views.clue_new, name="new"),
    path("<str:number>/", views.clue_detail, name="detail"),
    path("<str:number>/triage/", views.clue_triage, name="triage"),
]

# Clues are internal: the office and department administrators register and triage them, the leader reads;
# a department reads only the clues it received or is responsible for (Clue.objects.visible_to).
PERMISSIONS = {"list": READERS, "new": ADMINS, "detail": READERS, "triage": ADMINS}
