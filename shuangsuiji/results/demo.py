"""The demo 免罚清单: minor first violations of the kind Shandong's lists name, each with its keywords."""

from __future__ import annotations

from collections.abc import Callable

from shuangsuiji.accounts.models import User

from . import services
from .models import MinorViolation

ENTRIES = [
    ("营业执照未置于住所或者主要经营场所的醒目位置", "未悬挂营业执照、营业执照未置于醒目位置",
     "《中华人民共和国市场主体登记管理条例》第三十六条、《中华人民共和国行政处罚法》第三十三条"),
    ("食品经营许可证未在经营场所显著位置悬挂或摆放", "未悬挂食品经营许可证、许可证未公示",
     "《食品经营许可和备案管理办法》、《中华人民共和国行政处罚法》第三十三条"),
    ("从业人员健康证明未在经营场所公示", "健康证明未公示、健康证未公示",
     "《中华人民共和国食品安全法》第四十五条、《中华人民共和国行政处罚法》第三十三条"),
    ("公共场所卫生许可证未在醒目位置公示", "卫生许可证未公示、未悬挂卫生许可证",
     "《公共场所卫生管理条例实施细则》、《中华人民共和国行政处罚法》第三十三条"),
]


def ensure_minor_violations(say: Callable[[str], None]) -> None:
    if MinorViolation.objects.exists():
        return
    office = User.objects.get(username="office")
    for behaviour, keywords, basis in ENTRIES:
        services.add_minor_violation(office, behaviour=behaviour, keywords=keywords, basis=basis)
    say(f"免罚清单：登记 {len(ENTRIES)} 项轻微违法行为（初次违法、危害后果轻微并及时改正的不予处罚）")


# Field results the demo's finished joint task records: most businesses fine, some with problems.
DEMO_FINDINGS = [
    (["no_problem"], ""), (["no_problem"], ""), (["corrected"], "从业人员健康证明未公示，已当场责令改正"),
    (["no_problem"], ""), (["pending"], "后厨未设置防鼠设施"), (["no_activity"], ""), (["no_problem"], ""),
]


def _drawn_task(admin, items, *, title: str, year: int, starts_on, ends_on, count: int):
    """A joint task drawn (commitment before a shipped drand round, revealed with it) and ready for checks."""
    from shuangsuiji.draws.demo import before_round, demo_round, drand
    from shuangsuiji.plans import services as plans
    from shuangsuiji.plans.demo import confirm_partners
    from shuangsuiji.plans.models import Task, TaskKind

    task = plans.create_task(
        admin, admin.department, kind=TaskKind.JOINT_GENERAL, title=title, items=items,
        rules={"default": {"count": count}}, year=year, documents="营业执照\n食品经营许可证",
        starts_on=starts_on, ends_on=ends_on, scope={"filters": {"entity_type": ["enterprise", "individual"]}})
    plans.submit(admin, task)
    plans.approve(User.objects.filter(role="office").first(), task)  # four eyes
    confirm_partners(task)
    plans.commit(admin, task, [drand(1000)], now=before_round(1000))
    return plans.reveal(admin, Task.objects.get(pk=task.pk), [demo_round(1000)])


def _check(task, schedule, admins, today) -> list:
    """Each visit's parts entered as its teams submitted them, follow-ups decided, then reviewed and
    published at the moments ``schedule(n)`` gives: (arrived, reviewed, published or None)."""
    import datetime as dt

    from .models import FollowUpKind, PartStatus, ResultCode

    vocab = {c.code: c for c in ResultCode.objects.all()}
    visits = list(task.visits.filter(void=False).order_by("number"))
    for n, visit in enumerate(visits):
        arrived, reviewed, published = schedule(n, len(visits))
        for k, part in enumerate(services.ensure_parts(visit)):
            codes, findings = DEMO_FINDINGS[(n + 3 * k) % len(DEMO_FINDINGS)]
            for row in part.results.all():
                row.codes, row.findings = codes, findings
                row.has_problem = any(vocab[c].problem for c in codes)
                row.save(update_fields=["codes", "findings", "has_problem"])
            part.arrived_at, part.left_at = arrived, arrived + dt.timedelta(minutes=50)
            part.status, part.submitted_at = PartStatus.SUBMITTED, arrived + dt.timedelta(hours=2)
            part.save()
            head = admins[part.department_id]
            for row in part.results.filter(has_problem=True):
                fu = services.create_followup(head, row, kind=FollowUpKind.RECTIFY,
                                              rectify_deadline=today + dt.timedelta(days=10),
                                              note="责令限期改正并复查（演示）")
                if "corrected" in row.codes:  # corrected on the spot, rechecked and closed
                    services.act_on_followup(head, fu, "acknowledge")
                    services.act_on_followup(head, fu, "recheck", recheck_on=today,
                                             recheck_result="复查已改正（演示）")
                    services.act_on_followup(head, fu, "close", closing_note="已改正，办结（演示）")
            services.review(head, part, approve=True, at=reviewed)
            if published is not None:
                services.publish(head, part, at=published)
    return visits


