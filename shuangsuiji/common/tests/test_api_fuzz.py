"""Schemathesis against the API's own OpenAPI schema: no 500, answers match the schema.

Checked: no server error, documented status codes and content types, bodies that match the schema.
Not checked: schemathesis's guesses about which requests should be accepted or refused (an opaque
cursor it made up is rightly refused) and its auth probe (every call here carries the session).
Runs in-process through WSGI as each role that can call the API — the office (the widest role) with more
examples, a department admin, an inspector and the read-only leader with fewer (issue 26: their refusals
must be answers too, never a server error) — with a bounded number of examples per operation so the gate
stays quick; deeper runs: raise SSJ_FUZZ_EXAMPLES.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from shuangsuiji.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("SSJ_FUZZ_EXAMPLES", "15"))
OTHER_ROLES = ("lead_admin", "inspector", "leader")


def _auth(user, client):
    client.force_login(user)
    client.get("/accounts/login/")  # sets the CSRF cookie
    session, csrf = client.cookies["sessionid"].value, client.cookies["csrftoken"].value
    # As Django's test client does (and after its own requests, which reconnect them): the request cycle
    # must not close the connection the test's transaction runs on, or PostgreSQL loses it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"cookies": {"sessionid": session, "csrftoken": csrf}, "headers": {"X-CSRFToken": csrf}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_auth(personas, client):
    yield from _auth(personas.office, client)


@pytest.fixture(params=OTHER_ROLES)
def role_auth(request, personas, client):
    yield from _auth(getattr(personas, request.param), client)


REPEATABLE = os.environ.get("SSJ_FUZZ_RANDOM") != "1"  # the gate is repeatable; deeper runs are not


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=REPEATABLE)
def test_the_api_answers_every_generated_request_without_a_server_error(case, office_auth):
    case.call_and_validate(**office_auth, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=max(3, EXAMPLES // 3), deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=REPEATABLE)
def test_every_other_role_gets_answers_not_server_errors(case, role_auth):
    case.call_and_validate(**role_auth, checks=CHECKS)
