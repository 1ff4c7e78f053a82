"""Benchmark of the entity import: 1,000,000 CSV rows through services.import_entities.

Run: .venv/bin/python bench/import_entities.py [--rows N] [--pg-url URL] [--only pg|sqlite]
Generates realistic rows once (cached under var/bench/), then, on PostgreSQL (a dedicated bench
database, created and migrated here) and on SQLite (a temporary file), times three imports of the
same code path the job uses: into an empty table (all inserts), a changed copy of the file (all
updates) and that copy again (all unchanged). Prints rows/s for each, and the CPU seconds spent by
this process, the checking child process and the database backend: the box is shared, so wall time
depends on what else runs, while CPU time shows what the import itself needs. Not part of the tests.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "var" / "bench"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ssj_bench"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕德胜文"
WORDS = ["鑫源", "华泰", "宏达", "盛世", "金穗", "恒通", "瑞丰", "天中", "牡丹", "陶朱", "富民", "永兴", "佳禾",
         "鲁西", "曹州", "定兴", "福瑞", "安康", "顺达", "兴旺", "万家", "百信", "聚鑫", "博远"]
TRADES = [("食品", "1391"), ("商贸", "5299"), ("五金", "5174"), ("木业", "2021"), ("纺织", "1713"),
          ("农业", "0111"), ("建材", "3021"), ("餐饮", "6210"), ("超市", "5211"), ("药店", "5251"),
          ("汽修", "8111"), ("养殖", "0313"), ("物流", "5431"), ("印刷", "2319"), ("服装", "1811")]
VILLAGES = ["前李", "后王", "张庄", "刘楼", "孟庄", "马集", "高庄", "杜堂", "黄店", "冉固", "仿山", "半堤"]
STATUS = ["存续"] * 93 + ["注销"] * 4 + ["吊销"] * 2 + ["迁出"]
SCALES = ["微型"] * 70 + ["小型"] * 22 + ["中型"] * 6 + ["大型"] * 2
CREDIT = ["A"] * 20 + ["B"] * 60 + ["C"] * 15 + ["D"] * 5
HEADER = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "所属乡镇", "住所", "法定代表人", "成立日期",
          "登记状态", "规模", "信用风险分类"]


def generate(path: Path, rows: int, *, variant: int) -> None:
    """Write ``rows`` valid entities; variant 1 keeps the USCCs of variant 0 and changes other fields."""
    from shuangsuiji.directory import uscc

    towns = [line.split(",")[1].strip('"') for line in (ROOT / "data" / "dingtao_towns_2023.csv").read_text(
        encoding="utf-8").splitlines()[1:]]
    rng = random.Random(2026 + variant)
    digits = uscc.ALPHABET
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            n, body = i, ""
            for _ in range(6):
                n, r = divmod(n, 31)
                body = digits[r] + body
            body = "MA" + body
            roll = i % 100  # the type is tied to the code, so it must not change between variants
            kind, label = ("2", "个体工商户") if roll < 70 else ("3", "农民专业合作社") if roll < 72 else ("1", "企业")
            head = f"9{kind}371703{body}{uscc.org_check_char(body)}"
            code = head + uscc.check_char(head)
            word, (trade, industry) = rng.choice(WORDS), rng.choice(TRADES)
            town = rng.choice(towns)
            name = (f"定陶区{word}{trade}店" if kind == "2" else f"菏泽市定陶区{word}{trade}专业合作社" if kind == "3"
                    else f"菏泽市{word}{trade}有限公司")
            person = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            address = f"山东省菏泽市定陶区{town}{rng.choice(VILLAGES)}村{rng.randint(1, 300)}号"
            day = f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.writerow([code, name, label, industry, town, address, person, day, rng.choice(STATUS),
                          rng.choice(SCALES), rng.choice(CREDIT)])
    tmp.rename(path)


def cached_files(rows: int) -> tuple[Path, Path]:
    files = []
    for variant in (0, 1):
        path = CACHE / f"entities_{rows}_v{variant}.csv"
        if not path.exists():
            started = time.perf_counter()
            generate(path, rows, variant=variant)
            print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        files.append(path)
    return files[0], files[1]


def _migrated_with_actor():
    """Django set up on DATABASE_URL, migrated, with departments, towns and the bench office account."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangsuiji.settings")
    django.setup()
    from django.core.management import call_command

    from shuangsuiji.accounts.models import Role, User
    from shuangsuiji.accounts.reference import ensure_departments
    from shuangsuiji.directory.reference import load_towns

    call_command("migrate", verbosity=0)
    ensure_departments()
    load_towns()
    return User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", role=Role.OFFICE, display_name="bench")


