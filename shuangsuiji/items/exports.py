"""Open-data files of published item lists (CSV for Excel, JSON), with a narrow public field set."""

from __future__ import annotations

from collections.abc import Iterable

from shuangsuiji.common.tabular import csv_lines

from .models import InspectionItem, ItemList, ListStatus

CSV_COLUMNS = ["清单", "清单类型", "编制部门", "实施层级", "版本", "公布日期", "事项编码", "序号", "抽查类别/领域",
               "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "检查依据", "抽查比例上限（%）",
               "发起部门", "配合部门"]


def published_lists(department_code: str | None = None) -> list[ItemList]:
    """Current published versions: all of them, one department's ("joint" for the joint lists)."""
    lists = ItemList.objects.filter(status=ListStatus.PUBLISHED).select_related("department", "published_by")
    if department_code == "joint":
        lists = lists.filter(department__isnull=True)
    elif department_code:
        lists = lists.filter(department__code=department_code)
    return list(lists.order_by("kind", "department__order", "level"))


def _items(lst: ItemList) -> Iterable[InspectionItem]:
    return lst.items.order_by("id")


def _ratio(item: InspectionItem) -> str:
    return "" if item.ratio_cap is None else f"{item.ratio_cap.normalize():f}"


def item_record(lst: ItemList, item: InspectionItem) -> dict:
    """The public fields of one item (no internal notes, no row numbers, no source-unit text)."""
    return {
        "code": item.code,
        "seq": item.seq,
        "category": item.category,
        "name": item.name,
        "object_type": item.object_type,
        "item_class": "" if lst.is_joint else item.get_item_class_display(),
        "methods": item.methods,
        "body": item.body,
        "basis": item.basis,
        "ratio_cap": _ratio(item) if not lst.is_joint else "",
        "lead": item.lead_text,
        "partners": item.partner_text,
    }


def list_record(lst: ItemList) -> dict:
    return {
        "title": lst.title,
        "kind": lst.get_kind_display(),
        "department": {"code": lst.department.code, "name": lst.department.name} if lst.department else None,
        "level": lst.get_level_display(),
        "version": lst.version,
        "published_at": lst.published_at.isoformat() if lst.published_at else None,
        "items": [item_record(lst, item) for item in _items(lst)],
    }


def to_json(lists: list[ItemList]) -> dict:
    return {"lists": [list_record(lst) for lst in lists]}


def to_csv(lists: list[ItemList]) -> str:
    """UTF-8 with BOM so that Excel opens it with the right encoding."""
    def rows():
        for lst in lists:
            head = [lst.title, lst.get_kind_display(), lst.owner_name, lst.get_level_display(), lst.version,
                    lst.published_at.date().isoformat() if lst.published_at else ""]
            for item in _items(lst):
                rec = item_record(lst, item)
                yield head + [rec["code"], rec["seq"], rec["category"], rec["name"], rec["object_type"],
                              rec["item_class"], rec["methods"], rec["body"], rec["basis"], rec["ratio_cap"],
                              rec["lead"], rec["partners"]]
    return "".join(csv_lines(CSV_COLUMNS, rows()))
