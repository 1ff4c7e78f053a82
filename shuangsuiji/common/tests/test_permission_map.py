"""Deny by default: every URL has a rule in the permission map, and the middleware enforces it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from shuangsuiji.site.routes import rule_for


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from all_url_names(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def test_every_named_url_is_in_the_permission_map():
    missing = sorted(n for n in set(all_url_names()) if rule_for(n) is None)
    assert missing == [], f"URLs without a permission rule: {missing}"


def test_every_url_has_a_name():
    def unnamed(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from unnamed(p, prefix + str(p.pattern))
            elif not p.name and not prefix.startswith("admin/"):
                yield prefix + str(p.pattern)

    assert list(unnamed(get_resolver())) == []


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_from_internal_pages(client):
    response = client.get("/directory/entities/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_anonymous_api_calls_get_401_in_chinese(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert "登录" in response.json()["detail"]


def test_the_public_portal_needs_no_login(client, db):
    assert client.get("/public/").status_code == 200


def test_a_leader_cannot_open_the_audit_log(personas, client_for):
    assert client_for(personas.leader).get("/jobs/audit/").status_code == 403
    assert client_for(personas.office).get("/jobs/audit/").status_code == 200
