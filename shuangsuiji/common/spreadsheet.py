"""One spreadsheet reader for every importer (issue 25).

It opens a file by its content — CSV in UTF-8 or GB18030, either with or without its byte-order mark (a
UTF-8 mark in front of a GB18030 body, as some export tools write, included), .xlsx or legacy .xls — and
finds the sheet and row holding the header with the importer's own test, scanning every sheet and naming
them when none has it. Merged cells are expanded (every cell of a merged range reads its top-left value).
Then it streams the rows after the header. ``Limits`` (size, unpacked size, rows, columns per row, cell
length) are the same for every importer unless one states otherwise, and the costly ones are enforced before
the expensive work: an .xlsx sheet is scanned as bytes for its widest row before openpyxl builds any row.
Every problem with the file as a whole is one ``FileRefused`` whose message is plain Chinese naming the
sheet and row. ``Headings`` maps column headings to fields from the synonym table in ``headers.toml``.
Importers keep only their columns and row rules.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from django.conf import settings

from .errors import FileRefused
from .uploads import sniff

HEADER_SCAN_ROWS = 10  # government files often put a title row or two above the header
GB18030_BOM = b"\x84\x31\x95\x33"


@dataclass(frozen=True)
class Limits:
    """What a file may hold; the defaults serve every importer unless it states otherwise.

    ``max_bytes`` None: the upload limit (SSJ_MAX_UPLOAD_BYTES). ``max_rows`` None: no limit (the
    directory streams millions). A million-row .xlsx unpacks to about 1 GB of XML; far more, or an absurd
    ratio, is a zip bomb. 32,767 characters is Excel's own limit for one cell."""

    max_bytes: int | None = None
    max_rows: int | None = None
    max_columns: int = 200
    max_cell_chars: int = 32_767
    max_unpacked_bytes: int = 4 * 1024**3
    max_zip_ratio: int = 200
    what: str = "本类文件"  # the kind of file, as refusals name it ("不像抽查事项清单")

    def file_bytes(self) -> int:
        upload = settings.SSJ_MAX_UPLOAD_BYTES
        return upload if self.max_bytes is None else min(self.max_bytes, upload)


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    """An open file at its header: the header's cells and row number (1-based, as the user sees it), then
    the rows after it. ``sheet`` is the worksheet's name ("" for CSV); ``merged`` counts its merged ranges."""

    kind: str
    header: list
    header_row: int
    rows: Iterator[list]
    sheet: str = ""
    estimated_rows: int = 0
    encoding: str = ""
    sheets_scanned: list[str] = field(default_factory=list)
    merged: int = 0

    def where(self, row: int) -> str:
        """"工作表“名录”第 12 行" or "第 12 行"."""
        return _where(self.sheet, row)

    def numbered(self) -> Iterator[tuple[int, list]]:
        """(row number as the user sees it, cells) for every row after the header."""
        return enumerate(self.rows, start=self.header_row + 1)


def _where(sheet: str, row: int) -> str:
    return f"工作表“{sheet}”第 {row} 行" if sheet else f"第 {row} 行"


def csv_encoding(head: bytes) -> tuple[str, int] | None:
    """(Python codec, bytes of byte-order mark to skip) for the start of a CSV file, or None."""
    bom = 0
    if head.startswith(codecs.BOM_UTF8):
        bom = len(codecs.BOM_UTF8)
    elif head.startswith(GB18030_BOM):
        return "gb18030", len(GB18030_BOM)
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head[bom:], final=False)
        except UnicodeDecodeError:
            continue
        return encoding, bom
    return None


