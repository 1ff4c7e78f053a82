"""Issue 29, finding: inspector accounts could not be created in the UI. A department's administrator creates an
officer's login from the officer's page; the account is linked at once, so the matching's teams find their
visits, and its first password is shown once."""

import pytest
from django.contrib.auth import authenticate

from shuangsuiji.accounts.models import Role, User
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.inspectors import services
from shuangsuiji.inspectors.testing import make_inspector


@pytest.fixture
def officer(personas):
    return make_inspector(department=personas.lead_dept, name="新任执法 李雷")


def test_the_department_admin_creates_and_links_an_officers_account(personas, officer, client_for):
    c = client_for(personas.lead_admin)
    page = c.get(f"/inspectors/{officer.pk}/").content.decode()
    assert "创建登录账号" in page and services.suggested_username(officer) in page
    answer = c.post(f"/inspectors/{officer.pk}/account/", {"username": "lilei_scjg"})
    body = answer.content.decode()
    assert answer.status_code == 200 and "lilei_scjg" in body and "仅显示这一次" in body
    user = User.objects.get(username="lilei_scjg")
    officer.refresh_from_db()
    assert officer.user == user and user.role == Role.INSPECTOR and user.department == personas.lead_dept
    password = body.split('data-testid="initial-password">')[1].split("<")[0]
    assert authenticate(username="lilei_scjg", password=password) == user
    assert AuditEvent.objects.filter(action="inspectors.account_create").count() == 1
    assert "创建登录账号" not in c.get(f"/inspectors/{officer.pk}/").content.decode()  # linked: no second one


def test_bad_names_and_other_departments_are_refused_and_nothing_is_kept(personas, officer, client_for):
    c = client_for(personas.lead_admin)
    for name, words in (("1abc", "以英文字母开头"), ("ab", "3–30 个字符"), (personas.inspector.username, "已被使用")):
        page = c.post(f"/inspectors/{officer.pk}/account/", {"username": name}, follow=True).content.decode()
        assert words in page, name
    with pytest.raises(Forbidden):
        services.create_account(personas.partner_admin, officer, "someone")
    assert client_for(personas.partner_admin).post(f"/inspectors/{officer.pk}/account/",
                                                   {"username": "someone"}).status_code in (403, 404)
    assert not User.objects.filter(username__in=["1abc", "ab", "someone"]).exists()
    services.create_account(personas.lead_admin, officer, "lilei")
    with pytest.raises(WrongState, match="已关联登录账号"):
        services.create_account(personas.lead_admin, officer, "lilei2")


def test_the_first_password_must_be_changed_before_anything_else(personas, officer, client):
    """Issue 29: the first password is handed over by a person, so its owner must replace it at first login:
    every page sends them to 修改密码 (the API answers 403 in words) until they have; then work goes on."""
    _, first = services.create_account(personas.lead_admin, officer, "lilei_first")
    assert client.login(username="lilei_first", password=first)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/password/")
    assert "首次登录" in client.get(home["Location"]).content.decode()
    api = client.get("/api/v1/plans/tasks")
    assert api.status_code == 403 and "修改初始密码" in api.json()["detail"]
    assert client.get("/public/").status_code == 200  # the public portal stays open
    changed = client.post("/accounts/password/", {"old_password": first, "new_password1": "Heze-Strong-2027",
                                                  "new_password2": "Heze-Strong-2027"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    assert not User.objects.get(username="lilei_first").must_change_password
    assert AuditEvent.objects.filter(action="accounts.password_change").count() == 1
