"""Bulk import of market entities from CSV, XLSX or XLS: stream, check in Python, merge in SQL.

A file may hold millions of rows, so nothing here keeps rows or model objects in memory:
``open_source`` yields the rows of a file one at a time (csv module; openpyxl in read-only mode),
``RowChecker`` turns each into a tuple of column values or row-level errors in Chinese, and
``Staging`` streams the good tuples into a temporary table (PostgreSQL: ``COPY`` through psycopg 3;
SQLite: ``executemany``) in chunks, reporting progress in between. ``Staging.merge`` then writes the
whole file with one ``INSERT … SELECT … ON CONFLICT (uscc) DO UPDATE``; ``services.import_entities``
runs it in one transaction with its audit event, so a file is imported entirely or not at all.

A file is the truth for the columns it has; columns it lacks are left alone on existing entities.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import connection, transaction

from shuangsuiji.common.uploads import sniff, text_encoding

from . import uscc as uscc_mod
from .models import CreditClass, Entity, EntityStatus, EntityType, Industry, Scale, Township

HEADER_SCAN_ROWS = 10  # government files often put a title row or two above the header
MAX_STORED_ERRORS = 1000  # the report keeps this many rows in full, plus the total count
CHUNK_ROWS = 50_000  # rows per staging write; progress is reported between chunks
# A million-row .xlsx unpacks to about 1 GB of XML; far more, or an absurd ratio, is a zip bomb.
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_ZIP_RATIO = 200

FIELDS = ("uscc", "name", "entity_type", "industry", "township", "address", "legal_rep", "registered_on",
          "status", "scale", "credit_class")


class FileRefused(Exception):
    """The file as a whole cannot be read (type, encoding, header); ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """A field of the import file: its heading in the template and the headings accepted for it."""

    field: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "uscc"), True,
           "91371703MA3FFT365K"),
    Column("name", "名称", ("名称", "企业名称", "主体名称", "市场主体名称", "单位名称", "个体户名称"), True,
           "菏泽市定陶区示例食品有限公司"),
    Column("entity_type", "主体类型", ("主体类型", "企业类型", "市场主体类型", "企业（主体）类型", "类型"),
           example="企业"),
    Column("industry", "行业代码", ("行业代码", "国民经济行业代码", "国民经济行业", "行业"), example="1391"),
    Column("township", "乡镇（街道）", ("乡镇", "所属乡镇", "乡镇街道", "所属乡镇街道", "街道", "所属街道"),
           example="天中街道"),
    Column("address", "住所（经营场所）", ("住所", "地址", "经营场所", "经营地址", "注册地址", "住所地址"),
           example="菏泽市定陶区天中街道示例路1号"),
    Column("legal_rep", "法定代表人（负责人）", ("法定代表人", "负责人", "经营者", "法人代表", "法定代表人姓名"),
           example="张三"),
    Column("registered_on", "成立日期", ("成立日期", "登记日期", "注册日期", "成立时间"), example="2020-05-18"),
    Column("status", "登记状态", ("登记状态", "状态", "经营状态", "企业状态"), example="存续"),
    Column("scale", "规模", ("规模", "企业规模"), example="小型"),
    Column("credit_class", "信用风险分类", ("信用风险分类", "信用风险等级", "风险分类"), example="B"),
)
_BY_FIELD = {c.field: c for c in COLUMNS}
_SYNONYMS = {s.lower(): c.field for c in COLUMNS for s in c.synonyms}
_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_HEADER_NOISE = re.compile(r"[\s*＊:：]")
NUMBER_CELL = "\x00"  # marks a code read from an Excel number cell
MAX_LENGTH = {f: Entity._meta.get_field(f).max_length for f in ("name", "address", "legal_rep")}


def header_field(text: str) -> str | None:
    """The field a column heading names ("住所（经营场所）*" → "address"), or None."""
    key = _HEADER_NOISE.sub("", text).lower()
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    return _SYNONYMS.get(_BRACKETS.sub("", key))


# ------------------------------------------------------------------------------------------- reading


@dataclass
class Source:
    """An open import file: its rows (lists of cell values), numbered from 1 as the user sees them."""

    kind: str
    rows: Iterator[list]
    estimated_rows: int = 0
    encoding: str = ""


