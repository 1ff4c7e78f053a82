"""Importing whole lists: attribution to departments, skipped rows, nothing half-imported, jobs."""

import pytest

from shuangsuiji.common import jobs
from shuangsuiji.common.errors import FileRefused, Forbidden, TooLarge
from shuangsuiji.common.models import AuditEvent, Job, JobStatus
from shuangsuiji.items import services
from shuangsuiji.items.models import InspectionItem, ItemClass, ItemList, ListKind, ListStatus
from shuangsuiji.items.samples import BAD_EXPECTED_ERRORS
from shuangsuiji.items.testing import JOINT_CSV, RANDOM_CSV, SAMPLES_DIR, random_row, write_csv


def test_the_office_imports_the_hainan_random_list_by_compiling_unit(personas):
    outcome = services.import_file(RANDOM_CSV, kind=ListKind.RANDOM, level="province", actor=personas.office)
    assert outcome.ok, outcome.errors
    # Four rows of 省农业农村厅 continue the item above (another 检查主体 under its merged cells).
    assert (outcome.rows_read, outcome.imported, len(outcome.skipped), len(outcome.merged)) == (297, 287, 6, 4)
    # All 16 compiling units are accounted for: 14 mapped to district departments, 2 skipped with a reason.
    assert len(outcome.units) == 16
    assert sum(u["imported"] + u["skipped"] for u in outcome.units) == 297 - 4
    skipped = {u["unit"]: u["reason"] for u in outcome.units if u["skipped"]}
    assert skipped == {"海口海关": "编制单位“海口海关”不是本区成员单位",
                       "省消防救援总队": "编制单位“省消防救援总队”不是本区成员单位"}
    assert len(outcome.lists) == 14 and all(lst.status == ListStatus.DRAFT for lst in outcome.lists)
    rsj = ItemList.objects.get(department__code="rsj")
    assert rsj.items.count() == 108 and rsj.version == 1
    assert InspectionItem.objects.filter(item_class=ItemClass.KEY).count() == 30
    assert InspectionItem.objects.published().count() == 0
    assert AuditEvent.objects.filter(action="items.import").count() == 14
    assert "省教育厅 → 区教育和体育局：导入 7 条" in outcome.message


def test_item_codes_are_unique_in_a_list_even_for_repeated_rows(personas):
    services.import_file(RANDOM_CSV, kind=ListKind.RANDOM, level="province", actor=personas.office)
    nyncj = ItemList.objects.get(department__code="nyncj")
    codes = list(nyncj.items.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 16


@pytest.mark.parametrize("sample", ["hainan_random_2020.xls", "hainan_random_2020_gb18030.csv"])
def test_the_xls_and_gb18030_copies_give_the_same_items_as_the_csv(personas, sample):
    first = services.import_file(RANDOM_CSV, kind=ListKind.RANDOM, level="province", actor=personas.office)
    second = services.import_file(SAMPLES_DIR / sample, kind=ListKind.RANDOM, level="city", actor=personas.office)
    assert second.ok and second.imported == first.imported == 287

    def content(level):
        return sorted(InspectionItem.objects.filter(item_list__level=level).values_list(
            "code", "category", "name", "object_type", "item_class", "methods", "body", "basis"))

    assert content("province") == content("city")


def test_a_department_admin_imports_only_their_own_rows_and_sees_the_others_listed(personas):
    outcome = services.import_file(SAMPLES_DIR / "hainan_random_2020.xls", kind=ListKind.RANDOM, level="province",
                                   actor=personas.lead_admin, department=personas.lead_dept)
    assert outcome.ok and outcome.imported == 82
    assert [lst.department for lst in outcome.lists] == [personas.lead_dept]
    assert len(outcome.skipped) == 297 - 82  # other units' rows, their continuation rows included
    assert any("省教育厅" in s["message"] and "区教育和体育局" in s["message"] for s in outcome.skipped)
    assert ItemList.objects.count() == 1


def test_a_file_with_one_invalid_row_imports_nothing_and_reports_every_error(personas):
    outcome = services.import_file(SAMPLES_DIR / "bad_items.xlsx", kind=ListKind.RANDOM, level="county",
                                   actor=personas.office)
    assert not outcome.ok
    assert [(e["row"], e["column"]) for e in outcome.errors] == BAD_EXPECTED_ERRORS
    assert "未导入任何事项" in outcome.message
    assert ItemList.objects.count() == 0 and InspectionItem.objects.count() == 0


def test_invalid_rows_of_other_units_do_not_block_a_department(personas, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", [random_row(), random_row(unit="省卫健委", item_class="重要")])
    outcome = services.import_file(path, kind=ListKind.RANDOM, level="county", actor=personas.lead_admin,
                                   department=personas.lead_dept)
    assert outcome.ok and outcome.imported == 1
    office = services.import_file(path, kind=ListKind.RANDOM, level="county", actor=personas.office)
    assert not office.ok and office.errors[0]["row"] == 3


def test_a_file_with_no_row_for_the_department_is_refused_with_the_skipped_rows(personas, tmp_path):
    path = write_csv(tmp_path / "other.csv", [random_row(unit="省卫健委")])
    outcome = services.import_file(path, kind=ListKind.RANDOM, level="county", actor=personas.lead_admin,
                                   department=personas.lead_dept)
    assert not outcome.ok and "没有可导入的事项" in outcome.message and len(outcome.skipped) == 1


def test_without_a_unit_column_the_office_must_choose_a_department(personas, tmp_path):
    rows = [random_row()[1:]]
    path = write_csv(tmp_path / "nounit.csv", rows, header=["序号", "抽查类别", "抽查事项", "检查对象", "事项类别",
                                                          "检查方式", "检查主体", "检查依据"])
    refused = services.import_file(path, kind=ListKind.RANDOM, level="county", actor=personas.office)
    assert not refused.ok and refused.errors[0]["column"] == "编制单位"
    done = services.import_file(path, kind=ListKind.RANDOM, level="county", actor=personas.office,
                                department=personas.partner_dept)
    assert done.ok and done.lists[0].department == personas.partner_dept


def test_the_joint_list_maps_lead_and_partner_departments(personas):
    outcome = services.import_file(SAMPLES_DIR / "hainan_joint_v2.xlsx", kind=ListKind.JOINT, level="province",
                                   actor=personas.office)
    assert outcome.ok and (outcome.rows_read, outcome.imported) == (83, 79)
    assert all("消防救援机构" in s["message"] for s in outcome.skipped) and len(outcome.skipped) == 4
    lst = outcome.lists[0]
    assert lst.department is None and lst.kind == ListKind.JOINT
    new_car = lst.items.get(name="二手车市场监管")
    assert new_car.lead_department.code == "swj" and new_car.department == new_car.lead_department
    assert sorted(d.code for d in new_car.partner_departments.all()) == ["gafj", "scjgj", "swju"]
    ods = lst.items.filter(category__startswith="涉消耗臭氧层物质")
    assert {i.lead_department.code for i in ods} == {"sthjfj"} and ods.count() == 5
    generic = lst.items.get(name="工程造价咨询企业的检查")
    assert generic.partner_text == "市场监管领域相关部门" and not generic.partner_departments.exists()
    co_led = lst.items.get(name="生态环境监测机构开展监测情况的检查")
    assert [d.code for d in co_led.co_lead_departments.all()] == ["scjgj"]


def test_the_csv_and_xlsx_joint_lists_are_the_same(personas):
    services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office)
    services.import_file(SAMPLES_DIR / "hainan_joint_v2.xlsx", kind=ListKind.JOINT, level="city",
                         actor=personas.office)

    def content(level):
        return sorted(InspectionItem.objects.filter(item_list__level=level).values_list(
            "code", "seq", "category", "name", "lead_text", "partner_text", "lead_department__code"))

    assert content("province") == content("city")


@pytest.mark.parametrize(("actor", "kwargs", "message"), [
    ("lead_admin", {"kind": ListKind.JOINT}, "联席会议办公室"),
    ("lead_admin", {"kind": ListKind.RANDOM}, "联席会议办公室"),
    ("lead_admin", {"kind": ListKind.RANDOM, "department": "partner_dept"}, "只能管理本部门"),
    ("leader", {"kind": ListKind.RANDOM}, "联席会议办公室"),
    ("inspector", {"kind": ListKind.RANDOM, "department": "lead_dept"}, "只能查看"),
])
def test_imports_outside_ones_scope_are_refused(personas, actor, kwargs, message):
    if "department" in kwargs:
        kwargs["department"] = getattr(personas, kwargs["department"])
    with pytest.raises(Forbidden, match=message):
        services.import_file(RANDOM_CSV, level="province", actor=getattr(personas, actor), **kwargs)


def test_import_file_can_publish_what_it_imported(personas):
    outcome = services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office,
                                   publish=True, note="演示数据")
    assert outcome.published and outcome.lists[0].status == ListStatus.PUBLISHED
    assert outcome.lists[0].note == "演示数据"
    assert InspectionItem.objects.published().count() == 79


