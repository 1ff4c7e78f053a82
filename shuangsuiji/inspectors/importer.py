"""Roster import (CSV, XLSX, XLS): every row is checked first; then all rows are written in one go or none."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import match_department
from shuangsuiji.directory.models import Township

from .models import Category, DutyStatus, Inspector, InspectorKind, can_manage
from .validation import LABELS, InspectorData, clean, compact, split_domains

# Header as people write it (after dropping spaces, "*" and bracketed notes) → field.
HEADERS = {
    "姓名": "name", "名称": "name", "专家姓名": "name",
    "所属部门": "department", "部门": "department", "单位": "department",
    "人员类型": "kind", "类型": "kind",
    "人员类别": "category", "类别": "category",
    "执法证号": "cert_no", "执法证件号": "cert_no", "执法证编号": "cert_no", "证号": "cert_no",
    "所属机构": "organisation", "所在机构": "organisation", "第三方机构": "organisation", "机构名称": "organisation",
    "可检查领域": "domains", "检查领域": "domains", "执法领域": "domains", "抽查领域": "domains",
    "在岗状态": "status", "状态": "status",
    "状态起始日期": "status_from", "起始日期": "status_from",
    "状态截止日期": "status_until", "截止日期": "status_until",
    "居住乡镇": "township", "居住乡镇街道": "township", "乡镇": "township",
    "执法资格有效期至": "qualification_expires", "执法资格有效期": "qualification_expires", "有效期至": "qualification_expires",
    "身份证号": "id_number", "身份证号码": "id_number",
    "联系电话": "phone", "电话": "phone", "手机": "phone", "手机号": "phone",
}
TEMPLATE_COLUMNS = ["姓名", "所属部门", "人员类型", "人员类别", "执法证号", "所属机构", "可检查领域", "在岗状态",
                    "状态起始日期", "状态截止日期", "居住乡镇", "执法资格有效期至", "身份证号", "联系电话"]
DATE_FIELDS = {"status_from", "status_until", "qualification_expires"}
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20_000  # a district roster has hundreds of people; far more means the wrong file
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: refuse one that inflates past this
XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def sniff(head: bytes) -> str | None:
    """The file type by content: 'xlsx', 'xls', 'csv' or None."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "csv"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a multi-byte character cut at the end of the sample
                return "csv"
    return None


def save_upload(upload) -> tuple[Path, str]:
    """Store an uploaded roster under MEDIA_ROOT with a generated name; refuse big or foreign files first."""
    if upload.size > settings.SSJ_MAX_UPLOAD_BYTES:
        limit = settings.SSJ_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(f"文件过大：上限为 {limit} MB。")
    head = upload.read(4096)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError("无法识别的文件：请上传 CSV 或 Excel（.xlsx、.xls）格式的人员名单。")
    folder = Path(settings.MEDIA_ROOT) / "inspectors"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{kind}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    if kind == "xlsx" and not _is_workbook(path):
        path.unlink()
        raise ValidationError("该文件不是有效的 Excel 工作簿（.xlsx），或解压后过大。")
    return path, kind


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            return "xl/workbook.xml" in zf.namelist() and unpacked <= MAX_UNPACKED_BYTES
    except zipfile.BadZipFile:
        return False


def read_table(path: Path, kind: str) -> list[list[Any]]:
    """All rows of the first sheet (or the CSV) as lists of cell values."""
    rows = _read_rows(path, kind)
    if len(rows) > MAX_ROWS:
        raise ImportRefused(f"文件超过 {MAX_ROWS} 行，不像执法检查人员名单，已拒绝导入。")
    return rows


def _read_rows(path: Path, kind: str) -> list[list[Any]]:
    try:
        if kind == "csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ImportRefused("CSV 文件编码无法识别：请另存为 UTF-8 或 GBK 编码。")
            return list(itertools.islice(csv.reader(io.StringIO(text)), MAX_ROWS + 1))
        if kind == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = wb.worksheets[0].iter_rows(values_only=True)
                return [list(row) for row in itertools.islice(rows, MAX_ROWS + 1)]
            finally:
                wb.close()
        if kind == "xls":
            import xlrd

            book = xlrd.open_workbook(str(path))
            sheet = book.sheet_by_index(0)
            return [[_xls_value(cell, book.datemode) for cell in sheet.row(r)]
                    for r in range(min(sheet.nrows, MAX_ROWS + 1))]
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused("文件无法读取，可能已损坏或不是人员名单表格。") from exc
    raise ImportRefused("无法识别的文件类型。")


def _xls_value(cell, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    return cell.value


def header_key(text: Any) -> str:
    cleaned = unicodedata.normalize("NFKC", str(text or ""))
    cleaned = re.sub(r"\(.*?\)|（.*?）|[\s*＊:：]", "", cleaned)
    return cleaned


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


def plan(actor, table: list[list[Any]], department: Department | None, progress=None):
    """(rows to write, errors): errors are {row, column, message}; rows are written only if errors is empty."""
    header_at, columns = _find_header(table)
    lookups = Lookups()
    planned: list[Planned] = []
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    body = table[header_at + 1:]
    for offset, raw in enumerate(body):
        row_no = header_at + 2 + offset
        cells = {field: raw[i] if i < len(raw) else None for i, field in columns.items()}
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


def _find_header(table: list[list[Any]]) -> tuple[int, dict[int, str]]:
    for at, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns: dict[int, str] = {}
        for i, cell in enumerate(row):
            field = HEADERS.get(header_key(cell))
            if field and field not in columns.values():
                columns[i] = field
        if "name" in columns.values():
            return at, columns
    raise ImportRefused(f"未找到表头：前{HEADER_SEARCH_ROWS}行中没有“姓名”列。请使用导入模板。")


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
    if dept is not None and not can_manage(actor, dept):
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
    for field in ("name", "cert_no", "organisation", "id_number", "phone"):
        if text.get(field):
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
