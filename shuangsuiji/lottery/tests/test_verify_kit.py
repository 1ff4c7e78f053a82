"""A kit verifies as PASS, and every kind of tampering is reported precisely."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shuangsuiji.lottery import bundle
from shuangsuiji.lottery.kit import read_kit, write_kit
from shuangsuiji.lottery.tests.kitfactory import make_kit, make_kit_files
from shuangsuiji.lottery.verify import verify_files, verify_kit

BUNDLE = bundle.HERE / "dist" / "verify_draw.py"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return make_kit_files()


def _edit_json(files: dict[str, bytes], name: str, edit) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    doc = json.loads(files[name])
    edit(doc)
    return {**files, name: json.dumps(doc, ensure_ascii=False).encode("utf-8")}


def test_an_untouched_kit_passes_with_the_bls_signature_checked(tmp_path: Path) -> None:
    kit = make_kit(tmp_path / "kit", check_signature=True)
    report = verify_kit(kit)
    assert report.ok, str(report)
    assert str(report).startswith("PASS")


def test_a_zipped_kit_passes_too(tmp_path: Path, files: dict[str, bytes]) -> None:
    report = verify_kit(write_kit(files, tmp_path / "kit.zip"), check_signature=False)
    assert report.ok, str(report)
    assert set(read_kit(tmp_path / "kit.zip")) == set(files)


def test_a_changed_pool_line_is_reported_as_a_digest_mismatch(files: dict[str, bytes]) -> None:
    lines = files["pool.tsv"].split(b"\n")
    entity, stratum = lines[5].split(b"\t")
    lines[5] = entity + b"\t" + ("企业|B" if stratum != "企业|B".encode() else "企业|A").encode()
    report = verify_files({**files, "pool.tsv": b"\n".join(lines)}, check_signature=False)
    assert not report.ok
    assert any(p.startswith("pool.tsv 的 SHA-256 与 manifest 中的摘要不一致") for p in report.problems)


def test_a_changed_winner_is_reported_with_its_stratum(files: dict[str, bytes]) -> None:
    def swap(doc: dict) -> None:  # type: ignore[type-arg]
        doc["strata"][1]["drawn"][0]["id"] = "91330000000000000X"

    report = verify_files(_edit_json(files, "result.json", swap), check_signature=False)
    assert not report.ok
    assert any(p.startswith("第 2 层「企业|A」中选名单不同：应为 [") for p in report.problems), report.problems


def test_a_changed_ticket_is_reported(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["strata"][0]["drawn"][0]["ticket"] = "0.000000001"

    report = verify_files(_edit_json(files, "result.json", edit), check_signature=False)
    assert any("的签号不同：应为 " in p for p in report.problems), report.problems


def test_a_changed_lottery_number_changes_the_seed_and_is_reported(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["revealed"][1]["numbers"][1] = [10]

    report = verify_files(_edit_json(files, "sources.json", edit), check_signature=False)
    assert "sources.json 中记录的随机源规范值与重新计算的不一致" in report.problems
    assert any(p.startswith("result.json 中的种子与由承诺和随机源重新计算的种子不一致") for p in report.problems)


def test_a_forged_drand_signature_is_reported(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["revealed"][0]["round"] = 1001
        doc["commitment"]["sources"][0]["round"] = 1001

    report = verify_files(_edit_json(files, "sources.json", edit), check_signature=True)
    assert any("drand 第 1001 轮签名验证失败：签名与链公钥不符" in p for p in report.problems), report.problems


def test_a_changed_commitment_no_longer_matches_the_manifest(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["exclusions"] = []

    report = verify_files(_edit_json(files, "manifest.json", edit), check_signature=False)
    assert any(p.startswith("承诺中的清单摘要与 manifest.json 不一致") for p in report.problems)
    assert any("第 2 层「企业|A」的 excluded 不同" in p or "excluded 不同" in p for p in report.problems)


def test_a_missing_file_is_named(files: dict[str, bytes]) -> None:
    report = verify_files({k: v for k, v in files.items() if k != "result.json"})
    assert report.problems == ["验证包缺少文件：result.json"]


def test_the_committed_bundle_is_up_to_date_with_the_sources() -> None:
    assert BUNDLE.read_text(encoding="utf-8") == bundle.render(), (
        "dist/verify_draw.py is stale: run `python -m shuangsuiji.lottery.bundle > shuangsuiji/lottery/dist/verify_draw.py`"
    )


def _run_bundle(kit: Path, *args: str, bare: bool = True) -> subprocess.CompletedProcess[str]:
    # -I isolates from the environment; -S also drops site-packages, as on a citizen's plain Python.
    flags = ["-I", "-S"] if bare else ["-I"]
    return subprocess.run(
        [sys.executable, *flags, str(BUNDLE), str(kit), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=kit.parent,
    )


def test_the_standalone_verifier_passes_an_untouched_kit_in_isolated_mode(tmp_path: Path, files: dict[str, bytes]) -> None:
    kit = write_kit(files, tmp_path / "kit")
    run = _run_bundle(kit)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("PASS")
    assert "未安装 py_ecc，已跳过 drand 签名（BLS）验证" in run.stdout  # -S hides site-packages


def test_the_standalone_verifier_checks_the_bls_signature_when_py_ecc_is_importable(
    tmp_path: Path, files: dict[str, bytes]
) -> None:
    run = _run_bundle(write_kit(files, tmp_path / "kit"), bare=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("PASS\n") and "签名" not in run.stdout  # nothing skipped
    assert "冻结时的审计链头：编号 4021" in run.stdout


@pytest.mark.parametrize(
    ("name", "tamper", "message"),
    [
        ("pool.tsv", lambda b: b.replace(b"|A\n", b"|B\n", 1), "pool.tsv 的 SHA-256 与 manifest 中的摘要不一致"),
        ("result.json", lambda b: b.replace(b'"count": 5', b'"count": 6', 1), "第 1 层「个体|C」的 count 不同：应为 5"),
        ("sources.json", lambda b: b.replace(b'"1.4.6./"', b'"1.4.5./"').replace(b"          4,\n", b"          5,\n", 1), "与承诺时封存的摘要（seal）不一致"),
    ],
)
def test_the_standalone_verifier_fails_a_tampered_kit_with_a_precise_message(
    tmp_path: Path, files: dict[str, bytes], name: str, tamper, message: str  # type: ignore[no-untyped-def]
) -> None:
    changed = tamper(files[name])
    assert changed != files[name], "the tamper did not apply"
    kit = write_kit({**files, name: changed}, tmp_path / "kit.zip")
    run = _run_bundle(kit, "--no-signature")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("FAIL")
    assert message in run.stdout, run.stdout


def test_the_verifier_inside_each_kit_also_replays_inspector_matching_and_passes(
    tmp_path: Path, files: dict[str, bytes]
) -> None:
    kit = write_kit(files, tmp_path / "kit")
    assert (b"shuangsuiji.lottery.matching" in files["verify_draw.py"]) == (bundle.HERE / "matching.py").exists()
    run = subprocess.run(
        [sys.executable, "-I", "-S", str(kit / "verify_draw.py"), str(kit)],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("PASS")


# Issue 22: the kit records when the reveal happened, and sealed witness numbers cannot be swapped.


def test_a_kit_revealed_before_its_lottery_was_drawn_fails(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["revealed_at"] = "2023-08-24T10:00:00Z"  # 18:00 in Beijing, the lottery draws at 21:15

    report = verify_files(_edit_json(files, "sources.json", edit), check_signature=False)
    assert any("彩票「示例福利彩票」的公布时间为北京时间 2023-08-24 21:15" in p and "开奖前不能揭晓" in p
               for p in report.problems), report.problems


def test_a_kit_without_a_reveal_time_fails(files: dict[str, bytes]) -> None:
    report = verify_files(_edit_json(files, "sources.json", lambda doc: doc.pop("revealed_at")), check_signature=False)
    assert "sources.json 缺少揭晓时间 revealed_at，无法确认揭晓晚于各随机源的公布时间" in report.problems


def test_a_kit_whose_witness_numbers_differ_from_the_seal_fails(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["revealed"][2]["numbers"] = [[6, 6, 6]]

    report = verify_files(_edit_json(files, "sources.json", edit), check_signature=False)
    assert any("第 3 个随机源（见证人）的号码与承诺时封存的摘要（seal）不一致" in p for p in report.problems), report.problems


def test_a_kit_whose_commitment_was_relabelled_a_rehearsal_fails(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["commitment"]["rehearsal"] = True

    report = verify_files(_edit_json(files, "sources.json", edit), check_signature=False)
    assert any(p.startswith("sources.json 中的 commitment_sha256 与承诺内容不一致") for p in report.problems)


def test_a_kit_whose_pinned_audit_head_is_missing_fails(files: dict[str, bytes]) -> None:
    report = verify_files(_edit_json(files, "manifest.json", lambda doc: doc.pop("audit_head")), check_signature=False)
    assert any(p.startswith("manifest.json 缺少审计链头 audit_head") for p in report.problems), report.problems
    # Removing it also changes the manifest digest the commitment carries.
    assert any(p.startswith("承诺中的清单摘要与 manifest.json 不一致") for p in report.problems)


def test_a_kit_whose_pinned_audit_head_is_malformed_fails(files: dict[str, bytes]) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["audit_head"] = {"id": "4021", "sha256": "xyz"}

    report = verify_files(_edit_json(files, "manifest.json", edit), check_signature=False)
    assert any("审计链头 audit_head 格式错误" in p for p in report.problems), report.problems
