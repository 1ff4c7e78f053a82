"""Tables for download: cells a spreadsheet would run as formulas become text, CSV opens in Excel.

Every CSV and Excel file the platform writes goes through ``csv_lines`` or ``xlsx_bytes`` (issue 26)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# Cells starting with these are run as formulas by spreadsheet programs (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value) -> str:
    """Text safe to open in a spreadsheet: a leading apostrophe keeps a would-be formula as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (so Excel reads Chinese), one string per line, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield buffer.getvalue()


def xlsx_bytes(sheet: str, header: list[str], rows: Iterable[Iterable]) -> bytes:
    """A one-sheet workbook (``xlsx_book``)."""
    return xlsx_book([(sheet, header, rows)])


def xlsx_book(sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]]) -> bytes:
    """A workbook of (sheet name, header, rows) in which no cell is a formula: text starting with "=" is stored
    as a text cell (shown exactly as written, without the CSV apostrophe), and characters XML cannot hold are
    dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for sheet, header, rows in sheets:
        ws = book.create_sheet(sheet)

        def cell(value, ws=ws):
            if not isinstance(value, str):
                return value
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not value.startswith("="):
                return value
            text = WriteOnlyCell(ws, value=value)
            text.data_type = "s"
            return text

        ws.append(header)
        for row in rows:
            ws.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_attachment(filename: str, body: bytes):
    """A workbook as a download (``filename`` in ASCII)."""
    from django.http import HttpResponse

    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(filename: str, sheet: str, header: list[str], rows: Iterable[Iterable]):
    """A one-sheet table (``xlsx_bytes``) as a download."""
    return xlsx_attachment(filename, xlsx_bytes(sheet, header, rows))


def template_download(fmt: str, title: str, header: list[str], rows: list[list]):
    """An import template (``title``: its name in words) as CSV (UTF-8 with BOM) or XLSX; 404 for another format."""
    from django.http import Http404, HttpResponse
    from django.utils.http import content_disposition_header

    if fmt == "csv":
        body, content_type = "".join(csv_lines(header, rows)), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, content_type = xlsx_bytes(title, header, rows), XLSX
    else:
        raise Http404
    return HttpResponse(body, content_type=content_type, headers={
        "Content-Disposition": content_disposition_header(True, f"{title}导入模板.{fmt}")})
