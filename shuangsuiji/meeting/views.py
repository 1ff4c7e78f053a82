"""Pages of the joint meeting (internal): its composition with dated history, and the changes to it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.errors import Refused, refuse
from shuangsuiji.common.pdf import PdfError
from shuangsuiji.common.tabular import xlsx_attachment

from . import reports, services
from .forms import (
    HeldForm,
    LiaisonForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    ProgressForm,
    ReportForm,
    SuccessorForm,
    TopicForm,
)
from .models import ROLE_ORDER, Decision, Half, Liaison, Meeting, MeetingStatus, Member


def _home(request, **bound):
    user = request.user
    members = sorted(Member.objects.current().select_related("department"),
                     key=lambda m: (ROLE_ORDER[m.role], m.order, m.pk))
    liaisons = {li.department_id: li for li in Liaison.objects.current().select_related("department")}
    units = Department.objects.members()
    own = user.department if user.department_id and user.manages(user.department) and not user.is_office else None
    forms = {"liaison": bound.get("liaison") or LiaisonForm(for_office=user.is_office)} if (own or user.is_office) else {}
    if user.is_office:
        forms["member"] = bound.get("member") or MemberForm()
    return render(request, "meeting/home.html", {
        "members": members, "units": [(u, liaisons.get(u.pk)) for u in units], "own": own, "forms": forms,
        "office_host": units.filter(hosts_office=True).first(), "successor": bound.get("successor"),
        "successor_of": bound.get("successor_of"), "successor_form": SuccessorForm(),
        "member_history": Member.objects.history().select_related("department", "successor").order_by("-ends_on"),
        "liaison_history": Liaison.objects.history().select_related("department").order_by("-ends_on")[:50]})


def home(request):
    return _home(request)


@require_POST
def member_add(request):
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.add_member(request.user, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已增补{member.get_role_display()} {member.person}。")
            return redirect("meeting:home")
    return _home(request, member=form)


@require_POST
def member_replace(request, pk: int):
    member = Member.objects.current().filter(pk=pk).first()
    if member is None:
        raise Http404
    form = SuccessorForm(request.POST)
    if form.is_valid():
        try:
            successor = services.replace_member(request.user, member, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已登记：{successor.person} 继任{member.get_role_display()}，"
                                      f"{member.person} 的任期截至 {member.ends_on or successor.starts_on:%Y-%m-%d} 前一日。")
            return redirect("meeting:home")
    return _home(request, successor=form, successor_of=member.pk)


@require_POST
def liaison_file(request):
    user = request.user
    form = LiaisonForm(request.POST, for_office=user.is_office)
    if form.is_valid():
        data = dict(form.cleaned_data)
        department = data.pop("department", None) or user.department
        try:
            liaison = services.file_liaison(user, department, **data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已备案：{liaison.department.short_name}联络员 {liaison.person}。")
            return redirect("meeting:home")
    return _home(request, liaison=form)


# --- Meetings --------------------------------------------------------------------------------------------------

def meeting_list(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(request.user, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已登记会议 {meeting.number}：请各成员单位提出议题。")
            return redirect("meeting:meeting", meeting.number)
    today = timezone.localdate()
    decisions = Decision.objects.select_related("meeting", "owner")
    if not request.user.sees_all_departments:
        decisions = decisions.filter(owner=request.user.department_id)
    return render(request, "meeting/meeting_list.html", {
        "meetings": Meeting.objects.select_related("convener").annotate(
            unsigned=Count("receipts", filter=Q(receipts__signed_at__isnull=True))),
        "form": form if request.user.is_office else None, "today": today,
        "decisions": decisions.filter(closed_at__isnull=True)})


def _meeting_page(request, meeting: Meeting, **bound):
    user = request.user
    forms = {}
    if meeting.status == MeetingStatus.PLANNED and user.is_admin:
        forms["topic"] = TopicForm()
    if user.is_office and meeting.status == MeetingStatus.PLANNED:
        forms["held"] = HeldForm(initial={"attended": list(Department.objects.members().values_list("pk", flat=True))})
    if user.is_office and meeting.status == MeetingStatus.HELD:
        forms["minutes"] = MinutesForm()
    forms.update(bound)
    receipts = list(meeting.receipts.select_related("department", "signed_by"))
    own = next((r for r in receipts if r.department_id == user.department_id), None)
    return render(request, "meeting/meeting_detail.html", {
        "meeting": meeting, "forms": forms, "topics": meeting.topics.select_related("proposed_by"),
        "receipts": receipts, "own_receipt": own if own and user.manages(own.department) else None,
        "decisions": meeting.decisions.select_related("owner"), "today": timezone.localdate(),
        "attended": meeting.attended.all(), "invited": meeting.invited.all(), "progress_form": ProgressForm()})


def _get(number: str) -> Meeting:
    meeting = Meeting.objects.select_related("convener").filter(number=number).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_detail(request, number: str):
    return _meeting_page(request, _get(number))


@require_POST
def meeting_act(request, number: str, action: str):
    """The steps of a meeting from its page: a topic proposed or decided, held, minutes issued, signed for."""
    meeting, user, post = _get(number), request.user, request.POST
    forms = {"topic": TopicForm, "held": HeldForm, "minutes": MinutesForm}
    form = forms[action](post) if action in forms else None
    try:
        if form is not None and not form.is_valid():
            return _meeting_page(request, meeting, **{action: form})
        if action == "topic":
            services.propose_topic(user, meeting, **form.cleaned_data)
        elif action == "held":
            services.record_held(user, meeting, list(form.cleaned_data["attended"]))
        elif action == "minutes":
            services.issue_minutes(user, meeting, **form.cleaned_data)
        elif action in ("approve", "decline"):
            topic = meeting.topics.filter(pk=post.get("topic") or 0).first()
            if topic is None:
                raise Http404
            services.decide_topic(user, topic, approve=action == "approve")
        elif action == "sign":
            services.sign(user, meeting)
        else:
            raise Http404
    except Refused as exc:
        if form is None:
            refuse(request, exc)
            return redirect("meeting:meeting", meeting.number)
        refuse(request, exc, form)
        return _meeting_page(request, meeting, **{action: form})
    messages.success(request, "已登记。")
    return redirect("meeting:meeting", meeting.number)


@require_POST
def decision_report(request, pk: int):
    decision = Decision.objects.select_related("meeting").filter(pk=pk).first()
    if decision is None:
        raise Http404
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.report_decision(request.user, decision, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, "已登记落实情况。")
    else:
        messages.error(request, "请填写落实情况。")
    return redirect("meeting:meeting", decision.meeting.number)


# --- June and December work reports -----------------------------------------------------------------------------

def _half(request) -> tuple[int, int]:
    year, half = reports.current_half(timezone.localdate())
    try:
        year = int(request.GET.get("year", year))
        half = int(request.GET.get("half", half))
    except ValueError:
        raise Http404 from None
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise Http404
    return year, half


def _draft(unit, year: int, half: int) -> list[tuple[str, int]]:
    """The platform's figures the unit's report will carry, shown before it is sent."""
    figures = reports.figures(unit, year, half)
    return [(label, figures[key]) for key, label in reports.FIGURES.items()]


def report_list(request):
    """The office sees every unit's report for the half-year and who is late; a unit files its own."""
    user, today = request.user, timezone.localdate()
    year, half = _half(request)
    own = user.department if user.department_id and user.is_admin and not user.is_office else None
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.submit(user, own, year, half, form.cleaned_data["text"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "已报送联席会议办公室。")
            return redirect(f"{request.path}?year={year}&half={half}")
    rows = reports.status(year, half, today)
    if not user.sees_all_departments:
        rows = [r for r in rows if r["department"].pk == user.department_id]
    mine = next((r for r in rows if own and r["department"].pk == own.pk), None)
    return render(request, "meeting/reports.html", {
        "year": year, "half": half, "half_label": Half(half).label, "due": reports.due_on(year, half),
        "rows": rows, "states": reports.STATES, "own": own, "mine": mine, "form": form,
        "draft": _draft(own, year, half) if mine and not mine["report"] else None,
        "labels": reports.FIGURES, "halves": [(y, h, f"{y}年{Half(h).label}") for y in (year - 1, year, year + 1)
                                             for h in (1, 2)]})


def report_summary(request):
    """The office's summary for the conveners: a page, a PDF with Chinese text, an Excel workbook."""
    today = timezone.localdate()
    year, half = _half(request)
    fmt = request.GET.get("format")
    if fmt == "pdf":
        try:
            body = reports.summary_pdf(year, half, today)
        except PdfError as exc:
            messages.error(request, str(exc))
            return redirect("meeting:report_summary")
        return HttpResponse(body, content_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="work-reports-{year}-h{half}.pdf"'})
    if fmt == "xlsx":
        return xlsx_attachment(f"work-reports-{year}-h{half}.xlsx", reports.summary_xlsx(year, half, today))
    rows = reports.summary_rows(year, half, today)
    totals = reports.totals(rows)
    for row in rows:
        row["values"] = [row["figures"].get(key, 0) for key in reports.FIGURES]
        row["state_label"] = reports.STATES[row["state"]]
    return render(request, "meeting/report_summary.html", {
        "year": year, "half": half, "half_label": Half(half).label, "rows": rows, "due": reports.due_on(year, half),
        "labels": list(reports.FIGURES.values()), "totals": [totals[key] for key in reports.FIGURES]})
