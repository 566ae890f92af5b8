"""The contract in use by default: the one covering today, else the latest begun, else the earliest —
one rule (``contracts.selectors._default_of``) for the header's list and for ``default_contract``."""

import datetime as dt

import pytest

from common import clock
from contracts.selectors import default_contract

from ..factories import make_contract

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2024, 6, 1), "2024"),  # covered
        (dt.date(2025, 6, 1), "2024"),  # a gap after 2024: the latest begun
        (dt.date(2026, 3, 1), "2026"),  # covered by the newest
        (dt.date(2022, 6, 1), "2023"),  # before every contract: the earliest
    ],
)
def test_the_default_contract(today, expected):
    for year in (2023, 2024, 2026):
        make_contract(
            number=f"D-{year}",
            start_on=dt.date(year, 1, 1),
            end_on=dt.date(year, 12, 31),
            signed_on=dt.date(year, 1, 1),
        )
    with clock.frozen_at(clock.aware(today, 9)):
        assert default_contract().number == f"D-{expected}"


def test_no_contract_at_all():
    assert default_contract() is None
