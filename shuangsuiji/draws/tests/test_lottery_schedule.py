"""The office keeps the lottery schedule table; the change is audited and bad rows are named in Chinese."""

from shuangsuiji.common.models import AuditEvent
from shuangsuiji.draws.models import LotteryKind

FORM = {"name": "中国福利彩票双色球", "shape_text": "6,1", "ranges_text": "1-33,1-16", "distinct": "on",
        "weekdays": ["2", "4", "7"], "draw_time": "21:30", "margin_minutes": "30", "active": "on"}


def test_the_office_moves_a_draw_time_and_the_change_is_audited(personas, client_for):
    kind = LotteryKind.objects.get(name="中国福利彩票双色球")
    c = client_for(personas.office)
    assert c.get("/draws/lotteries/").status_code == 200
    assert c.post(f"/draws/lotteries/{kind.pk}/", FORM).status_code == 302
    kind.refresh_from_db()
    assert f"{kind.draw_time:%H:%M}" == "21:30" and kind.schedule_text == "周二、周四、周日 21:30"
    event = AuditEvent.objects.get(action="draw.lottery_kind")
    assert event.before["draw_time"] == "21:15:00" and event.after["draw_time"] == "21:30:00"


def test_bad_schedule_rows_get_messages_naming_the_field(personas, client_for):
    kind = LotteryKind.objects.get(name="中国福利彩票双色球")
    c = client_for(personas.office)
    page = c.post(f"/draws/lotteries/{kind.pk}/", {**FORM, "ranges_text": "1-33", "weekdays": [],
                                                    "margin_minutes": "0"}).content.decode()
    assert "有 2 组号码，就要写 2 个范围" in page and "请至少选择一个开奖日" in page
    assert "确保该值大于或等于15" in page  # the margin below 15 minutes is named
    kind.refresh_from_db()
    assert f"{kind.draw_time:%H:%M}" == "21:15"


def test_a_department_reads_the_table_but_cannot_edit_it(personas, client_for):
    kind = LotteryKind.objects.get(name="中国福利彩票双色球")
    c = client_for(personas.lead_admin)
    assert c.get("/draws/lotteries/").status_code == 200
    assert c.post(f"/draws/lotteries/{kind.pk}/", FORM).status_code == 403
