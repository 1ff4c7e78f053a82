"""Pages of the clue register (internal): the list with overdue clues, intake, and a clue with its triage."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.common.errors import Refused, refuse

from . import services
from .forms import ClueForm, TriageForm
from .models import Clue, Source, Status


def clue_list(request):
    today = timezone.localdate()
    clues = Clue.objects.visible_to(request.user).select_related("entity", "received_by", "department")
    state = request.GET.get("state", "")
    if state == "overdue":
        clues = clues.overdue(today)
    elif state in Status.values:
        clues = clues.filter(status=state)
    source = request.GET.get("source", "")
    if source in Source.values:
        clues = clues.filter(source=source)
    page = Paginator(clues, 50).get_page(request.GET.get("page"))
    return render(request, "clues/clue_list.html", {
        "page": page, "state": state, "source": source, "today": today, "states": Status.choices,
        "sources": Source.choices, "overdue": Clue.objects.visible_to(request.user).overdue(today).count(),
        "can_receive": request.user.is_office or request.user.is_admin})


def clue_new(request):
    form = ClueForm(request.POST or None)

    def check():
        d = form.cleaned_data
        services.check(source=d.get("source", ""), received_on=d.get("received_on"), content=d.get("content", ""),
                       uscc=d.get("uscc", ""))

    if request.method == "POST" and form.is_valid_with(check):
        d = form.cleaned_data
        try:
            clue = services.receive(request.user, source=d["source"], received_on=d["received_on"],
                                    content=d["content"], uscc=d["uscc"], entity_name=d["entity_name"],
                                    township=d["township"], industry=d["industry"], items=d["items"],
                                    complainant=d["complainant"], complainant_phone=d["complainant_phone"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已登记线索 {clue.number}，请在 {clue.due_on:%Y-%m-%d} 前分办。")
            return redirect("clues:detail", clue.number)
    return render(request, "clues/clue_form.html", {"form": form})


def _visible(request, number: str) -> Clue:
    clue = (Clue.objects.visible_to(request.user).select_related("entity", "township", "industry", "received_by",
                                                                 "department", "merged_into", "created_by")
            .filter(number=number).first())
    if clue is None:
        raise Http404
    return clue


def _detail(request, clue: Clue, form: TriageForm | None):
    user = request.user
    return render(request, "clues/clue_detail.html", {
        "clue": clue, "today": timezone.localdate(), "items": clue.items.select_related("department"),
        "form": form, "merged": clue.merged.order_by("number"),
        # Complainants' data stay inside the receiving department.
        "sees_complainant": user.department_id == clue.received_by_id and not user.is_leader})


def clue_detail(request, number: str):
    clue = _visible(request, number)
    user = request.user
    may_triage = clue.status == Status.NEW and (user.is_office or user.manages(clue.received_by))
    return _detail(request, clue, TriageForm() if may_triage else None)


@require_POST
def clue_triage(request, number: str):
    clue = _visible(request, number)
    form = TriageForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["action"] == "assign":
                services.assign(request.user, clue, d["department"], d["note"])
            elif d["action"] == "merge":
                services.merge(request.user, clue, d["into"], d["note"])
            else:
                services.reject(request.user, clue, d["note"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            clue.refresh_from_db()
            messages.success(request, f"线索 {clue.number}：{clue.get_status_display()}。")
            return redirect("clues:detail", clue.number)
    return _detail(request, clue, form)
