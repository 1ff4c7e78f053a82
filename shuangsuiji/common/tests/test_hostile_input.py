"""Issue 26, finding 3: eleven inputs answered 500 (with a traceback under the demo's settings). Each now gets
a plain-Chinese 400, 413 or 422 that names what is wrong, and changes nothing."""

import json

import pytest

from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.plans.models import Task

pytestmark = pytest.mark.django_db
HUGE = 2**70


@pytest.fixture
def api(personas, client_for):
    client = client_for(personas.lead_admin)
    item = make_published_item(personas.lead_dept)

    def post(path, body, **extra):
        return client.post(path, json.dumps(body, ensure_ascii=False) if not isinstance(body, bytes) else body,
                           content_type="application/json", **extra)

    api.item = item
    return client, post, item


def task(item, **changes):
    body = {"kind": "internal", "title": "专项检查", "item_ids": [item.pk], "rules": {"default": {"count": 2}}}
    body.update(changes)
    return body


def refused(answer, *words):
    assert answer.status_code in (400, 413, 422), (answer.status_code, answer.content[:300])
    text = json.dumps(answer.json(), ensure_ascii=False)
    assert "Traceback" not in text
    for word in words:
        assert word in text, text
    return text


def test_a_body_over_the_limit_is_413_in_chinese(api):
    client, post, _ = api
    refused(post("/api/v1/plans/tasks", b"{" + b" " * (11 * 1024 * 1024) + b"}"), "10 MB")


def test_a_lone_surrogate_in_a_title_is_refused(api):
    client, post, item = api
    body = json.dumps(task(item, title="TITLE")).replace("TITLE", "\\ud800\\u68c0\\u67e5")
    refused(post("/api/v1/plans/tasks", body.encode()), "title", "无法保存的字符")
    assert not Task.objects.exists()


@pytest.mark.parametrize(("changes", "word"), [
    ({"item_ids": [2**63]}, "item_ids"),
    ({"rules": {"default": {"count": 2}, "per_stratum": [1]}}, "per_stratum"),
    ({"scope": {"filters": {"township": 5}}}, "township"),
    ({"scope": {"sublibrary": "abc"}}, "sublibrary"),
    ({"scope": {"sublibrary": {"id": 1}}}, "sublibrary"),
    ({"yearly_cap": -5}, "yearly_cap"),
])
def test_malformed_task_fields_are_named(api, changes, word):
    client, post, item = api
    refused(post("/api/v1/plans/tasks", task(item, **changes)), word)
    assert not Task.objects.exists()


@pytest.mark.parametrize("path", [f"/api/v1/inspectors/?page={HUGE}", f"/api/v1/inspectors/conflicts?entity_id={HUGE}",
                                  f"/api/v1/plans/tasks/RW-NONE/visits?offset={HUGE}"])
def test_huge_numbers_in_the_query_string_are_refused(api, path):
    client, _, _ = api
    answer = client.get(path)
    assert answer.status_code in (400, 404, 422), (answer.status_code, answer.content[:300])
