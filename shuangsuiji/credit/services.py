"""Credit-risk classes computed from what the platform holds and imports (issue 30).

``recompute`` rates every business under the scheme in force: its inspection history here (problems found and
clean inspections in the last three years, follow-ups open or late), the imported credit facts (经营异常名录,
严重违法失信名单, penalties, complaints, annual reports), its age and its industry's risk. It replaces every
rating, records each class that changed, and sets ``Entity.credit_class`` — which the draws stratify by — in
one transaction. A draw already committed keeps its frozen pool, so a recomputation never changes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from shuangsuiji.clues.models import Clue, Outcome, Source
from shuangsuiji.clues.models import Status as ClueStatus
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused
from shuangsuiji.directory.models import Entity, Industry
from shuangsuiji.results.models import FollowUp, ItemResult, PartStatus

from . import scoring
from .models import ClassChange, Facts, Rating, Scheme

RECOMPUTE_JOB = "credit.recompute"
CHUNK = 20_000
YEARS_3 = dt.timedelta(days=3 * 365 + 1)
YEAR = dt.timedelta(days=365)

# The scheme a fresh installation starts with (version 1); the office changes it on /credit/scheme/.
DEFAULT_RULES = {
    "classes": "ABCD",
    "weights": {
        "problems": {"points": 15, "cap": 3}, "clean": {"points": -5, "cap": 2},
        "followup_open": {"points": 10, "cap": 3}, "followup_late": {"points": 15, "cap": 3},
        "abnormal": {"points": 25}, "serious": {"points": 60}, "penalties": {"points": 10, "cap": 3},
        "complaints": {"points": 5, "cap": 4}, "annual_report_missing": {"points": 10},
        "new_business": {"points": 10}, "industry": {"points": 1},
    },
    "thresholds": {"A": 3, "B": 25, "C": 50},
    # GB/T 4754-2017 sections: food, lodging, mining, manufacturing and health carry the most risk.
    "industry_risk": {"A": 2, "B": 10, "C": 6, "D": 6, "E": 6, "F": 4, "G": 4, "H": 8, "I": 1, "J": 2, "K": 3,
                      "L": 2, "M": 1, "N": 2, "O": 4, "P": 4, "Q": 6, "R": 5, "S": 0, "T": 0},
    "direct": [],
}
# domain.md rule 11 (practice, configurable): A ≤ 5 %, B 5–20 %, C 21–60 %, D 61–100 %; no class at 0
# (管理不免抽). E (A–E schemes) is drawn in full.
DEFAULT_RATIOS = {"A": {"min": "1", "max": "5", "default": "3"}, "B": {"min": "5", "max": "20", "default": "10"},
                  "C": {"min": "21", "max": "60", "default": "30"}, "D": {"min": "61", "max": "100", "default": "80"},
                  "E": {"min": "100", "max": "100", "default": "100"},
                  # 失信联合惩戒对象 are drawn at no less than the task's highest class ratio, 守信激励对象 at no more
                  # than its lowest (plans.services checks), each in a layer of its own whatever its class.
                  "punished": {"min": "61", "max": "100", "default": "100"},
                  "trusted": {"min": "1", "max": "5", "default": "1"}}
LISTS = {"punished": "失信联合惩戒对象", "trusted": "守信激励对象"}


class CreditError(Refused):
    """Wrong input for the credit scheme or its facts, in Chinese; nothing was changed."""


def current_scheme() -> Scheme:
    """The scheme in force: the newest version (version 1, the defaults, on a fresh installation)."""
    scheme = Scheme.objects.order_by("-version").first()
    if scheme is None:
        scheme, _ = Scheme.objects.get_or_create(version=1, defaults={
            "rules": DEFAULT_RULES, "ratios": DEFAULT_RATIOS, "note": "初始方案（默认权重与阈值）"})
    return scheme


def ratio_ranges(scheme: Scheme | None = None) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Each class of the scheme in force → (min %, max %, default %) for a 风险分类联查's draw."""
    scheme = scheme or current_scheme()
    ratios = {**DEFAULT_RATIOS, **(scheme.ratios or {})}
    return {k: tuple(Decimal(ratios[k][part]) for part in ("min", "max", "default"))
            for k in scheme.rules.get("classes", "ABCD")}


