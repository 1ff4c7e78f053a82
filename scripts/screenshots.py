"""Screenshots of each role's home page for the README, from a running demo (`make run`).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Uses Debian's chromium through Playwright; writes docs/screens/home-<role>.png (1280 px) and the inspector's
phone view (390 px). Run after `make run` has printed the demo accounts."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "Dingtao-2026"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"
SHOTS = [("office", "office", 1280), ("leader", "leader", 1280), ("admin_scjgj", "department", 1280),
         ("inspector_scjgj", "inspector", 1280), ("inspector_scjgj", "inspector-phone", 390)]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for username, name, width in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("[data-testid=whoami]", state="attached")
            page.wait_for_timeout(800)  # the charts' entry animation
            page.screenshot(path=str(OUT / f"home-{name}.png"), full_page=width < 1000)
            print(OUT / f"home-{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
