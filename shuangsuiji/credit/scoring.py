"""Credit-risk classes from facts, by a scheme of weights and thresholds (国市监信发〔2022〕6号 A–D, a province's
A–E). Pure: the standard library only, so a scheme can be tried, tested and explained without a database.

A score is the sum of each factor's points: a count factor gives ``points`` per unit up to ``cap`` units, a
yes/no factor ``points`` once, the industry factor the points its GB/T 4754 section carries. The class is the
first whose upper bound the score stays below (the last class takes the rest); in an A–E scheme a fact listed
in ``direct`` puts the business in E whatever its score (直接认定). Every non-zero contribution is kept, so the
business's page can say why it is in its class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The facts a scheme may weigh: key → (label, kind). "count" facts are whole numbers, "flag" facts yes/no.
FACTORS: dict[str, tuple[str, str]] = {
    "problems": ("近三年检查发现问题（次）", "count"),
    "clean": ("近三年检查未发现问题（次）", "count"),
    "followup_open": ("后续处置未办结（件）", "count"),
    "followup_late": ("后续处置逾期（件）", "count"),
    "abnormal": ("列入经营异常名录", "flag"),
    "serious": ("列入严重违法失信名单", "flag"),
    "penalties": ("近三年行政处罚（次）", "count"),
    "complaints": ("近一年投诉举报（件）", "count"),
    "annual_report_missing": ("未按时报送年度报告", "flag"),
    "new_business": ("成立不满一年", "flag"),
    "industry": ("行业风险（按门类）", "industry"),
}
LABELS = {key: label for key, (label, _kind) in FACTORS.items()}
CLASS_SETS = ("ABCD", "ABCDE")


class SchemeError(ValueError):
    """A scheme that cannot classify: the message says which part, in Chinese."""


@dataclass(frozen=True)
class Weight:
    points: int
    cap: int | None = None  # count factors: units counted at most


@dataclass(frozen=True)
class Scheme:
    classes: str  # "ABCD" or "ABCDE"
    weights: Mapping[str, Weight]
    bounds: tuple[tuple[str, int], ...]  # (class, the score it stays below), in class order; the last class has none
    industry_risk: Mapping[str, int]  # GB/T 4754 section letter → points
    direct: tuple[str, ...] = ()  # flag facts that put a business in E directly (A–E schemes only)

    @classmethod
    def from_json(cls, data: Mapping) -> Scheme:
        """A scheme from its stored form, checked: unknown factors, non-integers, bounds out of order."""
        if not isinstance(data, Mapping):
            raise SchemeError("分类方案应为对象。")
        classes = data.get("classes", "ABCD")
        if classes not in CLASS_SETS:
            raise SchemeError("分类只能是 A–D 四类或 A–E 五类。")
        weights = {}
        for key, spec in (data.get("weights") or {}).items():
            if key not in FACTORS:
                raise SchemeError(f"未知的分类因素“{key}”。")
            points, cap = (spec.get("points"), spec.get("cap")) if isinstance(spec, Mapping) else (spec, None)
            if not _is_int(points) or abs(points) > 1000:
                raise SchemeError(f"因素“{FACTORS[key][0]}”的分值应为 -1000 到 1000 之间的整数。")
            if cap is not None and (not _is_int(cap) or cap < 1):
                raise SchemeError(f"因素“{FACTORS[key][0]}”的计数上限应为正整数或留空。")
            weights[key] = Weight(points, cap if FACTORS[key][1] == "count" else None)
        thresholds = data.get("thresholds") or {}
        bounds = []
        for klass in classes[:3]:  # A, B, C have upper bounds; D takes the rest (in A–E, E is direct only)
            bound = thresholds.get(klass)
            if not _is_int(bound):
                raise SchemeError(f"请设置{klass}类的分数上限（整数）。")
            if bounds and bound <= bounds[-1][1]:
                raise SchemeError(f"{klass}类的分数上限应大于{bounds[-1][0]}类的（{bounds[-1][1]}）。")
            bounds.append((klass, bound))
        risk = {}
        for section, points in (data.get("industry_risk") or {}).items():
            if not (isinstance(section, str) and len(section) == 1 and "A" <= section <= "T"):
                raise SchemeError(f"行业门类代码“{section}”不在 GB/T 4754-2017 的 A–T 之中。")
            if not _is_int(points) or not 0 <= points <= 100:
                raise SchemeError(f"门类 {section} 的行业风险分值应为 0 到 100 之间的整数。")
            risk[section] = points
        direct = tuple(data.get("direct") or ())
        for key in direct:
            if FACTORS.get(key, ("", ""))[1] != "flag":
                raise SchemeError(f"直接认定为 E 类的情形只能是是/否类因素，“{key}”不是。")
        if direct and classes != "ABCDE":
            raise SchemeError("直接认定情形只在 A–E 五类方案中使用。")
        return cls(classes, weights, tuple(bounds), risk, direct)

    def to_json(self) -> dict:
        return {"classes": self.classes,
                "weights": {k: ({"points": w.points, "cap": w.cap} if w.cap else {"points": w.points})
                            for k, w in self.weights.items()},
                "thresholds": dict(self.bounds), "industry_risk": dict(self.industry_risk),
                "direct": list(self.direct)}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Rating:
    klass: str
    score: int
    parts: tuple[tuple[str, int | bool | str, int], ...]  # (factor, its value, points) for each non-zero one
    direct: str = ""  # the fact that put the business in E, if one did


def rate(facts: Mapping[str, int | bool | str | None], scheme: Scheme) -> Rating:
    """The class, score and contributions for one business's facts (missing facts count as none)."""
    parts = []
    score = 0
    for key, weight in scheme.weights.items():
        value = facts.get(key)
        kind = FACTORS[key][1]
        if kind == "count":
            units = min(int(value or 0), weight.cap) if weight.cap else int(value or 0)
            points = units * weight.points
        elif kind == "flag":
            points = weight.points if value else 0
        else:  # industry: the section's risk points, times the weight's points (1 = as configured)
            points = scheme.industry_risk.get(value or "", 0) * weight.points
        if points:
            parts.append((key, value, points))
            score += points
    for key in scheme.direct:
        if facts.get(key):
            return Rating("E", score, tuple(parts), key)
    for klass, bound in scheme.bounds:
        if score < bound:
            return Rating(klass, score, tuple(parts))
    return Rating(scheme.classes[3], score, tuple(parts))
