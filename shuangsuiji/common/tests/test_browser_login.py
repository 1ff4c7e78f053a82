"""Signing in and out in a real browser, at desktop and phone widths."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_admin_signs_in_and_sees_their_department(personas, login_as, page):
    login_as(personas.lead_admin)
    assert "区市场监督管理局" in page.inner_text("h1")
    page.snap("home")


def test_a_wrong_password_gets_a_message_in_chinese(personas, page):
    page.goto_path("/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("[role=alert]")


def test_the_public_portal_opens_without_login(page, db):
    page.goto_path("/public/")
    assert "公示" in page.inner_text("h1")