@contextmanager
def open_source(path: Path | str) -> Iterator[Source]:
    """Open a CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX or XLS file for streaming."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(65536)
    kind = sniff(head)
    if kind == "csv":
        encoding = text_encoding(head) or "utf-8"
        with path.open("r", encoding=encoding, newline="") as text:
            first_line = text.readline()
            text.seek(0)
            delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
            yield Source("csv", _csv_rows(text, delimiter, encoding), _count_lines(path), encoding)
    elif kind == "xlsx":
        _check_zip(path)
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise FileRefused("无法读取该 Excel 文件，文件可能已损坏；请另存为 .xlsx 或 CSV 后重试。") from exc
        try:
            sheet = book.worksheets[0]
            yield Source("xlsx", (list(r) for r in sheet.iter_rows(values_only=True)), sheet.max_row or 0)
        finally:
            book.close()
    elif kind == "xls":
        yield _open_xls(path)
    else:
        raise FileRefused("无法识别的文件类型：请上传 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx、.xls）文件。")


def _csv_rows(text, delimiter: str, encoding: str) -> Iterator[list]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileRefused(f"文件第 {reader.line_num + 1} 行附近的文字无法按 {encoding} 编码读取；"
                          "请将文件另存为 UTF-8 或 GB18030 编码的 CSV。") from exc
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式错误（第 {reader.line_num} 行附近）：{exc}") from exc


def _count_lines(path: Path) -> int:
    """Line count for the progress bar (fast: about 0.1 s per 100 MB; quoted line breaks make it an estimate)."""
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            lines += block.count(b"\n")
    return lines


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise FileRefused("该 .xlsx 文件已损坏，无法解压。") from exc
    if "xl/workbook.xml" not in names:
        raise FileRefused("该文件不是 Excel 工作簿（.xlsx）。")
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_ZIP_RATIO * max(path.stat().st_size, 1):
        raise FileRefused("该 .xlsx 文件解压后过大，已拒绝读取。")


def _open_xls(path: Path) -> Source:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise FileRefused("无法读取该 .xls 文件，文件可能已损坏；请另存为 .xlsx 或 CSV 后重试。") from exc

    def rows() -> Iterator[list]:
        for r in range(sheet.nrows):
            out = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                else:
                    out.append(cell.value)
            yield out

    return Source("xls", rows(), sheet.nrows)


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


class _Memo(dict):
    """Remembers the answer for each distinct cell text; dict lookups stay in C for every repeat."""

    def __init__(self, resolve: Callable[[str], object]):
        super().__init__()
        self.resolve = resolve

    def __missing__(self, key: str):
        value = self[key] = self.resolve(key)
        return value


class RowChecker:
    """Checks rows against the header it was built with; collects errors and the first row of each USCC."""

    def __init__(self, header: list, *, today: dt.date | None = None):
        self.columns: dict[str, int] = {}
        self.headings: dict[str, str] = {}
        self.ignored: list[str] = []
        seen: dict[str, str] = {}
        for index, cell in enumerate(header):
            text = _cell_text(cell).strip()
            if not text:
                continue
            name = header_field(text)
            if name is None:
                self.ignored.append(text)
                continue
            if name in seen:
                raise FileRefused(f"列“{seen[name]}”和列“{text}”都对应“{_BY_FIELD[name].label}”，请删去其中一列。")
            seen[name] = text
            self.columns[name] = index
            self.headings[name] = text
        missing = [c for c in COLUMNS if c.required and c.field not in self.columns]
        if missing:
            names = "；".join(f"{c.label}（可用列名：{'、'.join(c.synonyms[:4])}）" for c in missing)
            raise FileRefused(f"缺少必填列：{names}。")
        self.width = max(self.columns.values()) + 1
        self.today = today or dt.date.today()
        self.errors: list[dict] = []
        self.error_count = 0
        self.rows_checked = 0
        self._industries = set(Industry.objects.values_list("code", flat=True))
        self._towns = self._town_lookup()
        # A million rows carry a few thousand distinct dates, towns, types and industries.
        self._dates = _Memo(self._parse_date)
        self._industry_memo = _Memo(self._industry_code)
        self._town_memo = _Memo(self._town_code)
        self._type_memo = _Memo(lambda text: _pick(ENTITY_TYPE_WORDS, text) or _guess_entity_type(text))

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
        """Good rows as staging tuples; blank rows are skipped, bad ones recorded.

        ``text``: every cell is already a string (CSV), so the per-row type scan is skipped.
        """
        check = self._build_check(text)
        for number, cells in data:
            if not any(cells):
                continue
            row = check(number, cells)
            if row is not None:
                yield row

    def check(self, number: int, cells: list) -> tuple | None:
        """The staging tuple for one data row, or None after recording its errors."""
        return self._build_check()(number, cells)

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

    def _build_check(self, text_only: bool = False) -> Callable[[int, list], tuple | None]:
        """The per-row check as a closure: about a million calls per import, so all it needs is local."""
        c = self.columns
        width = self.width
        i_uscc, i_name = c["uscc"], c["name"]
        i_type, i_industry, i_town = c.get("entity_type"), c.get("industry"), c.get("township")
        i_address, i_rep, i_date = c.get("address"), c.get("legal_rep"), c.get("registered_on")
        i_status, i_scale, i_credit = c.get("status"), c.get("scale"), c.get("credit_class")
        max_name, max_address, max_rep = MAX_LENGTH["name"], MAX_LENGTH["address"], MAX_LENGTH["legal_rep"]
        validate, add_error, text_cells = uscc_mod.validate, self.add_error, self._text_cells
        type_memo, industry_memo, town_memo, date_memo = (self._type_memo, self._industry_memo, self._town_memo,
                                                          self._dates)
        status_words, scale_words, credit_words = STATUS_WORDS, SCALE_WORDS, CREDIT_WORDS
        type_from_uscc, other, active = TYPE_FROM_USCC, EntityType.OTHER, EntityStatus.ACTIVE
        types_hint, statuses_hint = "、".join(EntityType.labels), "、".join(EntityStatus.labels)
        scales_hint = "、".join(Scale.labels)
        checker = self

        def check(number: int, cells: list) -> tuple | None:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if not text_only:
                cells = text_cells(cells)
            checker.rows_checked += 1
            bad = False

            code = cells[i_uscc].strip()
            problem = validate(code)
            if problem is not None:
                code = uscc_mod.normalise(code)
                problem = uscc_mod.validate(code) if code else "统一社会信用代码为空"
                if code.startswith(NUMBER_CELL):
                    problem = (f"统一社会信用代码被 Excel 存成了数字（{code[len(NUMBER_CELL):]}），末几位已丢失；"
                               "请把该列设为“文本”格式后重新填写")
                if problem is not None:
                    add_error(number, "uscc", problem)
                    bad = True

            name = cells[i_name].strip()
            if not name:
                add_error(number, "name", "名称为空")
                bad = True
            elif len(name) > max_name:
                add_error(number, "name", f"名称超过{max_name}个字符")
                bad = True

            entity_type = None
            if i_type is not None:
                text = cells[i_type].strip()
                if text:
                    entity_type = type_memo[text]
                    if entity_type is None:
                        add_error(number, "entity_type", f"无法识别的主体类型“{text}”（可填：{types_hint}）")
                        bad = True
            if entity_type is None:
                entity_type = type_from_uscc.get(code[:2], other)

            industry = None
            if i_industry is not None:
                text = cells[i_industry].strip()
                if text:
                    industry = industry_memo[text]
                    if industry is None:
                        add_error(number, "industry", f"行业代码“{text}”不在国民经济行业分类（GB/T 4754-2017）中")
                        bad = True

            township = None
            if i_town is not None:
                text = cells[i_town].strip()
                if text:
                    township = town_memo[text]
                    if township is None:
                        add_error(number, "township", f"乡镇（街道）“{text}”不在本区乡镇（街道）名录中")
                        bad = True

            address = legal_rep = ""
            if i_address is not None:
                address = cells[i_address].strip()
                if len(address) > max_address:
                    add_error(number, "address", f"住所（经营场所）超过{max_address}个字符")
                    bad = True
            if i_rep is not None:
                legal_rep = cells[i_rep].strip()
                if len(legal_rep) > max_rep:
                    add_error(number, "legal_rep", f"法定代表人（负责人）超过{max_rep}个字符")
                    bad = True

            registered_on = None
            if i_date is not None:
                registered_on, problem = date_memo[cells[i_date]]
                if problem:
                    add_error(number, "registered_on", problem)
                    bad = True

            status = active
            if i_status is not None:
                text = cells[i_status].strip()
                status = (status_words.get(text) or _pick(status_words, text)) if text else None
                if status is None:
                    what = f"无法识别的登记状态“{text}”" if text else "登记状态为空"
                    add_error(number, "status", f"{what}（应填：{statuses_hint}）")
                    bad = True

            scale = ""
            if i_scale is not None:
                text = cells[i_scale].strip()
                if text:
                    scale = scale_words.get(text) or _pick(scale_words, text)
                    if scale is None:
                        add_error(number, "scale", f"无法识别的规模“{text}”（可填：{scales_hint}，或留空）")
                        bad = True

            credit_class = ""
            if i_credit is not None:
                text = cells[i_credit].strip()
                if text:
                    credit_class = credit_words.get(text) or _pick(credit_words, text.upper())
                    if credit_class is None:
                        add_error(number, "credit_class", f"无法识别的信用风险分类“{text}”（可填：A、B、C、D、E，或留空）")
                        bad = True

            if bad:
                return None
            return (number, code, name, entity_type, industry, township, address, legal_rep, registered_on, status,
                    scale, credit_class)

        return check

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


def _cell_text(value) -> str:
    """A spreadsheet cell as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def find_header(rows: Iterator[list]) -> tuple[int, list]:
    """The heading row (within the first rows) and its number: the first that names the USCC column."""
    for number, cells in enumerate(islice(rows, HEADER_SCAN_ROWS), start=1):
        if any(header_field(_cell_text(c)) == "uscc" for c in cells if c is not None):
            return number, cells
    raise FileRefused(f"前 {HEADER_SCAN_ROWS} 行中找不到表头：表头须含“统一社会信用代码”列（可下载导入模板对照）。")