def run_leg(label: str, files: tuple[Path, Path]) -> None:
    """Inside a process whose DATABASE_URL points at the bench database."""
    actor = _migrated_with_actor()
    from django.db import connection

    from shuangsuiji.directory import services
    from shuangsuiji.directory.models import Entity

    with connection.cursor() as cur:
        cur.execute("TRUNCATE directory_entity CASCADE" if connection.vendor == "postgresql"
                    else "DELETE FROM directory_entity")
    backend = _backend_pid(connection)
    for what, path in (("insert", files[0]), ("update", files[1]), ("unchanged", files[1])):
        before = _cpu(backend)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        outcome = services.import_entities(path, actor=actor)
        seconds = time.perf_counter() - started
        own, child, server = (b - a for a, b in zip(before, _cpu(backend), strict=True))
        print(f"{label:<10} {what:<9} {outcome.rows:>9,} rows in {seconds:6.1f} s = {outcome.rows / seconds:>9,.0f} rows/s"
              f"  (new {outcome.inserted:,}, updated {outcome.updated:,}, unchanged {outcome.unchanged:,})"
              f"  cpu s: this {own:.1f}, checking child {child:.1f}, database {server:.1f}; load avg {load:.1f}",
              flush=True)
    print(f"{label:<10} entities in table: {Entity.objects.count():,}")


def _backend_pid(connection) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _cpu(backend: int | None) -> tuple[float, float, float]:
    """CPU seconds so far: this process, its finished children (the checking process), the database backend.

    The machine is shared, so wall time depends on what else runs; CPU time shows what the import needs.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = 0.0
    if backend:
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # the database runs elsewhere
            pass
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime, server


def ensure_pg_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_directory(pg_url: str, rows: int):
    """Django on the bench database, migrated, with at least ``rows`` entities imported; returns the actor."""
    ensure_pg_database(pg_url)
    os.environ["DATABASE_URL"] = pg_url
    os.environ["SSJ_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    actor = _migrated_with_actor()
    from shuangsuiji.directory import services as directory_services
    from shuangsuiji.directory.models import Entity

    if Entity.objects.count() < rows:
        path, _ = cached_files(rows)
        directory_services.import_entities(path, actor=actor)
    return actor


def directory_bench(**extra: int):
    """The command line of a bench over the bench directory (--rows, --pg-url and ``extra`` integer options with
    their defaults), printed, and Django on that directory: returns (args, actor)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    for name, default in extra.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--pg-url", default=os.environ.get("SSJ_BENCH_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    return args, bench_directory(args.pg_url, args.rows)


def bench_item_and_officers(officers: int):
    """The bench's published 区市场监管局 item and, on first use, ``officers`` qualified officers.

    Returns (department, item, the officers created now — empty when they already existed)."""
    from shuangsuiji.accounts.models import Department
    from shuangsuiji.inspectors.models import Category, Inspector, InspectorKind, Qualification
    from shuangsuiji.items.models import InspectionItem, ItemClass, ItemList, ListStatus

    dept = Department.objects.get(code="scjgj")
    item_list, _ = ItemList.objects.get_or_create(department=dept, version=900, defaults={
        "title": "bench", "status": ListStatus.PUBLISHED})
    item, _ = InspectionItem.objects.get_or_create(item_list=item_list, code="BENCH0000001", defaults={
        "category": "bench", "name": "bench 食品经营条件检查", "object_type": "食品经营者",
        "item_class": ItemClass.KEY, "department": dept, "basis": "《中华人民共和国食品安全法》第八十七条"})
    people = []
    if not Inspector.objects.filter(qualifications__domain="bench").exists():
        people = Inspector.objects.bulk_create(
            Inspector(name=f"基准{i}", department=dept, kind=InspectorKind.OFFICER, category=Category.CIVIL_SERVANT,
                      cert_no=f"鲁菏定98{i:05d}", phone="13800000000", id_number="371727199001011232")
            for i in range(officers))
        Qualification.objects.bulk_create(Qualification(inspector=p, domain="bench") for p in people)
    return dept, item, people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("SSJ_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--leg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = cached_files(args.rows)
    if args.leg:
        run_leg(args.leg, files)
        return
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"cpu: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    legs = []
    if args.only in (None, "pg"):
        ensure_pg_database(args.pg_url)
        legs.append(("postgresql", args.pg_url))
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            legs.append(("sqlite", f"sqlite:///{tmp}/bench.sqlite3"))
        for label, url in legs:
            env = {**os.environ, "DATABASE_URL": url, "SSJ_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
            subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--leg", label], env=env, check=True)


if __name__ == "__main__":
    main()
