"""The deployment check names what is wrong; /healthz reports the database and the queue."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from shuangsuiji.draws.services import pool_path
from shuangsuiji.draws.testing import make_revealed_draw
from shuangsuiji.site import deployment

GOOD_KEY = "k" * 50


def messages(findings, check=None):
    return [f.message for f in findings if check is None or f.check == check]


@override_settings(DEBUG=True)  # pytest-django runs with DEBUG off; the development default is on
def test_development_defaults_are_errors():
    found = deployment.check_settings()
    assert any("SSJ_DEBUG" in m for m in messages(found, "settings"))
    assert any("SSJ_SECRET_KEY" in m for m in messages(found, "settings"))
    assert any("SSJ_ALLOWED_HOSTS" in m for m in messages(found, "settings"))


@override_settings(DEBUG=False, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=["ssj.example.gov.cn"])
def test_production_settings_raise_no_settings_error():
    assert not [f for f in deployment.check_settings() if f.check == "settings"]


@pytest.mark.django_db
def test_a_missing_pdf_font_is_an_error(tmp_path):
    with override_settings(SSJ_CJK_FONT=str(tmp_path / "none.ttc")):
        assert any("中文字体" in m for m in messages(deployment.check_fonts()))
    font = tmp_path / "font.ttc"
    font.write_bytes(b"x")
    with override_settings(SSJ_CJK_FONT=str(font)):
        assert deployment.check_fonts() == []


@pytest.mark.django_db
def test_a_committed_draw_whose_pool_file_is_gone_or_changed_is_named(personas):
    draw = make_revealed_draw(personas)
    assert not messages(deployment.check_files(deep=True), "files") or all(
        draw.number not in m for m in messages(deployment.check_files(deep=True)))
    path = pool_path(draw)
    original = path.read_bytes()
    path.write_bytes(original + b"X\tY\n")
    assert any(draw.number in m and "摘要不一致" in m for m in messages(deployment.check_files(deep=True)))
    assert all(draw.number not in m for m in messages(deployment.check_files(deep=False)))
    path.unlink()
    assert any(draw.number in m and "缺失" in m for m in messages(deployment.check_files()))
    path.write_bytes(original)


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_command_fails_on_errors_and_prints_each(capsys):
    with pytest.raises(CommandError, match="部署检查未通过"):
        call_command("check_deployment")
    out = capsys.readouterr().out
    assert "[错误] settings: SSJ_DEBUG" in out


@pytest.mark.django_db
def test_unapplied_migrations_are_named():
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    _app, latest = next(n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "common")
    recorder.record_unapplied("common", latest)
    try:
        assert any(f"common.{latest}" in m for m in messages(deployment.check_database(), "migrations"))
    finally:
        recorder.record_applied("common", latest)
    assert deployment.check_database() == []


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_queue(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["queue"]["waiting"] >= 0


def test_the_env_example_documents_every_setting_the_settings_file_reads():
    root = Path(__file__).resolve().parents[3]
    read = set(__import__("re").findall(r'environ\.get\("([A-Z_]+)"', (root / "shuangsuiji/settings.py").read_text()))
    documented = (root / ".env.example").read_text()
    assert read, "settings.py reads no environment variable?"
    assert [name for name in sorted(read) if name not in documented] == []
