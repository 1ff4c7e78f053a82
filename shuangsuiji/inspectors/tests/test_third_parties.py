"""Third-party experts assist but never count as law-enforcement officers (行政处罚法 §42)."""

import datetime

from shuangsuiji.inspectors.models import DutyStatus, Inspector
from shuangsuiji.inspectors.services import is_officer_team
from shuangsuiji.inspectors.testing import make_inspector, make_third_party


def test_officers_leave_third_parties_out(db):
    officer = make_inspector()
    make_third_party()
    assert list(Inspector.objects.officers()) == [officer]


def test_third_parties_are_never_available_for_matching_as_officers(db):
    make_third_party(domains=["特种设备"])
    officer = make_inspector(domains=["特种设备"])
    available = Inspector.objects.available_on(datetime.date(2026, 5, 1)).qualified_for("特种设备")
    assert list(available) == [officer]


def test_one_officer_and_one_expert_are_not_a_team_of_two_officers(db):
    assert not is_officer_team([make_inspector(), make_third_party()])
    assert is_officer_team([make_inspector(), make_inspector()])


def test_the_database_refuses_a_third_party_with_a_certificate(db):
    import pytest
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_third_party(cert_no="鲁菏定1299999")


def test_availability_follows_leave_transfer_and_expiry(db):
    day = datetime.date(2026, 5, 1)
    on_leave = make_inspector(status=DutyStatus.LEAVE, status_from=datetime.date(2026, 4, 20),
                              status_until=datetime.date(2026, 5, 10))
    back = make_inspector(status=DutyStatus.LEAVE, status_from=datetime.date(2026, 3, 1),
                          status_until=datetime.date(2026, 3, 10))
    gone = make_inspector(status=DutyStatus.TRANSFERRED, status_from=datetime.date(2026, 1, 1))
    expired = make_inspector(qualification_expires=datetime.date(2026, 4, 30))
    fine = make_inspector(qualification_expires=datetime.date(2026, 5, 1))
    available = set(Inspector.objects.available_on(day))
    assert available == {back, fine}
    assert not {on_leave, gone, expired} & available


def test_the_list_counts_officers_and_third_parties_apart(personas, client_for):
    make_inspector(department=personas.lead_dept)
    make_third_party(department=personas.lead_dept)
    page = client_for(personas.lead_admin).get("/inspectors/").content.decode()
    assert "执法检查人员 1 人" in page and "第三方专家/机构 1 个" in page
