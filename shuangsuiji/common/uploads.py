"""Uploaded files: type by content (magic bytes), size checked before reading, stored under MEDIA_ROOT.

Shared by every app that imports spreadsheets, so the checks are the same everywhere.
"""

from __future__ import annotations

import codecs
import uuid
import zipfile
from pathlib import Path

from django.conf import settings

from .errors import FileRefused, TooLarge

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 65536


def sniff(head: bytes) -> str | None:
    """The file type by content: "xlsx", "xls", "csv" (decodable text) or None."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if not head or b"\x00" in head:
        return None
    return "csv" if text_encoding(head) else None


def text_encoding(head: bytes) -> str | None:
    """The encoding that decodes the start of a text file (a cut multibyte character at the end is fine)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _refused(kind: type[FileRefused | TooLarge], message: str) -> FileRefused | TooLarge:
    """An upload refusal names the form's (and the API's) ``file`` field."""
    return kind(message, {"file": message})


def store_upload(upload, folder: str, *, limit: int | None = None) -> tuple[Path, str]:
    """Check an uploaded spreadsheet and save it under MEDIA_ROOT/folder with a generated name.

    Returns (path relative to MEDIA_ROOT, file type). Refuses, without reading it, a file above
    ``limit`` (default SSJ_MAX_UPLOAD_BYTES), and any file that is not CSV, XLSX or XLS by content.
    """
    limit = settings.SSJ_MAX_UPLOAD_BYTES if limit is None else limit
    if upload.size > limit:
        raise _refused(TooLarge, f"文件大小为 {upload.size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB。")
    if upload.size == 0:
        raise _refused(FileRefused, "上传的文件是空的。")
    upload.seek(0)
    kind = sniff(upload.read(HEAD_BYTES))
    if kind is None:
        raise _refused(FileRefused, "无法识别的文件类型：请上传 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx、.xls）文件。")
    relative = Path(folder) / f"{uuid.uuid4().hex}.{kind}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if kind == "xlsx" and not _is_workbook(target):
        target.unlink()
        raise _refused(FileRefused, "该文件不是有效的 Excel 工作簿（.xlsx）：请在 Excel 中另存为 .xlsx 或 CSV 后重新上传。")
    return relative, kind


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def small_file() -> int:
    """The limit for a drand round or lottery result uploaded as a file."""
    return 1024 * 1024
