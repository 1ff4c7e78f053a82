"""One way to refuse (issue 27): every app's refusal is a ``common.errors.Refused`` whose kind — not its
Chinese wording — sets the answer: 400 wrong input, 403 not yours to do, 404 not there (or not yours to
see), 409 not in a state that allows it, 413 too large. A page and the API give the same status for the
same refusal; a page that refuses input or state keeps the user on the page with the message."""

import json

import pytest

from shuangsuiji.common import errors
from shuangsuiji.common.errors import FileRefused
from shuangsuiji.common.jobs import JobError
from shuangsuiji.directory.services import DirectoryError
from shuangsuiji.draws.scope import ScopeError
from shuangsuiji.draws.services import DrawServiceError
from shuangsuiji.inspectors.services import InspectorError, RowRefused
from shuangsuiji.items.services import ItemsError
from shuangsuiji.plans.services import PlanError
from shuangsuiji.results.models import VisitPart
from shuangsuiji.results.services import ResultError, ensure_parts
from shuangsuiji.results.testing import field_visit


def post_json(c, path, body=None):
    return c.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize("kind", [DirectoryError, DrawServiceError, InspectorError, ItemsError, PlanError,
                                  ResultError, FileRefused, JobError, ScopeError, RowRefused])
def test_every_apps_refusal_is_a_common_refusal(kind):
    assert issubclass(kind, errors.Refused)


def test_each_kind_has_its_status():
    assert [k("x").status for k in (errors.Refused, errors.Forbidden, errors.NotFound, errors.WrongState,
                                     errors.TooLarge)] == [400, 403, 404, 409, 413]


def test_a_state_refusal_worded_with_only_is_a_conflict_not_forbidden(personas, client_for):
    """"…只有待审核的记录可以审核" was a 403 because the API guessed the status from the words 只有/无权."""
    visit, _ = field_visit(personas)
    part = next(p for p in ensure_parts(visit) if p.department == personas.lead_dept)
    answer = post_json(client_for(personas.lead_admin), f"/api/v1/results/parts/{part.pk}/review", {"approve": True})
    assert answer.status_code == 409, answer.content
    assert "只有待审核的记录可以审核" in answer.json()["detail"]
    page = client_for(personas.lead_admin).post(f"/results/parts/{part.pk}/review/", {"action": "approve"},
                                                follow=True)
    assert page.status_code == 200 and "只有待审核的记录可以审核" in page.content.decode()


def test_not_yours_is_403_on_the_page_as_in_the_api(personas, client_for):
    visit, _ = field_visit(personas)
    part = next(p for p in ensure_parts(visit) if p.department == personas.lead_dept)
    other = client_for(personas.partner_admin)
    answer = post_json(other, f"/api/v1/results/parts/{part.pk}/review", {"approve": True})
    page = other.post(f"/results/parts/{part.pk}/review/", {"action": "approve"})
    assert answer.status_code == page.status_code == 403
    assert answer.json()["detail"] in page.content.decode()
    assert VisitPart.objects.get(pk=part.pk).status == part.status


def test_a_plan_step_refused_for_the_role_or_the_state(personas, client_for):
    lead = client_for(personas.lead_admin)
    plan = post_json(lead, "/api/v1/plans/", {"year": 2027}).json()
    # Only the office returns a plan: the department's admin is refused for who they are, on both.
    api = post_json(lead, f"/api/v1/plans/{plan['id']}/return", {"reason": "请补充"})
    page = lead.post(f"/plans/{plan['id']}/return/", {"reason": "请补充"})
    assert api.status_code == page.status_code == 403 and "只有联席会议办公室" in api.json()["detail"]
    # The office may publish plans, but not one still in draft: the plan's state refuses it.
    office = client_for(personas.office)
    api = post_json(office, f"/api/v1/plans/{plan['id']}/publish")
    assert api.status_code == 409 and "只能公布已报备的计划" in api.json()["detail"]
    page = office.post(f"/plans/{plan['id']}/publish/", follow=True)
    assert "只能公布已报备的计划" in page.content.decode()


@pytest.mark.parametrize(("kind", "status", "title"), [(errors.WrongState, 409, "当前不能办理"),
                                                        (errors.Forbidden, 403, "无权访问"),
                                                        (errors.TooLarge, 413, "请求有误"),
                                                        (errors.Refused, 400, "请求有误")])
def test_a_refusal_no_view_caught_is_its_status_and_message(rf, kind, status, title):
    request = rf.post("/plans/1/publish/")
    answer = errors.RefusalMiddleware(lambda r: None).process_exception(request, kind("此计划已公布，不能再修改。"))
    page = answer.content.decode()
    assert answer.status_code == status and title in page and "此计划已公布，不能再修改。" in page


def test_anything_else_is_left_to_django(rf):
    assert errors.RefusalMiddleware(lambda r: None).process_exception(rf.get("/"), ValueError("x")) is None