@contextmanager
def open_table(path: Path | str, *, is_header: Callable[[list], bool], header_hint: str,
               limits: Limits = DEFAULT_LIMITS, scan_rows: int = HEADER_SCAN_ROWS) -> Iterator[Table]:
    """Open ``path`` at the first row, on the first sheet, for which ``is_header(cells)`` holds.

    ``header_hint`` ends the refusal when no sheet has one ("表头须含“统一社会信用代码”列")."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("文件是空的。")
    if size > limits.file_bytes():
        raise FileRefused(f"文件大小为 {size / 1048576:.1f} MB，超过{limits.what}导入的上限 {limits.file_bytes() // 1048576} MB；"
                          "请确认选择了正确的文件，或拆分后分别导入。")
    with path.open("rb") as fh:
        head = fh.read(65536)
    kind = sniff(head)
    if kind == "csv":
        opener = _csv_sheets(path, head, limits)
    elif kind == "xlsx":
        opener = _xlsx_sheets(path, limits)
    elif kind == "xls":
        opener = _xls_sheets(path, limits)
    else:
        raise FileRefused("无法识别的文件类型：请上传 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx、.xls）文件。")
    with opener as sheets:
        yield _find(sheets, kind, is_header, header_hint, scan_rows)


@dataclass
class _Sheet:
    name: str
    rows: Iterator[list]
    estimated_rows: int = 0
    encoding: str = ""
    merged: int = 0


def _find(sheets: Iterator[_Sheet], kind: str, is_header, header_hint: str, scan_rows: int) -> Table:
    names = []
    for sheet in sheets:
        names.append(sheet.name)
        top = list(islice(sheet.rows, scan_rows))
        for number, cells in enumerate(top, start=1):
            if is_header(cells):
                rest = chain(top[number:], sheet.rows)
                return Table(kind, cells, number, rest, sheet.name, sheet.estimated_rows, sheet.encoding, names,
                             sheet.merged)
    where = "、".join(f"“{n}”" for n in names)
    if kind == "csv":
        raise FileRefused(f"前 {scan_rows} 行中找不到表头：{header_hint}（可下载导入模板对照）。")
    raise FileRefused(f"工作表{where}的前 {scan_rows} 行中都找不到表头：{header_hint}（可下载导入模板对照）。")


def _guarded(rows: Iterator[list], limits: Limits, sheet: str) -> Iterator[list]:
    """The rows, numbered from 1, refused at the first one past the row, column or cell-length limit."""
    max_rows = None if limits.max_rows is None else limits.max_rows + HEADER_SCAN_ROWS
    wide, longest = limits.max_columns, limits.max_cell_chars
    for number, cells in enumerate(rows, start=1):
        if max_rows is not None and number > max_rows:
            raise FileRefused(f"文件超过 {limits.max_rows:,} 行，不像{limits.what}，已拒绝导入；"
                              "请确认选择了正确的文件，或拆分后分别导入。")
        if len(cells) > wide and any(c not in (None, "") for c in cells[wide:]):
            raise FileRefused(f"{_where(sheet, number)}超过 {wide} 列，不像{limits.what}，已拒绝导入。")
        try:
            too_long = max(map(len, cells), default=0) > longest
        except TypeError:  # numbers, dates or empty cells of a workbook
            too_long = any(isinstance(c, str) and len(c) > longest for c in cells)
        if too_long:
            col = next(i for i, c in enumerate(cells, start=1) if isinstance(c, str) and len(c) > longest)
            raise FileRefused(f"{_where(sheet, number)}第 {col} 列的内容超过 {longest:,} 字，文件可能已损坏，已拒绝导入。")
        yield cells


# --------------------------------------------------------------------------------------------------- CSV


@contextmanager
def _csv_sheets(path: Path, head: bytes, limits: Limits) -> Iterator[Iterator[_Sheet]]:
    found = csv_encoding(head)
    encoding, bom = found or ("utf-8", 0)
    with path.open("rb") as raw:
        raw.seek(bom)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        start = text.tell()
        try:
            first_line = text.readline()
        except UnicodeDecodeError as exc:
            raise FileRefused(f"文件开头的文字无法按 {encoding} 编码读取；请将文件另存为 UTF-8 或 GB18030 编码的 CSV。") from exc
        text.seek(start)
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        rows = _guarded(_csv_rows(text, delimiter, encoding), limits, "")
        yield iter([_Sheet("", rows, _count_lines(path), encoding)])


def _csv_rows(text, delimiter: str, encoding: str) -> Iterator[list]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileRefused(f"文件第 {reader.line_num + 1} 行附近的文字无法按 {encoding} 编码读取；"
                          "请将文件另存为 UTF-8 或 GB18030 编码的 CSV。") from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRefused(f"第 {reader.line_num} 行有单元格超过 {csv.field_size_limit():,} 个字，"
                              "文件可能已损坏，已拒绝导入；请检查该行。") from exc
        raise FileRefused(f"CSV 格式错误（第 {reader.line_num} 行附近），例如引号未闭合；请用 Excel 另存为 CSV 后重试。") from exc


def _count_lines(path: Path) -> int:
    """Roughly how many lines the file has, for the progress bar: its size over the average length of
    the lines in its first megabyte (counting every line break of a large file would cost more)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    lines = head.count(b"\n")
    if len(head) == size or not lines:
        return lines
    return round(size * lines / len(head))


