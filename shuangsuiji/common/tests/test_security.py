"""Security defaults: CSP without inline scripts, login throttling, sessions that end, a clean deploy check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.accounts.forms import MAX_FAILURES
from shuangsuiji.accounts.testing import PASSWORD, make_personas

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def template_files():
    return [p for d in (ROOT / "templates", ROOT / "shuangsuiji") for p in d.rglob("*.html")]


def test_no_template_carries_an_inline_script_or_event_handler():
    found = [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for p in template_files()
             for rx in (INLINE_SCRIPT, HANDLER_ATTR) for m in rx.finditer(p.read_text("utf-8"))]
    assert found == [], "CSP script-src 'self' would block these; move them to static/js:\n" + "\n".join(found)


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    for url in ("/public/", "/accounts/login/"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()  # the lock-out must not follow bob into the next test in this process


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_that_login_for_a_while(client, fresh_cache):
    bob = make_personas().lead_admin
    for _ in range(MAX_FAILURES):
        answer = client.post("/accounts/login/", {"username": bob.username, "password": "wrong"})
        assert "用户名或密码不正确" in answer.content.decode()
    answer = client.post("/accounts/login/", {"username": bob.username, "password": PASSWORD})
    assert "登录失败次数过多" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    # Someone else's address is not locked out by these failures.
    answer = client.post("/accounts/login/", {"username": bob.username, "password": PASSWORD},
                         REMOTE_ADDR="10.1.2.3")
    assert answer.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_proxy_the_lock_follows_the_client_address_the_proxy_saw(client, fresh_cache, settings, proxies):
    settings.SSJ_PROXY_COUNT = proxies
    bob = make_personas().lead_admin

    def attempt(password, forwarded):  # the proxy appends the address it saw; the client may forge the rest
        return client.post("/accounts/login/", {"username": bob.username, "password": password},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(MAX_FAILURES):
        attempt("wrong", f"9.9.9.{n}, 203.0.113.7")  # a forged left part changes nothing
    other = attempt(PASSWORD, "198.51.100.2")
    if proxies:  # another client behind the same proxy can still sign in
        assert other.status_code == 302
    else:  # without a trusted proxy the header is ignored: everyone is 127.0.0.1
        assert "登录失败次数过多" in other.content.decode()


@pytest.mark.django_db
def test_a_session_ends_with_the_browser_and_after_a_working_day(client):
    bob = make_personas().lead_admin
    client.post("/accounts/login/", {"username": bob.username, "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() <= 8 * 3600


def test_the_deploy_check_is_clean_with_production_settings():
    env = {**os.environ, "SSJ_DEBUG": "0", "SSJ_SECRET_KEY": "k" * 20 + "-production-secret-Q9x!zR7pLm2vT4" * 2,
           "SSJ_ALLOWED_HOSTS": "ssj.example.gov.cn"}
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("missing, words", [("SSJ_SECRET_KEY", "SSJ_SECRET_KEY"), ("SSJ_ALLOWED_HOSTS", "SSJ_ALLOWED_HOSTS")])
def test_production_refuses_to_start_on_development_defaults(missing, words):
    env = {**os.environ, "SSJ_DEBUG": "0", "SSJ_SECRET_KEY": "s" * 50, "SSJ_ALLOWED_HOSTS": "ssj.example.gov.cn"}
    del env[missing]
    run = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode != 0 and words in run.stderr


@pytest.mark.django_db
def test_a_number_too_large_for_the_database_is_a_clear_400_not_a_crash(client):
    client.force_login(make_personas().office)
    response = client.get("/api/v1/inspectors/conflicts?entity_id=9223372036854775808")
    assert response.status_code == 422 and "entity_id：数值过大" in response.json()["detail"]  # named (issue 26)
    page = client.get("/inspectors/9223372036854775808/")
    assert page.status_code in (400, 404)


@pytest.mark.django_db
def test_a_nul_character_in_an_api_field_is_a_clear_400_not_a_crash(client):
    client.force_login(make_personas().office)
    upload = SimpleUploadedFile("list.csv", "序号,抽查事项\n1,x\n".encode())
    response = client.post("/api/v1/items/imports", {"file": upload, "department": "sc\x00jg"})
    assert response.status_code == 400
    assert response.json()["detail"]  # SQLite stores NUL and finds no such department; PostgreSQL refuses it
