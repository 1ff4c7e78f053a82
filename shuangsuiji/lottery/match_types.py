"""The matching's data (part 1 of 3, with match_plan and match_draw; `matching` is the entry point):
constants, the snapshot it starts from, the assignment it produces, their canonical JSON, and the
garbage-collector pause both other parts run under. Standard library only."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from shuangsuiji.lottery.errors import DrawError

ALGORITHM = "ssj-match/1"
SNAPSHOT_FORMAT = "ssj-match-snapshot/1"
ASSIGNMENT_FORMAT = "ssj-match-assignment/1"

OFFICER = "officer"
THIRD_PARTY_KINDS = ("expert", "agency")
KINDS = (OFFICER, *THIRD_PARTY_KINDS)
POOL_OFFICER = "officer"
POOL_THIRD_PARTY = "third_party"



class MatchingError(DrawError):
    """The matching cannot be made or replayed; `problems` says why, in Chinese."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("error", "invalid", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("；".join(p.message for p in self.problems if p.severity == "error") or "匹配失败")


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class Department:
    """A department taking part in the task."""

    id: str
    name: str


@dataclass(frozen=True)
class Inspector:
    """A person (or agency) who may be sent; officers belong to exactly one department."""

    id: str
    name: str
    dept: str
    kind: str = OFFICER  # "officer" | "expert" | "agency"
    domains: tuple[str, ...] = ()  # check domains the person is qualified for
    township: str = ""  # where the person lives, for the optional township recusal
    cap: int | None = None  # most targets in this task; None means task.max_targets
    unavailable: tuple[tuple[str, str], ...] = ()  # inclusive ISO date ranges off duty


