"""Every write to item lists: import, publish, new version, edits in drafts — atomic and audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import match_department
from shuangsuiji.common import audit, jobs, uploads
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.notices import services as notices

from . import importer
from .models import InspectionItem, ItemClass, ItemList, Level, ListKind, ListStatus, item_code

Progress = Callable[..., None]
REPORT_ERROR_LIMIT = 1000


class ItemsError(Refused):
    """Wrong input for a list or item, in Chinese; ``errors`` maps form fields to their problem (who acts and
    from which state are refused with the common ``Forbidden`` and ``WrongState``)."""


# ------------------------------------------------------------------------------------------ permissions


def _require_manage(user, department: Department | None) -> None:
    if user.manages(department):
        return
    if department is None:
        raise Forbidden("部门联合抽查事项清单及跨部门导入由联席会议办公室管理。")
    if user.is_admin:
        raise Forbidden(f"只能管理本部门的清单，不能操作{department.name}的清单。")
    raise Forbidden("您的角色只能查看清单，不能修改。")


def _require_draft(item_list: ItemList) -> None:
    if not item_list.is_editable:
        raise WrongState(f"{item_list}已{item_list.get_status_display()}，不能修改。"
                         "如需调整，请先“基于此版本新建草稿”，在草稿中修改后再公布。")


# ----------------------------------------------------------------------------------------------- import


@dataclass
class ImportOutcome:
    """What an import did (or would have done): counts, the new drafts, skipped rows and errors."""

    ok: bool
    message: str
    rows_read: int = 0
    lists: list[ItemList] = field(default_factory=list)
    imported: int = 0
    skipped: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)  # rows folded into the item above them
    file_type: str = ""
    sheet: str = ""  # the worksheet the list was read from ("" for CSV)
    published: bool = False
    submitted: bool = False  # sent to the office for approval instead of published

    def report(self) -> dict:
        """The job report: the shared job page shows ``errors``, ``skipped`` and ``link``."""
        data: dict = {
            "rows_read": self.rows_read,
            "imported": self.imported,
            "file_type": self.file_type,
            "sheet": self.sheet,
            "units": self.units,
            "skipped": self.skipped,
            "merged": self.merged,
            "lists": [{"id": lst.pk, "title": str(lst), "items": lst.items.count()} for lst in self.lists],
        }
        if self.errors:
            data["errors"] = self.errors[:REPORT_ERROR_LIMIT]
            data["error_count"] = len(self.errors)
            data["errors_truncated"] = len(self.errors) > REPORT_ERROR_LIMIT
        if len(self.lists) == 1:
            data["link"] = reverse("items:list_detail", args=[self.lists[0].pk])
            data["link_label"] = "查看导入的清单"
        elif self.lists:
            data["link"] = reverse("items:list_index") + "?status=" + ListStatus.DRAFT
            data["link_label"] = "查看导入生成的草稿"
        return data


def _check_options(kind: str, level: str) -> None:
    if kind not in ListKind.values:
        raise ItemsError(f"清单类型“{kind}”无效，应为：{'、'.join(ListKind.labels)}。")
    if level not in Level.values:
        raise ItemsError(f"实施层级“{level}”无效，应为：{'、'.join(Level.labels)}。")


def _require_import_scope(actor, kind: str, department: Department | None) -> None:
    if kind == ListKind.JOINT and department is not None:
        raise ItemsError("部门联合抽查事项清单属于联席会议办公室，不能代某个部门导入。")
    _require_manage(actor, department)


def import_file(path: Path | str, *, kind: str, level: str, actor, department: Department | None = None,
                publish: bool = False, note: str = "") -> ImportOutcome:
    """Import a list file synchronously (no job), e.g. for the demo seed; optionally publish the drafts."""
    return run_import(path, kind=kind, level=level, actor=actor, department=department, note=note,
                      filename=Path(path).name, publish=publish)


def run_import(path: Path | str, *, kind: str, level: str, actor, department: Department | None = None,
               note: str = "", filename: str = "", publish: bool = False,
               progress: Progress | None = None) -> ImportOutcome:
    """Read, check and attribute every row; write new drafts only if no row is invalid."""
    _check_options(kind, level)
    _require_import_scope(actor, kind, department)
    try:
        table = importer.read_table(path)
    except importer.FileRefused as exc:
        return ImportOutcome(False, exc.message, errors=[importer.issue(None, "文件", exc.message)])
    parsed = importer.parse(table, kind)
    departments = list(Department.objects.all())
    result = importer.attribute(parsed, scope=department, departments=departments)
    outcome = ImportOutcome(False, "", rows_read=result.rows_read, skipped=result.skipped, errors=result.errors,
                            units=result.units, merged=result.merged, file_type=table.file_type,
                            sheet=table.sheet)
    # Progress is written outside the write transaction, where the job page can see it: checking is
    # the first half of the bar, writing the second.
    if progress:
        progress(result.rows_read, 2 * result.rows_read, force=True)
    if result.errors:
        outcome.message = (f"{_where(outcome)}有 {len(result.errors)} 处错误，未导入任何事项。"
                           "请按错误明细逐行修改后重新导入。")
        return outcome
    if not result.item_count:
        scope_name = department.name if department else "本区成员单位"
        outcome.message = f"没有可导入的事项：共读取 {result.rows_read} 行，均不属于{scope_name}，已全部跳过。"
        return outcome
    with transaction.atomic():
        for dept_pk, rows in result.groups.items():
            dept = result.departments.get(dept_pk) if dept_pk is not None else None
            lst = _create_list(kind, dept, level, actor, note=note, filename=filename)
            _create_items(lst, [_item_from_row(lst, row) for row in rows], rows, actor,
                          reason=f"导入 {filename}"[:100])
            audit.record(actor, "items.import", lst, after={"items": len(rows), "source": filename},
                         summary=f"从 {filename} 导入 {len(rows)} 条事项，生成草稿第{lst.version}版")
            outcome.lists.append(lst)
        if publish:  # a change to a department's published list goes to the office instead (§二(二))
            for lst in outcome.lists:
                if needs_approval(actor, lst):
                    submit_list(lst, actor=actor)
                    outcome.submitted = True
                else:
                    publish_list(lst, actor=actor)
            outcome.published = not outcome.submitted
    if progress:
        progress(2 * result.rows_read, force=True)
    outcome.ok = True
    outcome.imported = result.item_count
    outcome.message = _success_message(outcome)
    return outcome


def _where(outcome: ImportOutcome, csv: str = "文件中") -> str:
    return f"工作表“{outcome.sheet}”" if outcome.sheet else csv


def _success_message(outcome: ImportOutcome) -> str:
    state = ("并已公布" if outcome.published else "，修改已公布清单的版本已报送联席会议办公室审核" if outcome.submitted
             else "（草稿，公布后生效）")
    folded = f"{len(outcome.merged)} 行是上一事项的续行，已并入；" if outcome.merged else ""
    lines = [f"读取{_where(outcome, '')} {outcome.rows_read} 行：导入 {outcome.imported} 条事项，生成 {len(outcome.lists)} 个新版本{state}；"
             f"{folded}跳过 {len(outcome.skipped)} 行。"]
    if outcome.units:
        lines.append("各单位情况：")
        for unit in outcome.units:
            target = f" → {unit['department']}" if unit["department"] else ""
            parts = []
            if unit["imported"]:
                parts.append(f"导入 {unit['imported']} 条")
            if unit["skipped"]:
                parts.append(f"跳过 {unit['skipped']} 条（{unit['reason']}）")
            lines.append(f"· {unit['unit']}{target}：{'，'.join(parts) or '无有效行'}")
    return "\n".join(lines)


def _locked(queryset):
    """Rows locked for the rest of the transaction; no ordering, so no outer join on the department."""
    return queryset.select_for_update(of=("self",)).order_by("pk")


def _next_version(kind: str, department: Department | None, level: str) -> int:
    existing = _locked(ItemList.objects.filter(kind=kind, department=department, level=level))
    return max(existing.values_list("version", flat=True), default=0) + 1


def list_title(kind: str, department: Department | None, level: str) -> str:
    """The title of a list: owner department, kind and level."""
    owner = department.name if department else ""
    return f"{owner}{ListKind(kind).label}（{Level(level).label}）"


def _create_list(kind: str, department: Department | None, level: str, actor, *, note: str = "",
                 filename: str = "") -> ItemList:
    return ItemList.objects.create(
        kind=kind, department=department, level=level, version=_next_version(kind, department, level),
        title=list_title(kind, department, level), note=note[:500], source_filename=filename[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _item_from_row(lst: ItemList, row: importer.ParsedRow) -> InspectionItem:
    v = row.values
    return InspectionItem(
        item_list=lst, seq=v.get("seq", ""), category=v["category"], name=v["name"],
        object_type=v["object_type"], item_class=row.item_class or ItemClass.GENERAL,
        methods=v.get("methods", ""), body=v.get("body", ""), basis=v.get("basis", ""), ratio_cap=row.ratio_cap,
        department=lst.department or row.lead, source_unit=v.get("unit", ""),
        lead_department=row.lead, lead_text=v.get("lead", ""), partner_text=v.get("partners", ""),
        row_number=row.row,
    )


def _assign_codes(lst: ItemList, items: list[InspectionItem], taken: set[str] | None = None) -> None:
    """Codes from content; a repeated (category, item, object) gets its occurrence number."""
    taken = set(taken or ())
    for item in items:
        if item.code:
            taken.add(item.code)
            continue
        occurrence = 1
        while True:
            code = item_code(lst.owner_key, item.category, item.name, item.object_type, occurrence)
            if code not in taken:
                break
            occurrence += 1
        item.code = code
        taken.add(code)


def _create_items(lst: ItemList, items: list[InspectionItem], rows: list[importer.ParsedRow] | None, actor,
                  *, reason: str, links: list[dict] | None = None) -> list[InspectionItem]:
    """Bulk-create items with their history rows and their department links (co-leads, partners)."""
    _assign_codes(lst, items)
    user = actor if getattr(actor, "pk", None) else None
    created = bulk_create_with_history(items, InspectionItem, default_user=user, default_change_reason=reason)
    if rows is not None:
        links = [{"co_leads": r.co_leads, "partners": r.partners} for r in rows]
    co_through = InspectionItem.co_lead_departments.through
    partner_through = InspectionItem.partner_departments.through
    co, partners = [], []
    for item, link in zip(created, links or [], strict=False):
        co += [co_through(inspectionitem_id=item.pk, department_id=d.pk) for d in link["co_leads"]]
        partners += [partner_through(inspectionitem_id=item.pk, department_id=d.pk) for d in link["partners"]]
    co_through.objects.bulk_create(co)
    partner_through.objects.bulk_create(partners)
    return created


def start_import(upload, *, kind: str, level: str, actor, department: Department | None = None,
                 note: str = ""):
    """Check and store an uploaded list file, then import it as a background job; returns the job."""
    _check_options(kind, level)
    _require_import_scope(actor, kind, department)
    relative, _type = uploads.store_upload(upload, "items/imports", limit=importer.max_file_bytes())
    name = Path(upload.name or "upload").name[:200]
    return jobs.start(
        "items.import", f"导入抽查事项清单：{name}", user=actor, department=department,
        params={"path": str(relative), "filename": name, "kind": kind, "level": level, "note": note[:500],
                "department_id": department.pk if department else None},
    )


# ------------------------------------------------------------------------------------------ versions


def needs_approval(actor, item_list: ItemList) -> bool:
    """A department changing a list it has already published needs the office's approval (§二(二)); the first
    version, and the office's own joint list, are published directly."""
    if actor.is_office or item_list.department_id is None or item_list.status == ListStatus.SUBMITTED:
        return False
    return ItemList.objects.same_key(item_list).filter(status__in=(ListStatus.PUBLISHED,
                                                                   ListStatus.SUPERSEDED)).exists()


