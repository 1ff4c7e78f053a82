"""Reads item lists as governments publish them (.xlsx, old .xls, CSV) into checked rows.

Nothing here writes to the database: ``read_table`` opens a file with the reader every importer shares
(common/spreadsheet.py: encodings, the sheet holding the header, merged cells, limits) and keeps the rows
with the numbers the user sees in their spreadsheet; ``parse`` maps the header, fills merged cells down,
normalises and validates; ``attribute`` gives each row to a district department (or skips it, with the
reason). ``services.run_import`` writes the result in one transaction.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import match_department
from shuangsuiji.common import spreadsheet

from .models import ItemClass, ListKind

# Item lists are small (hundreds of rows); anything far larger is a wrong or hostile file.
LIMITS = spreadsheet.Limits(max_bytes=20 * 1024 * 1024, max_rows=20_000, max_columns=60, max_cell_chars=5_000,
                            max_unpacked_bytes=200 * 1024 * 1024, what="抽查事项清单")
MAX_CELL_CHARS = LIMITS.max_cell_chars
FileRefused = spreadsheet.FileRefused


def max_file_bytes() -> int:
    return LIMITS.file_bytes()


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class SourceRow:
    """One spreadsheet row: its number as the user sees it, and its cells as text."""

    number: int
    cells: list[str]


@dataclass
class Table:
    header: SourceRow
    rows: list[SourceRow]  # the rows after the header
    file_type: str  # "xlsx", "xls" or "csv"
    encoding: str = ""
    sheet: str = ""
    # CSV loses merged-cell information, so blank item cells inside a group are read as "same as above".
    has_merges: bool = False


HEADER_HINT = "须有同时包含“抽查事项”“检查对象”“抽查类别”等列名的一行"


def read_table(path: Path | str) -> Table:
    """The header row and the rows after it, on whichever sheet holds the header, merged cells expanded."""
    with spreadsheet.open_table(path, is_header=is_header, header_hint=HEADER_HINT, limits=LIMITS) as table:
        text = spreadsheet.cell_text
        rows = [SourceRow(number, [text(c) for c in cells]) for number, cells in table.numbered()]
        header = SourceRow(table.header_row, [text(c) for c in table.header])
        return Table(header, rows, table.kind, table.encoding, table.sheet, bool(table.merged))


def header_columns(cells: list) -> dict[str, int]:
    """Field → column index for the known headings in a row (the first column naming each field)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = column_for(spreadsheet.cell_text(cell))
        if key and key not in found:
            found[key] = index
    return found


def is_header(cells: list) -> bool:
    """The header is the first row naming the item column and at least two other known columns."""
    found = header_columns(cells)
    return len(found) >= 3 and "name" in found


# ------------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A field of an item list; the headings accepted for it are in common/headers.toml, [items]."""

    label: str
    max_length: int = MAX_CELL_CHARS
    multiline: bool = False


COLUMNS: dict[str, Column] = {
    "seq": Column("序号", 20),
    "unit": Column("编制单位", 200),
    "category": Column("抽查类别", 300),
    "name": Column("抽查事项", multiline=True),
    "object_type": Column("检查对象", 1000),
    "item_class": Column("事项类别", 20),
    "methods": Column("检查方式", 500),
    "body": Column("检查主体", 500),
    "basis": Column("检查依据", multiline=True),
    "ratio_cap": Column("抽查比例上限", 20),
    "lead": Column("发起部门", 300),
    "partners": Column("配合部门", 500),
}
IGNORED_HEADERS = {"备注", "说明", "备注说明"}  # compared as spreadsheet.heading_key
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

_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


@functools.cache
def heading_table() -> spreadsheet.Headings:
    return spreadsheet.Headings("items", {key: col.label for key, col in COLUMNS.items()})


def column_for(header: str) -> str | None:
    """The field a header cell names ("抽查领域" → category, "编制单位名称" → unit), or None."""
    return heading_table().field(clean_cell(header))


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
    # Set by ``attribute``: the departments the row's text maps to.
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
    notes: list[dict]  # rows passed over: notes, titles, exact repeats of an item above
    table: Table
    # Rows folded into an item above: continuations, and exact repeats ("repeat": reported as skipped).
    merged: list[dict] = field(default_factory=list)
    rows_read: int = 0  # data rows, before continuation rows are folded into their items

    def label(self, key: str) -> str:
        return self.headers.get(key, COLUMNS[key].label)


def parse(table: Table, kind: str) -> Parsed:
    """Header detection, fill-down, cleaning and per-row validation."""
    header = table.header
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    errors: list[dict] = []
    for index, raw in enumerate(header.cells):
        text = single_line(clean_cell(raw))
        if not text:
            continue
        key = column_for(text)
        if key is None:
            if spreadsheet.heading_key(text) not in IGNORED_HEADERS:
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
        _parse_rows(parsed, table.rows)
        parsed.rows_read = len(parsed.rows)
        _combine(parsed)
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
        if (previous is not None and not values.get("name") and values.get("object_type")
                and values["object_type"] == previous.get("object_type") and _same_group(previous.values, values)):
            values["name"] = previous.values["name"]  # a blank item with the same object continues the one above
        row = ParsedRow(source.number, values)
        _validate(parsed, row)
        parsed.rows.append(row)
        previous = row


