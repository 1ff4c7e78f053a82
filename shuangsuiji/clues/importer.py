"""Reading clue files (CSV, XLSX, XLS): the 12315 platform's export of complaints and reports, or any register with
the same columns. The accepted headings are listed on the import page (``common/headers.toml [clues]``).

Columns: 工单编号 (kept as the clue's source number: a row whose number is already registered is skipped and
listed, so an overlapping export can be imported again), 登记时间 (a date, or a date and time), 诉求类型 (投诉 or
举报; 咨询、建议 and the like are not clues and are skipped and listed; without the column every row takes the
source chosen on the page), 诉求内容 (required), the business by 被投诉方名称 and 统一社会信用代码 (a code must
be right and in the directory), 被投诉方地址 (added to the content), 乡镇 and 行业 (by name, or the industry by its
code), 投诉人 and 联系电话 (kept inside the receiving department).

``read`` checks every row and names each problem by row and column in Chinese; the service writes only a file
without problems, all rows or none."""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shuangsuiji.common import spreadsheet
from shuangsuiji.directory import uscc as uscc_mod
from shuangsuiji.directory.models import Entity, Industry, Township
from shuangsuiji.inspectors.importer import parse_date

from .models import Clue, Source

LABELS = {"external_ref": "工单编号", "received_on": "登记时间", "kind": "诉求类型", "content": "诉求内容",
          "entity_name": "被投诉（举报）方名称", "uscc": "统一社会信用代码", "address": "被投诉（举报）方地址",
          "township": "乡镇（街道）", "industry": "行业", "complainant": "投诉（举报）人",
          "complainant_phone": "联系电话"}
REQUIRED = ("received_on", "content")
MAX_ROWS = 20_000
MAX_CONTENT = 5000
MAX_STORED = 1000
LIMITS = spreadsheet.Limits(what="线索文件", max_rows=MAX_ROWS)
HEADER_HINT = "须有“登记时间”和“诉求内容”列"
# 诉求类型 in the words of the 12315 export: complaints and reports are clues, the rest is not.
KINDS = {"投诉": Source.COMPLAINT, "举报": Source.COMPLAINT, "投诉举报": Source.COMPLAINT, "申诉": Source.COMPLAINT}
NOT_CLUES = ("咨询", "建议", "意见", "求助", "表扬", "查询")


@functools.cache
def heading_table() -> spreadsheet.Headings:
    return spreadsheet.Headings("clues", LABELS)


def is_header(cells: list) -> bool:
    found = set(heading_table().columns(cells).values())
    return all(name in found for name in REQUIRED)


def _text(value) -> str:
    return unicodedata.normalize("NFKC", spreadsheet.cell_text(value)).strip() if value is not None else ""


