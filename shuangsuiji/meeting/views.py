"""Pages of the joint meeting (internal): its composition with dated history, and the changes to it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.errors import Refused, refuse

from . import services
from .forms import LiaisonForm, MemberForm, SuccessorForm
from .models import ROLE_ORDER, Liaison, Member


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
