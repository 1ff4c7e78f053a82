"""The import as users run it: upload on the page or the API, follow the background job, read the report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.common.models import Job, JobStatus
from shuangsuiji.directory.models import Entity
from shuangsuiji.directory.testing import new_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def csv_upload(rows, name="名录.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([["统一社会信用代码", "名称", "登记状态"], *rows])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def test_the_upload_page_starts_a_job_and_redirects_to_its_progress_page(personas, client_for, settings):
    code = new_uscc()
    response = client_for(personas.lead_admin).post("/directory/import/", {"file": csv_upload([[code, "某店", "存续"]])})
    job = Job.objects.get(kind="directory.import_entities")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.report["inserted"] == 1
    assert (job.done, job.total, job.percent) == (1, 1, 100)
    assert "新增 1 户" in job.message
    assert Entity.objects.filter(uscc=code).exists()
    assert not list((settings.MEDIA_ROOT / "directory" / "imports").iterdir())  # the upload is not kept


def test_a_rejected_file_fails_the_job_and_the_job_page_lists_each_error(personas, client_for):
    client = client_for(personas.office)
    client.post("/directory/import/", {"file": csv_upload([[new_uscc(), "甲", "存续"], ["123", "乙", "歇业"]])})
    job = Job.objects.get(kind="directory.import_entities")
    assert job.status == JobStatus.FAILED and job.report["error_count"] == 2
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "未导入任何数据" in page and "歇业" in page and "统一社会信用代码应为18位" in page
    assert Entity.objects.count() == 0


def test_a_file_that_is_not_csv_or_excel_is_refused_on_the_page(personas, client_for):
    png = SimpleUploadedFile("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", content_type="text/csv")
    response = client_for(personas.office).post("/directory/import/", {"file": png}, follow=True)
    assert "无法识别的文件类型" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_above_the_upload_limit_is_refused_before_it_is_read(personas, client_for, settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 10
    response = client_for(personas.office).post("/directory/import/", {"file": csv_upload([[new_uscc(), "某店", "存续"]])},
                                                follow=True)
    assert "超过上限" in response.content.decode()
    assert not Job.objects.exists()


def test_the_api_import_returns_a_job_whose_status_can_be_followed(personas, client_for):
    client = client_for(personas.office)
    response = client.post("/api/v1/directory/imports", {"file": csv_upload([[new_uscc(), "某店", "存续"]])})
    assert response.status_code == 202
    job = response.json()
    status = client.get(f"/api/v1/directory/imports/{job['id']}").json()
    assert status["status"] == "done" and status["report"]["inserted"] == 1
    assert status["page_url"] == f"/jobs/{job['id']}/"


def test_the_api_refuses_imports_from_readers(personas, client_for):
    response = client_for(personas.leader).post("/api/v1/directory/imports",
                                                {"file": csv_upload([[new_uscc(), "某店", "存续"]])})
    assert response.status_code == 403
