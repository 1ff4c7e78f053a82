"""Writing checked entity rows in bulk: new USCCs inserted, existing ones updated where something changed.

``load`` takes the stream of checked row tuples from ``importer.RowChecker.rows`` and returns the
counts. Everything it writes happens in one transaction, which ``finish`` (the caller's audit event)
joins; if the checker found any bad row or repeated USCC, ``finish`` is never reached and nothing stays.

PostgreSQL (docs/adr/0005): the import locks the entity table against other writers (readers go on)
and reads the existing USCCs. A forked child process then reads and checks the file and hands over
finished COPY text a chunk at a time, while this process ``COPY``s new entities straight into the
table and existing ones into a temporary staging table followed by one ``UPDATE … FROM`` that rewrites
only rows that changed: checking and PostgreSQL each keep one core busy. Progress is written from a
thread of its own, hence on its own connection, so the job page sees it while the import's
transaction is still open.

SQLite: one writer at a time, so the staging table is filled outside the import transaction, a chunk
per short transaction with progress in between, and merged with one
``INSERT … SELECT … ON CONFLICT (uscc) DO UPDATE`` at the end.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import multiprocessing
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from .models import Entity, EntityChange

FIELDS = ("uscc", "name", "entity_type", "industry", "township", "address", "legal_rep", "registered_on",
          "status", "scale", "credit_class")
STAGE = "ssj_entity_stage"
# Rows per COPY (PostgreSQL) or per staging transaction (SQLite): small enough that the first and the
# last chunk, which checking and writing cannot overlap, cost little; large enough to make per-statement
# costs negligible.
CHUNK_ROWS = 20_000
# Above this many existing entities, PostgreSQL merges every row through the staging table instead of
# keeping the existing USCCs in memory (about 90 MB per million).
MAX_EXISTING_IN_MEMORY = 3_000_000
# COPY's NULL marker: a control character the checker removes from every text, so no escaping is needed
# but for backslashes.
PG_NULL = "\x1f"
_COLUMN = {f: Entity._meta.get_field(f).column for f in FIELDS}  # industry → industry_id
TABLE = Entity._meta.db_table
Rows = Iterator[tuple]
Progress = Callable[..., None]


def null_value() -> str | None:
    """What an empty code or date is in a row tuple for this database's loader."""
    return PG_NULL if connection.vendor == "postgresql" else None


