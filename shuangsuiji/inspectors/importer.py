"""Roster import (CSV, XLSX, XLS): every row is checked first; then all rows are written in one go or none.

The file is opened by the reader every importer shares (common/spreadsheet.py: encodings, the sheet that
holds the header, merged cells, limits); the headings people write are in common/headers.toml, [inspectors].
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import match_department
from shuangsuiji.common import spreadsheet
from shuangsuiji.directory.models import Township

from .models import Category, DutyStatus, Inspector, InspectorKind
from .validation import LABELS, InspectorData, clean, compact, split_domains

FIELDS = ["name", "department", "kind", "category", "cert_no", "organisation", "domains", "status", "status_from",
          "status_until", "township", "qualification_expires", "id_number", "phone"]
TEMPLATE_COLUMNS = ["姓名", "所属部门", "人员类型", "人员类别", "执法证号", "所属机构", "可检查领域", "在岗状态",
                    "状态起始日期", "状态截止日期", "居住乡镇", "执法资格有效期至", "身份证号", "联系电话"]
DATE_FIELDS = {"status_from", "status_until", "qualification_expires"}
# A district roster has hundreds of people; far more means the wrong file. Other limits: the shared ones.
LIMITS = spreadsheet.Limits(max_rows=20_000, what="执法检查人员名单")
FileRefused = spreadsheet.FileRefused
HEADER_HINT = "须有“姓名”列"
ID_AS_NUMBER = ("身份证号被 Excel 存成了数字，末几位已经丢失：请把该列设为文本格式（或在号码前加英文单引号），"
                "重新填写后再导入")


@functools.cache
def heading_table() -> spreadsheet.Headings:
    return spreadsheet.Headings("inspectors", dict(zip(FIELDS, TEMPLATE_COLUMNS, strict=True)))


def header_columns(cells: list) -> dict[int, str]:
    return heading_table().columns(cells)


def is_header(cells: list) -> bool:
    return "name" in header_columns(cells).values()


@dataclass
class Roster:
    """The rows after the header, with the numbers the user sees, and which column holds which field."""

    header_row: int
    columns: dict[int, str]
    rows: list[tuple[int, list]]


def read_table(path: Path | str) -> Roster:
    with spreadsheet.open_table(path, is_header=is_header, header_hint=HEADER_HINT, limits=LIMITS) as table:
        return Roster(table.header_row, header_columns(table.header), list(table.numbered()))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


DATE_RES = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value: Any) -> datetime.date | None:
    """A date from a cell: Excel dates, 2026-01-31, 2026/1/31, 2026年1月31日 or 20260131."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    for pattern in DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise ValueError(f"日期“{text}”无法识别，请写成 2026-01-31 的形式")


def choice_from_text(text: str, field: str) -> str:
    """Map the words people write (“公务员”, “第三方专家”, “休假”) to stored choices."""
    t = text.strip()
    if field == "kind":
        if t in InspectorKind.values:
            return t
        if any(w in t for w in ("第三方", "专家", "机构", "购买服务")):
            return InspectorKind.THIRD_PARTY
        if "执法" in t:
            return InspectorKind.OFFICER
        raise ValueError("人员类型应为“执法检查人员”或“第三方专家/机构”")
    if field == "category":
        if t in Category.values:
            return t
        for word, value in (("公务员", Category.CIVIL_SERVANT), ("资格", Category.QUALIFIED), ("日常", Category.DAILY)):
            if word in t:
                return value
        raise ValueError("人员类别应为行政执法类公务员、具有执法资格人员或日常监管人员")
    if t in DutyStatus.values:
        return t
    for words, value in ((("在岗", "在职", "正常"), DutyStatus.ON_DUTY), (("请假", "休假", "病假", "产假"), DutyStatus.LEAVE),
                         (("调离", "调出", "离职", "退休"), DutyStatus.TRANSFERRED)):
        if any(w in t for w in words):
            return value
    raise ValueError("在岗状态应为“在岗”“请假”或“调离”")


@dataclass
class Planned:
    row: int
    data: InspectorData
    instance: Inspector | None


class Lookups:
    """Departments and towns by the names people write, read once per import."""

    def __init__(self) -> None:
        self.departments = list(Department.objects.all())
        self.towns: dict[str, Township] = {}
        for t in Township.objects.all():
            for key in (t.name, t.code, re.sub(r"(镇|街道|乡)$", "", t.name)):
                self.towns[key] = t

    def department(self, text: str) -> Department | None:
        for d in self.departments:
            if text in (d.name, d.short_name, d.code):
                return d
        return match_department(text, self.departments)

    def township(self, text: str) -> Township | None:
        return self.towns.get(text) or self.towns.get(re.sub(r"^(菏泽市)?定陶区", "", text))


