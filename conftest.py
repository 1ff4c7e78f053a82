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
    pg = _new_page(context, live_server)
    pg.viewport_name = request.param
    pg.snap = lambda name: _snap(pg, name)
    yield pg
    context.close()


def _new_page(context, live_server):
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.goto_path = lambda path: pg.goto(live_server.url + path)
    return pg


def _log_in(pg, user):
    """Log in through the real form."""
    from shuangsuiji.accounts.testing import PASSWORD

    pg.goto_path("/accounts/login/")
    pg.fill("#id_username", user.username)
    pg.fill("#id_password", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_selector("[data-testid=whoami]", state="attached")
    return pg


@pytest.fixture
def login_as(page):
    """login_as(user): log ``page`` in through the real form."""
    return lambda user: _log_in(page, user)


@pytest.fixture
def signed_in(browser, live_server):
    """signed_in(user, width) → a page at that width (height 800), logged in through the real form; for tests
    that check exact widths (1280 and 390 px) rather than the desktop/phone pair of ``page``."""
    contexts = []

    def open_page(user, width: int):
        contexts.append(browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN"))
        return _log_in(_new_page(contexts[-1], live_server), user)

    yield open_page
    for context in contexts:
        context.close()


def _snap(pg, name):
    """Keep a screenshot under var/screens/ for a person to look at (not asserted on)."""
    from pathlib import Path

    out = Path("var/screens")
    out.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(out / f"{name}-{pg.viewport_name}.png"), full_page=True)