@dataclass
class MergeCounts:
    """What a load did: new USCCs inserted, existing ones changed, existing ones already identical."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: MergeCounts) -> MergeCounts:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged


class Rejected(Exception):
    """The checker found problems: the caller reports them; the transaction has been rolled back."""


class Guarded(Exception):
    """The file would change a column the importer may not change for existing entities; nothing stays.

    ``found`` holds (uscc, {field: (stored, imported)}) for the first rows found.
    """

    def __init__(self, found: list[tuple[str, dict[str, tuple]]]):
        super().__init__(f"{len(found)} rows change guarded columns")
        self.found = found


MAX_GUARDED_REPORTED = 200
CHANGES = EntityChange._meta.db_table
# The columns that decide who can be drawn; their changes are also kept per business (EntityChange).
STEERING = ("status", "credit_class")


class ChangeLog:
    """Every existing entity an import changes, one line each: the USCC, then each imported column before and
    after (PostgreSQL's COPY text format), gzip'd and written while the import runs. The SHA-256 of the lines
    and their count go into the import's audit event, so the hash chain covers every changed row; the file is
    kept only if the import commits."""

    def __init__(self, path: Path, batch: str):
        self.path, self.batch = Path(path), batch
        self.part = self.path.with_name(self.path.name + ".part")
        self.sha, self.rows, self.file = hashlib.sha256(), 0, None

    def start(self, fields: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = gzip.open(self.part, "wb", compresslevel=1)
        header = "\t".join(["uscc", *(f"{f}{side}" for f in fields for side in (":before", ":after"))]) + "\n"
        self.file.write(header.encode("ascii"))  # names the columns; not part of the digest or the count

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.file.write(data)
        self.rows += data.count(b"\n")

    def keep(self) -> None:
        self.file.close()
        self.part.rename(self.path)

    def discard(self) -> None:
        if self.file is not None and not self.file.closed:
            self.file.close()
        self.part.unlink(missing_ok=True)


def _tsv(value) -> str:
    """One value in COPY's text format, as PostgreSQL writes it (SQLite's change log matches)."""
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def load(rows: Rows, checker, *, progress: Progress | None = None,
         finish: Callable[[MergeCounts], None] = lambda counts: None, log: ChangeLog | None = None,
         guarded: tuple[str, ...] = ()) -> MergeCounts:
    """Write every checked row, or raise Rejected when the checker found problems.

    Each existing entity that changes is written to ``log``; when the file would change one of the
    ``guarded`` fields of an existing entity, Guarded is raised and nothing stays.
    """
    loader = _PostgresPipeline if connection.vendor == "postgresql" else _SqliteStaging
    return loader(checker, progress, log, guarded).run(rows, finish)


def _changed_columns(present: tuple[str, ...]) -> list[str]:
    """Columns an existing entity takes from the file: those the file has (a USCC never changes)."""
    return [_COLUMN[f] for f in present if f != "uscc"]


class _Loader:
    def __init__(self, checker, progress: Progress | None, log: ChangeLog | None = None,
                 guarded: tuple[str, ...] = ()):
        self.checker = checker
        self.progress = progress
        self.changed = _changed_columns(checker.present)
        self.log = log
        self.guarded = guarded
        if log is not None:
            log.start([f for f in checker.present if f != "uscc"])

    def before_merge(self, cur, capture: bool = True) -> None:
        """With the staging table holding this chunk's existing entities: refuse guarded changes, then write
        every row that will change (USCC, before and after of each imported column) to the change log, and
        the pool-steering columns' changes to ``EntityChange`` for the business's page."""
        pg = connection.vendor == "postgresql"
        differs_op = "IS DISTINCT FROM" if pg else "IS NOT"
        pairs = [(f, _COLUMN[f]) for f in self.checker.present if f != "uscc"]
        join = f"FROM {STAGE} s JOIN {TABLE} e ON e.uscc = s.uscc"
        guarded = [(f, c) for f, c in pairs if f in self.guarded]
        if guarded:
            values = ", ".join(f"e.{c}, s.{f}" for f, c in guarded)
            differs = " OR ".join(f"e.{c} {differs_op} s.{f}" for f, c in guarded)
            cur.execute(f"SELECT s.uscc, {values} {join} WHERE {differs} ORDER BY s.uscc LIMIT {MAX_GUARDED_REPORTED}")
            found = [(row[0], {f: (row[1 + 2 * i], row[2 + 2 * i]) for i, (f, _c) in enumerate(guarded)
                               if row[1 + 2 * i] != row[2 + 2 * i]})
                     for row in cur.fetchall()]
            if found:
                raise Guarded(found)
        if not pairs or self.log is None:
            return
        if capture:  # otherwise the UPDATE itself returns the changed rows (``_logged_update_sql``)
            differs = " OR ".join(f"e.{c} {differs_op} s.{f}" for f, c in pairs)
            self._log_rows(cur, f"SELECT s.uscc, {', '.join(f'e.{c}, s.{f}' for f, c in pairs)} {join} "
                                f"WHERE {differs}")
        steering = [(f, c) for f, c in pairs if f in STEERING]
        if steering:
            present = dict(steering)
            values = ", ".join(f"e.{present[f]}, s.{f}" if f in present else "'', ''" for f in STEERING)
            moved = " OR ".join(f"e.{c} {differs_op} s.{f}" for f, c in steering)
            cur.execute(f"INSERT INTO {CHANGES} (batch, uscc, status_before, status_after, credit_before, credit_after) "
                        f"SELECT %s, s.uscc, {values} {join} WHERE {moved}", [self.log.batch])

    def _log_rows(self, cur, query: str) -> None:
        """Append the rows ``query`` returns to the change log, in COPY's text format."""
        if connection.vendor == "postgresql":
            with cur.copy(f"COPY ({query}) TO STDOUT") as copy:
                for data in copy:
                    self.log.write(bytes(data))
            return
        cur.execute(query)
        while rows := cur.fetchmany(5000):
            self.log.write("".join("\t".join(map(_tsv, row)) + "\n" for row in rows).encode("utf-8"))

    def report(self, force: bool = False) -> None:
        if self.progress:
            done = self.checker.rows_checked
            self.progress(done, max(self.checker.estimated_rows, done), force=force)

    def refuse_if_bad(self) -> None:
        if self.checker.has_problems:
            raise Rejected


