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


# A province's list as such files really arrive (issue 25), written by the project: an instructions sheet
# first, a title row, the heading 编制单位名称 and 抽查依据, category cells merged over several items, an
# item whose legal bases take one row each under its merged cells, an item whose every cell is merged over
# three rows, one name over two object types, and an item listed twice.
PROVINCE_HEADER = ["序号", "编制单位名称", "抽查类别", "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "抽查依据"]
_LICENCE = "营业执照（登记证）规范使用情况的检查"
_NAMING = "名称规范使用情况的检查"
_PERMIT = "工业产品生产许可证获证企业的检查"
_HYGIENE = "食品经营许可情况的检查"
_AD = "广告发布登记情况的检查"
PROVINCE_ROWS = [  # (row, 序号, 抽查类别, 抽查事项, 检查对象, 事项类别, 检查方式, 检查主体, 抽查依据)
    (4, 1, "登记事项检查", _LICENCE, "企业、个体工商户、农民专业合作社", "一般检查事项", "现场检查、书面检查",
     "县级以上市场监管部门", "《中华人民共和国市场主体登记管理条例》第三十六条"),
    (5, None, None, None, None, None, None, None, "《中华人民共和国市场主体登记管理条例实施细则》第六十八条"),
    (6, None, None, None, None, None, None, None, "《无证无照经营查处办法》第十三条"),
    (7, 2, None, _NAMING, "企业、个体工商户", "一般检查事项", "书面检查", "县级以上市场监管部门",
     "《企业名称登记管理规定》第二十四条"),
    (8, None, None, None, None, None, None, None, None),
    (9, None, None, None, None, None, None, None, None),
    (10, 3, None, _LICENCE, "企业、个体工商户、农民专业合作社", "一般检查事项", "现场检查、书面检查",
     "县级以上市场监管部门", "《中华人民共和国市场主体登记管理条例》第三十六条"),
    (11, 4, "产品质量监督检查", _PERMIT, "工业产品生产许可证获证企业", "重点检查事项", "现场检查",
     "省、市、县级市场监管部门", "《中华人民共和国工业产品生产许可证管理条例》第三十九条"),
    (12, 5, "食品经营监督检查", _HYGIENE, "餐饮服务经营者", "一般检查事项", "现场检查、书面检查",
     "县级以上市场监管部门", "《中华人民共和国食品安全法》第一百一十条"),
    (13, None, None, None, "学校、托幼机构、养老机构等集中用餐单位食堂", "重点检查事项", "现场检查",
     "县级以上市场监管部门", "《中华人民共和国食品安全法》第一百一十条"),
    (14, 6, "广告监督检查", _AD, "广告发布单位", "一般检查事项", "书面检查、网络检查", "县级以上市场监管部门",
     "《中华人民共和国广告法》第四十九条"),
]
# (first row, last row, column) merged cells, columns 1-based as in PROVINCE_HEADER; 编制单位名称 is merged
# over every data row.
PROVINCE_MERGES = [
    (4, 14, 2), (4, 10, 3), (12, 13, 1), (12, 13, 3), (12, 13, 4),
    *[(4, 6, col) for col in (1, 4, 5, 6, 7, 8)],
    *[(7, 9, col) for col in (1, 4, 5, 6, 7, 8, 9)],
]
# What the list holds: one item per distinct 事项 + 对象, with all its bases.
PROVINCE_ITEMS = {
    (_LICENCE, "企业、个体工商户、农民专业合作社"): 3,
    (_NAMING, "企业、个体工商户"): 1,
    (_PERMIT, "工业产品生产许可证获证企业"): 1,
    (_HYGIENE, "餐饮服务经营者"): 1,
    (_HYGIENE, "学校、托幼机构、养老机构等集中用餐单位食堂"): 1,
    (_AD, "广告发布单位"): 1,
}


def write_province_xlsx(out: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    notes = wb.active
    notes.title = "填表说明"
    for line in ("填表说明", "1. 本表由各编制单位填写，“事项类别”填写重点检查事项或一般检查事项。",
                 "2. 一个抽查事项有多条抽查依据的，可分行填写，其余单元格合并。", "3. 请勿修改表头。"):
        notes.append([line])
    ws = wb.create_sheet("随机抽查事项清单")
    ws.append(["某省市场监管领域部门随机抽查事项清单（2020年版）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PROVINCE_HEADER))
    ws.append(["填报日期：2020年6月1日"])
    ws.append(PROVINCE_HEADER)
    for number, seq, category, name, obj, klass, methods, body, basis in PROVINCE_ROWS:
        unit = "省市场监管局" if number == 4 else None
        for col, value in enumerate((seq, unit, category, name, obj, klass, methods, body, basis), start=1):
            if value is not None:
                ws.cell(number, col, value)
    for first, last, col in sorted(set(PROVINCE_MERGES)):
        ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(out)


def write_wide_row_xlsx(out: Path, cells: int = 5_000_000, *, varied: bool = False) -> None:
    """A workbook of one sheet whose first row holds ``cells`` cells: a hostile file (a "zip bomb" by width).

    ``varied`` numbers compress less, so the file passes the unpacked-ratio check and only the width scan
    stops it."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.active.title = "Sheet1"
    wb.active["A1"] = "抽查事项"
    wb.save(out)
    with zipfile.ZipFile(out) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    cell = (lambda i: b"<c><v>%d</v></c>" % (i * 7919 % 1000003)) if varied else (lambda i: b"<c><v>1</v></c>")
    row = b"".join(cell(i) for i in range(cells))
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1">' + row + b"</row></sheetData></worksheet>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def write_directory_gb18030_bom(out: Path) -> None:
    """An entity list as some county systems export it: GB18030 with the GB18030 byte-order mark."""
    rows = [["统一社会信用代码", "企业名称", "登记状态", "住所"],
            ["91371703MA3FFT365K", "菏泽市定陶区䶮记饭店", "存续", "菏泽市定陶区天中街道"],
            ["92371703MABWT6UK5X", "定陶区祥和羊汤馆", "存续", "菏泽市定陶区陈集镇"]]
    out.write_bytes("\ufeff".encode("gb18030") + "".join(",".join(r) + "\r\n" for r in rows).encode("gb18030"))


def build_samples(data_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Write every sample file; returns name → path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = ["hainan_random_2020.xls", "hainan_joint_v2.xlsx", "hainan_random_2020_gb18030.csv", "bad_items.xlsx",
             "province_items_2020.xlsx", "wide_row_bomb.xlsx", "directory_gb18030_bom.csv"]
    paths = {name: out_dir / name for name in names}
    write_random_xls(data_dir / RANDOM_CSV, paths["hainan_random_2020.xls"])
    write_joint_xlsx(data_dir / JOINT_CSV, paths["hainan_joint_v2.xlsx"])
    write_random_gb18030(data_dir / RANDOM_CSV, paths["hainan_random_2020_gb18030.csv"])
    write_bad_xlsx(paths["bad_items.xlsx"])
    write_province_xlsx(paths["province_items_2020.xlsx"])
    write_wide_row_xlsx(paths["wide_row_bomb.xlsx"])
    write_directory_gb18030_bom(paths["directory_gb18030_bom.csv"])
    return paths