def _publishable(lst: ItemList) -> ItemList | None:
    """The version in force that ``lst`` would replace; refuses an empty list or an older draft."""
    if not lst.items.exists():
        raise WrongState(f"{lst}没有任何事项，不能公布。")
    current = _locked(ItemList.objects.same_key(lst).filter(status=ListStatus.PUBLISHED)).first()
    if current is not None and current.version > lst.version:
        raise WrongState(f"已公布的第{current.version}版比该草稿（第{lst.version}版）更新，不能用旧草稿替代新版本。")
    return current


@transaction.atomic
def publish_list(item_list: ItemList, *, actor) -> ItemList:
    """Draft → published (a department's change to a published list: submitted → published by the office);
    the version in force until now becomes superseded."""
    _require_manage(actor, item_list.department)
    lst = _locked(ItemList.objects.filter(pk=item_list.pk)).get()
    if lst.status == ListStatus.SUBMITTED and not actor.is_office:
        raise WrongState(f"{lst}已报送联席会议办公室审核，由办公室审核通过后公布。")
    if lst.status not in (ListStatus.DRAFT, ListStatus.SUBMITTED):
        raise WrongState(f"{lst}已{lst.get_status_display()}，只有草稿可以公布。")
    if needs_approval(actor, lst):
        raise WrongState(f"修改已公布的清单须报联席会议办公室审核（不得擅自增加或缩减抽查事项）：请将{lst}报送审核。")
    current = _publishable(lst)
    before = lst.status
    if current is not None:
        current.status = ListStatus.SUPERSEDED
        current.save(update_fields=["status"])
    lst.status = ListStatus.PUBLISHED
    lst.published_by = actor
    lst.published_at = timezone.now()
    lst.save(update_fields=["status", "published_by", "published_at"])
    audit.record(actor, "items.publish", lst, before={"status": before},
                 after={"status": ListStatus.PUBLISHED, "superseded": current.version if current else None},
                 summary=f"公布{lst}" + (f"，第{current.version}版同时失效" if current else ""))
    if before == ListStatus.SUBMITTED:
        notices.tell(lst.department, f"{lst}已审核通过并公布", "联席会议办公室审核通过了对已公布清单的修改。",
                     url="items:list_detail", args=[lst.pk])
    item_list.refresh_from_db()
    return lst


