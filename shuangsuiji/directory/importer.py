"""Reading and checking entity files (CSV, XLSX, XLS) for the bulk import, one row at a time.

A file may hold millions of rows, so nothing here keeps rows or model objects in memory:
``open_table`` (common/spreadsheet.py, the reader every importer shares) yields the rows after the header and
``RowChecker`` turns each into a tuple of column values, or into row-level errors in Chinese naming
the row and the column. ``loading.load`` writes the tuples; ``services.import_entities`` puts the two
together so that a file is imported entirely or not at all.

A file is the truth for the columns it has; columns it lacks are left alone on existing entities.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from shuangsuiji.common import spreadsheet

from . import uscc as uscc_mod
from .loading import FIELDS
from .models import CreditClass, Entity, EntityStatus, EntityType, Industry, Scale, Township

MAX_STORED_ERRORS = 1000  # the report keeps this many rows in full, plus the total count
# A million-row .xlsx unpacks to about 1 GB of XML; far more, or an absurd ratio, is a zip bomb.
# One refusal type for every importer (common/spreadsheet.py).
FileRefused = spreadsheet.FileRefused


@dataclass(frozen=True)
class Column:
    """A field of the import file and its heading in the template; the headings accepted for it are in the
    synonym table (common/headers.toml, [directory])."""

    field: str
    label: str
    required: bool = False
    example: str = ""

    @property
    def synonyms(self) -> list[str]:
        return heading_table().synonyms[self.field]


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", True, "91371703MA3FFT365K"),
    Column("name", "名称", True, "菏泽市定陶区示例食品有限公司"),
    Column("entity_type", "主体类型", example="企业"),
    Column("industry", "行业代码", example="1391"),
    Column("township", "乡镇（街道）", example="天中街道"),
    Column("address", "住所（经营场所）", example="菏泽市定陶区天中街道示例路1号"),
    Column("legal_rep", "法定代表人（负责人）", example="张三"),
    Column("registered_on", "成立日期", example="2020-05-18"),
    Column("status", "登记状态", example="存续"),
    Column("scale", "规模", example="小型"),
    Column("credit_class", "信用风险分类", example="B"),
)
_BY_FIELD = {c.field: c for c in COLUMNS}
NUMBER_CELL = "\x00"  # marks a code read from an Excel number cell
MAX_LENGTH = {f: Entity._meta.get_field(f).max_length for f in ("name", "address", "legal_rep")}


@functools.cache
def heading_table() -> spreadsheet.Headings:
    return spreadsheet.Headings("directory", {c.field: c.label for c in COLUMNS})


def header_field(text: str) -> str | None:
    """The field a column heading names ("住所（经营场所）*" → "address"), or None."""
    return heading_table().field(text)


# ------------------------------------------------------------------------------------------- reading


def is_header(cells: list) -> bool:
    """The heading row is the first that names the USCC column."""
    return any(header_field(_cell_text(c)) == "uscc" for c in cells if c is not None)


HEADER_HINT = "表头须含“统一社会信用代码”列"


LIMITS = spreadsheet.Limits(what="检查对象名录")  # the shared limits: millions of rows, 200 columns


def open_table(path: Path | str):
    """The entity file at its header row, on whichever sheet holds it (common/spreadsheet.py)."""
    return spreadsheet.open_table(path, is_header=is_header, header_hint=HEADER_HINT, limits=LIMITS)


# ------------------------------------------------------------------------------------------ checking


ENTITY_TYPE_WORDS = {
    "企业": EntityType.ENTERPRISE, "公司": EntityType.ENTERPRISE,
    "个体工商户": EntityType.INDIVIDUAL, "个体": EntityType.INDIVIDUAL, "个体户": EntityType.INDIVIDUAL,
    "农民专业合作社": EntityType.COOPERATIVE, "合作社": EntityType.COOPERATIVE,
    "农民专业合作社联合社": EntityType.COOPERATIVE,
    "分支机构": EntityType.BRANCH, "分公司": EntityType.BRANCH,
    "其他组织": EntityType.OTHER, "其他": EntityType.OTHER,
} | {value: value for value in EntityType.values}
STATUS_WORDS = {
    "存续": EntityStatus.ACTIVE, "在业": EntityStatus.ACTIVE, "开业": EntityStatus.ACTIVE,
    "存续（在营、开业、在册）": EntityStatus.ACTIVE, "在营": EntityStatus.ACTIVE, "正常": EntityStatus.ACTIVE,
    "注销": EntityStatus.CANCELLED, "已注销": EntityStatus.CANCELLED,
    "吊销": EntityStatus.REVOKED, "已吊销": EntityStatus.REVOKED, "吊销，未注销": EntityStatus.REVOKED,
    "吊销未注销": EntityStatus.REVOKED, "吊销,未注销": EntityStatus.REVOKED,
    "迁出": EntityStatus.MOVED, "已迁出": EntityStatus.MOVED,
} | {value: value for value in EntityStatus.values}
SCALE_WORDS = {label: value for value, label in Scale.choices} | {
    f"{label}企业": value for value, label in Scale.choices} | {label[0]: value for value, label in Scale.choices
                                                                } | {v: v for v in Scale.values}
CREDIT_WORDS = {c: c for c in CreditClass.values} | {f"{c}类": c for c in CreditClass.values} | {
    c.lower(): c for c in CreditClass.values}
# USCC positions 1–2 tell the registration type for entities registered by market supervision (9x).
TYPE_FROM_USCC = {"91": EntityType.ENTERPRISE, "92": EntityType.INDIVIDUAL, "93": EntityType.COOPERATIVE}

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 with the 1900 leap-year bug folded in
EARLIEST_DATE = dt.date(1900, 1, 1)


def _pick(words: dict[str, str], text: str) -> str | None:
    return words.get(text) or words.get(text.replace(" ", "").replace("\u3000", ""))


def _guess_entity_type(text: str) -> str | None:
    """Registration books write types in full ("有限责任公司（自然人投资或控股）"); the keywords decide."""
    if "个体" in text:
        return EntityType.INDIVIDUAL
    if "合作社" in text:
        return EntityType.COOPERATIVE
    if "分公司" in text or "分支" in text or "非法人" in text:
        return EntityType.BRANCH
    if any(k in text for k in ("公司", "企业", "合伙", "独资", "厂")):
        return EntityType.ENTERPRISE
    if "其他" in text:
        return EntityType.OTHER
    return None


# Line breaks and tabs (Alt+Enter in Excel) become spaces; other control characters go.
_CONTROLS = {i: (" " if chr(i) in "\t\n\r\x0b\x0c" else None) for i in [*range(32), 127]}


class _Memo(dict):
    """Remembers the answer for each distinct cell text; dict lookups stay in C for every repeat."""

    def __init__(self, resolve: Callable, limit: int = 200_000):
        super().__init__()
        self.resolve = resolve
        self.limit = limit  # a pathological file must not grow the memo without bound

    def __missing__(self, key):
        value = self.resolve(key)
        if len(self) < self.limit:
            self[key] = value
        return value


class RowChecker:
    """Checks rows against the header it was built with; collects row errors and repeated USCCs."""

    def __init__(self, header: list, *, today: dt.date | None = None, estimated_rows: int = 0, null=None):
        self.headings: dict[str, str] = {}
        self.ignored: list[str] = []
        self.columns = self.columns_of(header, self.headings, self.ignored)
        self.width = max(self.columns.values()) + 1
        self.today = today or dt.date.today()
        self.estimated_rows = estimated_rows
        self.null = null  # what an empty code or date becomes in the row tuple (loading.null_value())
        self.errors: list[dict] = []
        self.error_count = 0
        self.rows_checked = 0
        # Every USCC seen (exact, about 90 MB per million rows) and those seen twice.
        self.seen: set[str] = set()
        self.repeated: set[str] = set()
        self._industries = set(Industry.objects.values_list("code", flat=True))
        self._towns = self._town_lookup()

    @staticmethod
    def columns_of(header: list, headings: dict[str, str] | None = None,
                   ignored: list[str] | None = None) -> dict[str, int]:
        """Field → column index for a heading row; refuses a file without the required columns."""
        columns: dict[str, int] = {}
        headings = {} if headings is None else headings
        for index, cell in enumerate(header):
            text = _cell_text(cell).strip()
            if not text:
                continue
            name = header_field(text)
            if name is None:
                if ignored is not None:
                    ignored.append(text)
                continue
            if name in columns:
                raise FileRefused(f"列“{headings[name]}”和列“{text}”都对应“{_BY_FIELD[name].label}”，请删去其中一列。")
            columns[name] = index
            headings[name] = text
        missing = [c for c in COLUMNS if c.required and c.field not in columns]
        if missing:
            names = "；".join(f"{c.label}（可用列名：{heading_table().examples(c.field)}）" for c in missing)
            raise FileRefused(f"缺少必填列：{names}。")
        return columns

    def findings(self) -> dict:
        """What checking found, to hand from the checking process to the one that writes."""
        return {"errors": self.errors, "error_count": self.error_count, "repeated": self.repeated,
                "rows_checked": self.rows_checked}

    def adopt(self, findings: dict) -> None:
        self.errors, self.error_count = findings["errors"], findings["error_count"]
        self.repeated, self.rows_checked = findings["repeated"], findings["rows_checked"]

    @property
    def has_problems(self) -> bool:
        return self.error_count > 0 or bool(self.repeated)

    @property
    def present(self) -> tuple[str, ...]:
        """The fields this file provides, in FIELDS order."""
        return tuple(f for f in FIELDS if f in self.columns)

    def heading(self, name: str) -> str:
        return self.headings.get(name) or _BY_FIELD[name].label

    def add_error(self, row: int, name: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": self.heading(name) if name else "", "message": message})

    def rows(self, data: Iterable[tuple[int, list]], *, text: bool = False) -> Iterator[tuple]:
        """Good rows as tuples in loading.FIELDS order; blank rows are skipped, bad ones recorded.

        ``text``: every cell is already a string (CSV), so spreadsheet cell conversion is skipped.
        """
        return self._rows(data, text)

    def check(self, number: int, cells: list) -> tuple | None:
        """The tuple for one data row, or None after recording its errors."""
        return next(self._rows([(number, cells)], False), None)

    def _text_cells(self, cells: list) -> list[str]:
        """Spreadsheet cells as the text the checks expect (CSV cells already are)."""
        out = [_cell_text(c) for c in cells]
        for name in ("uscc", "industry", "registered_on"):
            index = self.columns.get(name)
            if index is None or index >= len(cells):
                continue
            value = cells[index]
            if isinstance(value, bool) or not isinstance(value, int | float | dt.date):
                continue
            if name == "uscc" and isinstance(value, float):
                # Excel keeps 15 significant digits: an all-digit code typed into a number cell is damaged.
                out[index] = f"{NUMBER_CELL}{value:.0f}"
            elif name == "industry" and not isinstance(value, dt.date):
                out[index] = self._numeric_industry(out[index])
            elif name == "registered_on":
                day = value if isinstance(value, dt.date) else _excel_serial(value)
                if isinstance(day, dt.datetime):
                    day = day.date()
                out[index] = day.isoformat() if day else out[index]
        return out

    def _choice_memos(self) -> dict[str, _Memo]:
        """Per coded column, raw cell text → (value, problem); a file repeats a few thousand texts."""
        null = self.null
        types_hint, statuses_hint = "、".join(EntityType.labels), "、".join(EntityStatus.labels)
        scales_hint = "、".join(Scale.labels)

        def entity_type(raw: str):
            text = raw.strip()
            if not text:
                return None, None  # taken from the USCC
            value = _pick(ENTITY_TYPE_WORDS, text) or _guess_entity_type(text)
            return value, None if value else f"无法识别的主体类型“{text}”（可填：{types_hint}）"

        def industry(raw: str):
            text = raw.strip()
            if not text:
                return null, None
            code = self._industry_code(text)
            return (code, None) if code else (null, f"行业代码“{text}”不在国民经济行业分类（GB/T 4754-2017）中")

        def township(raw: str):
            text = raw.strip()
            if not text:
                return null, None
            code = self._town_code(text)
            return (code, None) if code else (null, f"乡镇（街道）“{text}”不在本区乡镇（街道）名录中")

        def registered_on(raw: str):
            day, problem = self._parse_date(raw)
            return (day if day is not None else null), problem

        def status(raw: str):
            text = raw.strip()
            value = _pick(STATUS_WORDS, text) if text else None
            what = f"无法识别的登记状态“{text}”" if text else "登记状态为空"
            return value, None if value else f"{what}（应填：{statuses_hint}）"

        def scale(raw: str):
            text = raw.strip()
            value = _pick(SCALE_WORDS, text) if text else ""
            return value, None if value is not None else f"无法识别的规模“{text}”（可填：{scales_hint}，或留空）"

        def credit_class(raw: str):
            text = raw.strip()
            value = _pick(CREDIT_WORDS, text.upper()) if text else ""
            return value, None if value is not None else f"无法识别的信用风险分类“{text}”（可填：A、B、C、D、E，或留空）"

        resolvers = {"entity_type": entity_type, "industry": industry, "township": township,
                     "registered_on": registered_on, "status": status, "scale": scale, "credit_class": credit_class}
        return {name: _Memo(fn) for name, fn in resolvers.items()}

    def _rows(self, data: Iterable[tuple[int, list]], text_only: bool) -> Iterator[tuple]:
        """The row loop: about a million turns per import, so everything it needs is a local variable."""
        c = self.columns
        width = self.width
        i_uscc, i_name, i_address, i_rep = c["uscc"], c["name"], c.get("address"), c.get("legal_rep")
        # The coded columns, with what a file without the column gives. All but the date are read as one
        # key: a few thousand combinations of type, industry, town, status, scale and class cover a
        # million rows, so one dictionary lookup answers six columns.
        defaults = {"entity_type": None, "industry": self.null, "township": self.null, "status": EntityStatus.ACTIVE,
                    "scale": "", "credit_class": ""}
        memos = self._choice_memos()
        coded = [name for name in defaults if name in c]
        key_of = itemgetter(*[c[name] for name in coded]) if coded else (lambda cells: ())

        def resolve(key) -> tuple[tuple, tuple]:
            key = key if len(coded) != 1 else (key,)
            values, problems = dict(defaults), []
            for name, raw in zip(coded, key, strict=True):
                values[name], problem = memos[name][raw]
                if problem is not None:
                    problems.append((name, problem))
            return tuple(values.values()), tuple(problems)

        combined = _Memo(resolve)
        i_date, date_memo, null = c.get("registered_on"), memos["registered_on"], self.null
        max_name, max_address, max_rep = MAX_LENGTH["name"], MAX_LENGTH["address"], MAX_LENGTH["legal_rep"]
        validate, add_error, text_cells = uscc_mod.validate, self.add_error, self._text_cells
        type_from_uscc, other = TYPE_FROM_USCC, EntityType.OTHER
        seen, seen_add, repeated = self.seen, self.seen.add, self.repeated
        for number, cells in data:
            if not cells or (not cells[0] and not any(cells)):
                continue  # a blank row (Excel keeps many)
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if not text_only:
                cells = text_cells(cells)
            self.rows_checked += 1
            bad = False

            code = cells[i_uscc].strip()
            problem = validate(code)
            if problem is not None:
                code = uscc_mod.normalise(code)
                problem = validate(code) if code else "统一社会信用代码为空"
                if code.startswith(NUMBER_CELL):
                    problem = (f"统一社会信用代码被 Excel 存成了数字（{code[len(NUMBER_CELL):]}），末几位已丢失；"
                               "请把该列设为“文本”格式后重新填写")
            if problem is None:
                if code in seen:
                    repeated.add(code)
                else:
                    seen_add(code)
            else:
                add_error(number, "uscc", problem)
                bad = True

            name = cells[i_name].strip()
            if not name.isprintable():
                name = name.translate(_CONTROLS).strip()
            if not name:
                add_error(number, "name", "名称为空")
                bad = True
            elif len(name) > max_name:
                add_error(number, "name", f"名称超过{max_name}个字符")
                bad = True

            address = legal_rep = ""
            if i_address is not None:
                address = cells[i_address].strip()
                if not address.isprintable():
                    address = address.translate(_CONTROLS).strip()
                if len(address) > max_address:
                    add_error(number, "address", f"住所（经营场所）超过{max_address}个字符")
                    bad = True
            if i_rep is not None:
                legal_rep = cells[i_rep].strip()
                if not legal_rep.isprintable():
                    legal_rep = legal_rep.translate(_CONTROLS).strip()
                if len(legal_rep) > max_rep:
                    add_error(number, "legal_rep", f"法定代表人（负责人）超过{max_rep}个字符")
                    bad = True

            values, problems = combined[key_of(cells)]
            for field_name, problem in problems:
                add_error(number, field_name, problem)
                bad = True
            registered_on = null
            if i_date is not None:
                registered_on, problem = date_memo[cells[i_date]]
                if problem is not None:
                    add_error(number, "registered_on", problem)
                    bad = True

            if bad:
                continue
            entity_type, industry, township, status, scale, credit_class = values
            yield (code, name, entity_type or type_from_uscc.get(code[:2], other), industry, township, address,
                   legal_rep, registered_on, status, scale, credit_class)

    def _industry_code(self, text: str) -> str | None:
        code = text.split()[0].upper()
        if code in self._industries:
            return code
        # "C1311" writes the 门类 letter before the numeric code.
        if len(code) > 1 and code[0].isalpha() and code[1:] in self._industries:
            return code[1:]
        return None

    def _numeric_industry(self, text: str) -> str:
        # A number cell drops leading zeros. Entities are classified at the 4-digit 小类 level, so a
        # 3-digit number is read as 小类 "0111" (稻谷种植) even where "111" is also a 中类.
        if (len(text) == 3 or text not in self._industries) and "0" + text in self._industries:
            return "0" + text
        return text

    def _town_lookup(self) -> dict[str, str]:
        lookup: dict[str, str] = {}
        for code, name in Township.objects.values_list("code", "name"):
            lookup[code] = code
            lookup[code + "000"] = code  # 12-digit statistical division code
            lookup[name] = code
            short = re.sub(r"(街道办事处|街道|镇|乡)$", "", name)
            if len(short) >= 2:
                lookup.setdefault(short, code)
        return lookup

    def _town_code(self, text: str) -> str | None:
        text = text.replace(" ", "")
        if text in self._towns:
            return self._towns[text]
        # "定陶区冉固镇" or "冉固镇人民政府": accept exactly one town name inside the text.
        found = {code for name, code in self._towns.items() if not name.isdigit() and len(name) >= 3
                 and name in text}
        return found.pop() if len(found) == 1 else None

    def _parse_date(self, text: str) -> tuple[str | None, str | None]:
        text = text.strip()
        if not text:
            return None, None
        day = _text_date(text)
        if day is None:
            return None, f"无法识别的日期“{text}”（可用格式：2020-01-31、2020/1/31、2020年1月31日）"
        if day > self.today:
            return None, f"成立日期{day:%Y-%m-%d}晚于今天"
        if day < EARLIEST_DATE:
            return None, f"成立日期{day:%Y-%m-%d}早于1900年"
        return day.isoformat(), None


def _text_date(text: str) -> dt.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    if text.isdigit() and len(text) <= 5:  # an Excel serial day number that reached a CSV
        return _excel_serial(int(text))
    return None


def _excel_serial(number: float) -> dt.date | None:
    if not 1 <= number < 2_958_466:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


_cell_text = spreadsheet.cell_text


def duplicate_rows(path: Path | str, codes: set[str]) -> dict[str, list[int]]:
    """Every row number of each of ``codes``, in file order (a second pass, only for a rejected file)."""
    found: dict[str, list[int]] = {}
    with open_table(path) as table:
        index = RowChecker.columns_of(table.header)["uscc"]
        for number, cells in enumerate(table.rows, start=table.header_row + 1):
            if index < len(cells):
                code = uscc_mod.normalise(_cell_text(cells[index]))
                if code in codes:
                    found.setdefault(code, []).append(number)
    return found


def template_rows() -> list[list[str]]:
    """The import template: the heading row and one example row."""
    return [[c.label for c in COLUMNS], [c.example for c in COLUMNS]]


def template_xlsx() -> bytes:
    """The import template as an .xlsx whose code and industry columns are text (no lost leading zeros)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "市场主体"
    header, example = template_rows()
    sheet.append(header)
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.label) * 2 + 4)
        sheet.cell(row=1, column=index).font = Font(bold=True, color="C00000" if column.required else "000000")
        if column.field in ("uscc", "industry", "township"):
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The import template as CSV in UTF-8 with BOM, so Excel on Windows opens it in the right encoding."""
    out = io.StringIO()
    csv.writer(out).writerows(template_rows())
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
