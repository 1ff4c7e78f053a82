"""A draw from preparation to a published, independently verifiable result."""

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.draws import services
from shuangsuiji.draws.models import Draw, DrawnEntity, DrawStatus, ImmutableDrawError, LotteryKind
from shuangsuiji.draws.testing import (
    COMMIT_AT,
    REVEALED,
    SOURCES,
    make_directory,
    make_published_item,
    make_team,
)
from shuangsuiji.lottery.verify import verify_files

RATIO_5 = {"default": {"ratio": "0.05", "minimum": 1}}


@pytest.fixture
def directory(personas):
    make_team(personas.lead_dept)
    return make_directory()


def prepared(personas, **overrides):
    options = {"title": "2026年食品经营者双随机抽查", "items": [make_published_item(personas.lead_dept)],
               "scope": {}, "strata_by": ["credit_class"], "rules": RATIO_5}
    options.update(overrides)
    return services.prepare(personas.lead_admin, personas.lead_dept, **options)


def test_a_draw_runs_end_to_end_and_its_kit_verifies(personas, directory):
    draw = prepared(personas)
    services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    draw = services.reveal(personas.lead_admin, Draw.objects.get(pk=draw.pk), REVEALED)
    draw = services.publish(personas.lead_admin, draw)
    assert draw.status == DrawStatus.PUBLISHED
    # 400 active entities, 100 per class, 5% each: 5 per stratum; cancelled entities never enter the pool.
    assert draw.pool_size == 400
    assert DrawnEntity.objects.filter(draw=draw).count() == 20
    report = verify_files(services.kit_files(draw), check_signature=False)
    assert report.ok, report.problems