@dataclass(frozen=True)
class Part:
    """The items of one department at one target; `domains` must all be covered by each member."""

    dept: str
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A drawn target (检查对象) and the department parts the task includes for it."""

    id: str
    name: str = ""
    township: str = ""
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Task:
    """Task-wide rules of the matching."""

    id: str
    team_size: int = 2  # officers per (target, department); never below 2 (行政处罚法 §42)
    start: str = ""  # ISO date; with `end` the period inspectors must be on duty
    end: str = ""
    q: float = 0.5  # cap on any inspector-target pairing probability
    max_targets: int = 10  # default per-inspector cap on targets
    township_recusal: bool = False  # exclude inspectors living in the target's township
    third_party_per_team: int = 0  # experts/agencies added to each team, never counted as officers


@dataclass(frozen=True)
class Snapshot:
    """Everything the matching reads; published as canonical JSON with its SHA-256."""

    task: Task
    departments: tuple[Department, ...]
    inspectors: tuple[Inspector, ...]
    targets: tuple[Target, ...]
    conflicts: tuple[tuple[str, str], ...] = ()  # declared (inspector, target) conflicts
    recent: tuple[tuple[str, str], ...] = ()  # (inspector, target) who inspected it last time


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Team:
    """Who goes to one target for one department."""

    target: str
    dept: str
    officers: tuple[str, ...]
    third_party: tuple[str, ...] = ()


@dataclass(frozen=True)
class Swap:
    """One recusal replacement, applied after the draw in order.

    ``fresh`` is the canonical value of randomness that did not exist when the recusal was decided (a drand
    round declared at the decision, ``source``); the replacement's ticket depends on it, so nobody can walk
    down a list fixed by the draw's seed by approving one recusal after another.
    """

    target: str
    dept: str
    removed: str
    added: str
    reason: str
    fresh: str = ""
    source: Any = None  # {"declared_at", "declaration", "revealed"}: checked by the verifier


@dataclass(frozen=True)
class Assignment:
    """The result: teams sorted by (target, dept), then the ordered swaps."""

    seed: str
    snapshot_digest: str
    teams: tuple[Team, ...]
    swaps: tuple[Swap, ...] = ()
    algorithm: str = ALGORITHM

    def team(self, target: str, dept: str) -> Team:
        """Return the team for (target, dept)."""
        for t in self.teams:
            if t.target == target and t.dept == dept:
                return t
        raise KeyError((target, dept))

    def loads(self) -> dict[str, int]:
        """Return the number of targets per inspector (officers and third parties)."""
        out: dict[str, int] = {}
        for t in self.teams:
            for j in (*t.officers, *t.third_party):
                out[j] = out.get(j, 0) + 1
        return out


@dataclass(frozen=True)
class Problem:
    """A finding of `precheck`: machine-readable fields plus a plain Chinese message."""

    severity: str  # "error" blocks the draw; "warning" is published with it
    code: str  # invalid | team_size | too_few_eligible | forced_pairing | capacity | cap_relaxed
    message: str
    target: str | None = None
    dept: str | None = None
    pool: str = POOL_OFFICER  # "officer" | "third_party"
    qualified: int | None = None  # qualified and on duty, before recusal
    eligible: int | None = None  # after recusal
    required: int | None = None  # team members needed from this pool
    probability: float | None = None  # forced pairing probability, when above q


# --------------------------------------------------------------------------- JSON


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sorted_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(items)))


def _norm_inspector(i: Inspector) -> Inspector:
    doms, off = _sorted_tuple(i.domains), _sorted_tuple(tuple(u) for u in i.unavailable)
    if doms == i.domains and off == i.unavailable:
        return i  # already canonical: rebuilding frozen dataclasses is the slow part
    return Inspector(i.id, i.name, i.dept, i.kind, doms, i.township, i.cap, off)


def _norm_target(t: Target) -> Target:
    parts = tuple(
        sorted(
            (p if _sorted_tuple(p.domains) == p.domains else Part(p.dept, _sorted_tuple(p.domains)) for p in t.parts),
            key=lambda p: p.dept,
        )
    )
    return t if parts == t.parts else Target(t.id, t.name, t.township, parts)


def normalize(snapshot: Snapshot) -> Snapshot:
    """Return the snapshot with every collection sorted and deduplicated (canonical order)."""
    s = snapshot
    return Snapshot(
        task=s.task,
        departments=tuple(sorted(s.departments, key=lambda d: d.id)),
        inspectors=tuple(sorted(map(_norm_inspector, s.inspectors), key=lambda i: i.id)),
        targets=tuple(sorted(map(_norm_target, s.targets), key=lambda t: t.id)),
        conflicts=_sorted_tuple(tuple(c) for c in s.conflicts),
        recent=_sorted_tuple(tuple(c) for c in s.recent),
    )


def snapshot_to_obj(snapshot: Snapshot, normalized: bool = False) -> dict[str, Any]:
    """Return the canonical JSON-ready dict of a snapshot (pass normalized=True to skip sorting)."""
    s = snapshot if normalized else normalize(snapshot)
    t = s.task
    return {
        "format": SNAPSHOT_FORMAT,
        "task": {
            "id": t.id, "team_size": t.team_size, "start": t.start, "end": t.end, "q": t.q,
            "max_targets": t.max_targets, "township_recusal": t.township_recusal,
            "third_party_per_team": t.third_party_per_team,
        },
        "departments": [{"id": d.id, "name": d.name} for d in s.departments],
        "inspectors": [
            {
                "id": i.id, "name": i.name, "dept": i.dept, "kind": i.kind, "domains": i.domains,
                "township": i.township, "cap": i.cap, "unavailable": i.unavailable,
            }
            for i in s.inspectors
        ],
        "targets": [
            {
                "id": x.id, "name": x.name, "township": x.township,
                "parts": [{"dept": p.dept, "domains": p.domains} for p in x.parts],
            }
            for x in s.targets
        ],
        "conflicts": s.conflicts,  # tuples serialize as JSON arrays
        "recent": s.recent,
    }


def snapshot_from_obj(obj: dict[str, Any]) -> Snapshot:
    """Build a (normalized) snapshot from its JSON dict."""
    if obj.get("format") != SNAPSHOT_FORMAT:
        raise MatchingError(f"快照格式不是 {SNAPSHOT_FORMAT}")
    t = obj["task"]
    task = Task(
        id=t["id"], team_size=t["team_size"], start=t.get("start", ""), end=t.get("end", ""),
        q=t.get("q", 0.5), max_targets=t.get("max_targets", 10),
        township_recusal=bool(t.get("township_recusal", False)),
        third_party_per_team=t.get("third_party_per_team", 0),
    )
    return normalize(
        Snapshot(
            task=task,
            departments=tuple(Department(d["id"], d["name"]) for d in obj["departments"]),
            inspectors=tuple(
                Inspector(
                    i["id"], i["name"], i["dept"], i.get("kind", OFFICER), tuple(i.get("domains", ())),
                    i.get("township", ""), i.get("cap"), tuple((a, b) for a, b in i.get("unavailable", ())),
                )
                for i in obj["inspectors"]
            ),
            targets=tuple(
                Target(
                    x["id"], x.get("name", ""), x.get("township", ""),
                    tuple(Part(p["dept"], tuple(p.get("domains", ()))) for p in x["parts"]),
                )
                for x in obj["targets"]
            ),
            conflicts=tuple((a, b) for a, b in obj.get("conflicts", ())),
            recent=tuple((a, b) for a, b in obj.get("recent", ())),
        )
    )


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Return the canonical JSON text of a snapshot."""
    return _canonical(snapshot_to_obj(snapshot))