def list_ranges(scheme: Scheme | None = None) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """失信联合惩戒对象 ("punished") and 守信激励对象 ("trusted") → (min %, max %, default %), as ``ratio_ranges``."""
    scheme = scheme or current_scheme()
    ratios = {**DEFAULT_RATIOS, **(scheme.ratios or {})}
    return {k: tuple(Decimal(ratios[k][part]) for part in ("min", "max", "default")) for k in LISTS}


def check_ratios(ratios: dict, classes: str) -> dict:
    """Per-class ratio ranges as percent strings, refused in words: every class above 0 (管理不免抽), min ≤ default
    ≤ max ≤ 100."""
    out = {}
    for klass in [*classes, *LISTS]:
        name = LISTS.get(klass) or f"{klass} 类"
        spec = ratios.get(klass) or {}
        try:
            low, high, default = (Decimal(str(spec[part])) for part in ("min", "max", "default"))
        except (KeyError, ArithmeticError, ValueError):
            raise CreditError(f"请为{name}填写抽取比例的下限、上限和默认值（百分数）。") from None
        if low <= 0:
            raise CreditError(f"{name}的抽取比例下限须大于 0：任何一类都不免于抽查（管理不免抽）。",
                              errors={f"min_{klass}": "须大于 0。"})
        if not low <= default <= high <= 100:
            raise CreditError(f"{name}的抽取比例应满足 下限 ≤ 默认 ≤ 上限 ≤ 100%。",
                              errors={f"default_{klass}": "应在下限与上限之间。"})
        out[klass] = {"min": f"{low.normalize():f}", "max": f"{high.normalize():f}",
                      "default": f"{default.normalize():f}"}
    return out


@transaction.atomic
def save_scheme(actor, rules: dict, note: str, ratios: dict | None = None) -> Scheme:
    """A new version of the scheme (the office only); earlier versions stay, as the ratings computed by them."""
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以修改信用风险分类方案。")
    try:
        checked = scoring.Scheme.from_json(rules)
    except scoring.SchemeError as exc:
        raise CreditError(str(exc)) from None
    if not note.strip():
        raise CreditError("请写明修订说明（为什么调整权重或阈值）。", errors={"note": "请写明修订说明。"})
    previous = Scheme.objects.select_for_update().order_by("-version").first() or current_scheme()
    ratios = check_ratios({**DEFAULT_RATIOS, **previous.ratios, **(ratios or {})}, checked.classes)
    scheme = Scheme.objects.create(version=previous.version + 1, rules=checked.to_json(), ratios=ratios,
                                   note=note.strip(), created_by=actor)
    audit.record(actor, "credit.scheme", scheme,
                 before={"version": previous.version, "rules": previous.rules, "ratios": previous.ratios},
                 after={"version": scheme.version, "rules": scheme.rules, "ratios": scheme.ratios, "note": scheme.note})
    return scheme


def sections() -> dict[str, str]:
    """Every GB/T 4754 code (any level) → its section letter."""
    parent = dict(Industry.objects.values_list("code", "parent_id"))
    out: dict[str, str] = {}

    def section(code: str) -> str:
        if code not in out:
            up = parent.get(code)
            out[code] = code if up is None else section(up)
        return out[code]

    for code in parent:
        section(code)
    return out


