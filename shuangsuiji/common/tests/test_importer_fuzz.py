"""Issue 26: random and mutated spreadsheets through every importer — a precise refusal or rows, never a
crash and never a hang.

Hypothesis starts from real files (a province item list .xlsx, an item CSV, a directory CSV, a roster .xlsx)
and flips or cuts their bytes, or writes CSV text of random cells; each importer reads the result as its job
does. The only exception allowed out is the shared ``FileRefused``; an alarm fails a read that takes longer
than ``HANG_SECONDS``. Memory is measured by bench/hostile_files.py, not here.
"""

from __future__ import annotations

import io
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.common.spreadsheet import FileRefused
from shuangsuiji.directory import importer as directory_importer
from shuangsuiji.inspectors import importer as roster_importer
from shuangsuiji.inspectors.importer import TEMPLATE_COLUMNS
from shuangsuiji.items import importer as item_importer
from shuangsuiji.items.models import ListKind
from shuangsuiji.items.testing import RANDOM_CSV, SAMPLES_DIR

HANG_SECONDS = 20
EXAMPLES = int(os.environ.get("SSJ_FUZZ_EXAMPLES", "15")) * 2


def _roster_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(TEMPLATE_COLUMNS)
    book.active.append(["张三", "区市场监督管理局", "执法检查人员", "行政执法类公务员", "鲁菏定1200001"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SEEDS = {
    "items xlsx": (SAMPLES_DIR / "province_items_2020.xlsx").read_bytes(),
    "items csv": RANDOM_CSV.read_bytes()[: RANDOM_CSV.read_bytes().index(b"\n", 6000) + 1],
    "directory csv": (SAMPLES_DIR / "directory_gb18030_bom.csv").read_bytes(),
    "roster xlsx": _roster_xlsx(),
}


@contextmanager
def no_hang():
    def alarm(*_):
        raise AssertionError(f"reading took longer than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_items(path: Path) -> None:
    item_importer.attribute(item_importer.parse(item_importer.read_table(path), ListKind.RANDOM), scope=None,
                       departments=[])


def read_directory(path: Path) -> None:
    with directory_importer.open_table(path) as table:
        checker = directory_importer.RowChecker(table.header)
        for _ in checker.rows(table.numbered()):
            pass


def read_roster(path: Path) -> None:
    roster_importer.check_rows(None, roster_importer.read_table(path), None)


IMPORTERS = {"items": read_items, "directory": read_directory, "roster": read_roster}


def run_all(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    for read in IMPORTERS.values():
        with no_hang():
            try:
                read(path)
            except FileRefused as exc:
                assert exc.message and not exc.message.isascii()


@st.composite
def mutated(draw):
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


CELL = st.one_of(st.text(max_size=12), st.sampled_from(["统一社会信用代码", "名称", "姓名", "抽查事项", "检查对象",
                                                        "抽查类别", "事项类别", "=1+1", "\"", "\r\n", "91371703MA3FFT365K"]))


@st.composite
def random_csv(draw):
    rows = draw(st.lists(st.lists(CELL, max_size=8), max_size=8))
    text = "\n".join(",".join(row) for row in rows)
    return text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-8-sig"])), "replace")


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=mutated())
def test_mutated_real_files_get_rows_or_a_chinese_refusal(tmp_path_factory, data):
    run_all(tmp_path_factory.mktemp("fuzz"), data)


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=random_csv())
def test_random_csv_gets_rows_or_a_chinese_refusal(tmp_path_factory, data):
    run_all(tmp_path_factory.mktemp("fuzz"), data)
