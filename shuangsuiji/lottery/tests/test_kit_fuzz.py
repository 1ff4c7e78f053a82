"""Issue 26: mutated kits through the verifier — every answer is PASS or FAIL with reasons, never a crash.

Hypothesis mutates a real kit: bytes flipped or cut anywhere in any file, or one JSON value anywhere replaced
by a value of another shape (a huge number, a string, a list, null, an object). The in-process verifier must
return a report; the single-file verify_draw.py, as a journalist runs it, must exit 0 or 1 without a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import bundle
from shuangsuiji.lottery.kit import write_kit
from shuangsuiji.lottery.tests.kitfactory import make_kit_files
from shuangsuiji.lottery.verify import verify_files

FILES = make_kit_files()
NAMES = sorted(FILES)
JSON_NAMES = [n for n in NAMES if n.endswith(".json")]
EXAMPLES = int(os.environ.get("SSJ_FUZZ_EXAMPLES", "15")) * 4
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                       st.floats(allow_nan=True), st.text(max_size=20), st.lists(st.integers(), max_size=3),
                       st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:5]):
            yield from _paths(value, (*path, index))


def _replace(node, path, value):
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


@st.composite
def byte_mutations(draw):
    name = draw(st.sampled_from(NAMES))
    data = bytearray(FILES[name])
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    for _ in range(draw(st.integers(1, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return {**FILES, name: bytes(data)}


@st.composite
def json_mutations(draw):
    name = draw(st.sampled_from(JSON_NAMES))
    doc = json.loads(FILES[name])
    path = draw(st.sampled_from(list(_paths(doc))))
    doc = _replace(doc, path, draw(ODD_VALUES))
    return {**FILES, name: json.dumps(doc, ensure_ascii=False).encode("utf-8")}


def _answers(files):
    report = verify_files(files, check_signature=False)
    assert str(report).split("\n", 1)[0] in ("PASS", "FAIL")
    return report


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(byte_mutations())
def test_flipped_or_cut_bytes_get_a_verdict(files):
    _answers(files)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(json_mutations())
def test_a_value_of_another_shape_anywhere_gets_a_verdict(files):
    _answers(files)


@pytest.mark.parametrize("name", ["manifest.json", "result.json", "sources.json"])
def test_the_single_file_verifier_never_shows_a_traceback(tmp_path: Path, name: str) -> None:
    doc = json.loads(FILES[name])
    first = next(iter(doc))
    doc[first] = {"nested": [2**70, None]}
    kit = write_kit({**FILES, name: json.dumps(doc).encode()}, tmp_path / "kit")
    run = subprocess.run([sys.executable, "-I", str(bundle.HERE / "dist" / "verify_draw.py"), str(kit),
                          "--no-signature"], capture_output=True, text=True)
    verdict = {0: "PASS", 1: "FAIL"}.get(run.returncode, "crash")
    assert run.stdout.startswith(verdict) and "Traceback" not in run.stderr, run.stderr