class _PostgresPipeline(_Loader):
    """Check in a forked child process, COPY in this one: each keeps a core busy, in one transaction."""

    def run(self, rows: Rows, finish: Callable[[MergeCounts], None]) -> MergeCounts:
        totals = MergeCounts()
        with transaction.atomic():
            raw = self._prepare()
            existing = self._existing(raw)
            # The child is forked before the progress thread starts: a fork copies no other thread.
            with self._checking(rows, existing) as chunks, _ProgressThread(self.report) as ticker:
                for new, n_new, old, n_old in chunks:
                    totals += self._write_chunk(raw, new, n_new, old, n_old, existing is None)
                    ticker.poke()
            self.refuse_if_bad()
            finish(totals)
        self.report(force=True)
        return totals

    @contextmanager
    def _checking(self, rows: Rows, existing: set[str] | None) -> Iterator[Iterator[tuple[bytes, int, bytes, int]]]:
        """COPY text for new and for existing entities, a chunk at a time, from a child process if possible.

        The child inherits the open file, the checker and the existing USCCs through fork(); it sends
        finished COPY text, so this process only waits on the pipe and on PostgreSQL and never competes
        with the checking for Python's GIL.
        """
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork() on this platform: check and write in turn
            yield ((m.new, m.n_new, m.old, m.n_old) for m in _produce(rows, self.checker, existing) if not m.refused)
            return
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(sender, rows, self.checker, existing), daemon=True)
        child.start()
        sender.close()
        try:
            yield self._receive(receiver)
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()

    def _receive(self, receiver) -> Iterator[tuple[bytes, int, bytes, int]]:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError as exc:
                raise RuntimeError("the checking process ended without a result") from exc
            if kind == "chunk":
                self.checker.rows_checked = payload.rows_checked
                if not payload.refused:
                    yield payload.new, payload.n_new, payload.old, payload.n_old
            elif kind == "done":
                self.checker.adopt(payload)
                return
            else:
                raise payload

    def _prepare(self):
        with connection.cursor() as cur:
            # Other writers wait (readers do not): the set of existing USCCs stays exact until commit.
            cur.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            # A chunk of existing entities is matched by probing the USCC index once per row. Right after a
            # big import the table's statistics are stale and the planner would hash the whole table for
            # every chunk instead (measured: 3× slower), so joins other than nested loops are off here.
            cur.execute("SET LOCAL enable_hashjoin = off")
            cur.execute("SET LOCAL enable_mergejoin = off")
            columns = ", ".join(f"{f} {'date' if f == 'registered_on' else 'text'}" for f in FIELDS)
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns}) ON COMMIT DROP")
        return connection.connection  # psycopg's own connection, for COPY

    def _existing(self, raw) -> set[str] | None:
        """The USCCs already in the table, or None when there are too many to hold (all rows go via staging)."""
        with raw.cursor() as cur:
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [TABLE])
            estimate = (cur.fetchone() or [0])[0]
            if estimate > MAX_EXISTING_IN_MEMORY:
                return None
            # One text value rather than a million rows: COPY TO or a cursor would hand them over one by one.
            cur.execute(f"SELECT string_agg(uscc, ',') FROM {TABLE}")
            joined = cur.fetchone()[0]
            existing: set[str] = set(joined.split(",")) if joined else set()
            return existing

    def _write_chunk(self, raw, new: bytes, n_new: int, old: bytes, n_old: int, all_old: bool) -> MergeCounts:
        counts = MergeCounts(inserted=n_new)
        with raw.cursor() as cur:
            if n_new:
                with cur.copy(f"COPY {TABLE} ({', '.join(_COLUMN[f] for f in FIELDS)}) FROM STDIN "
                              f"WITH (NULL '{PG_NULL}')") as copy:
                    copy.write(new)
            if n_old:
                cur.execute(f"TRUNCATE {STAGE}")
                with cur.copy(f"COPY {STAGE} FROM STDIN WITH (NULL '{PG_NULL}')") as copy:
                    copy.write(old)
                # With the codes held, the UPDATE itself returns the changed rows for the change log (one
                # join instead of two); merging through the upsert, the log is written beforehand.
                logged_update = self.log is not None and not all_old
                self.before_merge(cur, capture=not logged_update)
                if all_old:
                    # Too many existing entities to hold their codes: insert or update in one statement;
                    # xmax = 0 marks a freshly inserted row, so the same statement also counts.
                    cur.execute(f"WITH merged AS ({self._upsert_sql()} RETURNING (xmax = 0) AS inserted) "
                                "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
                                "FROM merged")
                    counts.inserted, counts.updated = cur.fetchone()
                    counts.unchanged = n_old - counts.inserted - counts.updated
                elif logged_update:
                    before = self.log.rows
                    self._log_rows(cur, self._logged_update_sql())
                    counts.updated = self.log.rows - before
                    counts.unchanged = n_old - counts.updated
                else:
                    cur.execute(self._update_sql())
                    counts.updated = cur.rowcount
                    counts.unchanged = n_old - counts.updated
        return counts

    def _upsert_sql(self) -> str:
        assign = ", ".join(f"{c} = excluded.{c}" for c in [*self.changed, "updated_at"])
        differs = " OR ".join(f"{TABLE}.{c} IS DISTINCT FROM excluded.{c}" for c in self.changed) or "false"
        return (f"INSERT INTO {TABLE} ({', '.join(_COLUMN[f] for f in FIELDS)}, updated_at) "
                f"SELECT {', '.join(FIELDS)}, now() FROM {STAGE} "
                f"ON CONFLICT (uscc) DO UPDATE SET {assign} WHERE {differs}")

    def _logged_update_sql(self) -> str:
        """The UPDATE, returning each changed row as the change log has it: USCC, then old and new per column."""
        pairs = [(f, _COLUMN[f]) for f in self.checker.present if f != "uscc"]
        assign = ", ".join(f"{c} = s.{f}" for f, c in pairs)
        differs = " OR ".join(f"e.{c} IS DISTINCT FROM s.{f}" for f, c in pairs)
        old = ", ".join(f"o.{c} AS old_{f}" for f, c in pairs)
        returned = ", ".join(f"s.old_{f}, s.{f}" for f, _c in pairs)
        return (f"UPDATE {TABLE} AS e SET {assign}, updated_at = now() "
                f"FROM (SELECT s.*, {old} FROM {STAGE} s JOIN {TABLE} o ON o.uscc = s.uscc) AS s "
                f"WHERE e.uscc = s.uscc AND ({differs}) RETURNING s.uscc, {returned}")

    def _update_sql(self) -> str:
        stage_value = {c: f"s.{f}" for f, c in _COLUMN.items()}
        assign = ", ".join(f"{c} = {stage_value[c]}" for c in self.changed)
        differs = " OR ".join(f"e.{c} IS DISTINCT FROM {stage_value[c]}" for c in self.changed) or "false"
        return (f"UPDATE {TABLE} AS e SET {assign}{', ' if assign else ''}updated_at = now() FROM {STAGE} AS s "
                f"WHERE e.uscc = s.uscc AND ({differs})")


