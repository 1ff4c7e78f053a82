"""Builds real-looking list files from the shipped Hainan CSVs, for tests and the demo.

Government lists arrive as old .xls with a title row and merged cells, as .xlsx, and as GB18030
CSV; ``build_samples`` writes one of each (plus a deliberately bad file) into ``data/samples/``.
Run ``manage.py make_item_samples`` after changing this module, and commit the files.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

RANDOM_CSV = "hainan_random_check_items_2020.csv"
JOINT_CSV = "hainan_joint_check_items_v2.csv"
RANDOM_TITLE = "海南省市场监管领域部门随机抽查事项清单（2020年版）"
JOINT_TITLE = "海南省市场监管领域部门联合抽查事项清单（第二版）"
# The .xls header uses the spellings other provinces use, so the synonyms are exercised too.
XLS_HEADER = ["编制单位", "序号", "抽查\n类别", "抽查事项", "检查对象", "事项类别", "检查方式", "实施主体",
              "法律依据"]
FIXED_TIME = datetime.datetime(2020, 6, 1, 9, 0, 0)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _clean(text: str) -> str:
    return text.replace("_x000D_\n", "\n").replace("_x000D_", "\n")


def _runs(values: list, start: int = 0) -> list[tuple[int, int]]:
    """(first, last) index ranges of equal consecutive values: one merged cell each."""
    runs, first = [], start
    for i in range(start + 1, len(values) + 1):
        if i == len(values) or values[i] != values[first]:
            runs.append((first, i - 1))
            first = i
    return runs


def _continuation_runs(rows: list[list[str]], col: int, group: list[tuple]) -> list[tuple[int, int]]:
    """Runs where a blank cell continues the cell above within one group (a vertical merge)."""
    runs = []
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and not rows[j + 1][col].strip() and group[j + 1] == group[i]:
            j += 1
        runs.append((i, j))
        i = j + 1
    return runs


def write_random_xls(src: Path, out: Path) -> None:
    """Old .xls: a title row, merged 编制单位 / 序号 / 抽查类别 groups, merged item and basis cells."""
    import xlwt

    _, rows = _rows(src)
    rows = [[_clean(c) for c in r] for r in rows]
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("随机抽查事项清单")
    wrap = xlwt.easyxf("alignment: wrap on, vert centre; font: height 200")
    head = xlwt.easyxf("alignment: wrap on, horiz centre, vert centre; font: bold on, height 220")
    title = xlwt.easyxf("alignment: horiz centre; font: bold on, height 320")
    sheet.write_merge(0, 0, 0, len(XLS_HEADER) - 1, RANDOM_TITLE, title)
    for col, text in enumerate(XLS_HEADER):
        sheet.write(1, col, text, head)
    for col, width in enumerate((14, 5, 18, 30, 20, 10, 14, 16, 40)):
        sheet.col(col).width = width * 256
    base = 2  # data starts on the third spreadsheet row
    group = [(r[0], r[1], r[2]) for r in rows]
    merged: set[tuple[int, int]] = set()

    def merge(first: int, last: int, col: int, value) -> None:
        if last > first:
            sheet.write_merge(base + first, base + last, col, col, value, wrap)
        else:
            sheet.write(base + first, col, value, wrap)
        merged.update((r, col) for r in range(first, last + 1))

    for first, last in _runs([r[0] for r in rows]):
        merge(first, last, 0, rows[first][0])
    for first, last in _runs(group):
        merge(first, last, 1, int(rows[first][1]) if rows[first][1].isdigit() else rows[first][1])
        merge(first, last, 2, rows[first][2])
    for col in (3, 8):  # 抽查事项 and 检查依据: blank below a filled cell of the same group = merged
        for first, last in _continuation_runs(rows, col, group):
            merge(first, last, col, rows[first][col])
    for i, row in enumerate(rows):
        for col, value in enumerate(row):
            if (i, col) not in merged:
                sheet.write(base + i, col, value, wrap)
    book.save(str(out))


def write_joint_xlsx(src: Path, out: Path) -> None:
    """.xlsx with a title row and merged 序号 / 抽查领域 / 发起部门 cells, as the original publication."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    header, rows = _rows(src)
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.active
    ws.title = "联合抽查事项清单"
    ws.append([JOINT_TITLE] + [None] * (len(header) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header)
    seq = [str(int(float(r[0]))) for r in rows]
    for r, s in zip(rows, seq, strict=True):
        ws.append([int(s), *r[1:]])
    base = 3
    lead_col = header.index("发起部门")
    for first, last in _runs([(s, r[1]) for s, r in zip(seq, rows, strict=True)]):
        if last > first:
            for col in (1, 2):
                ws.merge_cells(start_row=base + first, start_column=col, end_row=base + last, end_column=col)
    first = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][lead_col].strip():
            if i - 1 > first:
                ws.merge_cells(start_row=base + first, start_column=lead_col + 1, end_row=base + i - 1,
                               end_column=lead_col + 1)
            first = i
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for col, width in zip("ABCDEF", (6, 24, 40, 30, 18, 30), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(out)


def write_random_gb18030(src: Path, out: Path) -> None:
    """The random list as Excel on a Chinese Windows saves CSV: GB18030, CRLF line ends."""
    header, rows = _rows(src)
    with out.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


BAD_HEADER = ["编制单位", "序号", "抽查类别", "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "检查依据",
              "责任科室"]
BAD_ROWS = [
    ["省市场监管局", 1, "登记事项检查", "营业执照（登记证）规范使用情况的检查", "企业、个体工商户、农民专业合作社",
     "一般检查事项", "现场检查", "县级以上市场监管部门", "《企业法人登记管理条例》第二十九条", "登记科"],
    ["", "", "", "", "企业、个体工商户", "一般检查事项", "现场检查", "县级以上市场监管部门", "", "登记科"],
    ["", 2, "食品销售监督检查", "高风险食品销售监督检查", "风险等级为B、C、D级的食品销售者", "重点检查事项",
     "现场检查", "县级以上市场监管部门", "《食品安全法》第一百一十条", "食品科"],
    ["", "", "", "网络食品销售监督检查", "网络食品交易第三方平台、入网食品销售者", "重要", "网络检查",
     "县级以上市场监管部门", "《网络食品安全违法行为查处办法》", "网监科"],
    ["", 3, "广告监督检查", "广告发布情况的检查", "", "一般检查事项", "网络检查", "县级以上市场监管部门",
     "《广告法》第四十九条", "广告科"],
]
# What the demo's "precise error report" step shows for bad_items.xlsx (row numbers as in Excel).
BAD_EXPECTED_ERRORS = [
    (2, "责任科室"),
    (4, "抽查事项"),
    (6, "事项类别"),
    (7, "检查对象"),
]


def write_bad_xlsx(out: Path) -> None:
    """A small list with an unknown column and three invalid rows, for the error-report demo."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.active
    ws.title = "清单"
    ws.append(["区市场监管局随机抽查事项清单（征求意见稿）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(BAD_HEADER))
    ws.append(BAD_HEADER)
    for row in BAD_ROWS:
        ws.append(row)
    ws.merge_cells("A3:A7")
    wb.save(out)


def build_samples(data_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Write every sample file; returns name → path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "hainan_random_2020.xls": out_dir / "hainan_random_2020.xls",
        "hainan_joint_v2.xlsx": out_dir / "hainan_joint_v2.xlsx",
        "hainan_random_2020_gb18030.csv": out_dir / "hainan_random_2020_gb18030.csv",
        "bad_items.xlsx": out_dir / "bad_items.xlsx",
    }
    write_random_xls(data_dir / RANDOM_CSV, paths["hainan_random_2020.xls"])
    write_joint_xlsx(data_dir / JOINT_CSV, paths["hainan_joint_v2.xlsx"])
    write_random_gb18030(data_dir / RANDOM_CSV, paths["hainan_random_2020_gb18030.csv"])
    write_bad_xlsx(paths["bad_items.xlsx"])
    return paths
