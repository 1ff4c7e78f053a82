"""Benchmark of the item-list import: the shipped Hainan files and a list at the 20,000-row limit.

Run: .venv/bin/python bench/items_import.py [--rows 20000]
Uses a temporary SQLite database (migrated here) and the same code path the import job uses
(services.run_import). Prints seconds and rows/s per file. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ssj-items-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from shuangsuiji.accounts.testing import make_personas
    from shuangsuiji.items import services
    from shuangsuiji.items.testing import JOINT_CSV, RANDOM_CSV, RANDOM_HEADER, SAMPLES_DIR

    office = make_personas().office
    big = tmp / "big.csv"
    with big.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(RANDOM_HEADER)
        for n in range(args.rows):
            writer.writerow(["省市场监管局", n // 10, f"类别{n // 10}", f"抽查事项{n}", "企业", "一般检查事项",
                             "现场检查", "县级以上市场监管部门", "《食品安全法》第一百一十条\n《办法》"])
    cases = [("random csv", RANDOM_CSV, "random"), ("random xls", SAMPLES_DIR / "hainan_random_2020.xls", "random"),
             ("random gb18030", SAMPLES_DIR / "hainan_random_2020_gb18030.csv", "random"),
             ("joint xlsx", SAMPLES_DIR / "hainan_joint_v2.xlsx", "joint"), ("joint csv", JOINT_CSV, "joint"),
             (f"{args.rows} rows csv", big, "random")]
    for label, path, kind in cases:
        start = time.perf_counter()
        outcome = services.import_file(path, kind=kind, level="province", actor=office)
        took = time.perf_counter() - start
        assert outcome.ok, outcome.message
        print(f"{label:>18}: {outcome.rows_read:>6} rows read, {outcome.imported:>6} imported in {took:6.2f} s "
              f"({outcome.rows_read / took:8.0f} rows/s)")
    from shuangsuiji.items import importer

    best = min(_timed(lambda: importer.parse(importer.read_table(big), "random")) for _ in range(5))
    print(f"{args.rows} rows read, checked and folded (no writing), best of five: {best:.2f} s")
    print(f"command: .venv/bin/python bench/items_import.py --rows {args.rows}")


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