@dataclass
class Checked:
    """A file read and checked: the clues to register, or the problems found; rows skipped with the reason."""

    rows: int = 0
    clues: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    skipped: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def error(self, row: int, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED:
            self.errors.append({"row": row, "column": LABELS.get(column, column) if column else "", "message": message})

    def skip(self, row: int, message: str) -> None:
        self.skipped.append({"row": row, "message": message})


def received_date(value) -> dt.date | None:
    """登记时间 as the 12315 export writes it ("2026-11-03 10:22:13"), or a plain date."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().split(" ")[0].split("T")[0]
    return parse_date(value)


class Names:
    """Towns and industry divisions by the words a file may use for them."""

    def __init__(self):
        self.towns = {t.name: t for t in Township.objects.all()}
        self.industries = {}
        for i in Industry.objects.filter(level="division"):
            self.industries[i.code] = self.industries[i.name] = i

    def town(self, text: str):
        if text in self.towns:
            return self.towns[text]
        raise ValueError(f"“{text}”不是本区的乡镇（街道）：可填 " + "、".join(list(self.towns)[:6]) + " 等")

    def industry(self, text: str):
        found = self.industries.get(text) or self.industries.get(text[:2] if text[:2].isdigit() else "")
        if found is None:
            raise ValueError(f"“{text}”不是国民经济行业分类（GB/T 4754）的大类：请填大类代码（如 52）或名称（如 零售业）")
        return found


def read(path: Path | str, *, default_source: str, today: dt.date,
         progress: Callable[..., None] | None = None) -> Checked:
    """Read and check every row of ``path``; ``default_source`` for a file without a 诉求类型 column."""
    if default_source not in Source.values:
        raise spreadsheet.FileRefused("请选择线索来源。")
    checked = Checked()
    names = Names()
    seen_refs: dict[str, int] = {}
    with spreadsheet.open_table(path, is_header=is_header, header_hint=HEADER_HINT, limits=LIMITS) as table:
        columns = heading_table().columns(table.header)
        checked.ignored = [_text(c) for i, c in enumerate(table.header) if i not in columns and _text(c)]
        total = max(table.estimated_rows - table.header_row, 0)
        for row_no, raw in table.numbered():
            cells = {name: _text(raw[i]) if i < len(raw) else "" for i, name in columns.items()}
            dates = {name: raw[i] for i, name in columns.items() if name == "received_on" and i < len(raw)}
            if not any(cells.values()):
                continue
            checked.rows += 1
            clue = _row(checked, names, row_no, cells, dates.get("received_on"), default_source, today, seen_refs)
            if clue is not None:
                checked.clues.append(clue)
            if progress:
                progress(checked.rows, max(total, checked.rows))
    _resolve(checked)
    if progress:
        progress(checked.rows, checked.rows, force=True)
    return checked


def _row(checked: Checked, names: Names, row_no: int, cells: dict, raw_date, default_source: str,
         today: dt.date, seen_refs: dict[str, int]) -> dict | None:
    """One row's clue, or None when it is skipped or wrong (every problem of the row is named)."""
    before = checked.error_count
    kind = cells.get("kind", "")
    source = default_source
    if kind:
        if any(word in kind for word in NOT_CLUES) and kind not in KINDS:
            checked.skip(row_no, f"诉求类型为“{kind}”，不是投诉举报，未登记为线索")
            return None
        if kind not in KINDS:
            checked.error(row_no, "kind", f"“{kind}”应为“投诉”或“举报”（咨询、建议等不登记为线索，会自动略过）")
        source = KINDS.get(kind, default_source)
    ref = cells.get("external_ref", "")[:40]
    if ref:
        if ref in seen_refs:
            checked.error(row_no, "external_ref", f"工单编号 {ref} 与第 {seen_refs[ref]} 行重复")
        seen_refs.setdefault(ref, row_no)
    received_on = None
    try:
        received_on = received_date(raw_date)
    except ValueError as exc:
        checked.error(row_no, "received_on", str(exc))
    if received_on is None and not cells.get("received_on"):
        checked.error(row_no, "received_on", "请填写登记时间")
    elif received_on is not None and received_on > today:
        checked.error(row_no, "received_on", f"登记时间 {received_on:%Y-%m-%d} 晚于今天")
    content = cells.get("content", "")
    if cells.get("address"):
        content = f"{content}\n被投诉（举报）方地址：{cells['address']}" if content else ""
    if not content:
        checked.error(row_no, "content", "请填写诉求内容")
    elif len(content) > MAX_CONTENT:
        checked.error(row_no, "content", f"诉求内容不超过 {MAX_CONTENT} 字（现为 {len(content)} 字）")
    code = uscc_mod.normalise(cells.get("uscc", ""))
    problem = uscc_mod.validate(code) if code else None
    if problem:
        checked.error(row_no, "uscc", problem)
    found = {}
    for name, parse in (("township", names.town), ("industry", names.industry)):
        if cells.get(name):
            try:
                found[name] = parse(cells[name])
            except ValueError as exc:
                checked.error(row_no, name, str(exc))
    if checked.error_count > before:
        return None
    return {"row": row_no, "source": source, "received_on": received_on, "content": content, "uscc": code,
            "entity_name": cells.get("entity_name", "")[:200], "external_ref": ref,
            "complainant": cells.get("complainant", "")[:100], "complainant_phone": cells.get("complainant_phone", "")[:30],
            **found}


def _resolve(checked: Checked) -> None:
    """The businesses by code (a code not in the directory is an error), and numbers already registered."""
    codes = {c["uscc"] for c in checked.clues if c["uscc"]}
    entities = {e.uscc: e for e in Entity.objects.filter(uscc__in=codes)}
    refs = {c["external_ref"] for c in checked.clues if c["external_ref"]}
    registered = dict(Clue.objects.filter(external_ref__in=refs).values_list("external_ref", "number"))
    kept = []
    for clue in checked.clues:
        if clue["uscc"] and clue["uscc"] not in entities:
            checked.error(clue["row"], "uscc", f"统一社会信用代码 {clue['uscc']} 不在检查对象名录库中："
                                               "主体不在本区名录时请清空该格、保留名称")
            continue
        if clue["external_ref"] in registered:
            checked.skip(clue["row"], f"工单编号 {clue['external_ref']} 已登记为线索 {registered[clue['external_ref']]}，"
                                      "未重复登记")
            continue
        clue["entity"] = entities.get(clue["uscc"])
        kept.append(clue)
    checked.clues = kept


def template_rows() -> tuple[list[str], list[list[str]]]:
    return (list(LABELS.values()),
            [["3717030020261103000123", "2026-11-03 10:22:13", "投诉", "在该店购买的熟食有异味，怀疑超过保质期仍在销售。",
              "菏泽市定陶区示例熟食店", "", "定陶区示例路 1 号", "", "52", "王女士", "13800000000"],
             ["3717030020261104000456", "2026-11-04 15:08:40", "咨询", "咨询营业执照办理流程（咨询不登记为线索）。",
              "", "", "", "", "", "李先生", "13900000000"]])
