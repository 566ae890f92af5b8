"""Display helpers for scores: points with two decimals, shares as percentages, case outcomes."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext

from common.figures import percent_text

register = template.Library()


@register.filter
def pts(value):
    """A score with two decimals (half-up), or 待定 when it cannot be computed yet."""
    if value in (None, ""):
        return "待定"
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):f}"


@register.filter
def share_pct(value):
    """A share in 0..1 as a percentage with one decimal: 0.9375 → 93.8%."""
    if value in (None, ""):
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):f}%"


REWORK = re.compile(r"返工 (\d+) 次")


@register.filter
def case_reason(reason):
    """A case's reason (``performance.rules`` writes it in Chinese) in the page's language."""
    reason = str(reason or "")
    match = REWORK.fullmatch(reason)
    if match:
        return gettext("返工 %(n)s 次") % {"n": match.group(1)}
    return gettext(reason) if reason else ""


@register.filter
def result_pct(result):
    """A part's 达标率 from its exact counts, one decimal (``common.figures``): the same number the
    home page and the statistics show for a figure of the same name and period."""
    if result is None or not result.counted:
        return "—"
    return percent_text(result.achieved, result.counted)


@register.filter
def ratio_pct(value):
    """A pay ratio in percent: 90.00 → 90%."""
    if value in (None, ""):
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return f"{text}%"


@register.filter
def outcome_badge(outcome):
    return {"for": "text-bg-success", "against": "text-bg-danger", "pending": "text-bg-secondary"}.get(
        str(outcome), "text-bg-light"
    )


@register.filter
def num(value):
    """A decimal without trailing zeros: 1.00 → 1, 10.50 → 10.5."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value).normalize():f}"