def test_public_stratum_labels_do_not_reveal_credit_classes(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    pool_text = services.pool_path(draw).read_text()
    assert set(draw.manifest["strata"]) == {"层1", "层2", "层3", "层4"}
    assert "\tA\n" not in pool_text and "\tD\n" not in pool_text
    assert sorted(draw.strata_map) == ["层1", "层2", "层3", "层4"]
    assert sorted(draw.strata_map.values()) == ["A", "B", "C", "D"]


def test_neutral_stratum_codes_are_assigned_in_a_secret_order():
    from shuangsuiji.draws.scope import public_labels

    seen = {tuple(sorted(public_labels(["A", "B", "C", "D"], ["credit_class"]).items())) for _ in range(30)}
    assert len(seen) > 1  # a fixed order (层1 = A …) would let anyone read the classes off pool.tsv


def test_a_revealed_draw_cannot_be_changed_or_revealed_again(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    draw = services.reveal(personas.lead_admin, draw, REVEALED)
    with pytest.raises(WrongState, match="不能揭晓"):
        services.reveal(personas.lead_admin, draw, [{"numbers": [[1, 2, 3]]}])
    draw.seed = "0" * 64
    with pytest.raises(ImmutableDrawError):
        draw.save()


def test_a_committed_draw_keeps_its_scope_fixed(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    draw.rules = {"default": {"ratio": "0.5"}}
    with pytest.raises(ImmutableDrawError, match="rules"):
        draw.save()


def test_a_source_that_existed_before_the_commitment_is_refused(personas, directory):
    past = {"type": "lottery", "name": "双色球", "draw_date": "2020-01-01", "shape": [6, 1]}
    draw = prepared(personas)
    with pytest.raises(services.DrawServiceError, match="不晚于承诺日期"):
        services.commit(personas.lead_admin, draw, [past])
    assert Draw.objects.get(pk=draw.pk).status == DrawStatus.PREPARED


def test_lottery_numbers_in_the_wrong_shape_leave_the_draw_committed(personas, directory):
    lottery = services.lottery_declaration(LotteryKind.objects.get(name="中国福利彩票双色球"), dt.date(2023, 8, 24))
    draw = services.commit(personas.lead_admin, prepared(personas), [lottery], now=COMMIT_AT)
    with pytest.raises(services.DrawServiceError, match="格式不符"):
        services.reveal(personas.lead_admin, draw, [{"numbers": [[1, 2]]}])
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and draw.seed == ""
    assert not DrawnEntity.objects.filter(draw=draw).exists()


def test_a_ratio_that_yields_zero_is_refused_at_commit(personas, directory):
    draw = prepared(personas, rules={"default": {"ratio": "0.001"}})
    with pytest.raises(services.DrawServiceError, match="为 0"):
        services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)


def test_an_empty_pool_is_refused_with_a_message(personas, db):
    draw = prepared(personas)
    with pytest.raises(services.DrawServiceError, match="抽取池为空"):
        services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)


def test_a_tampered_pool_file_stops_the_reveal(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    path = services.pool_path(draw)
    path.write_bytes(path.read_bytes().replace(b"\t", b"\tX", 1))
    with pytest.raises(WrongState, match="摘要不一致"):
        services.reveal(personas.lead_admin, draw, REVEALED)


def test_another_department_cannot_commit_the_draw(personas, directory):
    draw = prepared(personas)
    with pytest.raises(Forbidden, match="组织抽取的部门"):
        services.commit(personas.partner_admin, draw, SOURCES, now=COMMIT_AT)


def test_an_item_from_an_unpublished_list_cannot_be_cited(personas, directory):
    item = make_published_item(personas.lead_dept, "未公布事项")
    item.item_list.status = "draft"
    item.item_list.save()
    with pytest.raises(services.DrawServiceError, match="未公布"):
        prepared(personas, items=[item])


def test_a_void_draw_is_redrawn_as_a_new_linked_record(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    draw = services.reveal(personas.lead_admin, draw, REVEALED)
    with pytest.raises(services.DrawServiceError, match="理由"):
        services.void(personas.lead_admin, draw, "")
    void = services.void(personas.lead_admin, draw, "抽取范围误含外区市场主体，经联席会议办公室同意作废")
    new = services.redraw(personas.lead_admin, void)
    assert new.replaces == void and new.status == DrawStatus.PREPARED and new.number != void.number
    assert void.seed and DrawnEntity.objects.filter(draw=void).count() == 20  # the void record keeps its result
    with pytest.raises(WrongState, match="已有重新抽取"):
        services.redraw(personas.lead_admin, void)


def test_each_step_is_in_the_audit_log(personas, directory):
    draw = services.commit(personas.lead_admin, prepared(personas), SOURCES, now=COMMIT_AT)
    services.reveal(personas.lead_admin, draw, REVEALED)
    actions = set(AuditEvent.objects.filter(object_id=str(draw.pk)).values_list("action", flat=True))
    assert {"draw.prepare", "draw.commit", "draw.reveal"} <= actions


def test_a_drand_round_must_come_after_the_commitment(personas, directory):
    from shuangsuiji.lottery.tests.vectors import QUICKNET_1000

    draw = prepared(personas)
    after_round = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(services.DrawServiceError, match="不晚于承诺时间"):
        services.commit(personas.lead_admin, draw, [{"type": "drand", "chain": "quicknet", "round": 1000}],
                        now=after_round)
    before_round = dt.datetime(2023, 8, 23, 15, 30, tzinfo=dt.UTC)
    draw = services.commit(personas.lead_admin, draw, [{"type": "drand", "chain": "quicknet", "round": 1000}],
                           now=before_round)
    forged = dict(QUICKNET_1000, signature="00" + QUICKNET_1000["signature"][2:])
    with pytest.raises(services.DrawServiceError):
        services.reveal(personas.lead_admin, draw, [forged])
    draw = services.reveal(personas.lead_admin, draw, [dict(QUICKNET_1000)])
    assert draw.status == DrawStatus.REVEALED and draw.committed_at < timezone.now()


def test_a_scope_by_industry_and_town_counts_its_businesses(db):
    """Found while building issue 31's 专项整治 proposals: a scope filtered by industry (the task and draw forms'
    行业门类, turned into division codes) raised FieldError (startswith on the foreign key's column): a 500."""
    from shuangsuiji.directory.reference import load_towns
    from shuangsuiji.directory.testing import make_entity
    from shuangsuiji.draws.scope import scope_queryset

    load_towns()
    from shuangsuiji.directory.models import Industry, Township

    town = Township.objects.order_by("code").first()
    restaurant, shop = Industry.objects.get(code="6210"), Industry.objects.get(code="5211")
    make_entity(industry=restaurant, township=town)
    make_entity(industry=shop, township=town)
    make_entity(industry=restaurant)
    assert scope_queryset({"filters": {"industry": ["62"]}}).count() == 2
    assert scope_queryset({"filters": {"industry": ["62", "52"], "township": [town.code]}}).count() >= 2
    assert scope_queryset({"filters": {"industry": ["62"], "township": [town.code]}}).count() == 1