def check_rows(actor, table: Roster, department: Department | None, progress=None):
    """(rows to write, errors): errors are {row, column, message}; rows are written only if errors is empty."""
    lookups = Lookups()
    planned: list[Planned] = []
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    body = table.rows
    for offset, (row_no, raw) in enumerate(body):
        cells = {field: raw[i] if i < len(raw) else None for i, field in table.columns.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        row_errors: dict[str, str] = {}
        item = _row_to_plan(actor, cells, department, lookups, row_errors)
        if item is not None:
            key = ("cert", item.data.cert_no) if item.data.cert_no else (
                "third", item.data.department.pk, item.data.organisation, item.data.name)
            if key in seen:
                field = "cert_no" if key[0] == "cert" else "name"
                row_errors[field] = f"与第{seen[key]}行重复"
            else:
                seen[key] = row_no
                item.row = row_no
                planned.append(item)
        errors.extend({"row": row_no, "column": LABELS.get(f, f), "message": m} for f, m in row_errors.items())
        if progress:
            progress(offset + 1, len(body))
    return planned, errors


def _row_to_plan(actor, cells: dict[str, Any], department: Department | None, lookups: Lookups,
                 errors: dict[str, str]) -> Planned | None:
    text = {f: cell_text(v) for f, v in cells.items()}
    dept = department
    if text.get("department"):
        named = lookups.department(text["department"])
        if named is None:
            errors["department"] = f"未找到部门“{text['department']}”"
        elif department is not None and named.pk != department.pk:
            errors["department"] = f"该行部门“{text['department']}”与导入的部门“{department.name}”不一致"
        else:
            dept = named
    elif dept is None:
        errors["department"] = "请填写所属部门"
    if dept is not None and not actor.manages(dept):
        errors["department"] = f"无权为{dept.name}导入人员"
    values: dict[str, Any] = {}
    for field in ("kind", "category", "status"):
        if text.get(field):
            try:
                values[field] = choice_from_text(text[field], field)
            except ValueError as exc:
                errors[field] = str(exc)
    for field in DATE_FIELDS:
        if text.get(field):
            try:
                values[field] = parse_date(cells[field])
            except ValueError as exc:
                errors[field] = str(exc)
    if text.get("township"):
        town = lookups.township(text["township"])
        if town is None:
            errors["township"] = f"未找到乡镇（街道）“{text['township']}”"
        values["township"] = town
    if isinstance(cells.get("id_number"), int | float):  # 18 digits do not survive as a number
        errors["id_number"] = ID_AS_NUMBER
    for field in ("name", "cert_no", "organisation", "id_number", "phone"):
        if text.get(field) and field not in errors:
            values[field] = text[field]
    if text.get("domains"):
        values["domains"] = split_domains(text["domains"])
    instance = _existing(dept, values) if dept is not None else None
    base = InspectorData.of(instance) if instance else InspectorData(name="", department=dept)
    # Blank cells keep what is on record: a roster update should not wipe phones it leaves out.
    data, problems = clean(base.with_changes(department=dept, **values), instance)
    for field, message in problems.items():
        errors.setdefault(field, message)
    if errors:
        return None
    return Planned(row=0, data=data, instance=instance)


def _existing(dept: Department, values: dict[str, Any]) -> Inspector | None:
    """The record a row updates: same certificate in the same department, or the same third party."""
    cert = compact(values.get("cert_no"))
    if cert:
        return Inspector.objects.filter(cert_no=cert, department=dept).first()
    if values.get("kind") == InspectorKind.THIRD_PARTY and values.get("organisation"):
        return Inspector.objects.filter(department=dept, kind=InspectorKind.THIRD_PARTY, name=values.get("name", ""),
                                        organisation=values["organisation"].strip()).first()
    return None


def template_csv() -> str:
    """An empty roster with the expected headers and one example row, for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(["张三", "区市场监督管理局", "执法检查人员", "行政执法类公务员", "鲁菏定1200001", "",
                     "食品销售、特种设备", "在岗", "", "", "天中街道", "2028-12-31", "", ""])
    writer.writerow(["李四", "区市场监督管理局", "第三方专家/机构", "", "", "山东某检测技术有限公司",
                     "特种设备", "在岗", "", "", "", "", "", ""])
    return "\ufeff" + out.getvalue()