@transaction.atomic
def submit_list(item_list: ItemList, *, actor) -> ItemList:
    """A department sends its change to a published list to the office, which sees the difference."""
    _require_manage(actor, item_list.department)
    lst = _locked(ItemList.objects.filter(pk=item_list.pk)).get()
    if lst.status != ListStatus.DRAFT:
        raise WrongState(f"{lst}已{lst.get_status_display()}，只有草稿可以报送审核。")
    if not needs_approval(actor, lst):
        raise WrongState(f"{lst}不需要联席会议办公室审核，可直接公布。")
    _publishable(lst)
    lst.status, lst.submitted_by, lst.submitted_at, lst.review_comment = (ListStatus.SUBMITTED, actor,
                                                                         timezone.now(), "")
    lst.save(update_fields=["status", "submitted_by", "submitted_at", "review_comment"])
    audit.record(actor, "items.submit", lst, before={"status": ListStatus.DRAFT},
                 after={"status": ListStatus.SUBMITTED}, summary=f"报送审核{lst}")
    notices.tell_office(f"{lst.department.name}报送了清单修改待审核", f"{lst}：请核对与现行版本的差异后审核公布或退回。",
                        url="items:list_publish", args=[lst.pk])
    item_list.refresh_from_db()
    return lst


@transaction.atomic
def return_list(item_list: ItemList, *, actor, comment: str) -> ItemList:
    """The office returns a submitted change to its department, with a comment; it is a draft again."""
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室审核清单修改。")
    comment = (comment or "").strip()
    if not comment:
        raise ItemsError("退回须写明修改意见。")
    lst = _locked(ItemList.objects.filter(pk=item_list.pk)).get()
    if lst.status != ListStatus.SUBMITTED:
        raise WrongState(f"{lst}当前为“{lst.get_status_display()}”，只有待审核的清单可以退回。")
    lst.status, lst.review_comment = ListStatus.DRAFT, comment[:500]
    lst.save(update_fields=["status", "review_comment"])
    audit.record(actor, "items.return", lst, before={"status": ListStatus.SUBMITTED},
                 after={"status": ListStatus.DRAFT, "comment": lst.review_comment}, summary=f"退回{lst}")
    notices.tell(lst.department, f"{lst}被退回修改", f"联席会议办公室意见：{lst.review_comment}",
                 url="items:list_detail", args=[lst.pk])
    item_list.refresh_from_db()
    return lst


