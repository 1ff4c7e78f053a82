"""The demo's public kits, as a journalist would download them: the published joint draw carries its
pseudonymous teams and its recusal and passes the public verifier; no kit groups businesses by class."""

import io
import json
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from shuangsuiji.directory.models import Entity
from shuangsuiji.draws import services
from shuangsuiji.draws.models import Draw, DrawStatus
from shuangsuiji.draws.tests.test_credit_privacy import groupings


@pytest.mark.django_db
def test_the_demos_public_kits_pass_and_group_nobody_by_class(tmp_path):
    call_command("seed_demo", "--entities", "2000", stdout=io.StringIO())
    published = Draw.objects.get(status=DrawStatus.PUBLISHED, task__isnull=True)
    kits = {}
    for draw in Draw.objects.public().exclude(status=DrawStatus.REVEALED):
        with zipfile.ZipFile(io.BytesIO(services.kit_zip(draw))) as archive:
            kits[draw.number] = {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()}

    files = kits[published.number]
    assignment = json.loads(files["matching-assignment.json"])
    assert len({t["dept"] for t in assignment["teams"]}) == 2 and len(assignment["swaps"]) == 1
    folder = tmp_path / published.number
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    run = subprocess.run([sys.executable, "-I", str(folder / "verify_draw.py"), str(folder)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("PASS"), run.stdout + run.stderr
    assert "检查人员匹配已复核" in run.stdout and "1 次回避替换" in run.stdout

    classes: dict[str, set[str]] = {}
    for code, credit in Entity.objects.values_list("uscc", "credit_class"):
        classes.setdefault(credit, set()).add(code)
    for number, kit in kits.items():
        result = json.loads(kit.get("result.json", b"{}"))
        drawn = {d["id"] for d in result.get("drawn", [])} | {
            d["id"] for s in result.get("strata", []) for d in s["drawn"]}
        assert "pool.tsv" not in kit or "\t层" not in kit["pool.tsv"].decode()
        for group in groupings(kit):
            if group >= drawn:  # a value every drawn business shares ("stratum": "全部") tells no one's class;
                continue        # when all drawn happen to share a class, it equals that class's drawn members
            for members in classes.values():
                assert group != members and group != members & drawn, (number, len(group))
