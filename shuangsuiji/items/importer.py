"""Reads item lists as governments publish them (.xlsx, old .xls, CSV) into checked rows.

Nothing here writes to the database: ``read_table`` turns a file into rows with the row numbers the
user sees in their spreadsheet, ``parse`` finds the header, fills merged cells down, normalises and
validates, and ``plan`` attributes each row to a district department (or skips it, with the reason).
``services.run_import`` writes the result in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree.ElementTree import iterparse

from django.conf import settings

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import match_department
from shuangsuiji.common.uploads import sniff, text_encoding

from .models import ItemClass, ListKind

# Item lists are small (hundreds of rows); anything far larger is a wrong or hostile file.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_CELL_CHARS = 5_000
MAX_COLUMNS = 60
# An .xlsx is a zip: refuse one that would unpack to far more than any real list (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADER_SCAN_ROWS = 10


class FileRefused(Exception):
    """The file as a whole cannot be read (type, size, encoding); ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_file_bytes() -> int:
    return min(MAX_FILE_BYTES, settings.SSJ_MAX_UPLOAD_BYTES)


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class SourceRow:
    """One spreadsheet row: its number as the user sees it, and its cells as text."""

    number: int
    cells: list[str]


@dataclass
class Table:
    rows: list[SourceRow]
    file_type: str  # "xlsx", "xls" or "csv"
    encoding: str = ""
    sheet: str = ""
    # CSV loses merged-cell information, so blank item cells inside a group are read as "same as above".
    has_merges: bool = False


def read_table(path: Path | str) -> Table:
    """Rows of the first sheet that has content, with merged ranges expanded into every cell."""
    path = Path(path)
    size = path.stat().st_size
    limit = max_file_bytes()
    if size > limit:
        raise FileRefused(f"文件大小为 {size / 1048576:.1f} MB，超过清单导入上限 {limit // 1048576} MB。")
    if size == 0:
        raise FileRefused("文件是空的。")
    with path.open("rb") as fh:
        head = fh.read(65536)
    kind = sniff(head)
    if kind == "xlsx":
        return _read_xlsx(path)
    if kind == "xls":
        return _read_xls(path.read_bytes())
    if kind == "csv":
        return _read_csv(path.read_bytes())
    raise FileRefused("无法识别的文件类型：请上传 Excel（.xlsx 或 .xls）或 CSV（UTF-8 或 GB18030 编码）文件。")


