"""Issue 22, part 1: each way an insider could steer a draw's randomness or reveal is tried and refused.

Every test walks the path that was found (the plans API a department administrator holds) and checks
the refusal and that nothing was changed.
"""

import datetime as dt
import io
import json
import zipfile

import time_machine
from django.utils import timezone

from shuangsuiji.draws import services as draw_services
from shuangsuiji.draws.models import Draw, DrawStatus, ImmutableDrawError, LotteryKind
from shuangsuiji.draws.testing import COMMIT_AT, DICE, DRAND, REVEALED
from shuangsuiji.lottery.verify import verify_files
from shuangsuiji.plans.models import Task, TaskStatus
from shuangsuiji.plans.testing import approved_joint_task


def post(c, path, body):
    return c.post(f"/api/v1/plans{path}", json.dumps(body), content_type="application/json")


def _commit(c, task, sources):
    with time_machine.travel(COMMIT_AT, tick=False):
        return post(c, f"/tasks/{task.number}/commit", {"sources": sources})


# Finding 1: witness numbers chosen after the commitment.


def test_a_task_draw_with_witness_numbers_only_is_refused(personas, client_for):
    task = approved_joint_task(personas, n=60)
    answer = _commit(client_for(personas.lead_admin), task, [DICE])
    assert answer.status_code == 400
    assert "仅用现场见证人号码的抽取只能作为演练" in answer.json()["detail"]
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED and not Draw.objects.exists()


def test_witness_numbers_typed_at_the_reveal_must_be_the_sealed_ones(personas, client_for):
    task = approved_joint_task(personas, n=60)
    c = client_for(personas.lead_admin)
    assert _commit(c, task, [DRAND, DICE]).status_code == 200
    draw = Draw.objects.get()
    assert "numbers" not in json.dumps(draw.commitment) and draw.commitment["sources"][1]["seal"]
    chosen = post(c, f"/tasks/{task.number}/reveal", {"revealed": [REVEALED[0], {"numbers": [[6, 6, 6]]}]})
    assert chosen.status_code == 400 and "与承诺时封存的不一致" in chosen.json()["detail"]
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and not draw.seed
    same = post(c, f"/tasks/{task.number}/reveal", {"revealed": [REVEALED[0], {"numbers": [[6, 1, 4]]}]})
    assert same.status_code == 200, same.content  # the same dice in another order are the same outcome


def test_dice_outside_one_to_six_are_refused_at_commit(personas, client_for):
    task = approved_joint_task(personas, n=60)
    answer = _commit(client_for(personas.lead_admin), task, [DRAND, dict(DICE, numbers=[[99, 1, 2]])])
    assert answer.status_code == 400 and "第 1 组的号码 99 超出范围 1–6" in answer.json()["detail"]
    assert not Draw.objects.exists()


def test_witness_numbers_not_given_at_commit_are_refused(personas, client_for):
    task = approved_joint_task(personas, n=60)
    unsealed = {k: v for k, v in DICE.items() if k != "numbers"}
    answer = _commit(client_for(personas.lead_admin), task, [DRAND, unsealed])
    assert answer.status_code == 400 and "请在发布承诺时填写见证人现场产生的号码" in answer.json()["detail"]


# Finding 2: lottery numbers accepted before the lottery is drawn.