# -------------------------------------------------------------------------------------------------- XLSX

MAX_MERGED_RANGES = 100_000
_CHUNK = 1 << 20
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)\"")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise FileRefused("该 .xlsx 文件已损坏，无法解压。") from exc
    if "xl/workbook.xml" not in names:
        raise FileRefused("该文件是压缩包而不是 Excel 工作簿：请上传 .xlsx、.xls 或 .csv 文件。")
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_zip_ratio * max(path.stat().st_size, 1):
        raise FileRefused("该 .xlsx 文件解压后过大，已拒绝读取。")


def scan_sheet_xml(source, limits: Limits, sheet: str) -> list[tuple[int, int, int, int]]:
    """Read a worksheet's XML as bytes, without parsing it: refuse a row with more cells than the limit
    (before openpyxl would build it whole in memory) and return the merged ranges, which sit after the
    cell data, as (first row, last row, first column, last column), 1-based and inclusive."""
    from openpyxl.utils.cell import range_boundaries

    buf = source.read(_CHUNK)
    match = _SHEET_DATA.search(buf)
    prefix = (match.group(1) or b"") if match else b""
    row_tag = re.compile(b"<" + re.escape(prefix) + rb"row[\s>]")
    cell_open, cell_bare = b"<" + prefix + b"c ", b"<" + prefix + b"c>"
    end_tag = b"</" + prefix + b"sheetData>"
    cells, last_row_tag, tail = 0, b"", []
    while buf:
        more = source.read(_CHUNK)
        cut = len(buf) if not more else max(buf.rfind(b"<"), 0)
        segment, carry = buf[:cut], buf[cut:]
        end = segment.find(end_tag)
        if end >= 0:
            tail.append(segment[end:] + carry + more + source.read())
            segment, more, carry = segment[:end], b"", b""
        position = 0
        for found in row_tag.finditer(segment):
            cells += segment.count(cell_open, position, found.start()) + segment.count(cell_bare, position, found.start())
            if cells > limits.max_columns:
                break
            cells, position, last_row_tag = 0, found.start(), segment[found.start():found.start() + 80]
        cells += segment.count(cell_open, position) + segment.count(cell_bare, position)
        if cells > limits.max_columns:
            number = _ROW_NUMBER.search(last_row_tag)
            where = _where(sheet, int(number.group(1))) if number else f"工作表“{sheet}”中有一行"
            raise FileRefused(f"{where}超过 {limits.max_columns} 列，不像{limits.what}，已拒绝导入。")
        buf = carry + more
    merges = []
    for ref in _MERGE_REF.findall(b"".join(tail)):
        if len(merges) >= MAX_MERGED_RANGES:
            raise FileRefused(f"工作表“{sheet}”的合并单元格超过 {MAX_MERGED_RANGES:,} 处，已拒绝读取。")
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        if min_col <= limits.max_columns:
            merges.append((min_row, max_row, min_col, min(max_col, limits.max_columns + 1)))
    return merges


