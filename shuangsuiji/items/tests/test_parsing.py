"""Header detection, synonyms, fill-down, normalisation and every row-level check."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji.items import importer
from shuangsuiji.items.models import ItemClass, ListKind
from shuangsuiji.items.testing import JOINT_HEADER, RANDOM_CSV, SAMPLES_DIR, random_row, write_csv, write_xlsx


def parse_file(path, kind=ListKind.RANDOM):
    return importer.parse(importer.read_table(path), kind)


def row(parsed, number):
    return next(r for r in parsed.rows if r.row == number)


def test_the_header_is_found_below_a_title_row_with_spaces_newlines_and_synonyms(tmp_path):
    header = [" 编制单位 ", "序 号", "抽查\n领域", "事项名称", "检查对象", "事项类别", "检查方式", "实施主体",
              "法律依据（法律、法规）"]
    path = write_xlsx(tmp_path / "t.xlsx", [random_row()], header=header, title="某某省随机抽查事项清单")
    parsed = parse_file(path)
    assert parsed.errors == []
    assert parsed.header_row == 2
    assert set(parsed.columns) == {"unit", "seq", "category", "name", "object_type", "item_class", "methods",
                                   "body", "basis"}
    assert row(parsed, 3).values["body"] == "县级以上市场监管部门"


@pytest.mark.parametrize(("header", "field"), [
    ("抽查类别", "category"), ("抽查领域", "category"), ("事项名称", "name"), ("抽查事项", "name"),
    ("检查依据", "basis"), ("法律依据", "basis"), ("实施主体", "body"), ("检查主体", "body"),
    ("发起部门", "lead"), ("配合部门", "partners"), ("*检查对象：", "object_type"), ("抽查比例上限（%）", "ratio_cap"),
])
def test_header_synonyms_map_to_one_field(header, field):
    assert importer.column_for(header) == field


@given(st.lists(st.sampled_from([" ", "\n", "\u3000", "\t"]), max_size=4), st.sampled_from(
    ["抽查事项", "检查对象", "事项类别", "抽查领域", "检查依据"]))
def test_whitespace_anywhere_in_a_header_cell_does_not_change_its_meaning(noise, header):
    text = header[:2] + "".join(noise) + header[2:] + "".join(noise)
    assert importer.column_for(text) == importer.column_for(header)


@given(st.text(max_size=60))
def test_cleaning_a_cell_twice_changes_nothing(text):
    once = importer.clean_cell(text)
    assert importer.clean_cell(once) == once


def test_cells_are_trimmed_and_excel_line_breaks_unified():
    assert importer.clean_cell("  《食品安全法》_x000D_\n第一百一十条\r\n\r\n《办法》  \n") == \
        "《食品安全法》\n第一百一十条\n\n《办法》"
    assert importer.single_line("机电产品国际招投标代理机构、\n招投标项目") == "机电产品国际招投标代理机构、招投标项目"


def test_blank_group_cells_take_the_value_above_but_not_across_compiling_units(tmp_path):
    rows = [random_row(unit="省教育厅", seq="1", category="教育装备检查", name="A"),
            random_row(unit="", seq="", category="", name="B"),
            random_row(unit="省卫健委", seq="2", category="", name="C")]
    parsed = parse_file(write_csv(tmp_path / "f.csv", rows))
    assert [(r.values["unit"], r.values["seq"], r.values["category"]) for r in parsed.rows[:2]] == [
        ("省教育厅", "1", "教育装备检查"), ("省教育厅", "1", "教育装备检查")]
    assert row(parsed, 4).errors == [{"row": 4, "column": "抽查类别", "message": "“抽查类别”不能为空。"}]


def test_in_a_csv_a_blank_item_or_basis_continues_the_merged_cell_of_its_group():
    parsed = parse_file(RANDOM_CSV)
    # Row 247 (学校食堂, 重点) continues 食品经营许可情况的检查 of row 246 (餐饮服务经营者, 一般).
    assert row(parsed, 247).values["name"] == row(parsed, 246).values["name"] == "食品经营许可情况的检查"
    assert row(parsed, 247).values["basis"] == row(parsed, 246).values["basis"]
    assert (row(parsed, 246).item_class, row(parsed, 247).item_class) == (ItemClass.GENERAL, ItemClass.KEY)
    # Row 187 starts a group of its own: its blank basis stays blank.
    assert row(parsed, 187).values["basis"] == ""
    assert all(not r.errors for r in parsed.rows)


def test_in_a_spreadsheet_only_merged_item_cells_are_filled(tmp_path):
    rows = [random_row(name="A"), random_row(name="", object_type="学校食堂")]
    parsed = parse_file(write_xlsx(tmp_path / "f.xlsx", rows))
    assert row(parsed, 3).errors[0]["column"] == "抽查事项"
    merged = parse_file(write_xlsx(tmp_path / "g.xlsx", rows, merges=("D2:D3",)))
    assert row(merged, 3).values["name"] == "A" and not row(merged, 3).errors


def test_joint_lead_departments_fill_down_across_groups():
    parsed = parse_file(SAMPLES_DIR / "hainan_joint_v2.xlsx", ListKind.JOINT)
    # 公安部门 is one merged cell over 民用枪支, 保安 and 爆破 (spreadsheet rows 34–41).
    assert {row(parsed, n).values["lead"] for n in range(34, 42)} == {"公安部门"}
    assert row(parsed, 3).values["seq"] == "1"


@pytest.mark.parametrize(("text", "expected"), [
    ("重点检查事项", ItemClass.KEY), ("重点", ItemClass.KEY), (" 一般检查事项 ", ItemClass.GENERAL),
    ("一般", ItemClass.GENERAL), ("重要", None), ("", None),
])
def test_item_classes_are_normalised(text, expected):
    assert importer.parse_class(text) == expected


def test_every_invalid_row_is_reported_with_its_row_and_column(tmp_path):
    rows = [
        random_row(name=""),
        random_row(object_type="", item_class="重要"),
        random_row(category="类" * 301),
        random_row(name="带比例", item_class="一般检查事项") + ["150%"],
        random_row(name="重点带比例", item_class="重点检查事项") + ["5"],
        random_row(name="比例文字", item_class="一般") + ["五个百分点"],
        random_row(name="好的", item_class="一般") + ["5%"],
    ]
    header = ["编制单位", "序号", "抽查类别", "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "检查依据",
              "抽查比例上限"]
    parsed = parse_file(write_csv(tmp_path / "bad.csv", rows, header=header))
    found = [(e["row"], e["column"]) for r in parsed.rows for e in r.errors]
    assert found == [(2, "抽查事项"), (3, "检查对象"), (3, "事项类别"), (4, "抽查类别"), (5, "抽查比例上限"),
                     (6, "抽查比例上限"), (7, "抽查比例上限")]
    messages = [e["message"] for r in parsed.rows for e in r.errors]
    assert "事项类别“重要”无法识别，应为“重点检查事项”或“一般检查事项”。" in messages
    assert any("超过 300 字" in m for m in messages)
    assert any("重点检查事项不设抽查比例上限" in m for m in messages)
    assert row(parsed, 8).ratio_cap == 5


def test_an_unknown_or_repeated_column_is_an_error_but_rows_are_still_checked(tmp_path):
    header = ["编制单位", "抽查类别", "抽查领域", "抽查事项", "检查对象", "事项类别", "联系人", "备注"]
    rows = [["省市场监管局", "甲", "乙", "", "企业", "一般", "张三", "无"]]
    parsed = parse_file(write_csv(tmp_path / "u.csv", rows, header=header))
    assert [(e["row"], e["column"]) for e in parsed.errors] == [(1, "抽查领域"), (1, "联系人")]
    assert parsed.rows[0].errors[0]["column"] == "抽查事项"


def test_a_missing_required_column_is_named(tmp_path):
    parsed = parse_file(write_csv(tmp_path / "m.csv", [["甲", "乙", "丙"]], header=["抽查类别", "抽查事项", "检查对象"]))
    assert parsed.errors == [{"row": 1, "column": "事项类别", "message": "缺少必需的列“事项类别”。"}]


def test_a_file_without_a_header_says_so(tmp_path):
    with pytest.raises(importer.FileRefused) as exc:
        parse_file(write_csv(tmp_path / "n.csv", [["a", "b"], ["c", "d"]], header=None))
    assert "找不到表头" in exc.value.message and "“抽查事项”“检查对象”" in exc.value.message


def test_a_joint_list_needs_a_lead_department_after_fill_down(tmp_path):
    rows = [["1", "领域", "事项", "对象", "", "市场监管部门"]]
    parsed = parse_file(write_csv(tmp_path / "j.csv", rows, header=JOINT_HEADER), ListKind.JOINT)
    assert parsed.rows[0].errors == [{"row": 2, "column": "发起部门", "message": "“发起部门”不能为空。"}]


def test_a_note_merged_across_the_width_is_skipped_not_imported(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [random_row(), ["注：本清单自公布之日起施行"]], merges=("A3:I3",))
    parsed = parse_file(path)
    assert len(parsed.rows) == 1 and parsed.notes[0]["row"] == 3


def test_a_formula_guard_apostrophe_from_our_own_export_is_dropped():
    assert importer.clean_cell("'=SUM(A1)") == "=SUM(A1)"
    assert importer.clean_cell("'普通文字") == "'普通文字"
