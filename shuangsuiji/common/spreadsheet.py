"""One spreadsheet reader for every importer (issue 25).

It opens a file by its content — CSV in UTF-8 or GB18030, either with or without its byte-order mark (a
UTF-8 mark in front of a GB18030 body, as some export tools write, included), .xlsx or legacy .xls — and
finds the sheet and row holding the header with the importer's own test, scanning every sheet and naming
them when none has it. Then it streams the rows after the header. Every problem with the file as a whole
is one ``FileRefused`` whose message is plain Chinese naming the sheet and row. Importers keep only their
columns and row rules.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from .uploads import sniff

HEADER_SCAN_ROWS = 10  # government files often put a title row or two above the header
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_ZIP_RATIO = 200
GB18030_BOM = b"\x84\x31\x95\x33"


class FileRefused(Exception):
    """The file as a whole cannot be read (type, encoding, sheet, header, limits); ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """An open file at its header: the header's cells and row number (1-based, as the user sees it), then
    the rows after it. ``sheet`` is the worksheet's name ("" for CSV)."""

    kind: str
    header: list
    header_row: int
    rows: Iterator[list]
    sheet: str = ""
    estimated_rows: int = 0
    encoding: str = ""
    sheets_scanned: list[str] = field(default_factory=list)

    def where(self, row: int) -> str:
        """"工作表“名录”第 12 行" or "第 12 行"."""
        return f"工作表“{self.sheet}”第 {row} 行" if self.sheet else f"第 {row} 行"


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
               scan_rows: int = HEADER_SCAN_ROWS) -> Iterator[Table]:
    """Open ``path`` at the first row, on the first sheet, for which ``is_header(cells)`` holds.

    ``header_hint`` ends the refusal when no sheet has one ("表头须含“统一社会信用代码”列")."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(65536)
    kind = sniff(head)
    if kind == "csv":
        with _csv_sheets(path, head) as sheets:
            yield _find(sheets, kind, is_header, header_hint, scan_rows)
    elif kind == "xlsx":
        with _xlsx_sheets(path) as sheets:
            yield _find(sheets, kind, is_header, header_hint, scan_rows)
    elif kind == "xls":
        yield _find(_xls_sheets(path), kind, is_header, header_hint, scan_rows)
    else:
        raise FileRefused("无法识别的文件类型：请上传 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx、.xls）文件。")


# A sheet as the scanner sees it: (name, rows iterator, estimated rows, encoding).
Sheet = tuple[str, Iterator[list], int, str]


def _find(sheets: Iterator[Sheet], kind: str, is_header, header_hint: str, scan_rows: int) -> Table:
    names = []
    for name, rows, estimated, encoding in sheets:
        names.append(name)
        top = list(islice(rows, scan_rows))
        for number, cells in enumerate(top, start=1):
            if is_header(cells):
                rest = chain(top[number:], rows)
                return Table(kind, cells, number, rest, name, estimated, encoding, names)
    where = "、".join(f"“{n}”" for n in names)
    if kind == "csv":
        raise FileRefused(f"前 {scan_rows} 行中找不到表头：{header_hint}（可下载导入模板对照）。")
    raise FileRefused(f"工作表{where}的前 {scan_rows} 行中都找不到表头：{header_hint}（可下载导入模板对照）。")


@contextmanager
def _csv_sheets(path: Path, head: bytes) -> Iterator[Iterator[Sheet]]:
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
        yield iter([("", _csv_rows(text, delimiter, encoding), _count_lines(path), encoding)])


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
                              "不像是一份名录；请检查该行。") from exc
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


@contextmanager
def _xlsx_sheets(path: Path) -> Iterator[Iterator[Sheet]]:
    _check_zip(path)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRefused("无法读取该 Excel 文件，文件可能已损坏；请另存为 .xlsx 或 CSV 后重试。") from exc
    try:
        yield ((ws.title, (list(r) for r in ws.iter_rows(values_only=True)), ws.max_row or 0, "")
               for ws in book.worksheets)
    finally:
        book.close()


def _xls_sheets(path: Path) -> Iterator[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise FileRefused("无法读取该 .xls 文件，文件可能已损坏；请另存为 .xlsx 或 CSV 后重试。") from exc

    def rows(sheet) -> Iterator[list]:
        for r in range(sheet.nrows):
            out = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                else:
                    out.append(cell.value)
            yield out

    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        yield sheet.name, rows(sheet), sheet.nrows, ""


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