# An item is its 事项 + 对象 (within one unit and category; in a joint list, one lead department). Rows
# that repeat it — a legal basis per row under merged cells, a block merged over several rows — add their
# bases, subjects and methods to the first row that named it.
ITEM_KEY = {ListKind.RANDOM: ("unit", "category", "name", "object_type"),
            ListKind.JOINT: ("category", "name", "object_type", "lead")}
ADDED_ON_CONTINUATION = ("basis", "methods", "body")
_LIST_SPLIT = re.compile(r"[、,，;；]+")


def _combine(parsed: Parsed) -> None:
    """Fold rows that continue or repeat an item into the item's first row; report each folded row."""
    first_of: dict[tuple, ParsedRow] = {}
    kept: list[ParsedRow] = []
    previous: ParsedRow | None = None
    for row in parsed.rows:
        if row.errors:
            kept.append(row)
            previous = None
            continue
        key = tuple(row.get(k) for k in ITEM_KEY[parsed.kind])
        item = first_of.get(key)
        if item is None:
            first_of[key] = previous = row
            kept.append(row)
            continue
        if (row.item_class, row.ratio_cap) != (item.item_class, item.ratio_cap):
            row.errors.append(issue(row.row, parsed.label("item_class"), (
                f"与第 {item.row} 行是同一事项（抽查事项和检查对象相同），但事项类别或抽查比例上限不同；"
                "请核对后改正，或合并为一行。")))
            kept.append(row)
            continue
        added = [parsed.label(k) for k in ADDED_ON_CONTINUATION if _absorb(parsed, item, k, row.get(k))]
        what = "、".join(f"“{a}”" for a in added)
        repeat = False
        if item is previous:
            message = (f"是第 {item.row} 行事项的续行，{what}已并入该事项。" if added else
                       f"是第 {item.row} 行事项的续行（单元格合并，内容相同），已并入该事项。")
        elif added:
            message = f"与第 {item.row} 行是同一事项，{what}已并入该事项。"
        else:
            message, repeat = f"与第 {item.row} 行的事项完全相同，是重复行，未重复导入。", True
        parsed.merged.append({**issue(row.row, "", message), "item_row": item.row, "repeat": repeat})
    parsed.rows = kept


def _absorb(parsed: Parsed, item: ParsedRow, key: str, text: str) -> bool:
    """Add a continuation row's basis lines (or methods, subjects) that the item lacks; True if any."""
    if key not in parsed.columns or not text:
        return False
    current = item.get(key)
    if key == "basis":
        have, new, joiner = current.split("\n"), text.split("\n"), "\n"
    else:
        have, new, joiner = _LIST_SPLIT.split(current), _LIST_SPLIT.split(text), "、"
    extra = [part for part in new if part and part not in have]
    if not extra:
        return False
    item.values[key] = joiner.join([p for p in have if p] + list(dict.fromkeys(extra)))
    limit = COLUMNS[key].max_length
    if len(item.values[key]) > limit:
        item.errors.append(issue(item.row, parsed.label(key), (
            f"“{parsed.label(key)}”连同续行合计超过 {limit} 字（现为 {len(item.values[key])} 字）。")))
    return True


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
            why = "（该行检查对象与上一行不同，不是上一事项的续行，请填写事项名称）" if key == "name" else ""
            row.errors.append(issue(row.row, parsed.label(key), f"“{parsed.label(key)}”不能为空{why}。"))
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
class Attribution:
    """Which rows go into which department's new draft, which are skipped, and every error."""

    rows_read: int
    groups: dict[int | None, list[ParsedRow]]  # department pk (None: the joint list) → rows
    departments: dict[int, Department]
    errors: list[dict]
    skipped: list[dict]
    units: list[dict]
    merged: list[dict] = field(default_factory=list)  # rows folded into the item above them

    @property
    def item_count(self) -> int:
        return sum(len(rows) for rows in self.groups.values())


def attribute(parsed: Parsed, *, scope: Department | None, departments: list[Department]) -> Attribution:
    """Attribute rows to departments: by 编制单位 (random lists) or 发起部门 (joint lists).

    With a ``scope`` (a department admin, or the office importing for one department), rows of
    other units are skipped and listed, not errors: a provincial file holds every unit's items.
    """
    errors = list(parsed.errors)
    result = Attribution(parsed.rows_read, {}, {d.pk: d for d in departments}, errors, list(parsed.notes), [])
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
    imported = {row.row for rows in result.groups.values() for row in rows}
    for folded in parsed.merged:
        if folded["item_row"] not in imported:
            result.skipped.append(issue(folded["row"], "", f"属于第 {folded['item_row']} 行的事项，随该行跳过。"))
        elif folded["repeat"]:
            result.skipped.append(issue(folded["row"], "", folded["message"]))
        else:
            result.merged.append(folded)
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


def _skip(result: Attribution, entry: dict, row: ParsedRow, reason: str) -> None:
    entry["skipped"] += 1
    entry["reason"] = reason
    result.skipped.append(issue(row.row, "", f"{reason}，已跳过。"))
