import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    """Background tasks run in-process in tests; uploads go to a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Personas log in thousands of times; a slow password hash only measures the CPU here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db):
    from shuangsuiji.accounts.testing import make_personas
    from shuangsuiji.directory.reference import load_towns

    load_towns()
    return make_personas()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no downloaded browser builds)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls in the test are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh page at desktop and at phone width; ``page.goto_path('/x/')`` opens the live server."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.viewport_name = request.param
    pg.goto_path = lambda path: pg.goto(live_server.url + path)
    pg.snap = lambda name: _snap(pg, name)
    yield pg
    context.close()


@pytest.fixture
def login_as(page):
    """Log in through the real form."""
    from shuangsuiji.accounts.testing import PASSWORD

    def login(user):
        page.goto_path("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]", state="attached")
        return page

    return login


def _snap(pg, name):
    """Keep a screenshot under var/screens/ for a person to look at (not asserted on)."""
    from pathlib import Path

    out = Path("var/screens")
    out.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(out / f"{name}-{pg.viewport_name}.png"), full_page=True)
