"""Roster import as a background job: every row checked first, per-row Chinese errors, all or nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.common.models import AuditEvent, Job, JobStatus
from shuangsuiji.common.uploads import sniff
from shuangsuiji.inspectors.importer import TEMPLATE_COLUMNS
from shuangsuiji.inspectors.models import DutyStatus, Inspector, InspectorKind
from shuangsuiji.inspectors.testing import make_inspector

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = ",".join(TEMPLATE_COLUMNS)


def csv_upload(*rows: str, header: str = HEADER, encoding: str = "utf-8-sig", name: str = "名单.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(encoding), content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "名单.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["定陶区执法检查人员名录（2026年）"])  # a title row above the header, as real files have
    ws.append(TEMPLATE_COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def upload(client, file, **extra) -> Job:
    response = client.post("/inspectors/import/", {"file": file, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    return job


def test_a_clean_csv_is_imported_whole(personas, client_for):
    job = upload(client_for(personas.lead_admin), csv_upload(
        "张三,,执法检查人员,行政执法类公务员,鲁菏定1200001,,食品销售、特种设备,在岗,,,天中,2028-12-31,,13905300001",
        "李四,区市场监督管理局,第三方专家,,,山东某检测技术有限公司,特种设备,,,,,,,",
        "王五,,执法人员,日常监管,鲁菏定 1200002,,计量,请假,2026/3/1,2026年3月20日,马集镇,,,",
    ))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.message == "导入完成：新增 3 人，更新 0 人。"
    zhang = Inspector.objects.get(name="张三")
    assert zhang.domains == ["食品销售", "特种设备"] and zhang.township.name == "天中街道"
    assert Inspector.objects.get(name="李四").kind == InspectorKind.THIRD_PARTY
    wang = Inspector.objects.get(cert_no="鲁菏定1200002")
    assert wang.status == DutyStatus.LEAVE and wang.status_changes.count() == 1
    assert AuditEvent.objects.filter(action="inspectors.import").count() == 1


def test_an_xlsx_with_a_title_row_is_imported_and_rows_keep_their_sheet_numbers(personas, client_for):
    job = upload(client_for(personas.lead_admin), xlsx_upload([
        ["张三", None, "执法检查人员", "行政执法类公务员", "鲁菏定1200001", None, "计量", "在岗"],
        ["", None, "执法检查人员", "行政执法类公务员", "鲁菏定1200002"],
    ]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.report["errors"] == [{"row": 4, "column": "姓名", "message": "姓名不能为空"}]


def test_every_bad_row_is_reported_and_nothing_is_imported(personas, client_for):
    make_inspector(department=personas.partner_dept, cert_no="鲁菏定0900001")
    job = upload(client_for(personas.lead_admin), csv_upload(
        "好人,,执法检查人员,行政执法类公务员,鲁菏定1200001,,,在岗,,,,,,",
        "撞号,,执法检查人员,行政执法类公务员,鲁菏定0900001,,,在岗,,,,,,",
        "无证,,执法检查人员,行政执法类公务员,,,,在岗,,,,,,",
        "日期错,,执法检查人员,行政执法类公务员,鲁菏定1200003,,,请假,下周,,,,,",
        "重复,,执法检查人员,行政执法类公务员,鲁菏定1200001,,,在岗,,,,,,",
        "外部门,区卫生健康局,执法检查人员,行政执法类公务员,鲁菏定1200004,,,在岗,,,,,,",
        "乡镇错,,执法检查人员,行政执法类公务员,鲁菏定1200005,,,在岗,,,火星镇,,,",
    ))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("共发现 ") and "未导入任何人员" in job.message
    by_row = {(e["row"], e["column"]): e["message"] for e in job.report["errors"]}
    assert by_row[(3, "执法证号")] == "执法证号“鲁菏定0900001”已登记在区卫生健康局名下，同一执法证号不能重复登记"
    assert by_row[(4, "执法证号")] == "执法检查人员须填写执法证号"
    assert by_row[(5, "状态起始日期")] == "日期“下周”无法识别，请写成 2026-01-31 的形式"
    assert by_row[(5, "状态截止日期")] == "请假须填写截止日期"
    assert by_row[(6, "执法证号")] == "与第2行重复"
    assert by_row[(7, "所属部门")] == "该行部门“区卫生健康局”与导入的部门“区市场监督管理局”不一致"
    assert by_row[(8, "居住乡镇")] == "未找到乡镇（街道）“火星镇”"
    assert job.report["error_count"] == len(job.report["errors"])
    assert not Inspector.objects.filter(department=personas.lead_dept).exists()


def test_a_known_certificate_updates_the_record_and_blank_cells_keep_values(personas, client_for):
    existing = make_inspector(department=personas.lead_dept, cert_no="鲁菏定1200001", phone="13900000000")
    job = upload(client_for(personas.lead_admin), csv_upload(
        "新姓名,,执法检查人员,具有执法资格人员,鲁菏定1200001,,,调离,2026-02-01,,,,,"))
    job.refresh_from_db()
    assert job.message == "导入完成：新增 0 人，更新 1 人。"
    existing.refresh_from_db()
    assert (existing.name, existing.phone, existing.status) == ("新姓名", "13900000000", DutyStatus.TRANSFERRED)


def test_the_office_imports_for_several_departments_by_the_department_column(personas, client_for):
    job = upload(client_for(personas.office), csv_upload(
        "甲,市场监管,执法检查人员,行政执法类公务员,鲁菏定1200001,,,,,,,,,",
        "乙,卫生健康局,执法检查人员,行政执法类公务员,鲁菏定0900001,,,,,,,,,",
        "丙,,执法检查人员,行政执法类公务员,鲁菏定0900002,,,,,,,,,",
    ))
    job.refresh_from_db()
    assert job.report["errors"] == [{"row": 4, "column": "所属部门", "message": "请填写所属部门"}]
    job.delete()
    job = upload(client_for(personas.office), csv_upload("丙,,执法检查人员,行政执法类公务员,鲁菏定0900002,,,,,,,,,"),
                 department=personas.partner_dept.pk)
    job.refresh_from_db()
    assert Inspector.objects.get(name="丙").department == personas.partner_dept


def test_a_gbk_csv_from_excel_is_read(personas, client_for):
    job = upload(client_for(personas.lead_admin),
                 csv_upload("张三,,执法检查人员,行政执法类公务员,鲁菏定1200001,,,,,,,,,", encoding="gb18030"))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_file_without_the_name_column_is_refused_as_a_whole(personas, client_for):
    job = upload(client_for(personas.lead_admin), csv_upload("a,b", header="甲,乙"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "找不到表头：须有“姓名”列" in job.message


def test_a_binary_file_is_refused_by_content_before_any_job(personas, client_for):
    bad = SimpleUploadedFile("名单.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    response = client_for(personas.lead_admin).post("/inspectors/import/", {"file": bad})
    assert response.status_code == 200 and "无法识别的文件" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_above_the_limit_is_refused_before_reading(personas, client_for, settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 10
    response = client_for(personas.lead_admin).post("/inspectors/import/", {"file": csv_upload("张三")})
    assert "超过上限" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(personas, client_for):
    fake = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04" + b"\x00" * 50)
    response = client_for(personas.lead_admin).post("/inspectors/import/", {"file": fake})
    assert "不是有效的 Excel 工作簿" in response.content.decode()


def test_content_sniffing_recognises_the_formats():
    assert sniff(b"PK\x03\x04rest") == "xlsx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "xls"
    assert sniff("姓名,执法证号\n".encode()) == "csv"
    assert sniff("姓名".encode()[:-1]) == "csv"  # a character cut at the end of the sample
    assert sniff(b"\x00\x01\x02") is None


def test_an_old_xls_with_real_date_cells_is_imported(personas, client_for):
    import datetime

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    for col, title in enumerate(TEMPLATE_COLUMNS):
        sheet.write(0, col, title)
    row = ["张三", "", "执法检查人员", "行政执法类公务员", "鲁菏定1200001", "", "计量", "在岗", "", "", "仿山镇"]
    for col, value in enumerate(row):
        sheet.write(1, col, value)
    sheet.write(1, 11, datetime.date(2029, 6, 30), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    buf = io.BytesIO()
    book.save(buf)
    job = upload(client_for(personas.lead_admin), SimpleUploadedFile("名单.xls", buf.getvalue()))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.report
    assert Inspector.objects.get(name="张三").qualification_expires == datetime.date(2029, 6, 30)


def test_an_id_number_stored_as_an_excel_number_asks_for_text_format(personas, client_for):
    """Issue 25, finding 4: it was reported as 出生日期无效, which sent people looking at the wrong thing."""
    row = ["张三", "", "执法检查人员", "行政执法类公务员", "鲁菏定1200001", "", "", "在岗", "", "", "", "", 371703199001011234]
    job = upload(client_for(personas.lead_admin), xlsx_upload([row]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    [error] = job.report["errors"]
    assert error["row"] == 3 and error["column"] == "身份证号" and "请把该列设为文本格式" in error["message"]
    assert "出生日期" not in error["message"]


def test_a_roster_after_an_instructions_sheet_is_read_with_the_shared_reader(personas, client_for):
    """Issue 25, finding 5: the roster read only the first sheet, with its own reader and limits."""
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按模板填写，身份证号请设为文本格式。"])
    ws = wb.create_sheet("人员名单")
    ws.append(TEMPLATE_COLUMNS)
    ws.append(["张三", "", "执法检查人员", "行政执法类公务员", "鲁菏定1200001"])
    buf = io.BytesIO()
    wb.save(buf)
    job = upload(client_for(personas.lead_admin), SimpleUploadedFile("名单.xlsx", buf.getvalue()))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert Inspector.objects.filter(name="张三").exists()


def test_a_wide_row_bomb_is_refused_by_the_roster_import_too(personas, client_for, tmp_path):
    from shuangsuiji.items.samples import write_wide_row_xlsx

    write_wide_row_xlsx(tmp_path / "wide.xlsx", 50_000, varied=True)
    job = upload(client_for(personas.lead_admin), SimpleUploadedFile("名单.xlsx", (tmp_path / "wide.xlsx").read_bytes()))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "超过 200 列" in job.message and "执法检查人员名单" in job.message