@dataclass
class _Chunk:
    """One chunk as the checking side hands it over: COPY text, row counts, and whether the file is bad."""

    new: bytes
    n_new: int
    old: bytes
    n_old: int
    rows_checked: int
    refused: bool


def _produce(rows: Rows, checker, existing: set[str] | None) -> Iterator[_Chunk]:
    """Check rows a chunk at a time and format them for COPY, split into new and existing USCCs.

    Once the checker has found a problem the file will be refused, so the rest is only checked (for a
    complete report), not formatted.
    """
    while chunk := list(islice(rows, CHUNK_ROWS)):
        if checker.has_problems:
            yield _Chunk(b"", 0, b"", 0, checker.rows_checked, True)
            continue
        if existing is None:
            new, old = [], chunk
        else:
            new = [r for r in chunk if r[0] not in existing]
            old = [r for r in chunk if r[0] in existing] if len(new) < len(chunk) else []
        yield _Chunk(_copy_text(new), len(new), _copy_text(old), len(old), checker.rows_checked,
                     checker.has_problems)


def _child(sender, rows: Rows, checker, existing: set[str] | None) -> None:
    """The checking process: sends each chunk, then the checker's findings (or the exception that stopped it)."""
    # Every chunk keeps tens of thousands of row tuples alive, which makes the cyclic garbage collector
    # walk this (inherited, large) heap again and again: a third of the checking time. Nothing here
    # builds reference cycles, and the process ends with the import.
    gc.freeze()
    gc.disable()
    try:
        for message in _produce(rows, checker, existing):
            sender.send(("chunk", message))
        sender.send(("done", checker.findings()))
    except Exception as exc:  # the parent re-raises it inside its transaction
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that cannot be pickled
            sender.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        sender.close()


