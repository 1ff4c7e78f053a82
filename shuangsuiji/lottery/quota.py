"""Turning a ratio (or a fixed quota) into a count per stratum (ssj-draw/1 §1)."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

from shuangsuiji.lottery.errors import QuotaError

ROUNDINGS = {"half_up": decimal.ROUND_HALF_UP, "ceil": decimal.ROUND_CEILING}


@dataclass(frozen=True)
class CountRule:
    """count = clamp(round(ratio × eligible) or fixed count, minimum, maximum)."""

    ratio: str | None = None  # decimal string such as "0.05": floats would make half-up ambiguous
    count: int | None = None
    rounding: str = "half_up"
    minimum: int = 0
    maximum: int | None = None
    allow_zero: bool = False

    def __post_init__(self) -> None:
        """Validate the rule once, so errors name the rule rather than a stratum."""
        if (self.ratio is None) == (self.count is None):
            raise QuotaError("抽取规则必须且只能指定比例 ratio 或固定户数 count 之一")
        if self.ratio is not None:
            try:
                value = decimal.Decimal(str(self.ratio))
            except decimal.InvalidOperation:
                raise QuotaError(f"抽取比例 {self.ratio!r} 不是合法的小数") from None
            if not value.is_finite() or value < 0 or value > 1:
                raise QuotaError(f"抽取比例 {self.ratio} 应在 0 到 1 之间")
        if self.count is not None and (isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0):
            raise QuotaError(f"固定抽取户数 {self.count!r} 应为非负整数")
        if self.rounding not in ROUNDINGS:
            raise QuotaError(f"取整方式「{self.rounding}」未知：只支持 half_up（四舍五入）和 ceil（向上取整）")
        if self.minimum < 0 or (self.maximum is not None and self.maximum < self.minimum):
            raise QuotaError(f"抽取户数上下限不合理：最少 {self.minimum}，最多 {self.maximum}")

    def raw(self, eligible: int) -> int:
        """Return the clamped count before any feasibility check."""
        if self.count is not None:
            k = self.count
        else:
            exact = decimal.Decimal(str(self.ratio)) * eligible
            k = int(exact.to_integral_value(rounding=ROUNDINGS[self.rounding]))
        k = max(k, self.minimum)
        return k if self.maximum is None else min(k, self.maximum)

    def compute(self, eligible: int, label: str) -> int:
        """Return the count for a stratum with `eligible` entities, or raise QuotaError."""
        k = self.raw(eligible)
        if k > eligible:
            raise QuotaError(f"{label}需抽取 {k} 户，但排除后有效户数只有 {eligible} 户")
        if k == 0 and not self.allow_zero:
            how = f"按比例 {self.ratio} " if self.ratio is not None else "按固定户数"
            raise QuotaError(f"{label}{how}计算的抽取户数为 0（有效户数 {eligible}）；如确实不抽取，请在规则中设置 allow_zero")
        return k

    def to_json(self) -> dict[str, Any]:
        """Return the manifest form of the rule."""
        out: dict[str, Any] = {"rounding": self.rounding, "minimum": self.minimum, "allow_zero": self.allow_zero}
        if self.ratio is not None:
            out["ratio"] = str(self.ratio)
        if self.count is not None:
            out["count"] = self.count
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    @classmethod
    def from_json(cls, data: object) -> CountRule:
        """Read a rule from its manifest form (an int means a fixed count)."""
        if isinstance(data, int) and not isinstance(data, bool):
            return cls(count=data)
        if not isinstance(data, dict):
            raise QuotaError(f"抽取规则格式错误：{data!r}")
        unknown = set(data) - {"ratio", "count", "rounding", "minimum", "maximum", "allow_zero"}
        if unknown:
            raise QuotaError(f"抽取规则含有未知字段：{sorted(unknown)}")
        return cls(
            ratio=None if data.get("ratio") is None else str(data["ratio"]),
            count=data.get("count"),
            rounding=str(data.get("rounding", "half_up")),
            minimum=int(data.get("minimum", 0)),
            maximum=None if data.get("maximum") is None else int(data["maximum"]),
            allow_zero=bool(data.get("allow_zero", False)),
        )
