"""The restore drill: back up with scripts/backup.sh, restore into an empty database with scripts/restore.sh,
and check that every table has the same rows, the audit chain verifies, and a restored draw's kit is the same
bytes and still verifies. PostgreSQL only (pg_dump is the documented routine); the PostgreSQL leg runs it."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import override_settings

from shuangsuiji.draws.models import Draw
from shuangsuiji.draws.services import kit_files
from shuangsuiji.draws.testing import make_revealed_draw
from shuangsuiji.lottery.verify import verify_files

ROOT = Path(settings.BASE_DIR)
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backup routine is pg_dump: PostgreSQL leg"),
    pytest.mark.django_db(transaction=True),
]


def url_for(settings_dict, name):
    auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{auth}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


def run(script, *args, env):
    done = subprocess.run(["bash", str(ROOT / "scripts" / script), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


@contextmanager
def on_database(name):
    """Point the default connection at another database for a while (the test's own is left as it was)."""
    own = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = own


def row_counts():
    counts = {}
    with connection.cursor() as cur:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                cur.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
                counts[model._meta.db_table] = cur.fetchone()[0]
    return counts


@pytest.fixture
def restored_database():
    source = connection.settings_dict
    name = f"{source['NAME']}_restored"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_backup_restores_with_the_same_rows_a_valid_audit_chain_and_draws_that_still_verify(
        personas, tmp_path, restored_database):
    draw = make_revealed_draw(personas)
    original_kit = kit_files(draw)
    source = connection.settings_dict
    backup, restored_var = tmp_path / "backup", tmp_path / "restored-var"
    # conftest puts uploads (and so the frozen pools) under tmp_path/uploads: tmp_path is the data directory.
    run("backup.sh", backup, env={"DATABASE_URL": url_for(source, source["NAME"]), "SSJ_VAR_DIR": str(tmp_path)})
    restored_url = url_for(source, restored_database)
    run("restore.sh", backup, env={"DATABASE_URL": restored_url, "SSJ_VAR_DIR": str(restored_var)})

    counts = row_counts()
    with on_database(restored_database):
        assert row_counts() == counts
        again = Draw.objects.get(pk=draw.pk)
    audit = subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "DATABASE_URL": restored_url}, timeout=120)
    assert audit.returncode == 0, audit.stderr
    assert "审计链完整" in audit.stdout

    with override_settings(MEDIA_ROOT=restored_var / "uploads"):
        kit = kit_files(again)
    assert kit == original_kit
    report = verify_files(kit, check_signature=False)
    assert report.ok, report.problems


def test_a_damaged_backup_is_refused_before_anything_is_restored(personas, tmp_path, restored_database):
    make_revealed_draw(personas)
    source = connection.settings_dict
    backup = tmp_path / "backup"
    run("backup.sh", backup, env={"DATABASE_URL": url_for(source, source["NAME"]), "SSJ_VAR_DIR": str(tmp_path)})
    with (backup / "db.dump").open("r+b") as dump:
        dump.seek(200)
        dump.write(b"\0\0\0\0")
    done = subprocess.run(["bash", str(ROOT / "scripts/restore.sh"), str(backup)], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url_for(source, restored_database),
                               "SSJ_VAR_DIR": str(tmp_path / "restored-var")}, timeout=120)
    assert done.returncode != 0
    assert "FAILED" in done.stdout + done.stderr
    with on_database(restored_database), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cur.fetchone()[0] == 0
