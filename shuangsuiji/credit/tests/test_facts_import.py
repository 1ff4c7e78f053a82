"""Importing credit facts: a fact table updates the businesses it names cell by cell, a whole list puts its
businesses on the list and takes every other off; any problem is named by row and column and nothing is written;
codes outside the directory are skipped and listed. The office only."""

import codecs
import csv
import datetime as dt
import io
import random

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.models import Job
from shuangsuiji.credit import facts, importer, services
from shuangsuiji.credit.models import Facts, Rating
from shuangsuiji.directory import uscc
from shuangsuiji.directory.models import CreditList, Entity
from shuangsuiji.directory.testing import make_entity

STRANGER = uscc.make(random.Random(99_001))  # valid, but no business of this district


def write_csv(path, rows, *, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes((codecs.BOM_UTF8 if encoding == "utf-8" else b"") + out.getvalue().encode(encoding))
    return path


def state(entity):
    row = Facts.objects.filter(entity=entity).first()
    return None if row is None else {name: getattr(row, name) for name in importer.FACTS}


@pytest.fixture
def shops(db):
    return [make_entity(registered_on=dt.date(2010, 1, 1)) for _ in range(4)]


def test_a_fact_table_sets_the_cells_it_fills_and_leaves_blank_ones(personas, shops, tmp_path):
    a, b, c, _ = shops
    Facts.objects.create(entity=b, penalties=2, complaints=5)
    path = write_csv(tmp_path / "信用信息.csv", [
        ["统一社会信用代码", "企业名称", "经营异常名录", "近三年行政处罚次数", "投诉举报件数", "失信联合惩戒对象"],
        [a.uscc, a.name, "是", "1次", "", "否"],
        [b.uscc.lower(), b.name, "", "0", "", ""],
        [f" {c.uscc[:6]}-{c.uscc[6:]} ", c.name, "N", "", "3", "√"],
        [STRANGER, "外区企业", "是", "", "", ""],
    ])
    outcome = facts.import_facts(path, "facts", actor=personas.office)
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.skipped) == (2, 1, 0, 1)
    assert state(a) == {"abnormal": True, "serious": False, "annual_report_missing": False, "punished": False,
                        "trusted": False, "penalties": 1, "complaints": 0}
    assert state(b)["penalties"] == 0 and state(b)["complaints"] == 5  # the blank cell kept what was on record
    assert state(c)["punished"] and state(c)["complaints"] == 3
    assert Entity.objects.get(pk=c.pk).credit_list == CreditList.PUNISHED
    assert Entity.objects.get(pk=a.pk).credit_list == ""
    assert outcome.skipped_rows == [{"row": 5, "message": f"{STRANGER} 不在检查对象名录库中，已略过"}]
    assert "1 个代码不在检查对象名录库中" in outcome.message
    event = AuditEvent.objects.get(action="credit.import_facts")
    assert event.after["file"] == "信用信息.csv" and event.after["created"] == 2

    # The facts feed the next recomputation: 经营异常名录 and a penalty weigh on a's score.
    services.recompute(personas.office)
    parts = {factor for factor, *_ in Rating.objects.get(entity=a).parts}
    assert {"abnormal", "penalties"} <= parts


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(personas, shops, tmp_path):
    a, b, c, d = shops
    Facts.objects.create(entity=d, trusted=True)
    wrong = a.uscc[:17] + ("0" if a.uscc[17] != "0" else "1")
    path = write_csv(tmp_path / "bad.csv", [
        ["统一社会信用代码", "列入经营异常名录", "近三年行政处罚（次）", "失信联合惩戒对象", "守信激励对象"],
        [b.uscc, "也许", "-1", "", ""],
        [wrong, "是", "x", "", ""],
        [c.uscc, "是", "", "是", "是"],
        [b.uscc, "否", "", "", ""],
        [d.uscc, "", "", "是", ""],
        [a.uscc, "是", "1", "", ""],
    ], encoding="gb18030")
    with pytest.raises(facts.FactsRejected) as refused:
        facts.import_facts(path, "facts", actor=personas.office)
    errors = [(e["row"], e["column"], e["message"]) for e in refused.value.report["errors"]]
    assert (2, "列入经营异常名录", "“也许”应填“是”或“否”（也可留空，表示不变）") in errors
    assert (2, "近三年行政处罚（次）", "“-1”应为 0 或正整数（如 2）") in errors
    assert any(row == 3 and col == "统一社会信用代码" and "第18位校验码" in m for row, col, m in errors)
    assert (3, "近三年行政处罚（次）", "“x”应为 0 或正整数（如 2）") in errors  # a wrong code hides no other problem
    assert (4, "守信激励对象", "同一主体不能既是失信联合惩戒对象又是守信激励对象") in errors
    assert (5, "统一社会信用代码", f"统一社会信用代码 {b.uscc} 与第 2 行重复") in errors
    assert refused.value.report["error_count"] == 6  # d's conflict with what is on record is found once the rest is right
    assert "未导入任何数据" in str(refused.value) and state(a) is None and state(d)["trusted"]

    fixed = write_csv(tmp_path / "fixed.csv", [["统一社会信用代码", "失信联合惩戒对象"], [d.uscc, "是"], [a.uscc, "否"]])
    with pytest.raises(facts.FactsRejected) as refused:
        facts.import_facts(fixed, "facts", actor=personas.office)
    assert refused.value.report["errors"] == [{"row": 2, "column": "失信联合惩戒对象", "message":
                                               "该主体已是守信激励对象，不能同时是失信联合惩戒对象：如已不再是守信激励对象，"
                                               "请在本行“守信激励对象”列填“否”"}]
    assert state(a) is None and not AuditEvent.objects.filter(action="credit.import_facts").exists()


