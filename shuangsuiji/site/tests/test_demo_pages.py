"""Issue 26, finding 4: `make run` served Django's English debug 404 and traceback pages.

The demo's environment (scripts/demo-env.sh, sourced by scripts/serve.sh) is loaded in a fresh process, which
asks for a missing page (the Chinese page, not Django's debug one) and for the favicon. With DEBUG off, a
failing view answers templates/500.html, as every test of this suite sees."""

import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROBE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
django.setup()
from django.conf import settings
from django.test import Client
settings.ALLOWED_HOSTS = ["testserver"]
client = Client()
missing = client.get("/public/no-such-page/")
print("DEBUG", settings.DEBUG)
print("404", missing.status_code, "页面不存在" in missing.content.decode(), "Page not found" in missing.content.decode())
print("favicon", client.get("/favicon.ico").status_code)
"""


def run_demo(code: str, **env) -> str:
    script = f"source scripts/demo-env.sh && exec .venv/bin/python -c '{code}'"
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "SSJ_VAR_DIR": str(ROOT / "var"), **env})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_demo_runs_without_debug_pages_and_with_a_favicon():
    out = run_demo(PROBE.replace("'", '"'))
    assert "DEBUG False" in out
    assert "404 404 True False" in out
    assert "favicon 301" in out


def test_debug_pages_are_a_developers_explicit_switch():
    assert "DEBUG True" in run_demo(PROBE.replace("'", '"'), SSJ_DEBUG="1")
