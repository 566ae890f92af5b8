from decimal import Decimal

import pytest

from contracts.rules import Tier, sla_minutes, tier_bands, tier_for, tier_table_errors, weight_errors

T = Decimal
CONTRACT_TIERS = [
    Tier(T(s), T(r))
    for s, r in [("85", "100"), ("75", "90"), ("70", "80"), ("65", "70"), ("60", "60"), ("0", "50")]
]


@pytest.mark.parametrize(
    ("score", "ratio"),
    [
        ("100", "100"),
        ("85", "100"),
        ("84.99", "90"),
        ("75", "90"),
        ("74.99", "80"),
        ("70", "80"),
        ("69.99", "70"),
        ("65", "70"),
        ("64.99", "60"),
        ("60", "60"),
        ("59.99", "50"),
        ("0", "50"),
    ],
)
def test_tier_boundaries_include_the_number_itself(score, ratio):
    assert tier_for(T(score), CONTRACT_TIERS).pay_ratio == T(ratio)


def test_the_contract_table_is_valid():
    assert tier_table_errors(CONTRACT_TIERS) == []


def test_tier_table_must_start_at_zero():
    errors = tier_table_errors([Tier(T("60"), T("100"))])
    assert any("0 分起" in e for e in errors)


def test_tier_table_must_be_ordered():
    errors = tier_table_errors([Tier(T("85"), T("80")), Tier(T("0"), T("90"))])
    assert any("不能越低" in e for e in errors)


def test_tier_table_ratios_and_duplicates():
    errors = tier_table_errors([Tier(T("0"), T("120")), Tier(T("0"), T("50"))])
    assert any("不在 0–100%" in e for e in errors)
    assert any("不能重复" in e for e in errors)
    assert tier_table_errors([]) == ["档位表至少需要一档。"]


def test_tier_bands_give_upper_bounds():
    bands = tier_bands(CONTRACT_TIERS)
    assert bands[0] == (CONTRACT_TIERS[0], None)
    assert bands[1] == (CONTRACT_TIERS[1], T("85"))
    assert bands[-1] == (CONTRACT_TIERS[-1], T("60"))


def test_weights_must_sum_to_100():
    assert weight_errors({"a": 20, "b": 10, "c": 20, "d": 20, "e": 30}) == []
    assert "现在是 99 分" in weight_errors({"a": 20, "b": 10, "c": 20, "d": 20, "e": 29})[0]


def test_sla_units():
    assert sla_minutes(30, "minute", 450) == 30
    assert sla_minutes(4, "hour", 450) == 240
    assert sla_minutes(3, "workday", 450) == 1350
