"""Issue 25, findings 2 and 4 for the directory import: real government files as they arrive."""

import codecs

import openpyxl
import pytest

from shuangsuiji.common.errors import FileRefused
from shuangsuiji.common.models import Job
from shuangsuiji.directory import services
from shuangsuiji.directory.models import Entity
from shuangsuiji.directory.testing import new_uscc
from shuangsuiji.directory.tests.test_import import HEADER, row, write_csv
from shuangsuiji.directory.tests.test_import_job import csv_upload

GB18030_BOM = "\ufeff".encode("gb18030")  # 84 31 95 33


def csv_bytes(rows, encoding="gb18030") -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def test_a_gb18030_file_with_its_byte_order_mark_is_read(personas, tmp_path):
    code = new_uscc()
    path = tmp_path / "gb.csv"
    path.write_bytes(GB18030_BOM + csv_bytes([row(code, 企业名称="定陶区䶮记饭店")]))
    services.import_entities(path, actor=personas.office)
    assert Entity.objects.get(uscc=code).name == "定陶区䶮记饭店"


def test_a_utf8_byte_order_mark_before_a_gb18030_body_is_read_as_gb18030(personas, tmp_path):
    code = new_uscc()
    path = tmp_path / "mixed.csv"
    path.write_bytes(codecs.BOM_UTF8 + csv_bytes([row(code, 企业名称="定陶区祥和羊汤馆")]))
    services.import_entities(path, actor=personas.office)
    assert Entity.objects.get(uscc=code).name == "定陶区祥和羊汤馆"


@pytest.mark.django_db(transaction=True)  # the job starts when the upload's transaction commits
def test_a_failing_job_shows_a_reference_number_and_no_traceback(personas, client_for, monkeypatch):
    from shuangsuiji.directory import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not reach the user")

    monkeypatch.setattr(tasks.services, "import_entities", broken)
    client = client_for(personas.office)
    job = client.post("/api/v1/directory/imports", {"file": csv_upload([[new_uscc(), "某店", "存续"]])}).json()
    answer = client.get(f"/api/v1/directory/imports/{job['id']}").json()
    assert answer["status"] == "failed" and "参考编号" in answer["message"]
    assert "Traceback" not in str(answer) and "internal detail" not in str(answer)
    assert "trace" not in Job.objects.get(pk=job["id"]).report


def test_a_huge_cell_is_refused_in_chinese_naming_the_row(personas, tmp_path):
    path = write_csv(tmp_path / "big.csv", [row(), row(住所="号" * 200_000)])
    with pytest.raises(FileRefused) as info:
        services.import_entities(path, actor=personas.office)
    assert "第 3 行" in info.value.message and "字" in info.value.message
    assert "field" not in info.value.message and not Entity.objects.exists()


def test_the_header_is_found_on_a_later_sheet_after_an_instructions_sheet(personas, tmp_path):
    code = new_uscc()
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按下表填写，统一社会信用代码为 18 位。"])
    data = book.create_sheet("市场主体名录")
    data.append(HEADER)
    data.append(row(code))
    book.save(tmp_path / "two.xlsx")
    services.import_entities(tmp_path / "two.xlsx", actor=personas.office)
    assert Entity.objects.filter(uscc=code).exists()


def test_a_workbook_without_a_header_names_every_sheet_it_looked_at(personas, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["说明"])
    book.create_sheet("数据").append(["名称", "地址"])
    book.save(tmp_path / "none.xlsx")
    with pytest.raises(FileRefused) as info:
        services.import_entities(tmp_path / "none.xlsx", actor=personas.office)
    assert "填表说明" in info.value.message and "数据" in info.value.message


def test_the_committed_gb18030_sample_with_its_byte_order_mark_imports(personas):
    from pathlib import Path

    from django.conf import settings

    services.import_entities(Path(settings.SSJ_DATA_DIR) / "samples" / "directory_gb18030_bom.csv", actor=personas.office)
    assert set(Entity.objects.values_list("name", flat=True)) == {"菏泽市定陶区䶮记饭店", "定陶区祥和羊汤馆"}