@contextmanager
def _xlsx_sheets(path: Path, limits: Limits) -> Iterator[Iterator[_Sheet]]:
    _check_zip(path, limits)
    import openpyxl

    # A file object, not the path: openpyxl refuses a workbook whose name does not end in .xlsx.
    with path.open("rb") as handle:
        # Every sheet is scanned before openpyxl opens the workbook: opening it already parses a sheet
        # that does not declare its size, to the end.
        try:
            merges = _scan_sheets(handle, limits)
        except FileRefused:
            raise
        except Exception as exc:  # zipfile, zlib and XML errors of a damaged archive
            raise FileRefused(DAMAGED) from exc
        handle.seek(0)
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise FileRefused("无法读取该 Excel 文件，文件可能已损坏或受密码保护；请另存为 .xlsx 或 CSV 后重试。") from exc
        try:
            yield (_xlsx_sheet(ws, limits, merges.get(ws._worksheet_path.lstrip("/"), [])) for ws in book.worksheets)
        finally:
            book.close()


def _scan_sheets(handle, limits: Limits) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of every worksheet part, by its name in the archive (see ``scan_sheet_xml``)."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(handle) as archive:
        titles: dict[str, str] = {}
        try:
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
                if sheet.tag.endswith("}sheet"):
                    rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
                    target = targets.get(rid, "")
                    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    titles[member] = sheet.get("name", "")
        except (KeyError, ElementTree.ParseError) as exc:
            raise FileRefused("无法读取该 Excel 文件，文件可能已损坏；请另存为 .xlsx 或 CSV 后重试。") from exc
        found = {}
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                with archive.open(member) as source:
                    found[member] = scan_sheet_xml(source, limits, titles.get(member, member))
        return found


def _xlsx_sheet(ws, limits: Limits, merges: list[tuple[int, int, int, int]]) -> _Sheet:
    # The declared size of a sheet is often wrong (formatting on whole rows); rows are read as wide as the
    # widest allowed plus one, so a cell past the limit is seen and refused but never padded to 16,384.
    declared_rows, declared_columns = ws.max_row or 0, ws.max_column or 0
    ws.reset_dimensions()
    width = min(declared_columns or limits.max_columns + 1, limits.max_columns + 1)
    rows = _intact((list(r) for r in ws.iter_rows(max_col=width, values_only=True)), ws.title)
    return _Sheet(ws.title, _guarded(_expand(rows, merges), limits, ws.title), declared_rows, "", len(merges))


DAMAGED = "该 Excel 文件已损坏（压缩数据或表格内容校验失败），无法读取；请在 Excel 中打开并另存后重试。"


def _intact(rows: Iterator[list], sheet: str) -> Iterator[list]:
    """The rows of a workbook sheet; a library error part-way (a damaged file) becomes a refusal naming
    the sheet and the row where reading stopped."""
    number = 0
    try:
        for number, row in enumerate(rows, start=1):  # noqa: B007 - read by the except below
            yield row
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl, xlrd, zipfile and zlib raise many types for a damaged file
        raise FileRefused(f"{_where(sheet, number + 1)}附近的内容已损坏，无法读取；请在 Excel 中打开并另存后重试。") from exc


def _expand(rows: Iterator[list], merges: list[tuple[int, int, int, int]]) -> Iterator[list]:
    """Every cell of a merged range reads the range's top-left value."""
    if not merges:
        yield from rows
        return
    starting: dict[int, list[tuple[int, int, int]]] = {}
    for first, last, c1, c2 in merges:
        starting.setdefault(first, []).append((last, c1, c2))
    active: list[tuple[int, int, int, object]] = []
    for number, cells in enumerate(rows, start=1):
        active = [a for a in active if a[0] >= number]
        for last, c1, c2 in starting.get(number, ()):
            active.append((last, c1, c2, cells[c1 - 1] if c1 <= len(cells) else None))
        for _last, c1, c2, value in active:
            if len(cells) < c2:
                cells.extend([None] * (c2 - len(cells)))
            cells[c1 - 1:c2] = [value] * (c2 - c1 + 1)
        yield cells


