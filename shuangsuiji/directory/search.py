"""Public business look-up: by part of the name (two characters or more) or by part of the USCC.

On PostgreSQL a GIN index over the character bigrams of each entity's name and code serves "contains"
for any fragment of two or more characters, which neither a B-tree nor pg_trgm (three characters) can.
The bigrams live in a side table (migration 0007) that ``refresh`` brings up to date after an import or
an edit, so a million-row import does not maintain a GIN index row by row; until then a new or renamed
business is missing from the look-up. SQLite scans, which suits the embedded default's size.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Entity

MIN_LENGTH = 2
MAX_LENGTH = 50
PAGE_SIZE = 20
COUNT_CAP = 200  # beyond this, "more than 200: type more characters" (nobody pages further)
_USCC_PART = re.compile(r"^[0-9A-Z]{4,18}$")
# What the bigrams are taken from: name and code in capitals, with a separator no query can contain.
SOURCE = "upper(e.name || chr(31) || e.uscc)"


class SearchError(ValueError):
    """A query the look-up cannot serve, worded for the user."""


def normalise(raw: str) -> str:
    """Full-width letters and digits become half-width, runs of blanks one space, no control characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(text.split())


def check(query: str) -> str:
    """The normalised query, or a plain refusal."""
    query = normalise(query)
    if len(query) < MIN_LENGTH:
        raise SearchError(f"请至少输入 {MIN_LENGTH} 个字（名称中的连续两个字，或统一社会信用代码的一部分）。")
    if len(query) > MAX_LENGTH:
        raise SearchError(f"查询内容不超过 {MAX_LENGTH} 个字（现为 {len(query)} 个）。")
    return query


def matching(query: str) -> QuerySet[Entity]:
    """Entities whose name contains the query (Latin letters as typed or in capitals), or whose USCC does."""
    query = check(query)
    # ``name LIKE`` rather than ``UPPER(name) LIKE``: the column's statistics let PostgreSQL see that 定陶
    # matches most of the directory (walk the primary key, stop after a page) and 鑫源食品 a few (use the
    # bigram index), where an expression without statistics made it guess the same for both.
    condition = Q(name__contains=query)
    if query.upper() != query:
        condition |= Q(name__contains=query.upper())
    if _USCC_PART.match(query.upper()):
        condition |= Q(uscc__contains=query.upper())
    qs = Entity.objects.filter(condition)
    if connection.vendor == "postgresql":
        # Every bigram of the query is among the name's or the code's bigrams (the GIN index's condition).
        qs = qs.filter(id__in=RawSQL("SELECT entity_id FROM directory_entity_grams WHERE grams @> "
                                     "ssj_bigrams(upper(%s))", [query]))
    return qs.order_by("id")


def refresh(entity_ids=None) -> int:
    """Bring the bigram table up to date (PostgreSQL; nothing to do on SQLite): rows whose name or code
    changed or that are new, or only the given entities. Returns how many rows were written."""
    if connection.vendor != "postgresql":
        return 0
    only = "AND e.id = ANY(%s)" if entity_ids is not None else ""
    params = [list(entity_ids)] if entity_ids is not None else []
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO directory_entity_grams (entity_id, source, grams)
            SELECT e.id, {SOURCE}, ssj_bigrams({SOURCE}) FROM directory_entity e
            LEFT JOIN directory_entity_grams g ON g.entity_id = e.id
            WHERE g.source IS DISTINCT FROM {SOURCE} {only}
            ON CONFLICT (entity_id) DO UPDATE SET source = EXCLUDED.source, grams = EXCLUDED.grams""", params)
        written = cur.rowcount
        if written > 10_000:
            cur.execute("ANALYZE directory_entity_grams")
    return written


@dataclass
class Page:
    rows: list[Entity]
    number: int
    has_next: bool
    total: int
    capped: bool


def page(query: str, number: int) -> Page:
    """One page (1-based) of at most COUNT_CAP matches, in code order. One unordered query finds up to
    COUNT_CAP + 1 ids, so the database stops as soon as it has them (ordering every match first made
    a common fragment read tens of thousands of rows); beyond the cap the page says to type more."""
    qs = matching(query).order_by()
    found = list(qs.values_list("id", flat=True)[:COUNT_CAP + 1])
    ids = sorted(found)[:COUNT_CAP]
    start = (number - 1) * PAGE_SIZE
    rows = list(Entity.objects.filter(pk__in=ids[start:start + PAGE_SIZE]).select_related("township").only(
        "uscc", "name", "entity_type", "status", "registered_on", "township__name").order_by("id"))
    return Page(rows=rows, number=number, has_next=start + PAGE_SIZE < len(ids), total=len(ids),
                capped=len(found) > COUNT_CAP)