def test_a_whole_list_puts_its_businesses_on_and_takes_every_other_off(personas, shops, tmp_path):
    a, b, c, d = shops
    Facts.objects.create(entity=a, abnormal=True)
    Facts.objects.create(entity=b, abnormal=True, penalties=1)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["菏泽市定陶区经营异常名录（截至2026年11月30日）"])
    sheet.append([])
    sheet.append(["序号", "企业名称", "统一社会信用代码", "列入日期", "列入原因", "移出日期"])
    sheet.append([1, a.name, a.uscc, dt.date(2025, 3, 1), "未按规定公示年度报告", None])
    sheet.append([2, c.name, c.uscc, dt.date(2026, 6, 1), "通过登记的住所无法联系", None])
    sheet.append([3, d.name, d.uscc, dt.date(2024, 6, 1), "未按规定公示年度报告", dt.date(2025, 1, 9)])
    sheet.append([4, c.name, c.uscc, dt.date(2026, 7, 1), "未按规定公示即时信息", None])
    path = tmp_path / "异常名录.xlsx"
    book.save(path)
    sheet.append([5, "定陶区某单位", 123717270049925000, dt.date(2026, 7, 1), "未按规定公示即时信息", None])
    book.save(tmp_path / "数字代码.xlsx")
    with pytest.raises(facts.FactsRejected) as refused:
        facts.import_facts(tmp_path / "数字代码.xlsx", "abnormal", actor=personas.office)
    [error] = refused.value.report["errors"]
    assert error["row"] == 8 and error["message"].startswith("统一社会信用代码被 Excel 存成了数字（1237172700499")
    assert error["message"].endswith("末几位已丢失；请把该列设为“文本”格式后重新填写")
    outcome = facts.import_facts(path, "abnormal", actor=personas.office)
    assert (outcome.created, outcome.updated, outcome.removed, outcome.unchanged) == (1, 0, 1, 1)
    assert "新列入 1 户，移出 1 户，1 户仍在名单上" in outcome.message
    assert state(a)["abnormal"] and state(c)["abnormal"]
    assert not state(b)["abnormal"] and state(b)["penalties"] == 1  # the other facts stay
    assert state(d) is None  # taken off before: no row for a business with nothing on record