def history(on: dt.date) -> dict[int, Counter]:
    """What this platform's own inspections say of each inspected business as of ``on``: visits with and without
    problems (approved results of the last three years), follow-ups open and late, and complaints and reports
registered as clues in the last year (``_complaint_clues``)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(on - YEARS_3, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    facts: dict[int, Counter] = defaultdict(Counter)
    results = ItemResult.objects.filter(part__status__in=(PartStatus.APPROVED, PartStatus.PUBLISHED),
                                        part__reviewed_at__gte=start, part__reviewed_at__lt=end)
    followups = FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)
    visits = (results.values_list("part__visit__entity_id", "part__visit_id")
              .annotate(problems=Count("id", filter=Q(has_problem=True))).order_by())
    for entity_id, _visit, problems in visits:
        facts[entity_id]["problems" if problems else "clean"] += 1
    rows = followups.values_list("result__part__visit__entity_id", "due_on", "closed_at")
    for entity_id, due_on, closed_at in rows.iterator(chunk_size=CHUNK):
        closed_on = timezone.localtime(closed_at).date() if closed_at and closed_at < end else None
        if closed_on is None:
            facts[entity_id]["followup_open"] += 1
        if (closed_on or on) > due_on:
            facts[entity_id]["followup_late"] += 1
    for entity_id, count in _complaint_clues(on):
        facts[entity_id]["complaints"] = count
    return facts


def _complaint_clues(on: dt.date):
    """(business, complaints and reports registered as clues in the year up to ``on``): not those not accepted,
    merged into another or closed as 不属实."""
    return (Clue.objects.filter(source=Source.COMPLAINT, entity__isnull=False, received_on__gt=on - YEAR,
                                received_on__lte=on)
            .exclude(status__in=(ClueStatus.REJECTED, ClueStatus.MERGED)).exclude(outcome=Outcome.UNFOUNDED)
            .values_list("entity_id").annotate(n=Count("id")).order_by())


IMPORTED = ("abnormal", "serious", "penalties", "complaints", "annual_report_missing")


def facts_for(entity_id: int, registered_on, industry_id, on: dt.date, own: Counter | None,
              imported: dict | None, section_of: dict[str, str]) -> dict:
    facts: dict = dict(own or {})
    if imported:
        # The clue register and an imported count may hold the same 12315 complaints: the higher stands.
        facts.update({**imported, "complaints": max(imported.get("complaints") or 0, facts.get("complaints", 0))})
    facts["new_business"] = bool(registered_on and registered_on > on - dt.timedelta(days=365))
    facts["industry"] = section_of.get(industry_id or "", "")
    return facts


def _imported() -> dict[int, dict]:
    """The imported facts that weigh in a class, by business (only businesses with a Facts row)."""
    rows = Facts.objects.values_list("entity_id", *IMPORTED)
    return {row[0]: dict(zip(IMPORTED, row[1:], strict=True)) for row in rows}


def explain(entity: Entity) -> dict | None:
    """The business's rating with each factor in words, for its page (internal)."""
    rating = Rating.objects.filter(entity=entity).first()
    if rating is None:
        return None
    labels = scoring.LABELS
    parts = [{"label": labels.get(key, key), "value": _value_words(key, value), "points": points}
             for key, value, points in rating.parts]
    return {"rating": rating, "parts": parts, "direct": labels.get(rating.direct, ""),
            "changes": ClassChange.objects.filter(entity=entity).order_by("-on", "-id")[:10]}


def _value_words(key: str, value) -> str:
    kind = scoring.FACTORS.get(key, ("", "count"))[1]
    if kind == "flag":
        return "是" if value else "否"
    if kind == "industry":
        return f"门类 {value}" if value else "未知"
    return str(value)


