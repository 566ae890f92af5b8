"""The payment rules of RULES §7 (pure): the final amount for every tier, late fees at their boundaries,
the two-month termination mark, and amounts in 大写 as the contract prints them."""

import datetime as dt
from decimal import Decimal

import pytest

from common.money import cny_uppercase, format_cny
from payments import rules

D = Decimal
TOTAL = D("600000.00")
TERMS = rules.Terms(
    total=TOTAL,
    late_fee_per_mille=D("1"),
    late_fee_period_days=10,
    termination_months=2,
    termination_penalty_ratio=D("10"),
)


def test_the_advance_is_forty_percent_of_the_total():
    assert rules.advance_amount(TOTAL, D("40")) == D("240000.00")


@pytest.mark.parametrize(
    ("ratio", "final"),
    [
        ("100", "360000.00"),
        ("90", "300000.00"),
        ("80", "240000.00"),
        ("70", "180000.00"),
        ("60", "120000.00"),
        ("50", "60000.00"),
    ],
)
def test_final_amount_for_every_tier(ratio, final):
    assert rules.final_amount(TOTAL, D(ratio), D("240000.00")) == D(final)


def test_final_amount_deducts_the_advance_instalment_given():
    assert rules.final_amount(TOTAL, D("90"), D("0")) == D("540000.00")
    assert rules.final_amount(TOTAL, D("90"), D("100000.00")) == D("440000.00")
    assert rules.final_amount(D("123456.78"), D("90"), D("49382.71")) == D("61728.39")


def test_final_amount_is_never_negative():
    assert rules.final_amount(TOTAL, D("30"), D("240000.00")) == D("0.00")


@pytest.mark.parametrize(
    ("days", "periods", "fee"),
    [
        (0, 0, "0.00"),
        (1, 0, "0.00"),
        (9, 0, "0.00"),
        (10, 1, "600.00"),
        (19, 1, "600.00"),
        (20, 2, "1200.00"),
        (25, 2, "1200.00"),
        (61, 6, "3600.00"),
    ],
)
def test_late_fee_is_one_per_mille_of_the_total_per_full_ten_days(days, periods, fee):
    due = dt.date(2023, 2, 3)
    late = rules.lateness(TERMS, due, due + dt.timedelta(days=days))
    assert (late.days, late.periods, late.fee) == (days, periods, D(fee))


def test_paying_before_the_due_date_is_not_late():
    assert rules.days_late(dt.date(2023, 2, 3), dt.date(2023, 1, 20)) == 0


@pytest.mark.parametrize(
    ("due", "day", "right"),
    [
        (dt.date(2023, 2, 3), dt.date(2023, 4, 2), False),  # one day short of two calendar months
        (dt.date(2023, 2, 3), dt.date(2023, 4, 3), True),  # two months late: the right begins
        (dt.date(2023, 12, 31), dt.date(2024, 2, 28), False),
        (dt.date(2023, 12, 31), dt.date(2024, 2, 29), True),  # clamped to the end of February
        (dt.date(2024, 1, 15), dt.date(2024, 3, 15), True),
    ],
)
def test_termination_right_after_two_calendar_months(due, day, right):
    late = rules.lateness(TERMS, due, day)
    assert late.termination_right is right
    assert late.termination_penalty == (D("60000.00") if right else D("0.00"))


def test_rules_follow_the_contracts_numbers():
    terms = rules.Terms(D("500000"), D("2"), 7, 1, D("5"))
    late = rules.lateness(terms, dt.date(2024, 3, 31), dt.date(2024, 4, 30))
    assert (late.periods, late.fee) == (4, D("4000.00"))
    assert late.termination_from == dt.date(2024, 4, 30) and late.termination_penalty == D("25000.00")


def test_settled_on_is_the_day_the_running_total_reaches_the_amount():
    payments = [
        (dt.date(2023, 3, 1), D("100000")),
        (dt.date(2023, 2, 1), D("100000")),
        (dt.date(2023, 4, 1), D("40000")),
    ]
    assert rules.settled_on(D("240000"), payments) == dt.date(2023, 4, 1)
    assert rules.settled_on(D("250000"), payments) is None


@pytest.mark.parametrize(
    ("amount", "upper"),
    [
        ("600000", "陆拾万圆整"),
        ("240000.00", "贰拾肆万圆整"),
        ("360000", "叁拾陆万圆整"),
        ("600", "陆佰圆整"),
        ("1200.05", "壹仟贰佰圆零伍分"),
        ("1005.07", "壹仟零伍圆零柒分"),
        ("10000.50", "壹万圆伍角整"),
        ("100010", "壹拾万零壹拾圆整"),
        ("101000", "壹拾万壹仟圆整"),
        ("1000000.01", "壹佰万圆零壹分"),
        ("0.08", "捌分"),
    ],
)
def test_amounts_in_words_with_cents_and_zeros(amount, upper):
    assert cny_uppercase(D(amount)) == upper


def test_amounts_in_figures():
    assert format_cny(D("600000")) == "¥600,000.00"
    assert format_cny(D("1200.5")) == "¥1,200.50"
