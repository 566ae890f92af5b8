"""Issue 16 (English complete): the score's period names, part hints and case outcomes were Chinese
on the English pages."""

import datetime as dt

import pytest
from django.utils import translation

from performance.rules import Outcome, Period, PeriodKind
from performance.selectors import PART_HINTS

HAN = range(0x4E00, 0xA000)


def _han(text: str) -> bool:
    return any(ord(ch) in HAN for ch in text)


def test_period_and_outcome_labels_follow_the_language():
    contract = Period(PeriodKind.CONTRACT, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    quarter = Period(PeriodKind.QUARTER, dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    with translation.override("en"):
        labels = [contract.label, contract.short_label, quarter.label, *(o.label for o in Outcome)]
        labels += [str(hint) for hint in PART_HINTS.values()]
        assert not any(_han(label) for label in labels), labels
    with translation.override("zh-hans"):
        assert contract.label == "服务期 2023-01-01 至 2023-12-31" and quarter.label == "2023 年第 2 季度"
        assert Outcome.FOR.label == "计为达标"


def test_case_reasons_follow_the_language():
    from performance.templatetags.perf_tags import case_reason

    with translation.override("en"):
        assert case_reason("超过解决期限仍未解决") == "Past the resolve deadline, not resolved"
        assert case_reason("返工 2 次") == "Reworked 2 times"
    with translation.override("zh-hans"):
        assert case_reason("返工 2 次") == "返工 2 次"


@pytest.mark.django_db
def test_the_drill_downs_outcome_filters_follow_the_language(world, login):
    from django.urls import reverse

    client = login(world.users["bureau_admin"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(reverse("performance:part", args=["contract", "completion"])).content.decode()
    nav = page[page.index('data-testid="outcome-filter"') :]
    nav = nav[: nav.index("</ul>")]
    assert "Counts as missed" in nav and not _han(nav)
