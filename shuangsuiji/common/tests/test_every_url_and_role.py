"""Every URL and API operation, visited as every role, answers as the permission map says — and never 500.

The URLs are generated from the resolver, so a new page or endpoint is covered the day it is added.
Path arguments point at records that do not exist: a role the map lets through then gets the view's
own answer (404, 405, a form), a role it refuses gets the map's refusal before any view code runs.
"""

import json

import pytest

from shuangsuiji.api import api
from shuangsuiji.site.routes import rule_for
from shuangsuiji.site.testing import routes

ROLES = ["anonymous", "office", "lead_admin", "inspector", "leader"]
REFUSED = "您的角色无权访问此页面。"

ALL_ROUTES = sorted(set(routes()))
# Each API operation is called with its own methods; pages get GET and POST.
API_METHODS = {f"api:{op.url_name}": [m.lower() for m in op.methods]
               for _, router in api._routers for pv in router.path_operations.values() for op in pv.operations}


def refused_by_map(answer, public: bool) -> bool:
    if answer.status_code == 302:
        return not public and "/accounts/login/" in answer.get("Location", "")
    if answer.status_code == 401:
        return True
    if answer.status_code != 403:
        return False
    body = answer.content.decode("utf-8", "replace")
    if answer.get("Content-Type", "").startswith("application/json"):
        body = json.loads(body).get("detail", "")
    return REFUSED in body or "未列入权限表" in body


def test_the_generated_walk_covers_pages_api_and_portal():
    names = {n for n, _ in ALL_ROUTES}
    assert len(ALL_ROUTES) > 60
    assert {"portal:home", "draws:draw_list", "directory:entity_list"} <= names
    assert any(n.startswith("api:") for n in names)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_permission_map_says(role, personas, client):
    user = None if role == "anonymous" else getattr(personas, role)
    if user:
        client.force_login(user)
    wrong = []
    for name, path in ALL_ROUTES:
        rule = rule_for(name)
        allowed = rule.public or (user is not None and rule.allows(user))
        for method in API_METHODS.get(name, ("get", "post")):
            answer = getattr(client, method)(path, content_type="application/json") if method in ("put", "patch") \
                else getattr(client, method)(path)
            if user and "_auth_user_id" not in client.session:  # POST /accounts/logout/ ended the session
                client.force_login(user)
            refused = refused_by_map(answer, rule.public)
            if answer.status_code >= 500:
                wrong.append(f"{method.upper()} {path} ({name}): {answer.status_code}")
            elif allowed and refused:
                wrong.append(f"{method.upper()} {path} ({name}): refused, but the map allows {role}")
            elif not allowed and not refused:
                wrong.append(f"{method.upper()} {path} ({name}): {answer.status_code}, but the map refuses {role}")
    assert wrong == [], "\n".join(wrong)
