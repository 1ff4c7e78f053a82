"""How fast, and in how much memory, each importer refuses a hostile spreadsheet (issue 25).

Run: .venv/bin/python bench/hostile_files.py [--cells 5000000]
Writes two one-row workbooks of ``--cells`` cells: "wide" with varied numbers (it passes the unpacked-ratio
check, so only the reader's width scan stops it) and "bomb" with one repeated cell (stopped by the ratio
check). Each importer reads each file in a fresh process, which prints the seconds to the refusal and its
own peak RSS. Target: refused in ≤ 2 s with bounded memory. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IMPORTERS = ("items", "directory", "inspectors")


def refuse(importer: str, path: Path) -> None:
    """Child process: open ``path`` with one importer's reader and print the outcome."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    import django

    django.setup()
    from shuangsuiji.common.spreadsheet import FileRefused

    start = time.perf_counter()
    try:
        if importer == "items":
            from shuangsuiji.items.importer import read_table

            read_table(path)
        elif importer == "directory":
            from shuangsuiji.directory.importer import open_table

            with open_table(path) as table:
                for _ in table.rows:
                    pass
        else:
            from shuangsuiji.inspectors.importer import read_table

            read_table(path)
        outcome = "READ (not refused)"
    except FileRefused as exc:
        outcome = f"refused: {exc.message}"
    took = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux keeps the parent's high-water mark in ru_maxrss across fork and exec.
    status = Path("/proc/self/status").read_text()
    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    print(f"{importer:>10}: {took:5.2f} s, peak RSS {peak:5.0f} MB — {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=5_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        refuse(args.child[0], Path(args.child[1]))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    import django

    django.setup()
    from shuangsuiji.items.samples import write_wide_row_xlsx

    tmp = Path(tempfile.mkdtemp(prefix="ssj-hostile-"))
    for label, varied in (("wide", True), ("bomb", False)):
        path = tmp / f"{label}.xlsx"
        write_wide_row_xlsx(path, args.cells, varied=varied)
        print(f"{label}: one row of {args.cells:,} cells, {path.stat().st_size / 1024:,.0f} KB")
        for importer in IMPORTERS:
            subprocess.run([sys.executable, __file__, "--child", importer, str(path)], check=True)
    print(f"command: .venv/bin/python bench/hostile_files.py --cells {args.cells}")


if __name__ == "__main__":
    main()
