"""A draw ceremony in a real browser: commit, reveal, publish, then a citizen downloads and verifies the kit."""

import json
import subprocess
import sys
import zipfile

import pytest
import time_machine

from shuangsuiji.draws import services
from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, make_directory, make_published_item, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_runs_a_draw_and_a_citizen_verifies_its_kit(personas, login_as, page, tmp_path):
    make_directory(120)
    make_team(personas.lead_dept)
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="食品经营者双随机抽查",
                            items=[make_published_item(personas.lead_dept)], strata_by=["credit_class"],
                            rules={"default": {"ratio": "0.1", "minimum": 1}})
    login_as(personas.lead_admin)
    page.goto_path(f"/draws/{draw.number}/")
    page.fill("#id_drand_round", "1000")  # the server's clock is half an hour before that real round
    page.check("#id_use_witness")
    page.fill("#id_witness_numbers", "6 2 5")
    with time_machine.travel(COMMIT_AT):
        page.click("text=冻结并发布承诺")
        assert "已承诺" in page.inner_text("[data-testid=status]")
    assert "承诺时已封存" in page.inner_text("main") and "6 2 5" not in page.inner_text("main")
    page.fill("#id_s0", json.dumps(REVEALED[0]))
    page.click("text=验证随机源并揭晓")
    assert "已揭晓" in page.inner_text("[data-testid=status]")
    assert page.locator("[data-testid=teams] tbody tr").count() == 24  # two officers for each of 12 targets
    page.click("text=在公示门户公布结果和校验包")
    assert "已公布" in page.inner_text("[data-testid=status]")

    page.context.clear_cookies()
    page.goto_path("/public/draws/")
    page.click(f"text={draw.number}")
    assert page.locator("[data-testid=drawn] tbody tr").count() == 12  # 10% of 30 in each of four strata
    assert "信用风险" not in page.inner_text("[data-testid=drawn]")
    page.snap("draw-public")
    with page.expect_download() as download:
        page.click("[data-testid=kit]")
    kit = tmp_path / "kit.zip"
    download.value.save_as(kit)
    with zipfile.ZipFile(kit) as z:
        z.extractall(tmp_path)
    folder = tmp_path / draw.number
    run = subprocess.run([sys.executable, "-I", "-S", str(folder / "verify_draw.py"), str(folder), "--no-signature"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "PASS" in run.stdout, run.stdout + run.stderr