def test_lottery_numbers_before_the_draw_time_are_refused_and_the_reveal_time_is_in_the_kit(personas, client_for):
    task = approved_joint_task(personas, n=60)
    c = client_for(personas.lead_admin)
    kind = LotteryKind.objects.get(name="中国福利彩票3D")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    declared = draw_services.lottery_declaration(kind, tomorrow)
    assert post(c, f"/tasks/{task.number}/commit", {"sources": [declared]}).status_code == 200
    invented = post(c, f"/tasks/{task.number}/reveal", {"revealed": [{"numbers": [[1, 2, 3]]}]})
    assert invented.status_code == 400
    assert f"北京时间 {tomorrow:%Y-%m-%d} 21:15（另加 30 分钟核对时间）" in invented.json()["detail"]
    assert "开奖前不能揭晓" in invented.json()["detail"]
    draw = Draw.objects.get()
    assert draw.status == DrawStatus.COMMITTED and Task.objects.get().status == TaskStatus.COMMITTED

    after = dt.datetime.combine(tomorrow, dt.time(21, 50), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(after, tick=False):
        c = client_for(personas.lead_admin)  # a new sign-in the next evening
        assert post(c, f"/tasks/{task.number}/reveal", {"revealed": [{"numbers": [[1, 2, 3]]}]}).status_code == 200
    draw.refresh_from_db()
    files = {n.split("/", 1)[1]: d for n, d in _unzip(draw_services.kit_zip(draw)).items()}
    assert json.loads(files["sources.json"])["revealed_at"] == f"{tomorrow:%Y-%m-%d}T13:50:00Z"
    assert verify_files(files, check_signature=False).ok


def test_a_lottery_on_a_day_it_does_not_draw_is_refused(personas):
    kind = LotteryKind.objects.get(name="中国福利彩票双色球")  # Tuesday, Thursday and Sunday
    monday = dt.date(2026, 12, 7)
    try:
        draw_services.lottery_declaration(kind, monday)
    except draw_services.DrawServiceError as exc:
        assert "2026-12-07（周一）不开奖" in str(exc) and "周二、周四、周日 21:15" in str(exc)
    else:
        raise AssertionError("a Monday 双色球 was accepted")


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


# Finding 3: commit several, publish the one you like.


def test_a_revealed_draw_left_unpublished_is_flagged_publicly_after_its_deadline(personas, client, client_for):
    task = approved_joint_task(personas, n=60)
    task.ends_on = dt.date(2023, 9, 30)
    task.save(update_fields=["ends_on"])
    c = client_for(personas.lead_admin)
    assert _commit(c, task, [DRAND]).status_code == 200
    assert post(c, f"/tasks/{task.number}/reveal", {"revealed": REVEALED}).status_code == 200
    draw = Draw.objects.get()
    assert draw.status == DrawStatus.REVEALED
    assert draw.publish_by == dt.date(2023, 11, 1)  # 20 working days after 2023-09-30 (National Day week)
    overdue = (timezone.localdate() - draw.publish_by).days

    index = client.get("/public/draws/").content.decode()
    assert f"逾期未公布 {overdue} 天" in index and "有 1 次抽取逾期未公布" in index
    detail = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert f"逾期未公布 {overdue} 天" in detail and "结果已确定" in detail and "随机源尚未揭示" not in detail
    assert draw.seed not in detail  # still held: surprise visits stay possible, but not silently
    office = client_for(personas.office).get("/draws/?overdue=1").content.decode()
    assert draw.number in office and "超过公布期限仍未公布" in office

    draw_services.publish(personas.lead_admin, draw)
    assert "逾期未公布 " not in client.get("/public/draws/").content.decode()


def test_the_publication_deadline_is_fixed_at_commit(personas, client_for):
    task = approved_joint_task(personas, n=60)
    assert _commit(client_for(personas.lead_admin), task, [DRAND]).status_code == 200
    draw = Draw.objects.get()
    draw.publish_by = dt.date(2099, 1, 1)
    try:
        draw.save()
    except ImmutableDrawError as exc:
        assert "publish_by" in str(exc)
    else:
        raise AssertionError("the deadline of a committed draw was moved")


def test_a_task_with_a_live_draw_cannot_get_another_one(personas, client_for):
    task = approved_joint_task(personas, n=60)
    c = client_for(personas.lead_admin)
    assert _commit(c, task, [DRAND]).status_code == 200
    again = _commit(c, task, [DRAND])
    assert again.status_code == 409 and "不能发布抽取承诺" in again.json()["detail"]
    assert Draw.objects.count() == 1


def test_a_rehearsal_on_witness_numbers_is_marked_publicly_and_in_the_kit(personas, client):
    from shuangsuiji.draws.testing import make_directory, make_published_item, make_team

    make_team(personas.lead_dept)
    make_directory(60, inactive=0)
    draw = draw_services.prepare(personas.lead_admin, personas.lead_dept, title="抽取演练",
                                 items=[make_published_item(personas.lead_dept)],
                                 rules={"default": {"ratio": "0.1", "minimum": 1}})
    draw = draw_services.commit(personas.lead_admin, draw, [DICE], rehearsal=True)
    draw = draw_services.reveal(personas.lead_admin, draw, [])
    draw_services.publish(personas.lead_admin, draw)
    assert "演练" in client.get("/public/draws/").content.decode()
    assert "结果不具约束力" in client.get(f"/public/draws/{draw.number}/").content.decode()
    files = {n.split("/", 1)[1]: d for n, d in _unzip(draw_services.kit_zip(draw)).items()}
    report = verify_files(files, check_signature=False)
    assert report.ok and any("演练" in n for n in report.notes)


def test_malformed_witness_numbers_get_a_message_not_an_error_page(personas, client_for):
    task = approved_joint_task(personas, n=60)
    c = client_for(personas.lead_admin)
    for numbers in ("4 1 6", [[4, "x", 6]], [4, 1, 6], [[-1, 2, 3]], []):
        answer = _commit(c, task, [DRAND, dict(DICE, numbers=numbers)])
        assert answer.status_code == 400, (numbers, answer.content)
        assert "见证人" in answer.json()["detail"] or "号码" in answer.json()["detail"]
    assert not Draw.objects.exists()
