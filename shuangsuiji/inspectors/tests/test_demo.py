"""`manage.py seed_demo` builds the demo district on an empty database, and a re-run adds nothing."""

import collections
import datetime
import io

import pytest
from django.core.management import call_command

from shuangsuiji.accounts import demo as accounts_demo
from shuangsuiji.accounts.models import Department, User
from shuangsuiji.directory import demo as demo_entities
from shuangsuiji.directory import uscc
from shuangsuiji.directory.models import Entity, EntityStatus, EntityType, Industry, Township
from shuangsuiji.directory.reference import load_towns
from shuangsuiji.inspectors.demo import CERT_PATTERN, DEPARTMENT_SIZES
from shuangsuiji.inspectors.models import Conflict, Inspector, InspectorKind, Qualification
from shuangsuiji.inspectors.validation import CERT_RE, check_id_number
from shuangsuiji.items.models import InspectionItem, ItemList

USCC_HEAD = {EntityType.ENTERPRISE: "91", EntityType.INDIVIDUAL: "92", EntityType.COOPERATIVE: "93",
             EntityType.OTHER: "N2"}


def counts() -> dict[str, int]:
    models = (Entity, Inspector, Qualification, Conflict, ItemList, InspectionItem, User, Department, Township)
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_seed_demo_builds_the_full_district_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    rows = list(Entity.objects.values_list("uscc", "name", "entity_type", "township_id", "status", "credit_class",
                                           "registered_on", "address"))
    assert len(rows) >= 20_000
    assert [c for c, *_ in rows if uscc.validate(c) is not None] == []
    assert len({name for _, name, *_ in rows}) == len(rows)
    assert all(code[:2] == USCC_HEAD[etype] for code, _, etype, *_ in rows)
    assert {r[3] for r in rows} == set(Township.objects.values_list("code", flat=True))
    assert all(addr.startswith("菏泽市定陶区") and addr.endswith("号") for *_, addr in rows)
    assert all(datetime.date(1995, 1, 1) <= r[6] <= datetime.date(2026, 12, 31) for r in rows)

    types = collections.Counter(r[2] for r in rows)
    assert types[EntityType.INDIVIDUAL] > len(rows) / 2 > types[EntityType.ENTERPRISE] > types[EntityType.COOPERATIVE]
    statuses = collections.Counter(r[4] for r in rows)
    assert statuses[EntityStatus.ACTIVE] > 0.75 * len(rows) and all(statuses[s] for s in EntityStatus.values)
    credit = collections.Counter(r[5] for r in rows)
    assert credit.most_common(1)[0][0] == "B" and credit["A"] and credit["C"] and credit["D"]
    towns = dict(Township.objects.values_list("code", "name"))
    largest = [towns[code] for code, _ in collections.Counter(r[3] for r in rows).most_common(2)]
    assert sorted(largest) == ["天中街道", "滨河街道"]
    assert Industry.objects.filter(code__in=demo_entities.all_industry_codes()).count() == len(
        demo_entities.all_industry_codes())

    officers = Inspector.objects.officers()
    assert officers.count() >= 300
    certs = list(officers.values_list("cert_no", flat=True))
    assert len(set(certs)) == len(certs) and all(CERT_RE.match(c) and c.startswith("鲁菏定") for c in certs)
    assert CERT_PATTERN.format(unit=12, serial=1) in certs
    assert set(Inspector.objects.values_list("department__code", flat=True)) == set(DEPARTMENT_SIZES)
    assert all(check_id_number(n) is None for n in officers.values_list("id_number", flat=True))
    third = Inspector.objects.filter(kind=InspectorKind.THIRD_PARTY)
    assert third.count() >= 5 and not third.exclude(cert_no=None).exists()
    assert not Inspector.objects.filter(qualifications=None).exists()
    assert Conflict.objects.count() >= 10
    for username in ("inspector_scjgj", "inspector_wjj"):
        assert Inspector.objects.get(user__username=username).counts_as_officer
    assert Conflict.objects.filter(inspector__user__username="inspector_scjgj").exists()

    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before


def test_the_entity_generator_is_reproducible(db):
    load_towns()
    first = [(e.uscc, e.name, e.address) for e in demo_entities.build(500)]
    assert first == [(e.uscc, e.name, e.address) for e in demo_entities.build(500)]


def test_a_smaller_district_can_be_seeded_and_demo_accounts_lists_every_account(db):
    call_command("seed_demo", "--entities", "300", stdout=io.StringIO())
    assert Entity.objects.count() == 300
    assert Inspector.objects.officers().count() >= 300
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "admin_scjgj" in text and "部门管理员" in text and "区市场监督管理局" in text
    assert "inspector_wjj" in text and "执法检查人员" in text and "区卫生健康局" in text
    linked = Inspector.objects.get(user__username="inspector_scjgj")
    assert f"执法证号 {linked.cert_no}" in text
    assert all(username in text for username, *_ in accounts_demo.demo_users())
