"""The 20-working-day clock on results: due dates set when a part is approved, counted across holidays;
late publication allowed and recorded; the department's and the office's lists; reminders at 5 and 1."""

import datetime as dt
import io

import openpyxl
from django.utils import timezone

from shuangsuiji.common import holidays
from shuangsuiji.common.workdays import add_working_days
from shuangsuiji.notices.models import Notice
from shuangsuiji.results import deadlines, services
from shuangsuiji.results.models import FollowUpKind, ProcessStep
from shuangsuiji.results.testing import field_visit

from .test_results import lead_part, submitted


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def approved(personas, reviewed_on: dt.date):
    visit, _ = field_visit(personas)
    submitted(personas, visit, codes=("no_problem",), findings="")
    return services.review(personas.lead_admin, lead_part(visit, personas), approve=True, at=at(reviewed_on))


def test_a_result_produced_before_the_spring_festival_is_due_across_it(personas):
    part = approved(personas, dt.date(2026, 2, 6))
    # 20 working days: 9–13 Feb, Saturday 14 Feb (调休), the festival 15–23 Feb off, 24–27 Feb,
    # Saturday 28 Feb (调休), 2–6 and 9–12 March.
    assert part.publish_due_on == dt.date(2026, 3, 12)
    assert "应于 2026-03-12 前公开" in ProcessStep.objects.get(part=part, step="approved").detail


def test_publishing_after_the_deadline_is_allowed_and_recorded_late(personas):
    part = approved(personas, dt.date(2026, 2, 6))
    services.publish(personas.lead_admin, part, at=at(dt.date(2026, 3, 16)))
    publication = part.publications.get()
    assert (publication.due_on, publication.late) == (dt.date(2026, 3, 12), True)
    assert "逾期公开：期限 2026-03-12，超过 2 个工作日" in ProcessStep.objects.get(part=part, step="published").detail


def test_publishing_on_the_last_day_is_on_time(personas):
    part = approved(personas, dt.date(2026, 2, 6))
    services.publish(personas.lead_admin, part, at=at(dt.date(2026, 3, 12), 17))
    assert part.publications.get().late is False


def test_the_time_limit_the_office_sets_applies_to_results_produced_after(personas):
    holidays.set_deadline(personas.office, "result_publication", 5)
    part = approved(personas, dt.date(2026, 3, 2))
    assert part.publish_due_on == dt.date(2026, 3, 9)


def test_a_follow_ups_default_due_date_counts_working_days(personas):
    visit, _ = field_visit(personas)
    submitted(personas, visit)
    row = lead_part(visit, personas).results.first()
    fu = services.create_followup(personas.lead_admin, row, kind=FollowUpKind.NOTIFY, owner=personas.partner_dept)
    assert fu.due_on == services.followup_due(FollowUpKind.NOTIFY, timezone.localdate())
    assert fu.due_on == add_working_days(timezone.localdate(), 7)


def test_lists_per_state_and_the_offices_counts_per_department(personas):
    today = timezone.localdate()
    part = approved(personas, today - dt.timedelta(days=60))
    bounds = deadlines.Bounds.of(today)
    assert list(deadlines.in_state("late", bounds, personas.lead_admin)) == [part]
    assert list(deadlines.in_state("near", bounds, personas.lead_admin)) == []
    assert list(deadlines.in_state("late", bounds, personas.partner_admin)) == []  # another department's
    [row] = deadlines.with_days_left([part], today)
    assert row.days_left < -20
    summary = deadlines.per_department(bounds)
    assert [(r["department"], r["waiting"], r["near"], r["late"]) for r in summary] == [
        (personas.lead_dept, 1, 0, 1)]


def test_the_department_page_and_its_export(personas, client_for):
    today = timezone.localdate()
    part = approved(personas, today - dt.timedelta(days=60))
    client = client_for(personas.lead_admin)
    page = client.get("/results/deadlines/", {"state": "late"}).content.decode()
    assert part.visit.number in page and "逾期" in page
    assert "各部门情况" not in page  # the office's table
    assert part.visit.number not in client_for(personas.partner_admin).get(
        "/results/deadlines/", {"state": "late"}).content.decode()
    response = client_for(personas.lead_admin).get("/results/deadlines/", {"state": "late", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("检查实施机关", "检查单号", "企业名称")
    assert rows[1][1] == part.visit.number and rows[1][6] == part.publish_due_on.isoformat() and rows[1][7] < 0


def test_the_office_sees_counts_per_department(personas, client_for):
    today = timezone.localdate()
    approved(personas, today - dt.timedelta(days=60))
    page = client_for(personas.office).get("/results/deadlines/").content.decode()
    assert "各部门情况" in page and personas.lead_dept.name in page
    assert 'href="?state=late&department=scjgj">1</a>' in page


def test_reminders_at_five_and_one_working_days_and_once_late_each_sent_once(personas):
    part = approved(personas, dt.date(2026, 2, 6))  # due 2026-03-12
    assert deadlines.remind(dt.date(2026, 3, 4)) == 0  # six working days left
    assert deadlines.remind(dt.date(2026, 3, 5)) == 1  # five
    assert deadlines.remind(dt.date(2026, 3, 6)) == 0  # four: already told
    assert deadlines.remind(dt.date(2026, 3, 11)) == 1  # one
    assert deadlines.remind(dt.date(2026, 3, 12)) == 0
    assert deadlines.remind(dt.date(2026, 3, 13)) == 1  # late
    assert deadlines.remind(dt.date(2026, 3, 16)) == 0
    titles = list(Notice.objects.filter(key__startswith="publish-due:").order_by("id").values_list("title", flat=True))
    name = part.visit.entity.name
    assert titles == [f"检查结果还有 5 个工作日到期：{name}", f"检查结果还有 1 个工作日到期：{name}",
                      f"检查结果已逾期未公开：{name}"]
    assert set(Notice.objects.filter(key__startswith="publish-due:").values_list("department", flat=True)) == {
        personas.lead_dept.pk}
    services.publish(personas.lead_admin, part)
    assert deadlines.remind(dt.date(2026, 3, 20)) == 0  # published: nothing more


def test_notices_reach_the_department_only(personas, client_for):
    part = approved(personas, dt.date(2026, 2, 6))
    deadlines.remind(dt.date(2026, 3, 13))
    client = client_for(personas.lead_admin)
    home = client.get("/").content.decode()
    unread = Notice.objects.for_user(personas.lead_admin).unread().count()
    assert 'data-testid="notices"' in home and f'text-bg-danger">{unread}</span>' in home
    notice = Notice.objects.get(key__startswith="publish-due:")
    assert client.post(f"/notices/{notice.pk}/read/").url == f"/results/visits/{part.visit.number}/"
    assert client.get("/notices/").status_code == 200
    notice.refresh_from_db()
    assert notice.read_by == personas.lead_admin
    other = client_for(personas.partner_admin)
    assert "已逾期未公开" not in other.get("/notices/").content.decode()
    assert other.post(f"/notices/{notice.pk}/read/").url == "/notices/"


def test_the_api_gives_the_due_date(personas, client_for):
    part = approved(personas, dt.date(2026, 2, 6))
    visit = client_for(personas.lead_admin).get(f"/api/v1/results/visits/{part.visit.number}").json()
    [lead] = [p for p in visit["parts"] if p["id"] == part.pk]
    assert lead["publish_due_on"] == "2026-03-12"
