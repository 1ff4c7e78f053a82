"""Turning a draw's scope into the pool: which entities, in which stratum, under which public label."""

from __future__ import annotations

import bisect
import secrets
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

from shuangsuiji.common.errors import Refused
from shuangsuiji.directory.models import CreditClass, CreditList, Entity, EntityType, SubLibrary

# Dimensions a draw may be stratified by: field, label, and whether its values are internal.
STRATA = {
    "credit_class": ("credit_class", "信用风险分类", True),
    "credit_list": ("credit_list", "信用奖惩名单", True),
    "entity_type": ("entity_type", "主体类型", False),
    "township": ("township_id", "乡镇（街道）", False),
    "industry_section": ("industry_id", "行业门类", False),
}
FILTERS = ("entity_type", "township", "industry", "scale", "credit_class")


class ScopeError(Refused):
    """A scope the user must correct (message in Chinese)."""


def check_scope(scope) -> None:
    """Refuse, naming the field, a scope whose shape is wrong (it comes from API callers as JSON)."""
    if not isinstance(scope, dict):
        raise ScopeError("scope 应为对象，如 {\"filters\": {\"township\": [\"…\"]}}")
    lib_id = scope.get("sublibrary")
    if lib_id not in (None, "") and not (isinstance(lib_id, int) and not isinstance(lib_id, bool) and 0 < lib_id < 2**63
                                         or isinstance(lib_id, str) and lib_id.isdigit() and 0 < int(lib_id) < 2**63):
        raise ScopeError("scope.sublibrary 应为名录分库的编号（正整数）")
    filters = scope.get("filters") or {}
    if not isinstance(filters, dict):
        raise ScopeError("scope.filters 应为“条件名: 取值列表”的对象")
    for name, values in filters.items():
        if not isinstance(values, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            raise ScopeError(f"scope.filters.{name} 应为取值的列表，如 [\"…\"]")


def scope_queryset(scope: dict) -> QuerySet[Entity]:
    """The drawable entities a scope covers: only 存续 entities ever enter a pool."""
    check_scope(scope)
    qs = Entity.objects.drawable()
    lib_id = scope.get("sublibrary")
    if lib_id:
        try:
            library = SubLibrary.objects.get(pk=lib_id)
        except SubLibrary.DoesNotExist:
            raise ScopeError(f"名录分库 {lib_id} 不存在") from None
        qs = qs.filter(pk__in=library_entities(library).values("pk"))
    filters = scope.get("filters") or {}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ScopeError(f"不支持的筛选条件：{'、'.join(sorted(unknown))}")
    if filters.get("entity_type"):
        qs = qs.filter(entity_type__in=filters["entity_type"])
    if filters.get("township"):
        qs = qs.filter(township_id__in=filters["township"])
    if filters.get("scale"):
        qs = qs.filter(scale__in=filters["scale"])
    if filters.get("credit_class"):
        qs = qs.filter(credit_class__in=filters["credit_class"])
    if filters.get("industry"):
        from django.db.models import Q

        q = Q()
        for prefix in filters["industry"]:
            q |= Q(industry__code__startswith=prefix)  # the join is trimmed: code is the key
        qs = qs.filter(q)
    return qs


def library_entities(library: SubLibrary) -> QuerySet[Entity]:
    """A sub-library's entities, whether it is a saved filter or an explicit list."""
    method = getattr(library, "entities", None)
    if callable(method):
        return method()
    if library.kind == "list":
        return library.members.all()
    return scope_queryset({"filters": library.rule or {}})


def _section_of(industry_code: str | None, sections: dict[str, str]) -> str:
    if not industry_code:
        return "未知"
    return sections.get(industry_code[:2], "未知")


def stratum_values(strata_by: list[str]) -> list[str]:
    """The stratum fields of ``strata_by``, refused in Chinese when one is not supported."""
    unknown = [s for s in strata_by if s not in STRATA]
    if unknown:
        raise ScopeError(f"不支持的分层依据：{'、'.join(unknown)}")
    return [STRATA[s][0] for s in strata_by]


@dataclass(frozen=True)
class PoolTable:
    """A scope's entities sorted by USCC (code point order), each with the raw value(s) of its stratum
    fields; ``internal`` names the internal stratum of every raw value that occurs."""

    ids: list[str]
    keys: list[Any] | None  # parallel to ``ids``; None when the draw is not stratified
    internal: dict[Any, str]

    def stratum(self, index: int) -> str:
        """The internal stratum of ``ids[index]``."""
        return self.internal[self.keys[index]] if self.keys is not None else ALL

    def find(self, uscc: str) -> int | None:
        """The position of ``uscc`` in ``ids``, or None when it is not in the pool."""
        i = bisect.bisect_left(self.ids, uscc)
        return i if i < len(self.ids) and self.ids[i] == uscc else None


ALL = "全部"


def _fetch_rows(qs: QuerySet) -> list[tuple]:
    """Every row of a values_list queryset as plain tuples, in one query, without model instances or
    Django's 100-row fetches. A client-side cursor (not ``.iterator()``, whose server-side cursor keeps
    PostgreSQL from scanning in parallel); the database does not sort, the caller does."""
    qs = qs.order_by()
    compiler = qs.query.get_compiler(using=qs.db)
    chunks = compiler.execute_sql(MULTI, chunk_size=FETCH_CHUNK)
    return list(compiler.results_iter(chunks, tuple_expected=True))


FETCH_CHUNK = 50_000


def pool_table(scope: dict, strata_by: list[str]) -> PoolTable:
    """The pool of a scope as a sorted USCC list with each entity's stratum (one query, one sort).

    Stratum names are worked out once per distinct raw value rather than once per entity."""
    fields = stratum_values(strata_by)
    rows = _fetch_rows(scope_queryset(scope).values_list("uscc", *fields))
    # USCCs are unique, so sorting the rows sorts by USCC alone: code point order, as str compares.
    rows.sort()
    ids = list(map(itemgetter(0), rows))
    if not strata_by:
        return PoolTable(ids, None, {})
    keys = list(map(itemgetter(1) if len(fields) == 1 else itemgetter(slice(1, None)), rows))
    del rows
    sections: dict[str, str] = {}
    if "industry_section" in strata_by:
        from shuangsuiji.directory.models import Industry

        sections = dict(Industry.objects.filter(level="division").values_list("code", "parent_id"))
    type_labels = dict(EntityType.choices)
    mappers = {
        "industry_section": lambda v: _section_of(v, sections),
        "entity_type": lambda v: type_labels.get(v, v or "未知"),
        "credit_class": lambda v: v or "未分类",
        "credit_list": lambda v: LIST_LAYERS.get(v, v),
        "township": lambda v: v or "未知",
    }
    if len(strata_by) == 1:
        one = mappers[strata_by[0]]
        internal = {v: one(v) for v in set(keys)}
    else:
        maps = [mappers[d] for d in strata_by]
        internal = {vs: "|".join(m(v) for m, v in zip(maps, vs, strict=True)) for vs in set(keys)}
    return PoolTable(ids, keys, internal)


def public_labels(internal: list[str], strata_by: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Public stratum names: internal credit classes are replaced by neutral codes (分类不公开).

    The codes are assigned in a secret random order (kept in ``Draw.strata_map``), so "层1" does not
    mean class A; names never affect any ticket. ``mapping`` (public → internal) reuses a frozen one.
    """
    if not any(STRATA[s][2] for s in strata_by):
        return {name: name for name in internal}
    if mapping:
        return {v: k for k, v in mapping.items()}
    order = list(internal)
    secrets.SystemRandom().shuffle(order)
    return {name: f"层{i}" for i, name in enumerate(order, start=1)}


CREDIT_LABELS = dict(CreditClass.choices)
# A 风险分类联查's layers by joint list: the per-stratum rules of its two lists are keyed by these names.
LIST_LAYERS = {CreditList.NONE: "一般", CreditList.PUNISHED: CreditList.PUNISHED.label,
               CreditList.TRUSTED: CreditList.TRUSTED.label}
