"""Declared conflicts of interest (回避): declare, refuse repeats, end, find by inspector and by entity."""

import datetime

import pytest

from shuangsuiji.common.errors import Forbidden
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.inspectors import services
from shuangsuiji.inspectors.models import Conflict
from shuangsuiji.inspectors.services import InspectorError
from shuangsuiji.inspectors.testing import make_conflict, make_entity, make_inspector

D = datetime.date


@pytest.fixture
def erin(personas):
    return make_inspector(department=personas.lead_dept, name="艾琳", user=personas.conflicted_inspector)


def declare(actor, inspector, entity, **kw):
    args = {"relation": "近亲属在该主体任职", "reason": "配偶任会计", "valid_from": D(2026, 1, 1), **kw}
    return services.declare_conflict(actor, inspector, entity=entity, **args)


def test_an_admin_declares_a_conflict_and_it_is_audited(personas, erin):
    entity = make_entity()
    conflict = declare(personas.lead_admin, erin, entity)
    assert conflict.is_active(D(2026, 6, 1)) and not conflict.is_active(D(2025, 12, 31))
    assert AuditEvent.objects.get(action="inspectors.conflict_declare").department == personas.lead_dept


def test_an_inspector_may_declare_their_own_conflict_but_not_anothers(personas, erin):
    entity = make_entity()
    declare(personas.conflicted_inspector, erin, entity)
    other = make_inspector(department=personas.lead_dept)
    with pytest.raises(Forbidden):
        declare(personas.conflicted_inspector, other, entity)


def test_another_department_cannot_declare_or_end(personas, erin):
    with pytest.raises(Forbidden):
        declare(personas.partner_admin, erin, make_entity())
    conflict = make_conflict(inspector=erin)
    with pytest.raises(Forbidden):
        services.end_conflict(personas.partner_admin, conflict, ends_on=D(2026, 5, 1))


def test_an_overlapping_declaration_for_the_same_pair_is_refused(personas, erin):
    entity = make_entity(name="菏泽市定陶区恒泰木业有限公司")
    declare(personas.lead_admin, erin, entity)
    with pytest.raises(InspectorError) as exc:
        declare(personas.lead_admin, erin, entity, valid_from=D(2026, 6, 1))
    assert exc.value.errors["entity"] == "艾琳与“菏泽市定陶区恒泰木业有限公司”在该期间已登记回避关系，无需重复登记"


def test_a_declaration_needs_an_entity_a_relation_and_dates_in_order(personas, erin):
    with pytest.raises(InspectorError) as exc:
        services.declare_conflict(personas.lead_admin, erin, entity=None, relation="", valid_from=D(2026, 5, 1),
                                  valid_until=D(2026, 4, 1))
    assert set(exc.value.errors) == {"entity", "relation", "valid_until"}


def test_ending_a_conflict_keeps_the_record_with_its_end_date(personas, erin):
    conflict = make_conflict(inspector=erin, valid_from=D(2025, 1, 1))
    services.end_conflict(personas.lead_admin, conflict, ends_on=D(2026, 3, 31))
    conflict.refresh_from_db()
    assert conflict.valid_until == D(2026, 3, 31) and not conflict.is_active(D(2026, 4, 1))
    with pytest.raises(InspectorError):
        services.end_conflict(personas.lead_admin, conflict, ends_on=D(2026, 5, 1))


def test_active_conflicts_on_a_day(db):
    current = make_conflict(valid_from=D(2026, 1, 1))
    make_conflict(valid_from=D(2025, 1, 1), valid_until=D(2025, 6, 30))
    make_conflict(valid_from=D(2027, 1, 1))
    assert list(Conflict.objects.active_on(D(2026, 5, 1))) == [current]


def test_the_conflicts_of_an_entity_are_found_by_uscc_or_name(personas, client_for, erin):
    entity = make_entity(name="菏泽市定陶区宏达板材有限公司")
    make_conflict(inspector=erin, entity=entity, relation="本人或近亲属为该主体投资人")
    make_conflict(inspector=make_inspector(department=personas.partner_dept), entity=entity, relation="卫健的回避")
    client = client_for(personas.lead_admin)
    for q in (entity.uscc, entity.uscc.lower(), "宏达板材"):
        page = client.get("/inspectors/conflicts/", {"q": q}).content.decode()
        assert "艾琳" in page and "本人或近亲属为该主体投资人" in page
        assert "卫健的回避" not in page  # another department's conflicts stay there
    assert "卫健的回避" in client_for(personas.office).get(f"/inspectors/conflicts/?entity={entity.pk}").content.decode()


def test_the_inspector_page_lists_its_conflicts(personas, client_for, erin):
    make_conflict(inspector=erin, relation="曾在该主体任职（离职未满三年）")
    page = client_for(personas.conflicted_inspector).get(f"/inspectors/{erin.pk}/").content.decode()
    assert "曾在该主体任职（离职未满三年）" in page and "回避中" in page


def test_declaring_through_the_page_after_an_entity_search(personas, client_for, erin):
    entity = make_entity()
    client = client_for(personas.conflicted_inspector)
    assert client.get(f"/inspectors/{erin.pk}/conflicts/new/").status_code == 200
    response = client.post(f"/inspectors/{erin.pk}/conflicts/new/", {
        "entity": entity.pk, "relation": "近亲属在该主体任职", "valid_from": "2026-01-01"})
    assert response.status_code == 302
    assert Conflict.objects.get().declared_by == personas.conflicted_inspector


def test_the_page_asks_for_an_entity_when_none_was_chosen(personas, client_for, erin):
    response = client_for(personas.lead_admin).post(f"/inspectors/{erin.pk}/conflicts/new/", {
        "relation": "近亲属在该主体任职", "valid_from": "2026-01-01"})
    assert "请先查找并选择市场主体" in response.content.decode()


def test_ending_through_the_page_returns_only_to_a_local_page(personas, client_for, erin):
    conflict = make_conflict(inspector=erin)
    response = client_for(personas.lead_admin).post(f"/inspectors/conflicts/{conflict.pk}/end/", {
        "ends_on": "2026-04-30", "next": "https://evil.example/"})
    assert response.url == f"/inspectors/{erin.pk}/"
    conflict.refresh_from_db()
    assert conflict.valid_until == D(2026, 4, 30)
