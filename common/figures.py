"""How a rate reads on every page: a percentage with one decimal, rounded half-up once, from the exact
counts (never from a ratio already rounded), so one figure shows the same number on the home page,
the score and the statistics (issue 16, item 10)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent with one decimal, or None when there is nothing to count."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PLACES, rounding=ROUND_HALF_UP)


def percent_text(part: int, whole: int) -> str:
    """``99.6%``, or ``—`` when there is nothing to count."""
    value = percent(part, whole)
    return "—" if value is None else f"{value}%"
