"""Issue 23, finding 5: nothing public may tell which credit-risk class a business is in."""

import io
import json
import re
import zipfile

from shuangsuiji.common.models import AuditEvent
from shuangsuiji.directory.models import Entity
from shuangsuiji.directory.testing import make_sublibrary
from shuangsuiji.draws import services
from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, SOURCES, make_directory
from shuangsuiji.lottery.verify import verify_files

USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def test_a_draw_on_a_sub_library_defined_by_credit_class_does_not_publish_its_name(personas, client):
    make_directory(200)
    library = make_sublibrary(personas.lead_dept, name="重点监管库（高风险）", rule={"credit_class": ["D"]})
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="高风险抽查",
                            scope={"sublibrary": library.pk, "filters": {}},
                            rules={"default": {"ratio": "0.1", "minimum": 1}})
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    assert "重点监管库" not in str(draw.manifest)
    page = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "重点监管库" not in page and "按信用风险分类划定的分库（名称不公开）" in page


# The group structure: a draw stratified by credit class published pool.tsv with every business's stratum,
# and the smallest group was class D in every draw.


def _kit(draw, auditor=False) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(services.kit_zip(draw, include_matching=auditor))) as archive:
        return {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()}


def groupings(files: dict[str, bytes]) -> list[set[str]]:
    """Every set of businesses that share a value in some public per-business field of a kit."""
    groups: dict[tuple, set[str]] = {}
    for name, data in files.items():
        if name.endswith(".tsv"):
            for line in data.decode().splitlines():
                code, *rest = line.split("\t")
                for column, value in enumerate(rest):
                    groups.setdefault((name, column, value), set()).add(code)
        elif name.endswith(".json"):
            _walk(json.loads(data), name, "", groups)
    return [g for g in groups.values() if len(g) > 1]


def _walk(node, name: str, path: str, groups: dict) -> None:
    """Record, for each JSON object naming a business by "id", its other fields as groupings."""
    if isinstance(node, dict):
        if USCC.fullmatch(str(node.get("id", ""))):
            for key, value in node.items():
                if key not in ("id", "ticket"):
                    groups.setdefault((name, path, key, json.dumps(value)), set()).add(node["id"])
        for key, value in node.items():
            _walk(value, name, f"{path}/{key}", groups)
    elif isinstance(node, list):
        for item in node:
            _walk(item, name, path, groups)


def _stratified(personas):
    make_directory(400, inactive=0)
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="按风险分类分层抽查",
                            strata_by=["credit_class"], rules={"default": {"ratio": "0.05", "minimum": 1}})
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    return services.publish(personas.lead_admin, services.reveal(personas.lead_admin, draw, REVEALED))


def test_no_grouping_in_the_public_kit_matches_a_credit_class(personas):
    draw = _stratified(personas)
    files = _kit(draw)
    assert "pool.tsv" not in files and "pool-ids.tsv" in files and b"\t" not in files["pool-ids.tsv"]
    assert "strata" not in json.loads(files["result.json"])
    classes: dict[str, set[str]] = {}
    for code, credit in Entity.objects.values_list("uscc", "credit_class"):
        classes.setdefault(credit, set()).add(code)
    drawn = {d["id"] for d in json.loads(files["result.json"])["drawn"]}
    for group in groupings(files):
        for members in classes.values():
            assert group != members and group != members & drawn
    report = verify_files(files, check_signature=False)
    assert report.ok, report.problems
    assert any("分类不公开" in n for n in report.notes)


def test_the_auditor_kit_verifies_everything_and_each_download_is_audited(personas, client_for):
    draw = _stratified(personas)
    full = _kit(draw, auditor=True)
    assert {"pool.tsv", "pool-salt.txt", "result-full.json"} <= set(full)
    report = verify_files(full, check_signature=False)
    assert report.ok and any("审计校验包" in n for n in report.notes), report.problems
    salted = verify_files({**full, "pool-salt.txt": b"0" * 32}, check_signature=False)
    assert any("加盐后的 SHA-256 与 manifest 中的摘要不一致" in p for p in salted.problems)
    moved = full["pool.tsv"].replace("层1".encode(), "层2".encode(), 1)
    assert not verify_files({**full, "pool.tsv": moved}, check_signature=False).ok
    assert client_for(personas.leader).get(f"/draws/{draw.number}/kit.zip").status_code == 200
    assert AuditEvent.objects.filter(action="draw.auditor_kit", object_id=str(draw.pk)).count() == 1
    assert client_for(personas.inspector).get(f"/draws/{draw.number}/kit.zip").status_code == 403


def test_a_pool_that_is_a_credit_class_publishes_not_even_its_list(personas, client):
    make_directory(200)
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="D 类全覆盖抽查",
                            scope={"filters": {"credit_class": ["D"]}}, rules={"default": {"ratio": "0.1"}})
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    draw = services.publish(personas.lead_admin, services.reveal(personas.lead_admin, draw, REVEALED))
    files = _kit(draw)
    assert "pool.tsv" not in files and "pool-ids.tsv" not in files
    assert verify_files(files, check_signature=False).ok
    page = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "层1" not in page.split("三、抽取结果")[1]
