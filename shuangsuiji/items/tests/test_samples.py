"""The shipped sample files are built from the Hainan CSVs and stay small."""

import pytest

from shuangsuiji.items import importer
from shuangsuiji.items.models import ListKind
from shuangsuiji.items.samples import build_samples
from shuangsuiji.items.testing import DATA_DIR, SAMPLES_DIR

KINDS = {"hainan_random_2020.xls": ListKind.RANDOM, "hainan_joint_v2.xlsx": ListKind.JOINT,
         "hainan_random_2020_gb18030.csv": ListKind.RANDOM, "bad_items.xlsx": ListKind.RANDOM,
         "province_items_2020.xlsx": ListKind.RANDOM}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_committed_sample_matches_what_the_generator_writes(tmp_path, name):
    fresh = build_samples(DATA_DIR, tmp_path)[name]
    committed = SAMPLES_DIR / name

    def content(path):
        parsed = importer.parse(importer.read_table(path), KINDS[name])
        return [(r.row, r.values, [e["message"] for e in r.errors]) for r in parsed.rows], parsed.errors

    assert content(fresh) == content(committed)
    assert committed.stat().st_size < 300 * 1024


def test_the_random_xls_has_a_title_row_merged_groups_and_multi_line_basis():
    table = importer.read_table(SAMPLES_DIR / "hainan_random_2020.xls")
    parsed = importer.parse(table, ListKind.RANDOM)
    assert table.has_merges and parsed.header_row == 2
    assert parsed.headers["body"] == "实施主体" and parsed.headers["basis"] == "法律依据"
    assert sum("\n" in r.values["basis"] for r in parsed.rows) > 20


def test_the_hostile_and_directory_samples_are_what_the_generator_writes(tmp_path):
    import zipfile

    fresh = build_samples(DATA_DIR, tmp_path)
    sheet = "xl/worksheets/sheet1.xml"
    assert (zipfile.ZipFile(fresh["wide_row_bomb.xlsx"]).read(sheet)
            == zipfile.ZipFile(SAMPLES_DIR / "wide_row_bomb.xlsx").read(sheet))
    assert fresh["directory_gb18030_bom.csv"].read_bytes() == (SAMPLES_DIR / "directory_gb18030_bom.csv").read_bytes()