def snapshot_from_json(text: str) -> Snapshot:
    """Parse a snapshot from JSON text."""
    return snapshot_from_obj(json.loads(text))


def snapshot_digest(snapshot: Snapshot) -> str:
    """Return the SHA-256 hex of the canonical JSON (UTF-8) of the snapshot."""
    return hashlib.sha256(snapshot_to_json(snapshot).encode("utf-8")).hexdigest()


def assignment_to_obj(a: Assignment) -> dict[str, Any]:
    """Return the canonical JSON-ready dict of an assignment."""
    return {
        "format": ASSIGNMENT_FORMAT,
        "algorithm": a.algorithm,
        "seed": a.seed,
        "snapshot_digest": a.snapshot_digest,
        "teams": [
            {"target": t.target, "dept": t.dept, "officers": list(t.officers), "third_party": list(t.third_party)}
            for t in a.teams
        ],
        "swaps": [
            {"target": w.target, "dept": w.dept, "removed": w.removed, "added": w.added, "reason": w.reason,
             **({"fresh": w.fresh, "source": w.source} if w.fresh else {})}
            for w in a.swaps
        ],
    }


def assignment_from_obj(obj: dict[str, Any]) -> Assignment:
    """Build an assignment from its JSON dict."""
    if obj.get("format") != ASSIGNMENT_FORMAT:
        raise MatchingError(f"匹配结果格式不是 {ASSIGNMENT_FORMAT}")
    return Assignment(
        seed=obj["seed"],
        snapshot_digest=obj["snapshot_digest"],
        teams=tuple(
            Team(t["target"], t["dept"], tuple(t["officers"]), tuple(t.get("third_party", ()))) for t in obj["teams"]
        ),
        swaps=tuple(Swap(w["target"], w["dept"], w["removed"], w["added"], w["reason"], w.get("fresh", ""),
                         w.get("source")) for w in obj["swaps"]),
        algorithm=obj.get("algorithm", ALGORITHM),
    )


def assignment_to_json(a: Assignment) -> str:
    """Return the canonical JSON text of an assignment."""
    return _canonical(assignment_to_obj(a))


def assignment_from_json(text: str) -> Assignment:
    """Parse an assignment from JSON text."""
    return assignment_from_obj(json.loads(text))



# --------------------------------------------------------------------------- speed


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the matching allocates many small, acyclic objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
