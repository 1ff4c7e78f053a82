"""Issue 31, slice 3: clues from a spreadsheet (the 12315 export) and from other systems' API calls. A file is
registered all rows or none, every problem named by row and column; rows already registered (by 工单编号) and rows
that are not complaints or reports are skipped and listed, so an overlapping export can be imported again. An API
call carries an idempotency key: a retry answers the first clue, a reused key with other content is refused."""

import datetime as dt

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shuangsuiji.clues import importer, services
from shuangsuiji.clues.models import Clue, Source
from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import FileRefused, Forbidden
from shuangsuiji.common.models import Job
from shuangsuiji.directory.models import Township
from shuangsuiji.directory.testing import make_entity
from shuangsuiji.draws.testing import make_published_item

HEADER = ["工单编号", "登记时间", "诉求类型", "诉求内容", "被投诉方名称", "统一社会信用代码", "被投诉方地址", "投诉人",
          "联系电话"]


def export(path, rows, *, title=True):
    """An .xlsx laid out like the 12315 export: a title row, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["全国12315平台投诉举报明细（导出）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def yesterday() -> str:
    return f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d} 10:22:13"


def test_a_12315_export_registers_its_complaints_and_skips_what_is_not_a_clue(personas, tmp_path):
    shop = make_entity(name="菏泽市定陶区好味熟食店")
    path = export(tmp_path / "12315.xlsx", [
        ["37170300202611030001", yesterday(), "投诉", "熟食有异味", "好味熟食店", shop.uscc, "定陶区某路 1 号", "王女士",
         "13800000001"],
        ["37170300202611030002", yesterday(), "举报", "无照经营的流动摊点", "流动摊点", "", "", "匿名", ""],
        ["37170300202611030003", yesterday(), "咨询", "咨询营业执照办理流程", "", "", "", "李先生", "13900000000"],
    ])
    made, checked = services.import_file(path, Source.COMPLAINT, actor=personas.lead_admin)
    assert [c.external_ref for c in made] == ["37170300202611030001", "37170300202611030002"]
    first = Clue.objects.get(external_ref="37170300202611030001")
    assert first.entity == shop and first.complainant == "王女士" and "定陶区某路 1 号" in first.content
    assert first.received_on == timezone.localdate() - dt.timedelta(days=1)
    assert first.received_by == personas.lead_dept and first.source == Source.COMPLAINT
    assert checked.skipped == [{"row": 5, "message": "诉求类型为“咨询”，不是投诉举报，未登记为线索"}]
    again, checked = services.import_file(path, Source.COMPLAINT, actor=personas.lead_admin)  # the same export
    assert again == [] and Clue.objects.count() == 2
    assert sorted(e["row"] for e in checked.skipped if "已登记为线索" in e["message"]) == [3, 4]
    assert AuditEvent.objects.filter(action="clue.import").count() == 2


def test_every_problem_is_named_by_row_and_column_and_nothing_is_registered(personas, tmp_path):
    shop = make_entity()
    wrong = shop.uscc[:17] + ("0" if shop.uscc[17] != "0" else "1")
    path = export(tmp_path / "bad.xlsx", [
        ["A1", yesterday(), "投诉", "内容一", "", wrong, "", "", ""],
        ["A2", "2099-01-01", "投诉", "", "", "", "", "", ""],
        ["A1", "昨天", "其他", "内容三", "", "91371703MA3FFT365K", "", "", ""],
        ["A4", yesterday(), "投诉", "内容四", "", "", "", "", ""],
    ])
    with pytest.raises(services.ClueImportRejected) as caught:
        services.import_file(path, Source.COMPLAINT, actor=personas.lead_admin)
    found = {(e["row"], e["column"]) for e in caught.value.report["errors"]}
    assert found == {(3, "统一社会信用代码"), (4, "登记时间"), (4, "诉求内容"), (5, "工单编号"), (5, "登记时间"),
                     (5, "诉求类型")}, caught.value.report["errors"]
    messages = " ".join(e["message"] for e in caught.value.report["errors"])
    assert "第18位校验码" in messages and "晚于今天" in messages and "与第 3 行重复" in messages
    assert "“其他”应为“投诉”或“举报”" in messages
    assert not Clue.objects.exists()
    unknown = export(tmp_path / "unknown.xlsx", [["B1", yesterday(), "投诉", "内容", "", "91371703MA3FFT365K", "", "",
                                                  ""]])
    with pytest.raises(services.ClueImportRejected) as caught:
        services.import_file(unknown, Source.COMPLAINT, actor=personas.lead_admin)
    assert caught.value.report["errors"][0]["message"].startswith("统一社会信用代码 91371703MA3FFT365K 不在检查对象名录库中")


def test_a_file_without_the_needed_columns_is_refused_in_words(personas, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("编号,名称\n1,某店\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="须有“登记时间”和“诉求内容”列"):
        services.import_file(path, Source.COMPLAINT, actor=personas.lead_admin)


def test_the_import_page_runs_the_file_as_a_job_for_administrators(personas, client_for, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    assert client_for(personas.inspector).get("/clues/import/").status_code == 403
    with pytest.raises(Forbidden):
        services.import_file(tmp_path / "x.csv", Source.COMPLAINT, actor=personas.inspector)
    c = client_for(personas.lead_admin)
    page = c.get("/clues/import/").content.decode()
    assert "诉求内容" in page and "被投诉方统一社会信用代码" in page and "12315" in page
    template = c.get("/clues/import/template.csv").content.decode("utf-8-sig")
    assert template.startswith(",".join(importer.LABELS.values()))
    town = Township.objects.first()
    path = export(tmp_path / "12315.xlsx", [["C1", yesterday(), "投诉", "内容", "", "", "", "", ""]], title=False)
    sheet = openpyxl.load_workbook(path)
    sheet.active["J1"], sheet.active["J2"] = "乡镇", town.name
    sheet.save(path)
    with django_capture_on_commit_callbacks(execute=True):
        answer = c.post("/clues/import/", {"source": "complaint",
                                           "file": SimpleUploadedFile("12315.xlsx", path.read_bytes())})
    job = Job.objects.get(kind=services.IMPORT_JOB)
    assert answer["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and "登记线索 1 条" in job.message, job.message
    assert Clue.objects.get().township == town


def api(client, body, key="monitor-0001"):
    return client.post("/api/v1/clues", body, content_type="application/json",
                       **({"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}))


def test_an_api_call_registers_a_clue_once_whatever_the_retries(personas, client_for):
    shop = make_entity()
    item = make_published_item(personas.lead_dept)
    c = client_for(personas.lead_admin)
    body = {"source": "monitoring", "received_on": str(timezone.localdate()), "content": "网络交易监测：宣传治疗功效",
            "uscc": shop.uscc, "items": [item.code], "external_ref": "JC-2026-0042"}
    first = api(c, body)
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    assert first.json()["duplicate"] is False and first.json()["due_on"]
    retry = api(c, body)
    assert retry.status_code == 200 and retry.json() == {**first.json(), "duplicate": True}
    assert Clue.objects.count() == 1 and list(Clue.objects.get().items.all()) == [item]
    reused = api(c, {**body, "content": "另一条线索"})
    assert reused.status_code == 409 and number in reused.json()["detail"]
    again = api(c, body, key="monitor-0002")  # a new key, but the system's own number again
    assert again.status_code == 409 and "JC-2026-0042" in again.json()["detail"]
    assert api(c, body, key=None).status_code == 400
    assert c.get(f"/api/v1/clues/{number}").json()["status"] == "new"
    assert client_for(personas.partner_admin).get(f"/api/v1/clues/{number}").status_code == 404


def test_an_api_call_with_wrong_fields_names_each_and_registers_nothing(personas, client_for):
    c = client_for(personas.lead_admin)
    answer = api(c, {"source": "rumour", "received_on": "2099-01-01", "content": " ", "uscc": "91371703MA3FFT365K",
                     "township": "火星镇", "industry": "99", "items": ["nope"]})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"source", "received_on", "content", "uscc", "township", "industry", "items"}, errors
    assert not Clue.objects.exists()
    missing = api(c, {"source": "complaint"})
    assert missing.status_code == 422 and "received_on" in missing.json()["detail"]
    assert api(client_for(personas.inspector), {"source": "complaint", "received_on": "2026-01-01",
                                                "content": "x"}).status_code == 403


def test_an_export_registered_meanwhile_by_another_import_leaves_nothing_half_done(personas, tmp_path, monkeypatch):
    path = export(tmp_path / "12315.xlsx", [["D1", yesterday(), "投诉", "内容一", "", "", "", "", ""],
                                            ["D2", yesterday(), "投诉", "内容二", "", "", "", "", ""]])
    read = importer.read

    def raced(*args, **kwargs):  # the other import registers D2 after this one's check, before its write
        checked = read(*args, **kwargs)
        services.receive(personas.lead_admin, source="complaint", received_on=timezone.localdate(), content="x")
        Clue.objects.filter(number__endswith="00001").update(external_ref="D2")
        return checked

    monkeypatch.setattr(importer, "read", raced)
    with pytest.raises(services.ClueImportRejected, match="请重新导入"):
        services.import_file(path, Source.COMPLAINT, actor=personas.lead_admin)
    assert list(Clue.objects.values_list("external_ref", flat=True)) == ["D2"]
