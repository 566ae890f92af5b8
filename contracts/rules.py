"""Pure rules about the contract's terms (no ORM): tier table, weights, SLA units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal("100")

# The five parts of the score (RULES §6), in order: key and label. Declared here once; the weights
# (``Contract.weight_<key>``), the performance rules, forms and the API schema read it.
SCORE_PARTS = [
    ("data_maintenance", _("日常数据维护")),
    ("responsiveness", _("响应度")),
    ("completion", _("完成率")),
    ("satisfaction", _("满意率")),
    ("attendance", _("出勤率")),
]


@dataclass(frozen=True)
class Tier:
    min_score: Decimal  # "以上" includes the number itself (民法典 art. 1259)
    pay_ratio: Decimal  # percent of the contract total


def tier_table_errors(tiers: Sequence[Tier]) -> list[str]:
    """Why a tier table is unusable, in words a bureau admin understands (empty list = fine)."""
    errors: list[str] = []
    if not tiers:
        return ["档位表至少需要一档。"]
    scores = [t.min_score for t in tiers]
    if len(set(scores)) != len(scores):
        errors.append("档位的最低分不能重复。")
    for t in tiers:
        if not (Decimal("0") <= t.min_score <= HUNDRED):
            errors.append(f"最低分 {t.min_score} 不在 0–100 之间。")
        if not (Decimal("0") <= t.pay_ratio <= HUNDRED):
            errors.append(f"付款比例 {t.pay_ratio}% 不在 0–100% 之间。")
    if Decimal("0") not in scores:
        errors.append("必须有一档从 0 分起，否则低分没有对应的付款比例（档位不连续）。")
    ordered = sorted(tiers, key=lambda t: t.min_score, reverse=True)
    for higher, lower in pairwise(ordered):
        if higher.pay_ratio < lower.pay_ratio:
            errors.append(
                f"分数越高付款比例不能越低：{higher.min_score} 分以上为 {higher.pay_ratio}%，"
                f"却低于 {lower.min_score} 分以上的 {lower.pay_ratio}%。"
            )
    return errors


def tier_for(score: Decimal, tiers: Sequence[Tier]) -> Tier:
    """The band whose lower bound is the highest one not above ``score``."""
    candidates = [t for t in tiers if t.min_score <= score]
    if not candidates:
        raise ValueError(f"no tier covers score {score}")
    return max(candidates, key=lambda t: t.min_score)


def tier_bands(tiers: Sequence[Tier]) -> list[tuple[Tier, Decimal | None]]:
    """Each tier with its exclusive upper bound (None for the top band), highest first."""
    ordered = sorted(tiers, key=lambda t: t.min_score, reverse=True)
    result: list[tuple[Tier, Decimal | None]] = []
    upper: Decimal | None = None
    for tier in ordered:
        result.append((tier, upper))
        upper = tier.min_score
    return result


def weight_errors(weights: dict[str, int]) -> list[str]:
    total = sum(weights.values())
    if total != 100:
        return [f"五项考核权重之和必须为 100 分，现在是 {total} 分。"]
    return []


SLA_UNITS = {"minute": 1, "hour": 60}


def sla_minutes(amount: int, unit: str, minutes_per_workday: int) -> int:
    """Working minutes of an SLA target given as minutes, hours or working days."""
    if unit == "workday":
        return amount * minutes_per_workday
    return amount * SLA_UNITS[unit]
