"""Tables for download: cells a spreadsheet would run as formulas become text, CSV opens in Excel."""

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