def recompute(actor=None, *, on: dt.date | None = None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Rate every business under the scheme in force, as of ``on`` (today), in one transaction: the ratings are
    replaced (COPY on PostgreSQL), then one statement records every class that changed and one sets them."""
    on = on or timezone.localdate()
    scheme = current_scheme()
    rules = scoring.Scheme.from_json(scheme.rules)
    section_of = sections()
    own = history(on)
    imported = _imported()
    total = Entity.objects.count()
    now = timezone.now()
    classes: Counter = Counter()
    # Most businesses have no facts beyond their age and industry: one rating per (industry, age) serves them all.
    plain: dict[tuple, tuple[scoring.Rating, str]] = {}
    done = 0
    with transaction.atomic():
        writer = _RatingWriter(scheme.version, now)
        rows = Entity.objects.order_by().values_list("id", "registered_on", "industry_id")
        for entity_id, registered_on, industry_id in rows.iterator(chunk_size=CHUNK):
            facts = facts_for(entity_id, registered_on, industry_id, on, own.get(entity_id),
                              imported.get(entity_id), section_of)
            if entity_id in own or entity_id in imported:
                rated = scoring.rate(facts, rules)
                parts = _parts_json(rated)
            else:
                key = (facts["industry"], facts["new_business"])
                if key not in plain:
                    one = scoring.rate(facts, rules)
                    plain[key] = (one, _parts_json(one))
                rated, parts = plain[key]
            classes[rated.klass] += 1
            writer.add(entity_id, rated, parts)
            done += 1
            if progress and done % CHUNK == 0:
                progress(done, total)
        writer.close()
        changed = _apply_classes(on, scheme.version)
        summary = {"version": scheme.version, "on": on.isoformat(), "rated": done, "changed": changed,
                   "classes": dict(sorted(classes.items()))}
        audit.record(actor, "credit.recompute", scheme, after=summary)
    if progress:
        progress(done, total)
    return summary


def _parts_json(rated: scoring.Rating) -> str:
    return json.dumps([list(p) for p in rated.parts], ensure_ascii=False)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(name: str) -> str:
    return connection.ops.quote_name(name)


class _RatingWriter:
    """Replaces every rating: TRUNCATE and one COPY per batch on PostgreSQL (the connection is free between
    batches for the next rows of the entity cursor), DELETE and bulk inserts elsewhere."""

    COLUMNS = ("entity_id", "klass", "score", "parts", "direct", "version", "computed_at")
    BATCH = 20_000

    def __init__(self, version: int, now):
        self.version, self.now = version, now
        self.pg = connection.vendor == "postgresql"
        self.rows: list[tuple] = []
        if self.pg:
            with connection.cursor() as cur:
                cur.execute(f"TRUNCATE {_table(Rating)}")
        else:
            Rating.objects.all().delete()

    def add(self, entity_id: int, rated: scoring.Rating, parts: str) -> None:
        """``parts``: the contributions as JSON text (shared by the many businesses rated alike)."""
        self.rows.append((entity_id, rated.klass, rated.score, parts, rated.direct, self.version, self.now))
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.pg:
            with connection.cursor() as cur, cur.cursor.copy(
                    f"COPY {_table(Rating)} ({', '.join(map(_column, self.COLUMNS))}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            Rating.objects.bulk_create(Rating(entity_id=r[0], klass=r[1], score=r[2], parts=json.loads(r[3]),
                                              direct=r[4], version=r[5], computed_at=r[6]) for r in self.rows)
        self.rows.clear()

    close = flush


def _apply_classes(on: dt.date, version: int) -> int:
    """Record every class that changed (ClassChange) and set it on the business, set-wise; returns how many."""
    entity, rating, change = _table(Entity), _table(Rating), _table(ClassChange)
    q = _column
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {change} ({q('entity_id')}, {q('before')}, {q('after')}, {q('on')}, {q('version')}) "
                    f"SELECT e.{q('id')}, e.{q('credit_class')}, r.{q('klass')}, %s, %s FROM {entity} e "
                    f"JOIN {rating} r ON r.{q('entity_id')} = e.{q('id')} WHERE e.{q('credit_class')} <> r.{q('klass')}",
                    [on, version])
        changed = cur.rowcount
        cur.execute(f"UPDATE {entity} SET {q('credit_class')} = r.{q('klass')} FROM {rating} r "
                    f"WHERE r.{q('entity_id')} = {entity}.{q('id')} AND {entity}.{q('credit_class')} <> r.{q('klass')}")
    return changed

MIN_FOR_TREND = 5  # inspections a class needs before its problem rate counts in the back-test's verdict


def class_at(entity_ids: Iterable[int]) -> Callable[[int, dt.date], str]:
    """A look-up of each business's class on a day, from the recorded changes (a change on day d counts from d)."""
    history_of: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for entity_id, on, after in (ClassChange.objects.filter(entity_id__in=list(entity_ids))
                                 .order_by("entity_id", "on", "id").values_list("entity_id", "on", "after")):
        history_of[entity_id].append((on, after))

    def lookup(entity_id: int, day: dt.date) -> str:
        klass = ""
        for on, after in history_of.get(entity_id, ()):
            if on > day:
                break
            klass = after
        return klass

    return lookup


def backtest() -> dict:
    """For every approved inspection: the business's class the day before it was reviewed (so its own finding
    is not yet in it) and whether any item found a problem; per class the inspections, problems and rate. The
    verdict: do worse classes find more problems (classes with fewer than MIN_FOR_TREND inspections aside)?"""
    visits = (ItemResult.objects.filter(part__status__in=(PartStatus.APPROVED, PartStatus.PUBLISHED))
              .values_list("part__visit_id", "part__visit__entity_id", "part__reviewed_at")
              .annotate(problems=Count("id", filter=Q(has_problem=True))).order_by())
    seen: dict[int, tuple[int, dt.date, bool]] = {}
    for visit_id, entity_id, reviewed_at, problems in visits:
        day = timezone.localtime(reviewed_at).date() if reviewed_at else timezone.localdate()
        _e, earlier, found = seen.get(visit_id, (entity_id, day, False))
        seen[visit_id] = (entity_id, min(earlier, day), found or bool(problems))
    lookup = class_at({entity_id for entity_id, _d, _p in seen.values()})
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entity_id, day, found in seen.values():
        row = tally[lookup(entity_id, day - dt.timedelta(days=1)) or "未分类"]
        row[0] += 1
        row[1] += found
    classes = current_scheme().rules.get("classes", "ABCD")
    rows = [{"klass": k, "inspections": tally[k][0], "problems": tally[k][1],
             "rate": tally[k][1] * 100 / tally[k][0] if tally[k][0] else None}
            for k in [*classes, "未分类"] if k in classes or tally[k][0]]
    rated = [r for r in rows if r["klass"] in classes and r["inspections"] >= MIN_FOR_TREND]
    inversions = [(a["klass"], b["klass"]) for a, b in zip(rated, rated[1:], strict=False) if b["rate"] <= a["rate"]]
    return {"rows": rows, "inversions": inversions, "enough": len(rated) >= 2, "total": len(seen)}


RISE_POINTS = 10  # a group's problem rate rising by this many points, last three months against the three before,
RISE_MIN = 5      # with at least this many inspections in the last three months, is an early warning


def months_back(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the ``n`` months ending with ``today``'s, oldest first."""
    first = today.replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def worsened(today: dt.date | None = None):
    """Businesses whose class worsened this month (a first class is not a worsening)."""
    today = today or timezone.localdate()
    return (ClassChange.objects.filter(on__gte=today.replace(day=1), on__lte=today, after__gt=F("before"))
            .exclude(before="").select_related("entity", "entity__township", "entity__industry")
            .order_by("-after", "entity__name"))


def rising(today: dt.date | None = None) -> dict:
    """Problem rates by month over the last six, per industry section and per town; the groups whose rate rose
    (RISE_POINTS, RISE_MIN) in the last three months against the three before."""
    today = today or timezone.localdate()
    months = months_back(today, 6)
    start = dt.datetime.combine(months[0], dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (ItemResult.objects.filter(part__status__in=(PartStatus.APPROVED, PartStatus.PUBLISHED),
                                      part__reviewed_at__gte=start)
            .values_list("part__visit_id", "part__visit__entity__industry_id", "part__visit__entity__township__name",
                         "part__reviewed_at").annotate(problems=Count("id", filter=Q(has_problem=True))).order_by())
    visits: dict[int, list] = {}
    for visit_id, industry_id, town, reviewed_at, problems in rows:
        month = timezone.localtime(reviewed_at).date().replace(day=1)
        known = visits.setdefault(visit_id, [industry_id, town or "未知", month, False])
        known[2] = min(known[2], month)
        known[3] = known[3] or bool(problems)
    section_of, names = sections(), dict(Industry.objects.filter(level="section").values_list("code", "name"))
    tallies = {"industry": defaultdict(lambda: defaultdict(lambda: [0, 0])),
               "town": defaultdict(lambda: defaultdict(lambda: [0, 0]))}
    for industry_id, town, month, found in visits.values():
        section = section_of.get(industry_id or "", "")
        for kind, group in (("industry", f"{section} {names.get(section, '未知行业')}" if section else "未知行业"),
                            ("town", town)):
            cell = tallies[kind][group][month]
            cell[0] += 1
            cell[1] += found
    out = {"months": months, "industry": [], "town": []}
    for kind, groups in tallies.items():
        for group, by_month in groups.items():
            recent = [by_month[m] for m in months[3:]]
            before = [by_month[m] for m in months[:3]]
            n_recent, p_recent = sum(c[0] for c in recent), sum(c[1] for c in recent)
            n_before, p_before = sum(c[0] for c in before), sum(c[1] for c in before)
            rate_recent = p_recent * 100 / n_recent if n_recent else None
            rate_before = p_before * 100 / n_before if n_before else 0.0
            row = {"group": group, "recent": (n_recent, p_recent, rate_recent), "before": (n_before, p_before,
                   rate_before if n_before else None),
                   "by_month": [by_month[m][1] * 100 / by_month[m][0] if by_month[m][0] else None for m in months]}
            if rate_recent is not None and n_recent >= RISE_MIN and rate_recent - rate_before >= RISE_POINTS:
                row["rise"] = rate_recent - rate_before
                out[kind].append(row)
        out[kind].sort(key=lambda r: -r["rise"])
    return out
