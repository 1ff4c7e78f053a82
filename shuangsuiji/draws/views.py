from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, form_errors, refuse

from . import recusals, services
from .forms import (
    CommitForm,
    DecisionForm,
    DrawForm,
    LotteryKindForm,
    RecusalForm,
    ReplacementForm,
    RevealForm,
    VoidForm,
)
from .models import Draw, DrawnEntity, DrawStatus, LotteryKind, Recusal, TeamMember


def visible_draws(user):
    """The draws the user may read (``Draw.objects.visible_to``), without the large JSON a list never shows."""
    return Draw.objects.visible_to(user).select_related("department").defer(
        "result", "manifest", "matching_basis", "matching", "matching_people", "matching_townships")


def draw_list(request):
    draws = visible_draws(request.user)
    overdue = draws.overdue(timezone.localdate())
    if request.GET.get("overdue"):
        draws = overdue
    page = Paginator(draws, 30).get_page(request.GET.get("page"))
    services.mark_overdue(page.object_list)
    return render(request, "draws/draw_list.html", {"page": page, "overdue_count": overdue.count(),
                                                    "only_overdue": bool(request.GET.get("overdue"))})


def draw_create(request):
    user = request.user
    department = user.department
    if user.is_office and request.GET.get("department"):
        department = get_object_or_404(Department, code=request.GET["department"])
    if department is None:
        raise Http404
    form = DrawForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.prepare(user, department, **form.service_kwargs())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"抽取 {draw.number} 已创建。请核对抽取池后发布承诺。")
            return redirect("draws:draw_detail", number=draw.number)
    return render(request, "draws/draw_form.html", {"form": form, "department": department})


def draw_detail(request, number: str):
    draw = get_object_or_404(Draw.objects.filter(pk__in=visible_draws(request.user).values("pk")), number=number)
    context = {"draw": draw, "can_act": request.user.can_act_for(draw.department)}
    if draw.status == DrawStatus.PREPARED:
        try:
            context["preview"], context["matching_preview"] = services.preview(draw)
        except Refused as exc:
            context["preview_error"] = str(exc)
        context["commit_form"] = CommitForm(allow_rehearsal=True)
    elif draw.status == DrawStatus.COMMITTED:
        context["reveal_form"] = RevealForm(declared=draw.commitment["sources"])
    if draw.status != DrawStatus.VOID:
        context["void_form"] = VoidForm()
    context["drawn"] = DrawnEntity.objects.filter(draw=draw).select_related("entity")
    context["internal_strata"] = draw.strata_map
    members = TeamMember.objects.filter(draw=draw).select_related("entity", "department", "inspector")
    if not request.user.sees_all_departments:
        # A department sees its own teams at once; another department's teams only for shared targets.
        members = members.filter(entity__in=members.filter(department_id=request.user.department_id).values("entity"))
    context["members"] = members.order_by("entity__uscc", "department__order", "-active", "id")
    context["recusals"] = Recusal.objects.filter(member__in=context["members"]).select_related(
        "member__inspector", "member__entity", "member__department", "replacement")
    context["recusal_form"], context["decision_form"] = RecusalForm(), DecisionForm()
    context["four_eyes"] = settings.SSJ_FOUR_EYES
    context["replacement_form"] = ReplacementForm()
    return render(request, "draws/draw_detail.html", context)


def _step(request, number: str, action):
    draw = get_object_or_404(visible_draws(request.user), number=number)
    try:
        result = action(draw)
    except Refused as exc:
        refuse(request, exc)
        return None, draw
    return result, draw


@require_POST
def draw_commit(request, number: str):
    form = CommitForm(request.POST, allow_rehearsal=True)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("draws:draw_detail", number=number)
    draw = get_object_or_404(visible_draws(request.user), number=number)
    if _large(draw):
        return _background(request, draw, "draws.commit", "发布承诺", {"sources": form.cleaned_data["sources"],
                                                                     "rehearsal": form.cleaned_data["rehearsal"]})
    done, _ = _step(request, number, lambda d: services.commit(request.user, d, form.cleaned_data["sources"],
                                                               rehearsal=form.cleaned_data["rehearsal"]))
    if done:
        messages.success(request, "承诺已发布：抽取池和规则已冻结，随机源揭晓后即可揭晓结果。")
    return redirect("draws:draw_detail", number=number)


@require_POST
def draw_reveal(request, number: str):
    draw = get_object_or_404(visible_draws(request.user), number=number)
    if draw.status != DrawStatus.COMMITTED:
        messages.error(request, f"抽取 {draw.number} 当前状态为“{draw.get_status_display()}”，不能揭晓。")
        return redirect("draws:draw_detail", number=number)
    form = RevealForm(request.POST, request.FILES, declared=draw.commitment["sources"])
    if not form.is_valid():
        form_errors(request, form)
        return redirect("draws:draw_detail", number=number)
    if _large(draw):
        return _background(request, draw, "draws.reveal", "揭晓", {"revealed": form.cleaned_data["revealed"]})
    done, _ = _step(request, number, lambda d: services.reveal(request.user, d, form.cleaned_data["revealed"]))
    if done:
        messages.success(request, f"随机源验证通过，抽取结果已确定（种子 {done.seed[:16]}…），不可更改。")
    return redirect("draws:draw_detail", number=number)


