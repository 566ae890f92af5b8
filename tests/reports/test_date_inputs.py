"""A date input needs its value as 2026-12-05; the weekly-report form wrote 2026/12/05 in Chinese, so
the browser showed it blank and "起草周报" only said "Please fill out this field" (issue 16)."""

import datetime as dt

import pytest
from django.utils import translation

from reports.forms import DraftForm


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_draft_forms_date_is_in_iso_form(lang):
    with translation.override(lang):
        html = str(DraftForm(initial={"day": dt.date(2026, 12, 5)})["day"])
    assert 'value="2026-12-05"' in html and 'type="date"' in html
