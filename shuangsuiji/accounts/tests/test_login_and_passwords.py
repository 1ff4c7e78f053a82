"""Issue 26, findings 1 and 7: look-alike usernames, the admin login, the current-password check, weak and
reused passwords."""

import pytest
from django.core.cache import cache

from shuangsuiji.accounts.forms import MAX_FAILURES
from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("lookalike", ["ａdmin_tjj", "𝐚𝐝𝐦𝐢𝐧_tjj", "ADMIN_TJJ"])
def test_a_locked_login_stays_locked_under_a_look_alike_name(client, lookalike):
    make_user("admin_tjj", Role.DEPT_ADMIN, None)
    for _ in range(MAX_FAILURES):
        login(client, "admin_tjj", "wrong")
    answer = login(client, lookalike, PASSWORD)
    assert answer.status_code == 200 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in answer.content.decode()


@pytest.mark.parametrize("lookalike", ["ａdmin_tjj", "𝐚𝐝𝐦𝐢𝐧_tjj"])
def test_a_name_that_is_not_written_as_stored_is_refused_even_with_the_right_password(client, lookalike):
    make_user("admin_tjj", Role.DEPT_ADMIN, None)
    answer = login(client, lookalike, PASSWORD)
    assert "_auth_user_id" not in client.session and "半角" in answer.content.decode()


def test_the_admin_site_login_is_throttled_too(client):
    make_user("root", Role.OFFICE, None, is_staff=True, is_superuser=True)
    for _ in range(MAX_FAILURES):
        login(client, "root", "wrong", "/admin/login/")
    answer = login(client, "root", PASSWORD, "/admin/login/")
    assert answer.status_code == 200 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in answer.content.decode()


def test_guessing_the_current_password_on_the_change_page_is_throttled(client):
    user = make_user("carol_x", Role.DEPT_ADMIN, None)
    client.force_login(user)
    new = {"new_password1": "Heze-Strong-2027", "new_password2": "Heze-Strong-2027"}
    for _ in range(MAX_FAILURES):
        client.post("/accounts/password/", {"old_password": "guess", **new})
    answer = client.post("/accounts/password/", {"old_password": PASSWORD, **new})
    assert answer.status_code == 200 and "当前密码输错失败次数过多" in answer.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("new", "words"), [("dingtao1", "密码太短，至少包含 10 个字符"), ("dingtao123x", "至少 3 种"),
                                            (PASSWORD, "不能与当前密码相同")])
def test_weak_or_reused_passwords_are_refused(client, new, words):
    user = make_user("dave_x", Role.DEPT_ADMIN, None)
    client.force_login(user)
    answer = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert answer.status_code == 200 and words in answer.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_strong_new_password_is_accepted(client):
    user = make_user("erin_x", Role.DEPT_ADMIN, None)
    client.force_login(user)
    answer = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Heze-Strong-2027",
                                                 "new_password2": "Heze-Strong-2027"})
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Heze-Strong-2027")