# --------------------------------------------------------------------------------------------------- XLS


@contextmanager
def _xls_sheets(path: Path, limits: Limits) -> Iterator[Iterator[_Sheet]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise FileRefused("无法读取该 .xls 文件，文件可能已损坏或受密码保护；请另存为 .xlsx 或 CSV 后重试。") from exc

    def rows(sheet) -> Iterator[list]:
        for r in range(sheet.nrows):
            out = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                else:
                    out.append(cell.value)
            yield out

    def sheets() -> Iterator[_Sheet]:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:  # xlrd reads a sheet on demand; a damaged one raises many types
                raise FileRefused(DAMAGED.replace("Excel", ".xls")) from exc
            # xlrd gives (first row, row after the last, first column, column after the last), 0-based.
            merges = [(r1 + 1, r2, c1 + 1, c2) for r1, r2, c1, c2 in sheet.merged_cells]
            yield _Sheet(sheet.name, _guarded(_expand(_intact(rows(sheet), sheet.name), merges), limits, sheet.name),
                         sheet.nrows, "", len(merges))

    try:
        yield sheets()
    finally:
        book.release_resources()


# -------------------------------------------------------------------------------------------------- cells


def cell_text(value) -> str:
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


# ----------------------------------------------------------------------------------------------- headings

_HEADING_NOISE = re.compile(r"[\s*:]")
_BRACKETED = re.compile(r"[(【\[].*?[)】\]]")


def heading_key(text) -> str:
    """A column heading as compared: NFKC (half-width), no spaces, line breaks, "*" or colons, lower case."""
    text = unicodedata.normalize("NFKC", cell_text(text)).replace("_x000D_", "")
    return _HEADING_NOISE.sub("", text).lower()


def _synonym_files() -> list[Path]:
    files = [Path(__file__).with_name("headers.toml")]
    extra = getattr(settings, "SSJ_HEADER_SYNONYMS", "")
    if extra:
        files.append(Path(extra))
    return files


class Headings:
    """Heading → field for one importer, from the synonym table (``headers.toml`` and SSJ_HEADER_SYNONYMS).

    ``labels`` are the importer's own template headings, which always match their field."""

    def __init__(self, section: str, labels: dict[str, str]):
        self.labels = labels
        self.synonyms: dict[str, list[str]] = {f: [label] for f, label in labels.items()}
        for path in _synonym_files():
            with path.open("rb") as fh:
                table = tomllib.load(fh).get(section, {})
            for name, words in table.items():
                if name not in labels:
                    raise ValueError(f"{path}: [{section}] {name} is not a column of this importer")
                self.synonyms[name].extend(w for w in words if w not in self.synonyms[name])
        self._by_key = {}
        for name, words in self.synonyms.items():
            for word in words:
                self._by_key.setdefault(heading_key(word), name)

    def field(self, text) -> str | None:
        """The field a heading names ("住所（经营场所）*" → "address"), or None."""
        key = heading_key(text)
        if not key:
            return None
        return self._by_key.get(key) or self._by_key.get(_BRACKETED.sub("", key))

    def columns(self, cells: list) -> dict[int, str]:
        """Column index → field for the known headings of a row (the first column naming each field)."""
        found: dict[int, str] = {}
        for index, cell in enumerate(cells):
            name = self.field(cell)
            if name and name not in found.values():
                found[index] = name
        return found

    def examples(self, name: str, count: int = 4) -> str:
        """"统一社会信用代码、信用代码…" for a message naming the headings accepted for a field."""
        return "、".join(self.synonyms[name][:count])