# ------------------------------------------------------------------------------------------ staging


STAGE = "ssj_entity_stage"
STAGE_COLUMNS = ("row_no",) + FIELDS
_COLUMN = {f: Entity._meta.get_field(f).column for f in FIELDS}  # industry → industry_id
Rows = Iterator[tuple]


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Staging:
    """A temporary table of checked rows, merged into directory_entity in one statement."""

    vendor: str = field(default_factory=lambda: connection.vendor)
    rows: int = 0

    def __post_init__(self) -> None:
        columns = ", ".join(f"{c} {'integer' if c == 'row_no' else 'text'}" for c in STAGE_COLUMNS)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")

    def drop(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")

    def fill(self, rows: Rows, on_chunk: Callable[[], None] | None = None) -> int:
        """Stream rows into the table, a chunk per transaction so progress can be shown in between."""
        write = self._copy if self.vendor == "postgresql" else self._insert
        while True:
            with transaction.atomic():
                written = write(islice(rows, CHUNK_ROWS))
            self.rows += written
            if on_chunk:
                on_chunk()
            if written < CHUNK_ROWS:
                return self.rows

    def _copy(self, rows: Rows) -> int:
        written = 0
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
                    written += 1
        return written

    def _insert(self, rows: Rows) -> int:
        counter = _Counter(rows)
        marks = ", ".join("?" * len(STAGE_COLUMNS))
        raw = connection.connection.cursor()
        try:
            raw.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", counter)
        finally:
            raw.close()
        return counter.count

    def duplicates(self, limit: int) -> Iterator[tuple[str, list[int]]]:
        """USCCs on more than one row, with their row numbers, in file order."""
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute("SET LOCAL work_mem = '256MB'")  # a million-row GROUP BY without spilling to disk
            cur.execute(f"SELECT uscc, min(row_no) FROM {STAGE} GROUP BY uscc HAVING count(*) > 1 "
                        f"ORDER BY 2 LIMIT %s", [limit])
            codes = dict(cur.fetchall())
            if not codes:
                return
            cur.execute(f"SELECT uscc, row_no FROM {STAGE} WHERE uscc IN ({', '.join(['%s'] * len(codes))}) "
                        f"ORDER BY row_no", list(codes))
            found: dict[str, list[int]] = {}
            for code, row_no in cur.fetchall():
                found.setdefault(code, []).append(row_no)
        yield from found.items()

    def merge(self, present: tuple[str, ...], now: dt.datetime) -> MergeCounts:
        """Insert new USCCs and update existing ones with the fields the file provides."""
        table = Entity._meta.db_table
        target = [_COLUMN[f] for f in FIELDS] + ["updated_at"]
        values = [f"{f}::date" if f == "registered_on" and self.vendor == "postgresql" else f for f in FIELDS]
        changed = [_COLUMN[f] for f in present if f != "uscc"]
        assign = ", ".join(f"{c} = excluded.{c}" for c in changed + ["updated_at"])
        differs = " OR ".join(
            f"{table}.{c} IS DISTINCT FROM excluded.{c}" if self.vendor == "postgresql"
            else f"{table}.{c} IS NOT excluded.{c}" for c in changed
        ) or "false"
        insert = (f"INSERT INTO {table} ({', '.join(target)}) "
                  f"SELECT {', '.join(values)}, %s FROM {STAGE} WHERE true "
                  f"ON CONFLICT (uscc) DO UPDATE SET {assign} WHERE {differs}")
        stamp = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                # xmax = 0 marks a freshly inserted row: one statement both writes and counts.
                cur.execute(f"WITH merged AS ({insert} RETURNING (xmax = 0) AS inserted) "
                            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
                            "FROM merged", [stamp])
                inserted, updated = cur.fetchone()
            else:
                cur.execute(f"SELECT count(*) FROM {STAGE} s JOIN {table} e ON e.uscc = s.uscc")
                existing = cur.fetchone()[0]
                cur.execute(insert, [stamp])
                inserted = self.rows - existing
                updated = cur.rowcount - inserted
        return MergeCounts(inserted, updated, self.rows - inserted - updated)


class _Counter:
    """Counts the rows an iterator hands to executemany."""

    def __init__(self, rows: Rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


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
