"""Files are read by content in every format governments send, with the row numbers users see."""

import codecs
import dataclasses
import zipfile

import pytest

from shuangsuiji.items import importer
from shuangsuiji.items.testing import (
    RANDOM_CSV,
    RANDOM_HEADER,
    SAMPLES_DIR,
    random_row,
    write_csv,
    write_xls,
    write_xlsx,
)


def cells(table, number):
    return next(r.cells for r in [table.header, *table.rows] if r.number == number)


def test_an_old_xls_with_a_title_row_and_merged_cells_reads_every_cell_of_a_merged_range():
    table = importer.read_table(SAMPLES_DIR / "hainan_random_2020.xls")
    assert (table.file_type, table.has_merges) == ("xls", True)
    assert table.header.number == 2 and cells(table, 2)[0] == "编制单位"  # row 1 is the list's title
    # Row 3 is the first item; 编制单位 is one merged cell over the 7 rows of 省教育厅.
    assert [cells(table, n)[0] for n in range(3, 10)] == ["省教育厅"] * 7


def test_an_xlsx_expands_merged_cells_in_read_only_mode(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [random_row(), random_row(unit="", name="第二项")], merges=("A2:A3",))
    table = importer.read_table(path)
    assert table.file_type == "xlsx" and table.has_merges
    assert cells(table, 3)[0] == "省市场监管局"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(tmp_path, encoding):
    path = write_csv(tmp_path / "l.csv", [random_row(basis="第一行\n第二行")], encoding=encoding)
    table = importer.read_table(path)
    assert table.file_type == "csv"
    assert table.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gb18030": "gb18030"}[encoding]
    assert cells(table, 1) == RANDOM_HEADER
    assert cells(table, 2)[8] == "第一行\n第二行"


def test_a_multi_line_csv_cell_keeps_the_spreadsheet_row_numbers():
    table = importer.read_table(RANDOM_CSV)
    # 298 records (header + 297 items) although several cells span lines.
    assert len(table.rows) == 297 and table.rows[-1].number == 298


def test_the_type_comes_from_the_content_not_the_name(tmp_path):
    xlsx = write_xlsx(tmp_path / "real.xlsx", [random_row()])
    disguised = tmp_path / "list.csv"
    disguised.write_bytes(xlsx.read_bytes())
    assert importer.read_table(disguised).file_type == "xlsx"
    xls = write_xls(tmp_path / "real.xls", [random_row()])
    renamed = tmp_path / "list.xlsx"
    renamed.write_bytes(xls.read_bytes())
    assert importer.read_table(renamed).file_type == "xls"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n\x00\x01\x02binary", "无法识别的文件类型"),
        (b"", "空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "无法读取该 .xls 文件"),
    ],
)
def test_files_that_are_not_lists_are_refused_in_chinese(tmp_path, content, message):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(importer.FileRefused) as exc:
        importer.read_table(path)
    assert message in exc.value.message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "你好")
    with pytest.raises(importer.FileRefused, match="压缩包"):
        importer.read_table(path)


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 100
    path = write_csv(tmp_path / "big.csv", [random_row()] * 5)
    with pytest.raises(importer.FileRefused, match="超过抽查事项清单导入的上限"):
        importer.read_table(path)


def test_a_file_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "LIMITS", dataclasses.replace(importer.LIMITS, max_rows=5))
    path = write_csv(tmp_path / "long.csv", [random_row(name=f"事项{n}") for n in range(20)])
    with pytest.raises(importer.FileRefused, match="超过 5 行"):
        importer.read_table(path)


def test_a_huge_cell_is_refused_with_its_row_and_column(tmp_path):
    path = write_xlsx(tmp_path / "huge.xlsx", [random_row(), random_row(basis="法" * (importer.MAX_CELL_CHARS + 1))])
    with pytest.raises(importer.FileRefused) as exc:
        importer.read_table(path)
    assert "第 3 行第 9 列" in exc.value.message


def test_text_in_no_known_encoding_is_refused(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "编制单位,抽查事项\n".encode("utf-16-le"))
    with pytest.raises(importer.FileRefused):
        importer.read_table(path)
