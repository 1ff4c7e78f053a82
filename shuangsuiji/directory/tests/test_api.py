"""The directory API: same filter as the pages, keyset pagination by id, credit classes only for readers."""

import pytest

from shuangsuiji.directory.models import Entity
from shuangsuiji.directory.testing import make_entities, make_entity, make_sublibrary

pytestmark = pytest.mark.django_db
API = "/api/v1/directory"


def test_the_entity_list_pages_by_cursor_through_every_entity_once(personas, client_for):
    make_entities(25)
    client = client_for(personas.office)
    seen, cursor, pages = [], None, 0
    while True:
        url = f"{API}/entities?limit=10" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [e["id"] for e in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 25


def test_the_api_uses_the_same_filters_as_the_pages(personas, client_for):
    make_entities(2, township_id="371703001", scale="micro")
    make_entity(township_id="371703102", scale="micro")
    make_entity(township_id="371703001", scale="large")
    body = client_for(personas.office).get(
        f"{API}/entities?township=371703001&township=371703107&scale=micro").json()
    assert len(body["items"]) == 2 and {e["township_name"] for e in body["items"]} == {"天中街道"}


def test_a_bad_filter_is_a_400_in_chinese(personas, client_for):
    response = client_for(personas.office).get(f"{API}/entities?status=closed")
    assert response.status_code == 400 and "登记状态" in response.json()["detail"]
    assert client_for(personas.office).get(f"{API}/entities?limit=5000").status_code == 400


def test_credit_classes_reach_readers_but_not_inspectors(personas, client_for):
    entity = make_entity(credit_class="C")
    assert client_for(personas.leader).get(f"{API}/entities/{entity.uscc}").json()["credit_class"] == "C"
    assert client_for(personas.inspector).get(f"{API}/entities/{entity.uscc}").json()["credit_class"] is None
    assert client_for(personas.inspector).get(f"{API}/entities?credit_class=C").status_code == 403


def test_an_entity_is_found_by_its_uscc_or_a_404(personas, client_for):
    entity = make_entity(name="某某公司")
    client = client_for(personas.inspector)
    assert client.get(f"{API}/entities/{entity.uscc.lower()}").json()["name"] == "某某公司"
    response = client.get(f"{API}/entities/91371703MA3FFT365K")
    assert response.status_code == 404 and "没有" in response.json()["detail"]


def test_the_uscc_endpoint_says_whether_a_code_is_valid_and_why_not(personas, client_for):
    client = client_for(personas.inspector)
    assert client.get(f"{API}/uscc/914403001922038216").json() == {
        "code": "914403001922038216", "valid": True, "message": None}
    body = client.get(f"{API}/uscc/914403001922038217").json()
    assert body["valid"] is False and "第18位" in body["message"]


def test_sub_libraries_and_their_members_are_listed(personas, client_for):
    members = make_entities(3)
    library = make_sublibrary(personas.partner_dept, name="重点单位", members=members)
    client = client_for(personas.lead_admin)
    listing = client.get(f"{API}/sublibraries").json()
    assert [(lib["name"], lib["member_count"], lib["department"]) for lib in listing] == [("重点单位", 3, "wjj")]
    assert client.get(f"{API}/sublibraries/{library.pk}").json()["kind"] == "list"
    page = client.get(f"{API}/sublibraries/{library.pk}/members?limit=2").json()
    rest = client.get(f"{API}/sublibraries/{library.pk}/members?limit=2&cursor={page['next_cursor']}").json()
    assert [e["id"] for e in page["items"] + rest["items"]] == [e.pk for e in members]
    assert client.get(f"{API}/sublibraries/9999").status_code == 404


def test_inspectors_cannot_read_sub_libraries_through_the_api(personas, client_for):
    assert client_for(personas.inspector).get(f"{API}/sublibraries").status_code == 403


def test_every_operation_is_in_the_permission_map(client):
    from shuangsuiji.directory.api import PERMISSIONS, router

    names = {op.url_name for path in router.path_operations.values() for op in path.operations}
    assert names == set(PERMISSIONS)


def test_the_list_is_one_query_per_page_whatever_its_size(personas, client_for, django_assert_max_num_queries):
    make_entities(30, township_id="371703001", industry_id="1311")
    client = client_for(personas.office)
    with django_assert_max_num_queries(6):  # session, user, entities (+ savepoints on some backends)
        assert len(client.get(f"{API}/entities?limit=30").json()["items"]) == 30
    assert Entity.objects.count() == 30
