"""The API walks the same path as the pages, with the same refusals."""

import json

import time_machine

from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, SOURCES, make_directory
from shuangsuiji.items.models import ItemClass
from shuangsuiji.plans.testing import joint_items


def post(c, path, body):
    return c.post(f"/api/v1/plans{path}", json.dumps(body), content_type="application/json")


def test_a_joint_task_through_the_api(personas, client_for):
    make_directory(100, inactive=0)
    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    answer = post(c, "/tasks", {"kind": "joint_risk", "title": "联查", "item_ids": [i.pk for i in items],
                                "rules": {"default": {"ratio": "0.05"}}})
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]
    assert answer.json()["partners"] == [personas.partner_dept.code]
    skipped = post(c, f"/tasks/{number}/commit", {"sources": SOURCES})
    assert skipped.status_code == 409 and "不能发布抽取承诺" in skipped.json()["detail"]
    assert post(c, f"/tasks/{number}/steps/submit", {}).status_code == 200
    own = post(c, f"/tasks/{number}/steps/approve", {})
    assert own.status_code == 403 and "另一人" in own.json()["detail"]  # four eyes
    assert post(client_for(personas.office), f"/tasks/{number}/steps/approve", {}).status_code == 200
    c = client_for(personas.lead_admin)
    with time_machine.travel(COMMIT_AT, tick=False):
        waiting = post(c, f"/tasks/{number}/commit", {"sources": SOURCES})
    assert waiting.status_code == 409 and "须经会商" in waiting.json()["detail"]
    refused = post(c, f"/tasks/{number}/consultations", {"department": "wjj", "action": "confirm"})
    assert refused.status_code == 403  # only the partner confirms for itself
    partner = client_for(personas.partner_admin)
    objected = post(partner, f"/tasks/{number}/consultations", {"department": "wjj", "action": "object"})
    assert objected.status_code == 400 and "请写明意见" in objected.json()["detail"]
    confirmed = post(partner, f"/tasks/{number}/consultations", {"department": "wjj", "action": "confirm"})
    assert confirmed.json()["consultations"][0]["status"] == "confirmed"
    c = client_for(personas.lead_admin)
    with time_machine.travel(COMMIT_AT, tick=False):
        assert post(c, f"/tasks/{number}/commit", {"sources": SOURCES}).status_code == 200
    revealed = post(c, f"/tasks/{number}/reveal", {"revealed": REVEALED})
    assert revealed.status_code == 200 and revealed.json()["status"] == "drawn"
    visits = client_for(personas.partner_admin).get(f"/api/v1/plans/tasks/{number}/visits").json()
    assert len(visits) == revealed.json()["visits"] > 0
    assert [p["code"] for p in visits[0]["sheet"]] == [personas.lead_dept.code, personas.partner_dept.code]


def test_the_api_refuses_a_general_items_cap_and_another_departments_plan(personas, client_for):
    make_directory(20, inactive=0)
    items = joint_items(personas)
    items[0].item_class, items[0].ratio_cap = ItemClass.GENERAL, 3
    items[0].save()
    c = client_for(personas.lead_admin)
    answer = post(c, "/tasks", {"kind": "internal", "title": "x", "item_ids": [items[0].pk],
                                "rules": {"default": {"ratio": "0.1"}}})
    assert answer.status_code == 400 and "上限 3%" in answer.json()["detail"]
    plan = post(client_for(personas.partner_admin), "/", {"year": 2027}).json()
    # Another department's draft plan does not exist for bob, on the page and in the API alike (issue 27).
    refused = post(client_for(personas.lead_admin), f"/{plan['id']}/file", {})
    assert refused.status_code == 404 and refused.json()["detail"] == "对象或地址不存在。"
    assert client_for(personas.lead_admin).get(f"/plans/{plan['id']}/").status_code == 404


def test_a_year_outside_2020_2100_is_refused_in_words(personas, client_for):
    c = client_for(personas.lead_admin)
    for year in (0, 1999, 99999):
        created = post(c, "/", {"year": year})
        assert created.status_code == 400 and "年度应在 2020 到 2100 之间" in created.json()["detail"]
        assert c.get(f"/api/v1/plans/?year={year}").status_code == 400
        assert c.get(f"/api/v1/plans/tasks?year={year}").status_code == 400
    assert c.get("/plans/?year=0").status_code == 200  # the page falls back to this year
    assert c.get("/public/plans/export/1999.xlsx").status_code == 404
    assert post(c, "/", {"year": 2027}).status_code == 201


def test_every_problem_with_a_task_is_reported_at_once_by_field(personas, client_for):
    """Issue 29: forms showed one error per submit; the service now gathers them (page and API alike)."""
    items = joint_items(personas)
    answer = post(client_for(personas.lead_admin), "/tasks", {
        "kind": "targeted", "title": " ", "item_ids": [items[0].pk], "starts_on": "2027-03-01",
        "ends_on": "2027-02-01"})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"title", "targeted_reason", "targeted_note", "targets", "ends_on"}
    assert answer.json()["detail"].startswith("共 5 处需要修改：")