def _copy_text(rows: list[tuple]) -> bytes:
    """Rows in COPY's text format (empty for no rows).

    The checker leaves no tab, line break or control character in any value and writes empty codes
    and dates as PG_NULL, so only backslashes need escaping.
    """
    if not rows:
        return b""
    text = "\n".join(map("\t".join, rows)) + "\n"
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return text.encode("utf-8")


class _ProgressThread(threading.Thread):
    """Writes progress every half second from its own thread, so on a connection outside the import."""

    def __init__(self, report: Callable[..., None]):
        super().__init__(daemon=True)
        self._report = report
        self._wake = threading.Event()
        self._halt = threading.Event()

    def poke(self) -> None:
        self._wake.set()

    def __enter__(self) -> _ProgressThread:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        self._wake.set()
        self.join()

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                self._wake.wait(0.5)
                self._wake.clear()
                if not self._halt.is_set():
                    self._report(force=True)
        finally:
            connection.close()  # this thread's own connection


class _SqliteStaging(_Loader):
    """Fill the staging table in short transactions (progress in between), then merge in one statement."""

    def run(self, rows: Rows, finish: Callable[[MergeCounts], None]) -> MergeCounts:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(f"CREATE TEMPORARY TABLE {STAGE} ({', '.join(f'{f} text' for f in FIELDS)})")
        try:
            staged = 0
            marks = ", ".join("?" * len(FIELDS))
            while True:
                counter = _Counter(islice(rows, CHUNK_ROWS))
                with transaction.atomic():
                    raw = connection.connection.cursor()
                    try:
                        raw.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", counter)
                    finally:
                        raw.close()
                staged += counter.count
                self.report(force=True)
                if counter.count < CHUNK_ROWS:
                    break
            with transaction.atomic():
                self.refuse_if_bad()
                with connection.cursor() as cur:
                    self.before_merge(cur)
                    cur.execute(f"SELECT count(*) FROM {STAGE} s JOIN {TABLE} e ON e.uscc = s.uscc")
                    existing = cur.fetchone()[0]
                    cur.execute(self._upsert_sql(), [connection.ops.adapt_datetimefield_value(timezone.now())])
                    changed = cur.rowcount  # SQLite counts inserted and updated rows, not skipped ones
                inserted = staged - existing
                counts = MergeCounts(inserted, changed - inserted, existing - (changed - inserted))
                finish(counts)
            return counts
        finally:
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {STAGE}")

    def _upsert_sql(self) -> str:
        assign = ", ".join(f"{c} = excluded.{c}" for c in [*self.changed, "updated_at"])
        differs = " OR ".join(f"{TABLE}.{c} IS NOT excluded.{c}" for c in self.changed) or "false"
        columns = [_COLUMN[f] for f in FIELDS]
        return (f"INSERT INTO {TABLE} ({', '.join(columns)}, updated_at) SELECT {', '.join(FIELDS)}, %s "
                f"FROM {STAGE} WHERE true ON CONFLICT (uscc) DO UPDATE SET {assign} WHERE {differs}")


class _Counter:
    """Counts the rows an iterator hands to executemany."""

    def __init__(self, rows: Rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