def _check_shape(number: int, cells: list[str]) -> None:
    if number > MAX_DATA_ROWS + HEADER_SCAN_ROWS:
        raise FileRefused(f"文件超过 {MAX_DATA_ROWS} 行，已拒绝导入。请确认选择了正确的文件，或拆分后分别导入。")
    if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
        raise FileRefused(f"第 {number} 行超过 {MAX_COLUMNS} 列，不像抽查事项清单，已拒绝导入。")
    for col, text in enumerate(cells, start=1):
        if len(text) > MAX_CELL_CHARS:
            raise FileRefused(f"第 {number} 行第 {col} 列的内容超过 {MAX_CELL_CHARS} 字，文件可能已损坏，已拒绝导入。")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(data: bytes) -> Table:
    encoding = text_encoding(data[:65536])
    text = None
    for candidate in ([encoding] if encoding else []) + ["gb18030"]:
        try:
            text = data.decode(candidate)
            encoding = candidate
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise FileRefused("无法识别 CSV 文件的编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            _check_shape(number, cells)
            rows.append(SourceRow(number, cells))
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式有误，无法读取：{exc}") from exc
    return Table(rows, "csv", encoding=encoding or "")


def _read_xlsx(path: Path) -> Table:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    # A file object, not the path: openpyxl would refuse a workbook whose name does not end in .xlsx.
    handle = path.open("rb")
    try:
        with zipfile.ZipFile(handle) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise FileRefused("该 Excel 文件解压后过大，已拒绝导入。")
            if "xl/workbook.xml" not in zf.namelist():
                raise FileRefused("该文件是压缩包而不是 Excel 工作簿：请上传 .xlsx、.xls 或 .csv 文件。")
        handle.seek(0)
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        handle.close()
        if isinstance(exc, FileRefused):
            raise
        raise FileRefused("无法打开该 Excel 文件，文件可能已损坏或受密码保护。") from exc
    try:
        for sheet in workbook.worksheets:
            rows: list[SourceRow] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                _check_shape(number, cells)
                rows.append(SourceRow(number, cells))
            if not any(any(c.strip() for c in r.cells) for r in rows):
                continue
            merges = [range_boundaries(ref) for ref in _xlsx_merged_refs(sheet)]
            _expand_merges(rows, ((r1, r2, c1, c2) for c1, r1, c2, r2 in merges))
            return Table(rows, "xlsx", sheet=sheet.title, has_merges=bool(merges))
    finally:
        workbook.close()
        handle.close()
    raise FileRefused("该 Excel 文件没有任何内容。")


def _xlsx_merged_refs(sheet) -> Iterator[str]:
    """Merged ranges ("A3:A9") of a read-only sheet, which openpyxl does not expose in that mode.

    They sit after the cell data in the sheet's XML; a streaming parse keeps memory flat.
    """
    with sheet._get_source() as source:  # openpyxl 3.1 (pinned): the sheet's XML inside the archive
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell"):
                yield element.get("ref")
            element.clear()


def _read_xls(data: bytes) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors … for broken files
        raise FileRefused("无法打开该 .xls 文件，文件可能已损坏或受密码保护。") from exc
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows == 0:
                continue
            rows = []
            for rowx in range(sheet.nrows):
                cells = [_cell_text(v) for v in sheet.row_values(rowx)]
                _check_shape(rowx + 1, cells)
                rows.append(SourceRow(rowx + 1, cells))
            # xlrd gives (rlo, rhi, clo, chi), 0-based and half-open.
            merges = [(rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
            _expand_merges(rows, merges)
            return Table(rows, "xls", sheet=sheet.name, has_merges=bool(merges))
    finally:
        book.release_resources()
    raise FileRefused("该 Excel 文件没有任何内容。")


def _expand_merges(rows: list[SourceRow], merges: Iterable[tuple[int, int, int, int]]) -> None:
    """Copy each merged range's top-left value into all its cells (1-based inclusive rows/cols)."""
    by_number = {r.number: r for r in rows}
    for r1, r2, c1, c2 in merges:
        top = by_number.get(r1)
        if top is None or c1 > len(top.cells):
            continue
        value = top.cells[c1 - 1]
        for number in range(r1, r2 + 1):
            row = by_number.get(number)
            if row is None:
                continue
            if len(row.cells) < c2:
                row.cells.extend([""] * (c2 - len(row.cells)))
            for col in range(c1, c2 + 1):
                row.cells[col - 1] = value


# ------------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    label: str
    synonyms: tuple[str, ...]
    max_length: int = MAX_CELL_CHARS
    multiline: bool = False


COLUMNS: dict[str, Column] = {
    "seq": Column("序号", ("序号", "编号", "事项编号", "事项序号", "序"), 20),
    "unit": Column("编制单位", ("编制单位", "编制部门", "责任单位", "责任部门", "所属部门", "部门", "单位",
                              "部门名称", "单位名称", "填报单位", "主管部门"), 200),
    "category": Column("抽查类别", ("抽查类别", "抽查领域", "抽查类别/领域", "抽查领域/类别", "抽查类别领域",
                                  "类别/领域", "领域/类别", "类别", "领域", "监管领域", "抽查类型", "检查类别",
                                  "检查领域"), 300),
    "name": Column("抽查事项", ("抽查事项", "事项名称", "抽查事项名称", "检查事项", "检查事项名称", "随机抽查事项",
                              "抽查内容", "事项"), multiline=True),
    "object_type": Column("检查对象", ("检查对象", "抽查对象", "检查对象类型", "对象"), 1000),
    "item_class": Column("事项类别", ("事项类别", "事项类型", "事项分类", "检查事项类别", "抽查事项类别",
                                    "事项级别"), 20),
    "methods": Column("检查方式", ("检查方式", "抽查方式", "检查方法"), 500),
    "body": Column("检查主体", ("检查主体", "实施主体", "抽查主体", "执法主体", "检查实施主体"), 500),
    "basis": Column("检查依据", ("检查依据", "法律依据", "抽查依据", "依据", "设定依据", "法律法规依据",
                               "检查依据法律依据"), multiline=True),
    "ratio_cap": Column("抽查比例上限", ("抽查比例上限", "抽查比例", "比例上限", "抽查比例上限%"), 20),
    "lead": Column("发起部门", ("发起部门", "牵头部门", "发起单位", "牵头单位"), 300),
    "partners": Column("配合部门", ("配合部门", "配合单位", "参与部门", "参加部门"), 500),
}
IGNORED_HEADERS = {"备注", "说明", "备注说明"}
REQUIRED_COLUMNS = {
    ListKind.RANDOM: ("category", "name", "object_type", "item_class"),
    ListKind.JOINT: ("category", "name", "object_type", "lead"),
}
REQUIRED_VALUES = REQUIRED_COLUMNS
# Blank = "same as above" in these columns (merged cells), in every format. Order is the hierarchy:
# a new 编制单位 starts afresh, so a blank 抽查类别 never borrows another unit's.
FILL_DOWN = ("unit", "seq", "category", "lead")
# In CSV the merge information is gone: inside one group (same unit, 序号, category) a blank item or
# legal basis continues the merged cell above, as in the shipped Hainan list (rows 162, 247, 248 …).
CSV_GROUP_FILL = ("name", "basis")

_PAREN = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_SYNONYMS = {syn: key for key, col in COLUMNS.items() for syn in col.synonyms}


def normalise_header(text: str) -> str:
    """Header text without spaces, line breaks, required-field stars and trailing colons."""
    text = _SPACE.sub("", clean_cell(text)).replace("*", "").replace("＊", "").rstrip("：:")
    return text.replace("／", "/").replace("％", "%")


def column_for(header: str) -> str | None:
    """The field a header cell names ("抽查领域" → category), or None."""
    text = normalise_header(header)
    if not text:
        return None
    if text in _SYNONYMS:
        return _SYNONYMS[text]
    return _SYNONYMS.get(_PAREN.sub("", text))


# ----------------------------------------------------------------------------------------- cleaning

CLASS_WORDS = {
    "重点检查事项": ItemClass.KEY, "重点": ItemClass.KEY, "重点事项": ItemClass.KEY, "重点检查": ItemClass.KEY,
    "一般检查事项": ItemClass.GENERAL, "一般": ItemClass.GENERAL, "一般事项": ItemClass.GENERAL,
    "一般检查": ItemClass.GENERAL,
}
_RATIO = re.compile(r"^(?:≤|<=|不超过|不高于|不大于)?(\d+(?:\.\d+)?)[%％]?$")
_SEQ_FLOAT = re.compile(r"^(\d+)\.0+$")
_UNIT_SPLIT = re.compile(r"[、,，;；/\n]+")


def clean_cell(value: str) -> str:
    """Unify line breaks (Excel's _x000D_, CR/LF), trim each line and drop blank lines at the ends."""
    text = str(value).replace("_x000D_\n", "\n").replace("_x000D_", "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u200b", "")
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    text = "\n".join(out)
    # Our own CSV export guards formulas with a leading apostrophe; read such a cell back as written.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def single_line(text: str) -> str:
    """Join a wrapped cell into one line: no gap between Chinese characters, one space between words."""
    parts = [p for p in text.split("\n") if p]
    out = ""
    for part in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return re.sub(r"[ \t\u3000]{2,}", " ", out)


def parse_class(text: str) -> str | None:
    return CLASS_WORDS.get(_SPACE.sub("", text))


def parse_ratio(text: str) -> Decimal | None:
    """Percent as written ("5%", "≤5", "5.5"); raises ValueError for anything else."""
    match = _RATIO.match(_SPACE.sub("", text))
    if not match:
        raise ValueError(text)
    try:
        return Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(text) from exc


def split_units(text: str) -> list[str]:
    return [p.strip() for p in _UNIT_SPLIT.split(text) if p.strip()]


# ------------------------------------------------------------------------------------------- parsing


def issue(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


@dataclass
class ParsedRow:
    """One data row after fill-down and cleaning, with its own problems (if any)."""

    row: int
    values: dict[str, str]
    item_class: str = ""
    ratio_cap: Decimal | None = None
    errors: list[dict] = field(default_factory=list)
    # Set by ``plan``: the departments the row's text maps to.
    lead: Department | None = None
    co_leads: list[Department] = field(default_factory=list)
    partners: list[Department] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Parsed:
    kind: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]  # field → header text as written in the file
    rows: list[ParsedRow]
    errors: list[dict]  # file-level problems (header); row problems stay on their rows
    notes: list[dict]  # rows passed over as notes/titles
    table: Table

    def label(self, key: str) -> str:
        return self.headers.get(key, COLUMNS[key].label)


def find_header(table: Table) -> tuple[SourceRow | None, dict[str, int]]:
    """The row among the first few that names the most known columns."""
    best: tuple[int, SourceRow | None, dict[str, int]] = (0, None, {})
    for source in table.rows[:HEADER_SCAN_ROWS]:
        found: dict[str, int] = {}
        for index, text in enumerate(source.cells):
            key = column_for(text)
            if key and key not in found:
                found[key] = index
        if len(found) > best[0]:
            best = (len(found), source, found)
    score, source, found = best
    if score < 3 or "name" not in found:
        return None, {}
    return source, found


def parse(table: Table, kind: str) -> Parsed:
    """Header detection, fill-down, cleaning and per-row validation."""
    header, _ = find_header(table)
    if header is None:
        return Parsed(kind, 0, {}, {}, [], [issue(None, "表头", (
            f"未找到表头行：文件前 {HEADER_SCAN_ROWS} 行中没有同时包含“抽查事项”“检查对象”“抽查类别”等列名的行。"
        ))], [], table)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    errors: list[dict] = []
    for index, raw in enumerate(header.cells):
        text = single_line(clean_cell(raw))
        if not text:
            continue
        key = column_for(text)
        if key is None:
            if normalise_header(text) not in IGNORED_HEADERS:
                errors.append(issue(header.number, text, f"无法识别的列名“{text}”：请改用模板中的列名"
                                    "（如 抽查类别、抽查事项、检查对象、事项类别、检查方式、检查主体、检查依据）或删除该列。"))
            continue
        if key in columns:
            errors.append(issue(header.number, text, f"列“{text}”与列“{headers[key]}”重复，"
                                f"都表示“{COLUMNS[key].label}”，请删除其中一列。"))
            continue
        columns[key] = index
        headers[key] = text
    missing = [key for key in REQUIRED_COLUMNS[kind] if key not in columns]
    for key in missing:
        errors.append(issue(header.number, COLUMNS[key].label, f"缺少必需的列“{COLUMNS[key].label}”。"))
    parsed = Parsed(kind, header.number, columns, headers, [], errors, [], table)
    if not missing:
        # Unknown or repeated columns still fail the import, but every row is checked so that the
        # report lists all problems at once.
        _parse_rows(parsed, [r for r in table.rows if r.number > header.number])
    return parsed


def _parse_rows(parsed: Parsed, sources: list[SourceRow]) -> None:
    columns = parsed.columns
    fill_keys = [k for k in FILL_DOWN if k in columns]
    group_fill = [k for k in CSV_GROUP_FILL if k in columns] if parsed.table.file_type == "csv" else []
    above: dict[str, str] = {}
    previous: ParsedRow | None = None
    for source in sources:
        values = {}
        for key, index in columns.items():
            text = clean_cell(source.cells[index]) if index < len(source.cells) else ""
            values[key] = text if COLUMNS[key].multiline else single_line(text)
        if not any(values.values()):
            continue
        distinct = {v for v in values.values() if v}
        if len(columns) >= 3 and len(distinct) == 1 and all(values.values()):
            # A title or note merged across the whole width ("注：…") is not an item.
            parsed.notes.append(issue(source.number, "", f"整行合并的说明文字，已跳过：{next(iter(distinct))[:40]}"))
            continue
        for key in fill_keys:
            if values[key]:
                if key == "unit" and values[key] != above.get("unit"):
                    above.pop("seq", None)
                    above.pop("category", None)
                above[key] = values[key]
            elif key in above:
                values[key] = above[key]
        if previous is not None and group_fill and _same_group(previous.values, values):
            for key in group_fill:
                if not values[key]:
                    values[key] = previous.values[key]
        row = ParsedRow(source.number, values)
        _validate(parsed, row)
        parsed.rows.append(row)
        previous = row


def _same_group(a: dict[str, str], b: dict[str, str]) -> bool:
    keys = [k for k in ("unit", "seq", "category") if k in a]
    return all(a[k] == b[k] for k in keys) and bool(b.get("category"))


def _validate(parsed: Parsed, row: ParsedRow) -> None:
    values, kind = row.values, parsed.kind
    seq = values.get("seq", "")
    if _SEQ_FLOAT.match(seq):
        values["seq"] = _SEQ_FLOAT.match(seq).group(1)
    for key in REQUIRED_VALUES[kind]:
        if not values.get(key):
            row.errors.append(issue(row.row, parsed.label(key), f"“{parsed.label(key)}”不能为空。"))
    for key, text in values.items():
        limit = COLUMNS[key].max_length
        if len(text) > limit:
            row.errors.append(issue(row.row, parsed.label(key), f"“{parsed.label(key)}”超过 {limit} 字（现为 {len(text)} 字）。"))
    class_text = values.get("item_class", "")
    if class_text:
        item_class = parse_class(class_text)
        if item_class is None:
            row.errors.append(issue(row.row, parsed.label("item_class"), (
                f"事项类别“{class_text}”无法识别，应为“重点检查事项”或“一般检查事项”。")))
        else:
            row.item_class = item_class
    elif kind == ListKind.JOINT:
        row.item_class = ItemClass.GENERAL
    ratio_text = values.get("ratio_cap", "")
    if ratio_text:
        label = parsed.label("ratio_cap")
        try:
            cap = parse_ratio(ratio_text)
        except ValueError:
            row.errors.append(issue(row.row, label, f"抽查比例上限“{ratio_text}”不是百分数（如 5 或 5%）。"))
        else:
            if not Decimal(0) < cap <= Decimal(100):
                row.errors.append(issue(row.row, label, "抽查比例上限应大于 0 且不超过 100（%）。"))
            elif row.item_class == ItemClass.KEY:
                row.errors.append(issue(row.row, label, "重点检查事项不设抽查比例上限，只有一般检查事项可以设置。"))
            else:
                row.ratio_cap = cap


# ---------------------------------------------------------------------------------------- attribution


@dataclass
class Plan:
    """Which rows go into which department's new draft, which are skipped, and every error."""

    rows_read: int
    groups: dict[int | None, list[ParsedRow]]  # department pk (None: the joint list) → rows
    departments: dict[int, Department]
    errors: list[dict]
    skipped: list[dict]
    units: list[dict]

    @property
    def item_count(self) -> int:
        return sum(len(rows) for rows in self.groups.values())


def plan(parsed: Parsed, *, scope: Department | None, departments: list[Department]) -> Plan:
    """Attribute rows to departments: by 编制单位 (random lists) or 发起部门 (joint lists).

    With a ``scope`` (a department admin, or the office importing for one department), rows of
    other units are skipped and listed, not errors: a provincial file holds every unit's items.
    """
    errors = list(parsed.errors)
    result = Plan(len(parsed.rows), {}, {d.pk: d for d in departments}, errors, list(parsed.notes), [])
    units: dict[str, dict] = {}
    if parsed.kind == ListKind.JOINT:
        for row in parsed.rows:
            _attribute_joint(parsed, row, result, units, departments)
    else:
        if scope is None and "unit" not in parsed.columns and parsed.header_row:
            errors.append(issue(parsed.header_row, "编制单位", (
                "文件没有“编制单位”列：联席会议办公室导入时按编制单位把事项分到各部门。"
                "请补充该列，或选择“代哪个部门导入”。")))
            return result
        for row in parsed.rows:
            _attribute_random(parsed, row, result, units, scope, departments)
    result.units = list(units.values())
    result.errors.sort(key=lambda e: e["row"] or 0)
    result.skipped.sort(key=lambda e: e["row"] or 0)
    return result


def _unit_entry(units: dict[str, dict], text: str, dept: Department | None) -> dict:
    entry = units.setdefault(text, {"unit": text, "department": dept.name if dept else "", "rows": 0,
                                    "imported": 0, "skipped": 0, "reason": ""})
    entry["rows"] += 1
    return entry


def _attribute_random(parsed, row, result, units, scope, departments) -> None:
    unit = row.get("unit")
    if "unit" in parsed.columns and not unit:
        row.errors.insert(0, issue(row.row, parsed.label("unit"), "“编制单位”不能为空（且上方也没有可沿用的单位）。"))
        result.errors.extend(row.errors)
        return
    target = scope
    if unit:
        dept = match_department(unit, departments)
        entry = _unit_entry(units, unit, dept)
        if dept is None:
            reason = f"编制单位“{unit}”不是本区成员单位"
            _skip(result, entry, row, reason)
            return
        if scope is not None and dept.pk != scope.pk:
            _skip(result, entry, row, f"编制单位“{unit}”属于{dept.name}，不在本次导入范围（{scope.name}）")
            return
        target = dept
    else:
        entry = _unit_entry(units, scope.name, scope)
    if row.errors:
        result.errors.extend(row.errors)
        return
    entry["imported"] += 1
    result.groups.setdefault(target.pk, []).append(row)


def _attribute_joint(parsed, row, result, units, departments) -> None:
    lead_text = row.get("lead")
    leads = [d for d in (match_department(p, departments) for p in split_units(lead_text)) if d]
    leads = list(dict.fromkeys(leads))
    if lead_text:
        entry = _unit_entry(units, lead_text, leads[0] if leads else None)
        if not leads:
            _skip(result, entry, row, f"发起部门“{lead_text}”不是本区成员单位")
            return
    if row.errors:
        result.errors.extend(row.errors)
        return
    entry["imported"] += 1
    row.lead, row.co_leads = leads[0], leads[1:]
    partners = [d for d in (match_department(p, departments) for p in split_units(row.get("partners"))) if d]
    row.partners = [d for d in dict.fromkeys(partners) if d not in leads]
    result.groups.setdefault(None, []).append(row)


def _skip(result: Plan, entry: dict, row: ParsedRow, reason: str) -> None:
    entry["skipped"] += 1
    entry["reason"] = reason
    result.skipped.append(issue(row.row, "", f"{reason}，已跳过。"))
