"""Benchmark of `manage.py seed_demo`: a fresh database, the first run (whole district) and a re-run.

Run: .venv/bin/python bench/seed_demo.py [--entities N] [--database-url URL]
Default database: a new SQLite file in a temporary folder. Prints the wall time of each phase.
Not part of the test suite.
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


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=opts.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        seed = ["seed_demo"] + (["--entities", str(opts.entities)] if opts.entities else [])
        migrate = run(["migrate", "--noinput", "-v", "0"], env)
        first = run(seed, env)
        again = run(seed, env)
        noop = run(["check"], env)  # Django start-up alone, to read the re-run against
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"migrate {migrate:.1f} s · seed_demo first run {first:.1f} s · re-run {again:.1f} s "
          f"(Django start-up alone {noop:.1f} s)")


if __name__ == "__main__":
    main()