def _reviewed_for_due_in(days: int, today):
    """The latest day whose result is due ``days`` working days from today (a demo result near its deadline)."""
    import datetime as dt

    from shuangsuiji.common.workdays import add_working_days, due_date

    target, day = add_working_days(today, days), today
    while due_date("result_publication", day) > target:
        day -= dt.timedelta(days=1)
    return day


def ensure_demo_results(say: Callable[[str], None]) -> None:
    """Two finished joint tasks (综合联查), drawn without credit classes, every visit's results entered,
    reviewed and published by both departments, the tasks' results 公示:
    - one checked just before the 2026 Spring Festival: its results were produced on 6 February, so their
      20 working days run across the holiday (15–23 February) and count the 调休 Saturdays 14 and 28
      February, to 12 March; one was published late, on 16 March;
    - one this autumn, with one result corrected after publication, and a few results still waiting to
      be published (near their deadline, past it) for the 公开时限 page and its reminders.
    The field entries are written as the teams would have submitted them (demo data); review, follow-up,
    publication and correction go through the services, with their audit events."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from shuangsuiji.common import audit
    from shuangsuiji.plans import services as plans
    from shuangsuiji.plans.demo import _joint_items
    from shuangsuiji.plans.models import Task, TaskKind

    from .models import PartStatus, Publication, ResultCode

    if Publication.objects.exists() or Task.objects.filter(kind=TaskKind.JOINT_GENERAL).exists():
        return
    items = _joint_items()
    if len(items) < 2:
        return
    from . import vocabulary

    vocabulary.load(ResultCode)
    admin = User.objects.get(username="admin_scjgj")
    admins = {u.department_id: u for u in User.objects.filter(role="dept_admin", username__startswith="admin_")}
    today = timezone.localdate()

    def at(day, hour=10):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    def festival(n, total):  # checked 2–4 February 2026, approved on the 6th, the last one published late
        return (at(dt.date(2026, 2, 2) + dt.timedelta(days=n), 9), at(dt.date(2026, 2, 6)),
                at(dt.date(2026, 3, 16) if n == total - 1 else dt.date(2026, 3, 5)))

    near = _reviewed_for_due_in(2, today)

    def autumn(n, total):
        arrived = at(today - dt.timedelta(days=60 - 2 * n), 9)
        waiting = {total - 1: (today - dt.timedelta(days=3), None),  # just approved
                   total - 2: (near, None),  # due in two working days
                   total - 3: (today - dt.timedelta(days=40), None),  # past its deadline, unpublished
                   total - 4: (today - dt.timedelta(days=45), today - dt.timedelta(days=5))}  # published late
        if n in waiting:
            reviewed, published = waiting[n]
            return (at(reviewed - dt.timedelta(days=2), 9), at(reviewed),
                    at(published) if published else None)
        return arrived, arrived + dt.timedelta(days=1), arrived + dt.timedelta(days=3)

    try:
        with transaction.atomic():
            spring = _drawn_task(admin, items, title="2026年春节前食品经营和公共场所卫生综合联查（演示）", year=2026,
                                 starts_on=dt.date(2026, 1, 26), ends_on=dt.date(2026, 2, 6), count=3)
            _check(spring, festival, admins, today)
            task = _drawn_task(admin, items, title=f"{today.year}年度食品经营和公共场所卫生综合联查（演示，结果已公示）",
                               year=today.year, starts_on=today - dt.timedelta(days=70),
                               ends_on=today - dt.timedelta(days=20), count=12)
            visits = _check(task, autumn, admins, today)
            audit.record(None, "demo.seed", task, summary=f"演示数据：{len(visits)} 户的现场检查结果按检查组提交写入")
            for t in (spring, task):
                for step in ("start", "complete", "publish"):
                    plans.advance(admin, Task.objects.get(pk=t.pk), step)
            # One correction after publication: the first visit's market-supervision result was mis-recorded.
            part = visits[0].parts.get(department=admin.department)
            services.reopen_for_correction(admin, part, "检查组误选结果用语，经复核该户未发现问题（演示）")
            for row in part.results.all():
                row.codes, row.findings, row.has_problem = ["no_problem"], "", False
                row.save(update_fields=["codes", "findings", "has_problem"])
            part.status = PartStatus.SUBMITTED
            part.save(update_fields=["status"])
            services.review(admin, part, approve=True)
            services.publish(admin, part)
    except (plans.PlanError, services.ResultError) as exc:
        say(f"演示检查结果未能完成：{exc}")
        return
    say(f"演示联合任务 {spring.number}（2026 年春节前，公开期限跨春节计算）和 {task.number}（{len(visits)} 户，"
        f"其中 1 份公开后更正，3 户的结果待公开：临近期限、已逾期各 1 户）。")
