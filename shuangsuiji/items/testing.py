"""Small builders for item-list tests: files in the formats governments use, lists and items."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from .models import InspectionItem, ItemClass, ItemList, Level, ListKind, ListStatus, item_code

DATA_DIR = Path(settings.SSJ_DATA_DIR)
SAMPLES_DIR = DATA_DIR / "samples"
RANDOM_CSV = DATA_DIR / "hainan_random_check_items_2020.csv"
JOINT_CSV = DATA_DIR / "hainan_joint_check_items_v2.csv"
RANDOM_HEADER = ["编制单位", "序号", "抽查类别", "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "检查依据"]
JOINT_HEADER = ["序号", "抽查领域", "抽查事项", "检查对象", "发起部门", "配合部门"]


def random_row(unit="省市场监管局", seq="1", category="登记事项检查", name="营业执照规范使用情况的检查",
               object_type="企业", item_class="一般检查事项", methods="现场检查", body="县级以上市场监管部门",
               basis="《企业法人登记管理条例》") -> list[str]:
    return [unit, seq, category, name, object_type, item_class, methods, body, basis]


def write_csv(path: Path, rows: list[list], header: list[str] | None = RANDOM_HEADER, *, encoding="utf-8",
              title: str | None = None) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        if title:
            writer.writerow([title])
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], header: list[str] | None = RANDOM_HEADER, *, title: str | None = None,
               merges: tuple[str, ...] = ()) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    if header:
        ws.append(header)
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list], header: list[str] | None = RANDOM_HEADER, *, title: str | None = None,
              merges: tuple[tuple[int, int, int, int], ...] = ()) -> Path:
    """``merges`` are (first row, last row, first col, last col), 0-based inclusive, with their top value."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    lines = ([[title]] if title else []) + ([header] if header else []) + rows
    covered = set()
    for r1, r2, c1, c2 in merges:
        sheet.write_merge(r1, r2, c1, c2, lines[r1][c1])
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            if (r, c) not in covered:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def make_list(department=None, *, kind=ListKind.RANDOM, level=Level.PROVINCE, status=ListStatus.DRAFT,
              items: int = 3, version: int | None = None, actor=None) -> ItemList:
    """A list version with ``items`` simple items (no import involved)."""
    if version is None:
        version = (ItemList.objects.filter(kind=kind, department=department, level=level)
                   .order_by("-version").values_list("version", flat=True).first() or 0) + 1
    lst = ItemList.objects.create(kind=kind, department=department, level=level, version=version,
                                  title=f"测试清单{version}", status=status, created_by=actor)
    for n in range(1, items + 1):
        make_item(lst, name=f"事项{n}", seq=str(n))
    return lst


def make_item(item_list: ItemList, **overrides) -> InspectionItem:
    fields = {"category": "登记事项检查", "name": "营业执照规范使用情况的检查", "object_type": "企业",
              "item_class": ItemClass.GENERAL, "methods": "现场检查", "body": "县级以上市场监管部门",
              "basis": "《企业法人登记管理条例》", "department": item_list.department, **overrides}
    fields.setdefault("code", item_code(item_list.owner_key, fields["category"], fields["name"],
                                        fields["object_type"]))
    return InspectionItem.objects.create(item_list=item_list, **fields)
