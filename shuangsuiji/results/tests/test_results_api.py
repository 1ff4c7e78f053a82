"""The results API: an inspector saves and submits through it, a stale revision is refused (no record
written twice), another department reads but cannot write, the department approves."""

import datetime as dt
import json

from django.utils import timezone

from shuangsuiji.results.models import FollowUp, PartStatus, ProcessStep, VisitPart
from shuangsuiji.results.testing import field_visit

NOW = timezone.now().replace(microsecond=0)


def put(c, path, body):
    return c.put(f"/api/v1/results{path}", json.dumps(body), content_type="application/json")


def test_an_inspector_submits_through_the_api_and_a_replay_is_refused(personas, client_for):
    visit, partner_inspector = field_visit(personas)
    c = client_for(personas.inspector)
    assert visit.number in [v["number"] for v in c.get("/api/v1/results/my-visits").json()]
    detail = c.get(f"/api/v1/results/visits/{visit.number}").json()
    mine, theirs = detail["parts"]
    assert mine["can_edit"] and not theirs["can_edit"]
    body = {"revision": mine["revision"], "submit": True,
            "arrived_at": (NOW - dt.timedelta(hours=1)).isoformat(), "left_at": NOW.isoformat(),
            "results": [{"item_id": 0, "codes": ["no_problem"]}]}
    wrong_item = put(c, f"/parts/{mine['id']}", body)
    assert wrong_item.status_code == 400 and "不属于本部门" in wrong_item.json()["detail"]
    item_id = VisitPart.objects.get(pk=mine["id"]).results.get().item_id
    body["results"] = [{"item_id": item_id, "codes": ["no_problem", "pending"]}]
    exclusive = put(c, f"/parts/{mine['id']}", body)
    assert exclusive.status_code == 400 and "不能与其他结果同时选择" in exclusive.json()["detail"]
    body["results"] = [{"item_id": item_id, "codes": ["no_problem"]}]
    draft = put(c, f"/parts/{mine['id']}", {**body, "submit": False})
    assert draft.status_code == 200 and draft.json()["revision"] == mine["revision"] + 1
    replay = put(c, f"/parts/{mine['id']}", {**body, "submit": False})
    assert replay.status_code == 409 and "修订号不一致" in replay.json()["detail"]
    assert ProcessStep.objects.filter(part_id=mine["id"], step="edited").count() == 1
    done = put(c, f"/parts/{mine['id']}", {**body, "revision": draft.json()["revision"]})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == PartStatus.SUBMITTED and done.json()["results"][0]["codes"] == ["no_problem"]
    again = put(c, f"/parts/{mine['id']}", {**body, "revision": done.json()["revision"]})
    assert again.status_code == 409 and "不能再修改" in again.json()["detail"]

    other = put(client_for(partner_inspector), f"/parts/{mine['id']}", {**body, "revision": done.json()["revision"]})
    assert other.status_code == 403 and "谁检查、谁录入" in other.json()["detail"]
    read = client_for(personas.partner_admin).get(f"/api/v1/results/visits/{visit.number}")
    assert read.status_code == 200 and read.json()["parts"][0]["results"][0]["codes"] == ["no_problem"]

    refused = client_for(personas.partner_admin).post(f"/api/v1/results/parts/{mine['id']}/review",
                                                      json.dumps({"approve": True}), content_type="application/json")
    assert refused.status_code == 403
    approved = client_for(personas.lead_admin).post(f"/api/v1/results/parts/{mine['id']}/review",
                                                    json.dumps({"approve": True}), content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == PartStatus.APPROVED


def test_the_vocabulary_and_followups_need_login_and_answer_in_words(personas, client_for, client):
    assert client.get("/api/v1/results/vocabulary").status_code == 401
    codes = client_for(personas.inspector).get("/api/v1/results/vocabulary").json()
    assert {"code": "no_problem", "label": "未发现问题", "problem": False, "exclusive": True} in codes
    assert client_for(personas.lead_admin).get("/api/v1/results/followups").json() == []
    assert FollowUp.objects.count() == 0
    bad = put(client_for(personas.inspector), "/parts/1", {"revision": "x"})
    assert bad.status_code == 422 and "revision" in bad.json()["detail"]