def _large(draw) -> bool:
    from .scope import ScopeError, scope_queryset
    from .tasks import BACKGROUND_POOL

    try:
        size = draw.pool_size or scope_queryset(draw.scope).count()
    except ScopeError:
        return False  # the service reports the scope problem in the user's words
    return size > BACKGROUND_POOL


def _background(request, draw, kind: str, label: str, params: dict):
    """Hand a large step to the worker; the job page shows progress and links back to the draw."""
    from shuangsuiji.common import jobs

    if not request.user.can_act_for(draw.department):
        raise Forbidden("只有组织抽取的部门（或联席会议办公室）可以操作此抽取。")
    job = jobs.start(kind, f"抽取 {draw.number}：{label}", user=request.user, department=draw.department,
                     params={"draw": draw.pk, "actor": request.user.pk, **params})
    return redirect("common:job_detail", pk=job.pk)


@require_POST
def draw_publish(request, number: str):
    done, _ = _step(request, number, lambda d: services.publish(request.user, d))
    if done:
        messages.success(request, "抽取结果和校验包已在公示门户公布。")
    return redirect("draws:draw_detail", number=number)


@require_POST
def draw_void(request, number: str):
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "作废必须写明理由（至少 5 个字），理由将向社会公开。")
        return redirect("draws:draw_detail", number=number)
    done, _ = _step(request, number, lambda d: services.void(request.user, d, form.cleaned_data["reason"]))
    if done:
        messages.success(request, "抽取已作废，作废理由已公开。")
    return redirect("draws:draw_detail", number=number)


@require_POST
def draw_redraw(request, number: str):
    done, _ = _step(request, number, lambda d: services.redraw(request.user, d))
    if done:
        messages.success(request, f"已创建重新抽取 {done.number}，与作废的 {number} 相互关联并公开。")
        return redirect("draws:draw_detail", number=done.number)
    return redirect("draws:draw_detail", number=number)


@require_POST
def recusal_request(request, number: str, member: int):
    draw = get_object_or_404(visible_draws(request.user), number=number)
    target = get_object_or_404(TeamMember, pk=member, draw=draw)
    form = RecusalForm(request.POST)
    if form.is_valid():
        done, _ = _step(request, number, lambda d: recusals.request_recusal(
            request.user, target, applicant=form.cleaned_data["applicant"], reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"]))
        if done:
            messages.success(request, "回避申请已登记，待部门负责人决定；检查不因申请而停止。")
    else:
        messages.error(request, "请选择申请方并写明理由。")
    return redirect("draws:draw_detail", number=number)


@require_POST
def recusal_decide(request, number: str, pk: int):
    recusal = get_object_or_404(Recusal, pk=pk, member__draw__number=number)
    form = DecisionForm(request.POST)
    if form.is_valid():
        done, _ = _step(request, number, lambda d: recusals.decide_recusal(
            request.user, recusal, approve=form.cleaned_data["approve"] == "1", reason=form.cleaned_data["reason"]))
        if done and done.source:
            messages.success(request, f"已同意回避，该人员已退出检查组；替换人员将由 drand 第 "
                                      f"{done.source['declaration']['round']} 轮随机数抽取，该轮产生后请在此登记。")
        elif done:
            messages.success(request, "已决定不予回避。")
    else:
        messages.error(request, "请选择决定并写明理由。")
    return redirect("draws:draw_detail", number=number)


@require_POST
def recusal_complete(request, number: str, pk: int):
    recusal = get_object_or_404(Recusal, pk=pk, member__draw__number=number)
    form = ReplacementForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("draws:draw_detail", number=number)
    done, _ = _step(request, number, lambda d: recusals.complete_recusal(request.user, recusal,
                                                                         form.cleaned_data["revealed"]))
    if done:
        messages.success(request, f"随机源验证通过，替换人员为 {done.replacement.name}（{done.replacement.cert_no}）。")
    return redirect("draws:draw_detail", number=number)


def department_kit(request, number: str):
    """The organising departments' kit, with the teams (the public kit leaves them out until inspected)."""
    draw = get_object_or_404(visible_draws(request.user), number=number)
    if not draw.seed:
        raise Http404
    try:
        data = services.kit_zip(draw, include_matching=True)
    except Refused as exc:
        refuse(request, exc)
        return redirect("draws:draw_detail", number=number)
    if draw.blinded:  # it carries the strata (the internal credit classes): every download is on record
        audit.record(request.user, "draw.auditor_kit", draw, department=request.user.department,
                     summary=f"下载含分层的审计校验包 {draw.number}")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.number}-kit-internal.zip"'
    return response


def lottery_kinds(request):
    return render(request, "draws/lottery_kinds.html", {"kinds": LotteryKind.objects.all()})


def lottery_kind_edit(request, pk: int | None = None):
    kind = get_object_or_404(LotteryKind, pk=pk) if pk else LotteryKind()
    form = LotteryKindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "shape": form.cleaned_data["shape_text"], "ranges": form.cleaned_data["ranges_text"]}
        try:  # the form has written into ``kind``; the service starts from the stored row for its audit
            kind = services.save_lottery_kind(request.user, LotteryKind.objects.get(pk=pk) if pk else LotteryKind(),
                                              data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已保存「{kind.name}」的开奖时间表；已发布的承诺不受影响。")
            return redirect("draws:lottery_kinds")
    return render(request, "draws/lottery_kind_form.html", {"form": form, "kind": kind})