@transaction.atomic
def new_version_from(item_list: ItemList, *, actor, note: str = "") -> ItemList:
    """Copy a published (or earlier) version into a new draft for editing."""
    _require_manage(actor, item_list.department)
    if item_list.status == ListStatus.DRAFT:
        raise WrongState(f"{item_list}本身就是草稿，可直接编辑。")
    draft = ItemList.objects.same_key(item_list).filter(status=ListStatus.DRAFT).order_by("-version").first()
    if draft is not None:
        raise WrongState(f"已有草稿第{draft.version}版，请在该草稿中继续编辑，或先删除它。")
    lst = _create_list(item_list.kind, item_list.department, item_list.level, actor,
                       note=note or f"基于第{item_list.version}版修订", filename=item_list.source_filename)
    sources = list(item_list.items.prefetch_related("co_lead_departments", "partner_departments"))
    copies, links = [], []
    for src in sources:
        copy = InspectionItem(**{f: getattr(src, f) for f in COPY_FIELDS}, item_list=lst)
        copies.append(copy)
        links.append({"co_leads": list(src.co_lead_departments.all()),
                      "partners": list(src.partner_departments.all())})
    _create_items(lst, copies, None, actor, reason=f"复制自第{item_list.version}版", links=links)
    audit.record(actor, "items.new_version", lst, after={"from_version": item_list.version, "items": len(copies)},
                 summary=f"基于第{item_list.version}版新建草稿第{lst.version}版（{len(copies)} 条事项）")
    return lst


