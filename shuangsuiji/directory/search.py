"""Public business look-up: by part of the name (two characters or more) or by part of the USCC.

On PostgreSQL a GIN index over each name's character bigrams (migration 0007) serves "name contains"
for any fragment of two or more characters, which neither a B-tree nor pg_trgm (three characters) can;
SQLite scans, which is fine at the embedded default's size.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Entity

MIN_LENGTH = 2
MAX_LENGTH = 50
PAGE_SIZE = 20
COUNT_CAP = 1000
_USCC_PART = re.compile(r"^[0-9A-Z]{4,18}$")
# The indexed expression (migration 0007): name and code, one separator no query can contain.
GRAMS_EXPRESSION = 'ssj_bigrams(upper("directory_entity"."name" || chr(31) || "directory_entity"."uscc"))'


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
    """Entities whose name contains the query (letters in any case), or whose USCC contains it."""
    query = check(query)
    condition = Q(name__icontains=query)
    if _USCC_PART.match(query.upper()):
        condition |= Q(uscc__contains=query.upper())
    qs = Entity.objects.filter(condition)
    if connection.vendor == "postgresql":
        # The index condition: every bigram of the query is among the name's or the code's bigrams.
        qs = qs.extra(where=[f"{GRAMS_EXPRESSION} @> ssj_bigrams(upper(%s))"], params=[query])
    return qs.order_by("id")


@dataclass
class Page:
    rows: list[Entity]
    number: int
    has_next: bool
    total: int
    capped: bool


def page(query: str, number: int) -> Page:
    """One page of matches (1-based) and a count capped at COUNT_CAP."""
    qs = matching(query)
    start = (number - 1) * PAGE_SIZE
    rows = list(qs.select_related("township").only(
        "uscc", "name", "entity_type", "status", "registered_on", "township__name")[start:start + PAGE_SIZE + 1])
    total = qs[:COUNT_CAP + 1].count()
    return Page(rows=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE,
                total=min(total, COUNT_CAP), capped=total > COUNT_CAP)
