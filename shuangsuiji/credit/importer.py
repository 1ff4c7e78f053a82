"""Reading credit-fact files (CSV, XLSX, XLS): what the credit systems know of each business, by its USCC.

Two kinds of file. A **fact table** has a column per fact (列入经营异常名录, 近三年行政处罚次数, …); each filled cell
replaces what is on record for that business and a blank cell leaves it alone. A **list** (the current
经营异常名录, 严重违法失信名单, 失信联合惩戒对象名单, 守信激励对象名单 or 未按时报送年报名单, as the credit systems
export them) names every business on it: those in the file are on the list, every other business is taken off;
a row with a 移出日期 is a business already taken off.

``read`` checks every row and names each problem by row and column in Chinese; the service writes only a file
without problems. Codes that are valid but not in the directory (a business of another district, or one
deregistered before the directory was loaded) are skipped and listed, never guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shuangsuiji.common import spreadsheet
from shuangsuiji.directory import uscc as uscc_mod
from shuangsuiji.directory.models import Entity
from shuangsuiji.inspectors.importer import parse_date

FLAGS = {"abnormal": "列入经营异常名录", "serious": "列入严重违法失信名单", "annual_report_missing": "未按时报送年度报告",
         "punished": "失信联合惩戒对象", "trusted": "守信激励对象"}
COUNTS = {"penalties": "近三年行政处罚（次）", "complaints": "近一年投诉举报（件）"}
FACTS = {**FLAGS, **COUNTS}
LABELS = {"uscc": "统一社会信用代码", "name": "名称", **FACTS, "removed_on": "移出日期"}
# The lists a file may be, by the flag it sets.
LISTS = {"abnormal": "经营异常名录", "serious": "严重违法失信名单", "punished": "失信联合惩戒对象名单",
         "trusted": "守信激励对象名单", "annual_report_missing": "未按时报送年度报告名单"}
KINDS = {"facts": "信用信息表（每列一项信息，逐户更新）", **{k: f"{v}（完整名单）" for k, v in LISTS.items()}}
MAX_COUNT = 999
MAX_STORED = 1000  # rows of errors and of skipped codes kept in the report (plus the totals)
LIMITS = spreadsheet.Limits(what="信用信息文件")
HEADER_HINT = "须有“统一社会信用代码”列"
YES = {"是", "y", "yes", "true", "1", "√", "✓", "有", "列入", "已列入", "在列", "未移出"}
NO = {"否", "n", "no", "false", "0", "×", "无", "未列入", "移出", "已移出", "不在列"}
# The annual-report column may say what happened rather than yes or no.
REPORT_WORDS = {"未报送": True, "未按时报送": True, "逾期未报": True, "逾期报送": True, "已报送": False,
                "按时报送": False, "已按时报送": False}
EXCLUSIVE = ("punished", "trusted")


@functools.cache
def heading_table() -> spreadsheet.Headings:
    return spreadsheet.Headings("credit", LABELS)


def header_columns(cells: list) -> dict[int, str]:
    return heading_table().columns(cells)


def is_header(cells: list) -> bool:
    return "uscc" in header_columns(cells).values()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_flag(name: str, value) -> bool | None:
    """是/否 and the words people write for them; None for a blank cell (leave as it is)."""
    text = _text(value)
    if not text:
        return None
    if name == "annual_report_missing" and text in REPORT_WORDS:
        return REPORT_WORDS[text]
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ValueError(f"“{text}”应填“是”或“否”（也可留空，表示不变）")


def parse_count(value) -> int | None:
    """A count of 0–999 ("3", "3次", "3件"); None for a blank cell."""
    text = _text(value)
    if not text:
        return None
    number = re.sub(r"\s*(次|件|起|宗)$", "", text)
    if not number.isdigit():
        raise ValueError(f"“{text}”应为 0 或正整数（如 2）")
    if int(number) > MAX_COUNT:
        raise ValueError(f"{number} 超过 {MAX_COUNT}，请核对")
    return int(number)


@dataclass
class Checked:
    """A file read and checked: per business (entity id) the facts it sets, or the problems found."""

    kind: str
    rows: int = 0
    changes: dict[int, dict[str, object]] = field(default_factory=dict)
    listed: set[int] = field(default_factory=set)
    first_row: dict[int, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    skipped: list[dict] = field(default_factory=list)
    skipped_count: int = 0
    ignored: list[str] = field(default_factory=list)

    def error(self, row: int, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED:
            self.errors.append({"row": row, "column": LABELS.get(column, column) if column else "", "message": message})

    def skip(self, row: int, code: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_STORED:
            self.skipped.append({"row": row, "message": f"{code} 不在检查对象名录库中，已略过"})


LOOKUP_CHUNK = 5_000


def read(path: Path | str, kind: str, *, progress: Callable[..., None] | None = None) -> Checked:
    """Read and check every row of ``path`` as a file of ``kind`` ("facts" or a key of LISTS)."""
    if kind not in KINDS:
        raise spreadsheet.FileRefused("请选择文件的类型：信用信息表，或某一份完整名单。")
    checked = Checked(kind)
    pending: list[tuple[int, str, dict[str, object] | None]] = []
    with spreadsheet.open_table(path, is_header=is_header, header_hint=HEADER_HINT, limits=LIMITS) as table:
        columns = header_columns(table.header)
        checked.ignored = [_text(c) for i, c in enumerate(table.header) if i not in columns and _text(c)]
        facts = [f for f in columns.values() if f in FACTS]
        if kind == "facts" and not facts:
            raise spreadsheet.FileRefused(
                "文件中没有信用信息列：请至少有一列，如“" + "”“".join(list(FACTS.values())[:3]) + "”；"
                "若这是一份名单（只有代码和名称），请在“文件类型”中选择对应的名单。")
        total = max(table.estimated_rows - table.header_row, 0)
        for row_no, raw in table.numbered():
            cells = {name: raw[i] if i < len(raw) else None for i, name in columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            checked.rows += 1
            code = uscc_mod.normalise(_text(cells.get("uscc")))
            problem = uscc_mod.validate(code)
            if problem and isinstance(cells.get("uscc"), int | float):  # 18 digits do not survive as a number
                problem = (f"统一社会信用代码被 Excel 存成了数字（{code}），末几位已丢失；"
                           "请把该列设为“文本”格式后重新填写")
            if problem:
                checked.error(row_no, "uscc", problem)
            values = _row_values(checked, row_no, cells, kind)  # its other cells are checked all the same
            if not problem:  # a row with a wrong cell still claims its code: a second row with it is named too
                pending.append((row_no, code, values))
            if len(pending) >= LOOKUP_CHUNK:
                _resolve(checked, pending)
                pending = []
            if progress:
                progress(checked.rows, max(total, checked.rows))
        _resolve(checked, pending)
    if progress:
        progress(checked.rows, checked.rows, force=True)
    return checked


def _row_values(checked: Checked, row_no: int, cells: dict, kind: str) -> dict[str, object] | None:
    values: dict[str, object] = {}
    ok = True
    if kind == "facts":
        for name in FACTS:
            if name not in cells:
                continue
            try:
                value = parse_flag(name, cells[name]) if name in FLAGS else parse_count(cells[name])
            except ValueError as exc:
                checked.error(row_no, name, str(exc))
                ok = False
                continue
            if value is not None:
                values[name] = value
        if values.get("punished") and values.get("trusted"):
            checked.error(row_no, "trusted", "同一主体不能既是失信联合惩戒对象又是守信激励对象")
            ok = False
        return values if ok else None
    removed = cells.get("removed_on")
    if _text(removed):  # taken off the list already: the row does not put the business on it
        try:
            parse_date(removed)
        except ValueError as exc:
            checked.error(row_no, "removed_on", f"{exc}（未移出的留空）")
            return None
        return {}
    return {kind: True}


def _resolve(checked: Checked, pending: list[tuple[int, str, dict[str, object] | None]]) -> None:
    """Entity ids for a batch of codes: unknown codes are skipped; a code twice in a fact table is an error."""
    ids = dict(Entity.objects.filter(uscc__in={code for _, code, _ in pending}).values_list("uscc", "pk"))
    for row_no, code, values in pending:
        pk = ids.get(code)
        if pk is None:
            checked.skip(row_no, code)
            continue
        if pk in checked.first_row:
            if checked.kind == "facts":
                checked.error(row_no, "uscc", f"统一社会信用代码 {code} 与第 {checked.first_row[pk]} 行重复")
            elif values:  # a list may name a business twice (two reasons for listing it)
                checked.listed.add(pk)
            continue
        checked.first_row[pk] = row_no
        if values is None:
            continue
        if checked.kind == "facts":
            checked.changes[pk] = values
        elif values:
            checked.listed.add(pk)


def template_rows() -> tuple[list[str], list[str]]:
    return ([LABELS["uscc"], LABELS["name"], *FACTS.values()],
            ["91371703MA3FFT365K", "菏泽市定陶区示例食品有限公司", "否", "否", "是", "否", "否", "1", "0"])
