"""Issue 22, finding 4: a department other than the registration authority could import a row that turned
a business from 存续 to 注销 (or changed its credit class), taking it out of every pool, and the audit
event named only the file. Now such rows are refused by row and field, and every changed row is recorded
with its USCC and before/after values under the import's audit event."""

import csv
import gzip
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.common.models import AuditEvent, Job, JobStatus
from shuangsuiji.directory import services
from shuangsuiji.directory.models import Entity, EntityChange, EntityStatus
from shuangsuiji.directory.testing import make_entity, new_uscc


def write(path, rows, header=("统一社会信用代码", "名称", "登记状态", "信用风险分类")):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def _change_lines() -> list[list[str]]:
    """The rows of the only import's change log."""
    batch = AuditEvent.objects.get(action="directory.import_entities").after["batch"]
    with gzip.open(services.change_log_path(batch), "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh][1:]


def test_another_department_cannot_cancel_a_business_by_import(personas, tmp_path, settings):
    kept = make_entity(name="定陶区示例超市", status=EntityStatus.ACTIVE, credit_class="B")
    other = make_entity(name="定陶区示例饭店", status=EntityStatus.ACTIVE, credit_class="C")
    path = write(tmp_path / "a.csv", [[new_uscc(), "新开的店", "存续", ""],
                                      [kept.uscc, kept.name, "注销", "B"],
                                      [other.uscc, other.name, "存续", "A"]])
    with pytest.raises(services.ImportRejected) as info:
        services.import_entities(path, actor=personas.partner_admin)
    errors = {(e["row"], e["column"]): e["message"] for e in info.value.report["errors"]}
    assert "只能由登记机关（区市场监督管理局）或联席会议办公室变更" in errors[(3, "登记状态")]
    assert "名录中为“存续”，文件为“注销”" in errors[(3, "登记状态")]
    class_message = errors[(4, "信用风险分类")]
    assert "与名录中的分类不同" in class_message and "名录中为" not in class_message  # the class stays internal
    kept.refresh_from_db()
    other.refresh_from_db()
    assert (kept.status, other.credit_class) == (EntityStatus.ACTIVE, "C")
    assert Entity.objects.count() == 2 and not EntityChange.objects.exists()  # the new row did not stay either
    assert not AuditEvent.objects.filter(action="directory.import_entities").exists()
    assert not list((settings.MEDIA_ROOT / "directory" / "changes").glob("*"))  # no change log left behind


def test_another_department_may_still_import_rows_that_leave_status_and_class_alone(personas, tmp_path):
    kept = make_entity(name="旧名称", status=EntityStatus.ACTIVE, credit_class="B")
    outcome = services.import_entities(write(tmp_path / "a.csv", [[kept.uscc, "新名称", "存续", "B"]]),
                                       actor=personas.partner_admin)
    assert outcome.updated == 1
    assert _change_lines() == [[kept.uscc, "旧名称", "新名称", "active", "active", "B", "B"]]
    assert not EntityChange.objects.exists()  # nothing that decides the pools changed


def test_the_registration_authority_changes_status_and_every_changed_row_is_audited(personas, tmp_path):
    a = make_entity(status=EntityStatus.ACTIVE, credit_class="B")
    b = make_entity(status=EntityStatus.ACTIVE, credit_class="B")
    same = make_entity(status=EntityStatus.ACTIVE, credit_class="B")
    path = write(tmp_path / "a.csv", [[a.uscc, a.name, "注销", "B"], [b.uscc, b.name, "存续", "D"],
                                      [same.uscc, same.name, "存续", "B"], [new_uscc(), "新店", "存续", "A"]])
    outcome = services.import_entities(path, actor=personas.lead_admin)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (1, 2, 1)
    changes = {c.uscc: c for c in EntityChange.objects.all()}
    assert set(changes) == {a.uscc, b.uscc}
    assert (changes[a.uscc].status_before, changes[a.uscc].status_after) == ("active", "cancelled")
    assert (changes[b.uscc].credit_before, changes[b.uscc].credit_after) == ("B", "D")
    event = AuditEvent.objects.get(action="directory.import_entities")
    assert event.after["changed_rows"] == 2 and event.after["batch"] == changes[a.uscc].batch
    assert sorted(line[0] for line in _change_lines()) == sorted([a.uscc, b.uscc])
    with gzip.open(services.change_log_path(event.after["batch"]), "rb") as fh:
        assert fh.readline().startswith(b"uscc\tname:before\tname:after\tstatus:before")
        assert event.after["changes_sha256"] == hashlib.sha256(fh.read()).hexdigest()
    assert services.read_change_log(event.after["batch"]) == (2, event.after["changes_sha256"])


def test_the_office_may_change_status_too(personas, tmp_path):
    a = make_entity(status=EntityStatus.ACTIVE)
    services.import_entities(write(tmp_path / "a.csv", [[a.uscc, a.name, "吊销", ""]],
                                   header=("统一社会信用代码", "名称", "登记状态", "规模")), actor=personas.office)
    a.refresh_from_db()
    assert a.status == EntityStatus.REVOKED


@pytest.mark.django_db(transaction=True)
def test_the_api_path_that_was_found_is_refused_with_the_row(personas, client_for):
    kept = make_entity(status=EntityStatus.ACTIVE)
    out = io.StringIO()
    csv.writer(out).writerows([["统一社会信用代码", "名称", "登记状态"], [kept.uscc, kept.name, "注销"]])
    upload = SimpleUploadedFile("名录.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
    client = client_for(personas.partner_admin)
    response = client.post("/api/v1/directory/imports", {"file": upload})
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.FAILED
    assert any(e["row"] == 2 and e["column"] == "登记状态" for e in job.report["errors"])
    kept.refresh_from_db()
    assert kept.status == EntityStatus.ACTIVE


def test_the_business_page_shows_its_import_changes_and_hides_the_class_from_inspectors(personas, tmp_path,
                                                                                        client_for):
    a = make_entity(status=EntityStatus.ACTIVE, credit_class="B")
    services.import_entities(write(tmp_path / "a.csv", [[a.uscc, a.name, "注销", "D"]]), actor=personas.lead_admin)
    page = client_for(personas.partner_admin).get(f"/directory/entities/{a.uscc}/").content.decode()
    assert "登记状态 “存续” → “注销”" in page and "信用风险分类" in page
    inspector = client_for(personas.inspector).get(f"/directory/entities/{a.uscc}/").content.decode()
    assert "登记状态 “存续” → “注销”" in inspector and "信用风险分类 “" not in inspector


# Issue 23, finding 5 (in part): a sub-library defined by credit class and named after it showed on a
# business's page to inspectors.


def test_a_sub_library_on_credit_class_is_named_only_to_roles_that_see_classes(personas, client_for):
    from shuangsuiji.directory.testing import make_sublibrary

    risky = make_entity(credit_class="D")
    make_sublibrary(personas.lead_dept, name="重点监管库（高风险）", rule={"credit_class": ["D"]})
    make_sublibrary(personas.lead_dept, name="城区食品经营库", rule={"entity_type": [risky.entity_type]})
    inspector = client_for(personas.inspector).get(f"/directory/entities/{risky.uscc}/").content.decode()
    assert "重点监管库" not in inspector and "城区食品经营库" in inspector
    admin = client_for(personas.lead_admin).get(f"/directory/entities/{risky.uscc}/").content.decode()
    assert "重点监管库（高风险）" in admin