def test_created_items_have_history_records_by_the_importer(personas):
    services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office)
    item = InspectionItem.objects.first()
    record = item.history.get()
    assert record.history_type == "+" and record.history_user == personas.office
    assert record.history_change_reason.startswith("导入")


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_is_imported_by_a_background_job_with_progress(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangsuiji.accounts.testing import make_personas

    personas = make_personas()
    upload = SimpleUploadedFile("海南清单.xls", (SAMPLES_DIR / "hainan_random_2020.xls").read_bytes())
    job = services.start_import(upload, kind=ListKind.RANDOM, level="province", actor=personas.office)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.report["rows_read"] == 297 and job.report["imported"] == 287 and len(job.report["merged"]) == 4
    assert job.total == job.done == 2 * 297
    assert len(job.report["skipped"]) == 6 and job.report["link"].startswith("/items/")
    assert ItemList.objects.get(department__code="scjgj").source_filename == "海南清单.xls"


@pytest.mark.django_db(transaction=True)
def test_a_failing_import_job_keeps_the_error_report_and_changes_nothing():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangsuiji.accounts.testing import make_personas

    personas = make_personas()
    upload = SimpleUploadedFile("bad.xlsx", (SAMPLES_DIR / "bad_items.xlsx").read_bytes())
    job = services.start_import(upload, kind=ListKind.RANDOM, level="county", actor=personas.office)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.report["error_count"] == 4
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == BAD_EXPECTED_ERRORS
    assert ItemList.objects.count() == 0


def test_an_upload_that_is_not_a_list_file_is_refused_before_any_job(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.xlsx", b"\x00\x01binary\x00" * 10)
    with pytest.raises(FileRefused, match="无法识别的文件类型"):
        services.start_import(upload, kind=ListKind.RANDOM, level="county", actor=personas.office)
    assert Job.objects.count() == 0


def test_an_upload_above_the_limit_is_refused_before_it_is_read(personas, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SSJ_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.csv", b"x" * 100)
    with pytest.raises(TooLarge, match="超过上限"):
        services.start_import(upload, kind=ListKind.RANDOM, level="county", actor=personas.office)


def test_the_job_handler_is_registered():
    assert "items.import" in jobs._HANDLERS