COPY_FIELDS = ("code", "seq", "category", "name", "object_type", "item_class", "methods", "body", "basis",
               "ratio_cap", "department_id", "source_unit", "lead_department_id", "lead_text", "partner_text",
               "row_number")


@transaction.atomic
def delete_draft(item_list: ItemList, *, actor) -> None:
    """Discard a draft version (published and superseded versions are kept forever)."""
    _require_manage(actor, item_list.department)
    _require_draft(item_list)
    count = item_list.items.count()
    audit.record(actor, "items.delete_draft", item_list, before={"version": item_list.version, "items": count},
                 summary=f"删除草稿{item_list}（{count} 条事项）")
    for item in item_list.items.all():
        item._history_user = actor
        item._change_reason = "删除草稿"
        item.delete()
    item_list.delete()


# --------------------------------------------------------------------------------------- item edits

EDITABLE_FIELDS = ("seq", "category", "name", "object_type", "item_class", "methods", "body", "basis",
                   "ratio_cap", "lead_text", "partner_text")
REQUIRED_FIELDS = {"category": "抽查类别/领域", "name": "抽查事项", "object_type": "检查对象"}


def _clean_fields(item_list: ItemList, data: dict) -> dict:
    """Trim and check item fields the way the importer does; raises ItemsError with per-field problems."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ItemsError(f"不能修改这些字段：{'、'.join(sorted(unknown))}。")
    clean: dict = {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        if key == "ratio_cap":
            clean[key] = value
        elif key in ("name", "basis"):
            clean[key] = importer.clean_cell(value or "")
        else:
            clean[key] = importer.single_line(importer.clean_cell(value or ""))
    for key, label in REQUIRED_FIELDS.items():
        if key in clean and not clean[key]:
            errors[key] = f"“{label}”不能为空。"
    if "item_class" in clean and clean["item_class"] not in ItemClass.values:
        parsed = importer.parse_class(clean["item_class"])
        if parsed is None:
            errors["item_class"] = "事项类别应为“重点检查事项”或“一般检查事项”。"
        else:
            clean["item_class"] = parsed
    for key in clean:
        field_obj = InspectionItem._meta.get_field(key)
        limit = getattr(field_obj, "max_length", None) or importer.MAX_CELL_CHARS
        if isinstance(clean[key], str) and len(clean[key]) > limit:
            errors[key] = f"“{field_obj.verbose_name}”不能超过 {limit} 字。"
    if "ratio_cap" in clean:
        try:
            clean["ratio_cap"] = _clean_ratio(clean["ratio_cap"])
        except ItemsError as exc:
            errors["ratio_cap"] = exc.message
    if item_list.is_joint and "lead_text" in clean and not clean["lead_text"]:
        errors["lead_text"] = "联合抽查事项必须有发起部门。"
    if errors:
        raise ItemsError("；".join(errors.values()), errors)
    return clean


def _clean_ratio(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cap = Decimal(str(value).strip().rstrip("%％"))
    except InvalidOperation as exc:
        raise ItemsError(f"抽查比例上限“{value}”不是数字。") from exc
    if not Decimal(0) < cap <= Decimal(100):
        raise ItemsError("抽查比例上限应大于 0 且不超过 100（%）。")
    return cap.quantize(Decimal("0.01"))


def _check_item_rules(item: InspectionItem) -> None:
    if item.item_class == ItemClass.KEY and item.ratio_cap is not None:
        raise ItemsError("重点检查事项不设抽查比例上限，只有一般检查事项可以设置。",
                         {"ratio_cap": "重点检查事项不设抽查比例上限。"})


def _apply_joint_links(item: InspectionItem) -> tuple[list[Department], list[Department]] | None:
    """Re-map the lead and partner texts of a joint item to departments."""
    if not item.item_list.is_joint:
        return None
    departments = list(Department.objects.all())
    leads = [d for d in (match_department(p, departments) for p in importer.split_units(item.lead_text)) if d]
    leads = list(dict.fromkeys(leads))
    if not leads:
        raise ItemsError(f"发起部门“{item.lead_text}”不是本区成员单位。",
                         {"lead_text": f"发起部门“{item.lead_text}”不是本区成员单位。"})
    partners = [d for d in (match_department(p, departments) for p in importer.split_units(item.partner_text)) if d]
    item.lead_department = item.department = leads[0]
    return leads[1:], [d for d in dict.fromkeys(partners) if d not in leads]


@transaction.atomic
def add_item(item_list: ItemList, *, actor, **fields) -> InspectionItem:
    """Add an item to a draft."""
    _require_manage(actor, item_list.department)
    _require_draft(item_list)
    data = _clean_fields(item_list, fields)
    missing = [label for key, label in REQUIRED_FIELDS.items() if not data.get(key)]
    if missing:
        raise ItemsError(f"请填写：{'、'.join(missing)}。", {k: "必填。" for k in REQUIRED_FIELDS if not data.get(k)})
    item = InspectionItem(item_list=item_list, department=item_list.department, **data)
    _check_item_rules(item)
    links = _apply_joint_links(item)
    _assign_codes(item_list, [item], set(item_list.items.values_list("code", flat=True)))
    item._history_user = actor
    item._change_reason = "新增事项"
    item.save()
    if links:
        item.co_lead_departments.set(links[0])
        item.partner_departments.set(links[1])
    audit.record(actor, "items.add_item", item, after=audit.snapshot(item, list(EDITABLE_FIELDS)),
                 department=item_list.department, summary=f"在{item_list}中新增事项“{item.name[:60]}”")
    return item


@transaction.atomic
def update_item(item: InspectionItem, *, actor, **fields) -> InspectionItem:
    """Change an item of a draft; its code stays, so the diff shows it as changed."""
    item_list = item.item_list
    _require_manage(actor, item_list.department)
    _require_draft(item_list)
    data = _clean_fields(item_list, fields)
    before = audit.snapshot(item, list(EDITABLE_FIELDS))
    for key, value in data.items():
        setattr(item, key, value)
    _check_item_rules(item)
    links = _apply_joint_links(item) if {"lead_text", "partner_text"} & set(data) else None
    item._history_user = actor
    item._change_reason = "编辑事项"
    item.save()
    if links:
        item.co_lead_departments.set(links[0])
        item.partner_departments.set(links[1])
    after = audit.snapshot(item, list(EDITABLE_FIELDS))
    changed = {k for k in after if after[k] != before.get(k)}
    audit.record(actor, "items.update_item", item, before={k: before[k] for k in changed},
                 after={k: after[k] for k in changed}, department=item_list.department,
                 summary=f"修改{item_list}中的事项“{item.name[:60]}”")
    return item


@transaction.atomic
def delete_item(item: InspectionItem, *, actor) -> None:
    """Remove an item from a draft."""
    item_list = item.item_list
    _require_manage(actor, item_list.department)
    _require_draft(item_list)
    audit.record(actor, "items.delete_item", item, before=audit.snapshot(item, list(EDITABLE_FIELDS)),
                 department=item_list.department, summary=f"从{item_list}中删除事项“{item.name[:60]}”")
    item._history_user = actor
    item._change_reason = "删除事项"
    item.delete()


@transaction.atomic
def set_ratio_caps(item_list: ItemList, *, actor, cap, only_blank: bool = False) -> int:
    """Set the sampling-ratio cap of every general item of a draft (key items never have one)."""
    _require_manage(actor, item_list.department)
    _require_draft(item_list)
    value = _clean_ratio(cap)
    items = item_list.items.filter(item_class=ItemClass.GENERAL)
    if only_blank:
        items = items.filter(ratio_cap__isnull=True)
    count = 0
    for item in items:
        if item.ratio_cap == value:
            continue
        item.ratio_cap = value
        item._history_user = actor
        item._change_reason = "批量设置抽查比例上限"
        item.save(update_fields=["ratio_cap"])
        count += 1
    audit.record(actor, "items.set_ratio_caps", item_list, after={"ratio_cap": str(value) if value else None,
                                                                  "items": count},
                 summary=f"为{item_list}的 {count} 条一般检查事项设置抽查比例上限 {value if value else '（清除）'}%")
    return count


# ----------------------------------------------------------------------------------------------- diff

DIFF_FIELDS = ("category", "name", "object_type", "item_class", "methods", "body", "basis", "ratio_cap",
               "lead_text", "partner_text")


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class ChangedItem:
    old: InspectionItem
    new: InspectionItem
    changes: list[FieldChange]


@dataclass
class VersionDiff:
    """Items added, removed and changed (matched by code) from ``old`` to ``new``."""

    old: ItemList
    new: ItemList
    added: list[InspectionItem]
    removed: list[InspectionItem]
    changed: list[ChangedItem]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict:
        def brief(item):
            return {"code": item.code, "category": item.category, "name": item.name, "object_type": item.object_type}

        return {
            "old": {"id": self.old.pk, "version": self.old.version},
            "new": {"id": self.new.pk, "version": self.new.version},
            "added": [brief(i) for i in self.added],
            "removed": [brief(i) for i in self.removed],
            "changed": [{**brief(c.new), "changes": [{"field": f.field, "label": f.label, "old": f.old, "new": f.new}
                                                     for f in c.changes]} for c in self.changed],
        }


def _display(item: InspectionItem, key: str) -> str:
    if key == "item_class":
        return item.get_item_class_display()
    value = getattr(item, key)
    return "" if value is None else str(value)


def diff_versions(old: ItemList, new: ItemList) -> VersionDiff:
    """Compare two versions of the same list item by item."""
    if (old.kind, old.department_id, old.level) != (new.kind, new.department_id, new.level):
        raise ItemsError("只能比较同一清单的不同版本。")
    old_items = {i.code: i for i in old.items.all()}
    new_items = {i.code: i for i in new.items.all()}
    changed = []
    for code, item in new_items.items():
        before = old_items.get(code)
        if before is None:
            continue
        changes = [FieldChange(k, str(InspectionItem._meta.get_field(k).verbose_name), _display(before, k),
                               _display(item, k)) for k in DIFF_FIELDS if _display(before, k) != _display(item, k)]
        if changes:
            changed.append(ChangedItem(before, item, changes))
    return VersionDiff(
        old, new,
        added=[i for c, i in new_items.items() if c not in old_items],
        removed=[i for c, i in old_items.items() if c not in new_items],
        changed=changed,
    )
