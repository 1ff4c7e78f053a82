"""Open data: plans, tasks, draws and results per year and per department, as CSV (UTF-8 with BOM, for
Excel) and JSON, at stable URLs /public/data/<dataset>/<year>/<department code|all>.<csv|json>, with the
columns documented on /public/data/ from the same table the files are written from. The item lists
keep their own files (/public/items/<code>.csv). An Atom feed announces new plans, draws and results."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.contrib.syndication.views import Feed
from django.db.models import Count, Max, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.tabular import csv_lines
from shuangsuiji.draws.models import Draw, DrawStatus
from shuangsuiji.plans.models import PlanEntry, PlanStatus
from shuangsuiji.results import public as results
from shuangsuiji.results.models import Publication

from .tasks import public_tasks

CHUNK = 2000


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _plan_rows(year: int, department: Department | None) -> Iterator[dict]:
    entries = (PlanEntry.objects.filter(plan__year=year, plan__status=PlanStatus.PUBLISHED)
               .select_related("plan", "plan__department", "lead_department")
               .prefetch_related("items", "partner_departments").order_by("plan__department__order", "order", "id"))
    if department:
        entries = entries.filter(Q(plan__department=department) | Q(lead_department=department)
                                 | Q(partner_departments=department)).distinct()
    for e in entries:
        yield {"plan": e.plan.title, "owner": e.plan.owner_name, "version": e.plan.version,
               "published_at": _moment(e.plan.published_at), "adjustment_reason": e.plan.adjustment_reason,
               "title": e.title, "kind": e.get_kind_display(), "items": "；".join(i.name for i in e.items.all()),
               "scope": e.scope_text, "ratio": e.ratio_text, "timing": e.timing, "lead": e.lead_department.name,
               "partners": "、".join(d.name for d in e.partner_departments.all())}


def _task_rows(year: int, department: Department | None) -> Iterator[dict]:
    tasks = (public_tasks().filter(year=year).select_related("department", "draw").prefetch_related("partners")
             .annotate(n_items=Count("task_items", distinct=True),
                       checked=Count("publications__entity", filter=Q(publications__corrected_at__isnull=True),
                                     distinct=True),
                       problems=Count("publications__entity", distinct=True,
                                      filter=Q(publications__corrected_at__isnull=True,
                                               publications__has_problem=True)))
             .order_by("id"))
    if department:
        tasks = tasks.filter(Q(department=department) | Q(partners=department)).distinct()
    for t in tasks:
        yield {"number": t.number, "title": t.title, "kind": t.get_kind_display(), "random": t.is_random,
               "department": t.department.name, "partners": "、".join(d.name for d in t.partners.all()),
               "starts_on": _date(t.starts_on), "ends_on": _date(t.ends_on), "status": t.get_status_display(),
               "draw": t.draw.number if t.draw and t.draw.committed_at else "", "items": t.n_items,
               "checked": t.checked, "with_problems": t.problems}


def _draw_rows(year: int, department: Department | None) -> Iterator[dict]:
    # A task's draw belongs to the task's year; a draw on its own to the year of its commitment.
    in_year = Q(task__year=year) | Q(task__isnull=True, committed_at__year=year)
    draws = (Draw.objects.public().filter(in_year).select_related("department")
             .annotate(n_drawn=Count("drawn")).order_by("committed_at", "id"))
    if department:
        draws = draws.filter(department=department)
    for d in draws:
        public = d.status in (DrawStatus.PUBLISHED, DrawStatus.VOID)
        yield {"number": d.number, "title": d.title, "department": d.department.name,
               "status": "已揭晓，待公布" if d.status == DrawStatus.REVEALED else d.get_status_display(),
               "rehearsal": d.rehearsal, "committed_at": _moment(d.committed_at),
               "commitment_sha256": d.commitment_sha256, "pool_size": d.pool_size,
               "revealed_at": _moment(d.revealed_at) if public else "", "seed": d.seed if public else "",
               "drawn": d.n_drawn if public else "", "published_at": _moment(d.published_at),
               "publish_by": _date(d.publish_by), "void_reason": d.void_reason if d.status == DrawStatus.VOID else "",
               "kit": reverse("public_draws:kit", args=[d.number])}


def _result_rows(year: int, department: Department | None) -> Iterator[dict]:
    rows = (Publication.objects.filter(task__year=year).for_display()
            .order_by("id"))
    if department:
        rows = rows.filter(department=department)
    iterator = rows.iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        for p in results.with_followups(chunk):
            yield {"uscc": p.entity.uscc, "name": p.entity.name, "department": p.department.name,
                   "kind": p.kind_label, "random": p.random, "task": p.task.number,
                   "draw": p.draw.number if p.draw and p.draw.status == DrawStatus.PUBLISHED else "",
                   "checked_on": _date(p.checked_on),
                   "items": "；".join(f"{line['item']}：{line['result']}" for line in p.lines),
                   "result": p.summary, "has_problem": p.has_problem, "followup": "；".join(p.followups),
                   "published_at": _moment(p.published_at), "version": p.version,
                   "corrected_at": _moment(p.corrected_at), "correction_reason": p.correction_reason}


@dataclass(frozen=True)
class Dataset:
    title: str
    rows: Callable[[int, Department | None], Iterator[dict]]
    columns: tuple[tuple[str, str, str], ...]  # (key, 列名, 说明)


DATASETS = {
    "plans": Dataset("年度抽查计划（已公布版本的每个批次）", _plan_rows, (
        ("plan", "计划", "计划标题"), ("owner", "编制单位", "部门，或区联席会议（联合抽查计划）"),
        ("version", "版本", "调整后版本号加一"), ("published_at", "公布时间", "ISO 8601，北京时间"),
        ("adjustment_reason", "调整理由", "第 2 版起"), ("title", "批次", "批次或任务名称"),
        ("kind", "类型", "部门内部双随机抽查、综合联查、风险分类联查、专项整治联查、定向检查"),
        ("items", "抽查事项", "以“；”分隔"), ("scope", "抽查范围", ""), ("ratio", "抽查比例或户数", ""),
        ("timing", "实施时间", ""), ("lead", "发起部门", ""), ("partners", "配合部门", "以“、”分隔"))),
    "tasks": Dataset("抽查任务", _task_rows, (
        ("number", "任务编号", ""), ("title", "任务名称", ""), ("kind", "类型", ""),
        ("random", "随机抽取", "true：双随机；false：定向（非随机）检查"), ("department", "发起部门", ""),
        ("partners", "配合部门", ""), ("starts_on", "开始日期", ""), ("ends_on", "结束日期", ""),
        ("status", "状态", ""), ("draw", "抽取编号", "承诺发布后填写"), ("items", "事项数", ""),
        ("checked", "已公开结果户数", "现行版本"), ("with_problems", "发现问题户数", "现行版本"))),
    "draws": Dataset("随机抽取", _draw_rows, (
        ("number", "抽取编号", ""), ("title", "名称", ""), ("department", "组织部门", ""), ("status", "状态", ""),
        ("rehearsal", "演练", "true：演练，不产生检查"), ("committed_at", "承诺时间", ""),
        ("commitment_sha256", "承诺摘要", "SHA-256"), ("pool_size", "抽取池户数", ""),
        ("revealed_at", "揭晓时间", "公布后填写"), ("seed", "种子", "公布后填写"), ("drawn", "中选户数", "公布后填写"),
        ("published_at", "公布时间", ""), ("publish_by", "公布期限", ""), ("void_reason", "作废理由", ""),
        ("kit", "校验包", "相对地址"))),
    "results": Dataset("检查结果（含已更正的原版本）", _result_rows, (
        ("uscc", "统一社会信用代码", ""), ("name", "名称", ""), ("department", "检查实施机关", ""),
        ("kind", "检查类型", ""), ("random", "随机抽取", "true：双随机抽查；false：定向检查"),
        ("task", "任务编号", ""), ("draw", "抽取编号", "随机抽查且抽取已公布时填写"), ("checked_on", "检查日期", ""),
        ("items", "检查事项及结果", "“事项：结果”，以“；”分隔"), ("result", "检查结果", "标准检查结果用语"),
        ("has_problem", "发现问题", ""), ("followup", "后续处置", "处置方式及状态"),
        ("published_at", "公开时间", ""), ("version", "版本", "更正后的结果为新版本"),
        ("corrected_at", "已更正时间", "空：现行版本"), ("correction_reason", "更正理由", ""))),
}


def index(request):
    years = sorted(set(public_tasks().values_list("year", flat=True))
                   | {timezone.localdate().year}, reverse=True)
    return render(request, "portal/data.html", {"datasets": DATASETS, "years": years,
                                                "departments": Department.objects.members()})


def data_file(request, dataset: str, year: int, code: str, fmt: str):
    spec = DATASETS.get(dataset)
    if spec is None or fmt not in ("csv", "json") or not 2000 <= year <= 2100:
        raise Http404("没有这个数据集。")
    department = None
    if code != "all":
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise Http404("没有这个部门。")
    rows = spec.rows(year, department)
    keys = [c[0] for c in spec.columns]
    name = f"{dataset}-{year}-{code}.{fmt}"
    if fmt == "csv":
        body = csv_lines([c[1] for c in spec.columns], ([row[k] for k in keys] for row in rows))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json_lines(dataset, spec, year, code, rows),
                                         content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _json_lines(dataset: str, spec: Dataset, year: int, code: str, rows: Iterator[dict]) -> Iterator[str]:
    head = {"dataset": dataset, "title": spec.title, "year": year, "department": code,
            "generated_at": _moment(timezone.now()),
            "columns": [{"key": k, "label": label, "note": note} for k, label, note in spec.columns]}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


class AnnouncementFeed(Feed):
    """New announcements: plans published, draws committed and published, results made public (per task
    and day)."""

    feed_type = Atom1Feed
    title = "“双随机、一公开”公示动态"
    subtitle = "年度抽查计划、随机抽取承诺与结果、检查结果公开"
    limit = 60

    def link(self):
        return reverse("portal:home")

    def items(self):
        out = []
        from shuangsuiji.plans.models import AnnualPlan

        for plan in AnnualPlan.objects.filter(published_at__isnull=False).order_by("-published_at")[:self.limit]:
            out.append({"title": f"计划公布：{plan.title}（第{plan.version}版）", "at": plan.published_at,
                        "link": reverse("public_plans:index") + f"?year={plan.year}", "id": f"plan-{plan.pk}",
                        "text": plan.adjustment_reason or plan.owner_name})
        for d in Draw.objects.public().order_by("-committed_at")[:self.limit]:
            link = reverse("public_draws:detail", args=[d.number])
            out.append({"title": f"抽取承诺：{d.number} {d.title}", "at": d.committed_at, "link": link,
                        "id": f"draw-commit-{d.pk}", "text": f"承诺摘要 {d.commitment_sha256}"})
            if d.published_at:
                out.append({"title": f"抽取结果公布：{d.number} {d.title}", "at": d.published_at, "link": link,
                            "id": f"draw-publish-{d.pk}", "text": f"种子 {d.seed}"})
        batches = (Publication.objects.public().values("task__number", "task__title", "published_at__date")
                   .annotate(n=Count("id"), at=Max("published_at")).order_by("-at")[:self.limit])
        for b in batches:
            out.append({"title": f"检查结果公开：{b['task__number']} {b['task__title']}（{b['n']} 份）",
                        "at": b["at"], "link": reverse("portal:task", args=[b["task__number"]]),
                        "id": f"results-{b['task__number']}-{b['published_at__date']}",
                        "text": f"{b['n']} 份部门检查结果"})
        return sorted(out, key=lambda e: e["at"], reverse=True)[:self.limit]

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return item["text"]

    def item_link(self, item):
        return item["link"] + "#" + item["id"]

    def item_guid(self, item):
        return f"tag:shuangsuiji,{item['at']:%Y-%m-%d}:{item['id']}"

    def item_pubdate(self, item):
        return item["at"]

    def item_updateddate(self, item):
        return item["at"]
