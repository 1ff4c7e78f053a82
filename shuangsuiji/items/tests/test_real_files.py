"""Issue 25 for item lists: real province spreadsheets import as they are, hostile ones are refused fast.

Findings: a 编制单位名称 header was unknown; a first sheet of instructions hid the list; continuation rows
(a legal basis per row, a block merged over several rows) became extra items; a blank 抽查事项 silently
took the name above; a row of millions of cells kept the importer busy for minutes.
"""

import openpyxl
import pytest

from shuangsuiji.common import spreadsheet
from shuangsuiji.items import importer, services
from shuangsuiji.items.models import InspectionItem, ItemList, ListKind
from shuangsuiji.items.samples import PROVINCE_ITEMS, write_wide_row_xlsx
from shuangsuiji.items.testing import SAMPLES_DIR, random_row, write_xlsx

PROVINCE = SAMPLES_DIR / "province_items_2020.xlsx"


def parse(path, kind=ListKind.RANDOM):
    return importer.parse(importer.read_table(path), kind)


def test_a_province_list_imports_one_item_per_item_with_all_its_bases(personas):
    outcome = services.import_file(PROVINCE, kind=ListKind.RANDOM, level="province", actor=personas.office)
    assert outcome.ok, outcome.errors
    items = {(i.name, i.object_type): i for i in InspectionItem.objects.all()}
    assert {key: len(item.basis.split("\n")) for key, item in items.items()} == PROVINCE_ITEMS
    assert outcome.rows_read == 11 and outcome.imported == len(PROVINCE_ITEMS) == 6
    # The item listed twice is reported once as a repeat, and not created twice.
    assert [s["row"] for s in outcome.skipped] == [10] and "重复" in outcome.skipped[0]["message"]
    assert [m["row"] for m in outcome.merged] == [5, 6, 8, 9]
    assert "4 行是上一事项的续行" in outcome.message
    assert ItemList.objects.get().department.code == "scjgj"


def test_the_header_is_found_past_an_instructions_sheet_and_a_synonym_names_the_unit():
    table = importer.read_table(PROVINCE)
    assert (table.sheet, table.header.number) == ("随机抽查事项清单", 3)
    parsed = importer.parse(table, ListKind.RANDOM)
    assert parsed.errors == [] and parsed.headers["unit"] == "编制单位名称" and parsed.headers["basis"] == "抽查依据"


def test_a_workbook_without_a_header_names_every_sheet_it_read(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按模板填写"])
    book.create_sheet("清单").append(["甲", "乙", "丙"])
    book.save(tmp_path / "n.xlsx")
    with pytest.raises(importer.FileRefused) as exc:
        importer.read_table(tmp_path / "n.xlsx")
    assert "“填表说明”、“清单”" in exc.value.message


def test_a_blank_item_that_does_not_continue_the_one_above_is_an_error_naming_the_row(tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", [random_row(), random_row(name="", object_type="个体工商户")])
    parsed = parse(path)
    assert [(e["row"], e["column"]) for e in parsed.rows[1].errors] == [(3, "抽查事项")]
    assert "不是上一事项的续行" in parsed.rows[1].errors[0]["message"]


def test_a_blank_item_with_the_same_object_adds_its_basis_to_the_item_above(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [random_row(basis="《甲条例》"), random_row(name="", basis="《乙办法》")])
    parsed = parse(path)
    assert len(parsed.rows) == 1 and parsed.rows[0].values["basis"] == "《甲条例》\n《乙办法》"
    assert parsed.merged[0]["row"] == 3


def test_the_same_item_with_another_class_is_an_error_not_a_second_item(tmp_path):
    path = write_xlsx(tmp_path / "k.xlsx", [random_row(), random_row(item_class="重点检查事项")])
    parsed = parse(path)
    assert parsed.rows[1].errors[0]["row"] == 3 and "第 2 行是同一事项" in parsed.rows[1].errors[0]["message"]


def test_a_row_of_a_hundred_thousand_cells_is_refused_before_openpyxl_builds_it(tmp_path, monkeypatch):
    path = tmp_path / "wide.xlsx"
    write_wide_row_xlsx(path, 100_000, varied=True)

    def never(*args, **kwargs):
        raise AssertionError("the row was handed to openpyxl")

    monkeypatch.setattr("openpyxl.worksheet._reader.WorkSheetParser.parse_row", never)
    with pytest.raises(importer.FileRefused) as exc:
        importer.read_table(path)
    assert "工作表“Sheet1”第 1 行超过 60 列" in exc.value.message and "抽查事项清单" in exc.value.message


def test_the_committed_wide_row_bomb_is_refused(tmp_path):
    with pytest.raises(importer.FileRefused, match="解压后过大"):
        importer.read_table(SAMPLES_DIR / "wide_row_bomb.xlsx")


def test_a_sheet_declaring_every_column_is_read_at_its_real_width(tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", [random_row()])
    book = openpyxl.load_workbook(path)
    book.active["XFD1"] = None  # touching the last column makes the declared size A1:XFD…
    book.active.cell(1, 16384).value = " "
    book.save(path)
    table = importer.read_table(path)
    assert len(table.header.cells) <= importer.LIMITS.max_columns + 1


def test_a_province_can_add_its_headings_without_touching_the_code(tmp_path, settings):
    extra = tmp_path / "headers.toml"
    extra.write_text('[items]\nname = ["监管事项名目"]\n', encoding="utf-8")
    settings.SSJ_HEADER_SYNONYMS = str(extra)
    table = spreadsheet.Headings("items", {k: c.label for k, c in importer.COLUMNS.items()})
    assert table.field("监管事项名目") == "name" and table.field("编制单位名称") == "unit"


def test_every_importer_refuses_with_the_one_refusal_type():
    from shuangsuiji.directory import importer as directory_importer
    assert importer.FileRefused is directory_importer.FileRefused is spreadsheet.FileRefused