def test_a_business_cannot_be_on_both_joint_lists(personas, shops, tmp_path):
    a, b, c, _ = shops
    facts.import_facts(write_csv(tmp_path / "守信.csv", [["统一社会信用代码"], [a.uscc], [b.uscc]]), "trusted",
                       actor=personas.office)
    assert Entity.objects.get(pk=a.pk).credit_list == CreditList.TRUSTED
    path = write_csv(tmp_path / "失信.csv", [["统一社会信用代码", "名称"], [c.uscc, c.name], [b.uscc, b.name]])
    with pytest.raises(facts.FactsRejected) as refused:
        facts.import_facts(path, "punished", actor=personas.office)
    assert refused.value.report["errors"] == [{"row": 3, "column": "统一社会信用代码", "message":
                                               "该主体目前是守信激励对象，不能同时列为失信联合惩戒对象：请先导入最新的守信激励对象名单"}]
    assert not Facts.objects.filter(punished=True).exists()
    # The newer 守信 list no longer names b: then b may be listed as 失信.
    facts.import_facts(write_csv(tmp_path / "守信2.csv", [["统一社会信用代码"], [a.uscc]]), "trusted", actor=personas.office)
    facts.import_facts(path, "punished", actor=personas.office)
    lists = dict(Entity.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "credit_list"))
    assert lists == {a.pk: CreditList.TRUSTED, b.pk: CreditList.PUNISHED, c.pk: CreditList.PUNISHED}
    d = shops[3]  # a newer 守信 list without a: a is on no list any more
    facts.import_facts(write_csv(tmp_path / "守信3.csv", [["统一社会信用代码"], [d.uscc]]), "trusted", actor=personas.office)
    lists = dict(Entity.objects.filter(pk__in=[a.pk, d.pk]).values_list("pk", "credit_list"))
    assert lists == {a.pk: CreditList.NONE, d.pk: CreditList.TRUSTED} and state(a) is None


def test_files_that_are_not_credit_files_are_refused_in_words(personas, shops, tmp_path):
    a = shops[0]
    no_facts = write_csv(tmp_path / "名单.csv", [["统一社会信用代码", "名称"], [a.uscc, a.name]])
    with pytest.raises(importer.spreadsheet.FileRefused, match="文件中没有信用信息列"):
        facts.import_facts(no_facts, "facts", actor=personas.office)
    no_code = write_csv(tmp_path / "x.csv", [["名称", "经营异常名录"], [a.name, "是"]])
    with pytest.raises(importer.spreadsheet.FileRefused, match="统一社会信用代码"):
        facts.import_facts(no_code, "abnormal", actor=personas.office)
    empty = write_csv(tmp_path / "empty.csv", [["统一社会信用代码", "经营异常名录"]])
    with pytest.raises(facts.FactsRejected, match="没有数据行"):
        facts.import_facts(empty, "facts", actor=personas.office)
    bad_date = write_csv(tmp_path / "d.csv", [["统一社会信用代码", "移出日期"], [a.uscc, "上个月"]])
    with pytest.raises(facts.FactsRejected) as refused:
        facts.import_facts(bad_date, "serious", actor=personas.office)
    assert refused.value.report["errors"][0]["column"] == "移出日期"
    assert not Facts.objects.exists()


def test_only_the_office_imports_and_the_page_runs_it_as_a_job(personas, client_for, shops,
                                                                 django_capture_on_commit_callbacks):
    a = shops[0]
    admin = client_for(personas.lead_admin)
    assert admin.get("/credit/import/").status_code == 403
    with pytest.raises(facts.Forbidden):
        facts.start_import(SimpleUploadedFile("x.csv", b"x"), "facts", actor=personas.lead_admin)
    c = client_for(personas.office)
    page = c.get("/credit/import/").content.decode()
    assert "严重违法失信名单（完整名单）" in page and "近一年投诉举报件数" in page
    template = c.get("/credit/import/template.csv")
    assert template.status_code == 200 and "统一社会信用代码" in template.content.decode("utf-8-sig")
    assert c.get("/credit/import/template.xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    missing = c.post("/credit/import/", {"kind": "facts"}).content.decode()
    assert "信用信息文件：这个字段是必填项。" in missing
    upload = SimpleUploadedFile("严重违法.csv", f"统一社会信用代码\n{a.uscc}\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        answer = c.post("/credit/import/", {"kind": "serious", "file": upload})
    job = Job.objects.get(kind=facts.IMPORT_JOB)
    assert answer["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert "已按“严重违法失信名单”更新" in job.message and state(a)["serious"]
    assert "严重违法失信名单" in c.get("/credit/import/").content.decode()
    Entity.objects.filter(pk=a.pk).update(credit_list=CreditList.PUNISHED)
    assert "失信联合惩戒对象</span> 风险分类联查中按该名单的比例抽取" in c.get(f"/credit/entities/{a.pk}/").content.decode()
