"""Pages of the credit-risk classes (internal): the overview, the scheme and a business's rating."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.common import jobs
from shuangsuiji.common.charts import LINE_COLOURS, bar, chart, numbered, pie
from shuangsuiji.common.errors import Refused, refuse
from shuangsuiji.common.models import Job
from shuangsuiji.common.tabular import (
    template_download,
    xlsx_attachment,
    xlsx_book,
)
from shuangsuiji.directory.models import Entity

from . import facts, importer, scoring, services
from .forms import SECTIONS, FactsImportForm, SchemeForm
from .models import Facts, Rating, Scheme

# A green to red, E dark.
CLASS_COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#dc3545", "#6f42c1"]


def _weights(rules: dict) -> list[dict]:
    weights = rules.get("weights") or {}
    return [{"label": label, "points": weights[key]["points"], "cap": weights[key].get("cap")}
            for key, (label, _kind) in scoring.FACTORS.items() if key in weights]


def overview(request):
    scheme = services.current_scheme()
    counts = dict(Rating.objects.values_list("klass").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    ranges = services.ratio_ranges(scheme)
    classes = [{"klass": k, "count": counts.get(k, 0), "share": counts.get(k, 0) * 100 / total if total else 0,
                "ratios": ranges[k]} for k in scheme.rules.get("classes", "ABCD")]
    last = Rating.objects.aggregate(at=Max("computed_at"), version=Max("version"))
    charts = numbered([pie("各类市场主体户数", {f"{c['klass']} 类": c["count"] for c in classes}, ("分类", "户数"),
                           CLASS_COLOURS[:len(classes)])]) if total else []
    labels = scoring.LABELS
    on_lists = facts.list_counts()
    lists = [{"name": services.LISTS[k], "count": on_lists[k], "ratios": r}
             for k, r in services.list_ranges(scheme).items()]
    return render(request, "credit/overview.html", {
        "scheme": scheme, "lists": lists, "weights": _weights(scheme.rules), "classes": classes, "total": total, "last": last,
        "charts": charts, "direct_labels": [labels[k] for k in scheme.rules.get("direct") or []],
        "versions": Scheme.objects.select_related("created_by")[:10], "sections": SECTIONS,
        "jobs": Job.objects.filter(kind=services.RECOMPUTE_JOB)[:5],
        "running": Job.objects.filter(kind=services.RECOMPUTE_JOB, status__in=("queued", "running")).first(),
    })


@require_POST
def recompute(request):
    running = Job.objects.filter(kind=services.RECOMPUTE_JOB, status__in=("queued", "running")).first()
    if running:
        messages.info(request, "重新分类已在进行中。")
        return redirect("common:job_detail", running.pk)
    job = jobs.start(services.RECOMPUTE_JOB, "重新计算信用风险分类", user=request.user)
    return redirect("common:job_detail", job.pk)


def scheme_edit(request):
    current = services.current_scheme()
    form = SchemeForm(request.POST or None, rules=current.rules, ratios={**services.DEFAULT_RATIOS, **current.ratios})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.save_scheme(request.user, form.rules(), form.cleaned_data["note"], form.ratios())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已生效第 {scheme.version} 版方案。重新计算后，各市场主体的分类按新方案确定。")
            return redirect("credit:overview")
    return render(request, "credit/scheme_form.html", {"form": form, "scheme": current})


def entity_rating(request, pk: int):
    """The business's class with each factor's points (loaded into its page; internal)."""
    entity = get_object_or_404(Entity, pk=pk)
    return render(request, "credit/_entity_rating.html", {"entity": entity, "explained": services.explain(entity)})


def backtest(request):
    """Does the scheme pick out risk? The problem rate of past inspections per class at the time."""
    result = services.backtest()
    rows = [r for r in result["rows"] if r["inspections"]]
    charts = numbered([bar("各类检查发现问题率（%）", [f"{r['klass']} 类" if len(r["klass"]) == 1 else r["klass"]
                                                  for r in rows],
                           {"发现问题率（%）": [round(r["rate"], 1) for r in rows]}, ("分类", "发现问题率（%）"))]) if rows else []
    return render(request, "credit/backtest.html", {**result, "charts": charts, "min_for_trend": services.MIN_FOR_TREND})


def _trend(title: str, months, rows: list[dict]) -> dict:
    """Monthly problem rates of the rising groups (at most five), one line each."""
    labels = [f"{m:%Y-%m}" for m in months]
    shown = rows[:5]
    option = {"color": [*LINE_COLOURS, "#fd7e14", "#6f42c1", "#20c997"], "tooltip": {"trigger": "axis"},
              "legend": {"top": 0}, "grid": {"left": 8, "right": 16, "bottom": 8, "top": 40, "containLabel": True},
              "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "name": "%"},
              "series": [{"name": r["group"], "type": "line", "connectNulls": True,
                          "data": [None if v is None else round(v, 1) for v in r["by_month"]]} for r in shown]}
    table = [(r["group"], *("—" if v is None else f"{v:.1f}%" for v in r["by_month"])) for r in shown]
    return chart(title, option, table, ("", *labels))


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def warnings(request):
    """Early warning: businesses whose class worsened this month; industries and towns whose problem rate rises."""
    today = timezone.localdate()
    changes = services.worsened(today)
    trends = services.rising(today)
    if request.GET.get("format") == "xlsx":
        head = ["分组", "近三个月检查", "发现问题", "发现问题率", "此前三个月检查", "发现问题", "发现问题率", "上升（百分点）"]

        def groups(rows):
            return [(r["group"], r["recent"][0], r["recent"][1], _pct(r["recent"][2]), r["before"][0], r["before"][1],
                     _pct(r["before"][2]), round(r["rise"], 1)) for r in rows]

        body = xlsx_book([
            ("本月分类变差", ["统一社会信用代码", "名称", "乡镇（街道）", "原分类", "新分类", "变更日期"],
             [(c.entity.uscc, c.entity.name, c.entity.township.name if c.entity.township else "", c.before, c.after,
               f"{c.on:%Y-%m-%d}") for c in changes.iterator()]),
            ("行业问题率上升", head, groups(trends["industry"])), ("乡镇问题率上升", head, groups(trends["town"]))])
        return xlsx_attachment(f"credit-warnings-{today:%Y-%m}.xlsx", body)
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    charts = numbered([c for c in (
        _trend("问题率上升的行业（按月）", trends["months"], trends["industry"]) if trends["industry"] else None,
        _trend("问题率上升的乡镇（按月）", trends["months"], trends["town"]) if trends["town"] else None) if c])
    return render(request, "credit/warnings.html", {
        "changes": page, "trends": trends, "charts": charts, "today": today,
        "rise_points": services.RISE_POINTS, "rise_min": services.RISE_MIN})


def facts_import(request):
    """Upload a credit-fact table or a whole list; the import runs as a background job with a progress bar."""
    form = FactsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = facts.start_import(form.cleaned_data["file"], form.cleaned_data["kind"], actor=request.user)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            return redirect("common:job_detail", job.pk)
    counts = facts.list_counts()
    return render(request, "credit/facts_import.html", {
        "form": form, "jobs": Job.objects.filter(kind=facts.IMPORT_JOB)[:10], "columns": [
            (label, importer.heading_table().synonyms[name]) for name, label in importer.LABELS.items()], "lists": [(k, v, counts[k]) for k, v in importer.LISTS.items()],
        "with_facts": Facts.objects.count(),
    })


def facts_template(request, fmt: str):
    header, example = importer.template_rows()
    return template_download(fmt, "信用信息", header, [example])
