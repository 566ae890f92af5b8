"""Issue 16: a job's summary reads in the page's language (it was English on the Chinese page)."""

import pytest
from django.urls import reverse
from django.utils import translation

from jobs.runner import run_job
from jobs.summaries import PIECES, summary_text

from ..factories import make_user

STORED = [
    "0 late sign-off forms reminded",
    "2 changes deemed accepted, 1 reminders, 3 deadlines computed, 1 pending a calendar year",
    "2027 missing, reminder already sent this week",
    "checkpoint #12 signed, 340 entries verified, sent to 1 auditors",
    "1 surveys sent, 0 heads reminded, 0 overdue notices; calendar pending for [2027]",
    "pending: 2027 年工作日历尚未加载",
    "4 recurring requests filed, 0 waiting for a calendar, 1 refused",
    "1 staff-change reminders; pending: 2027 年工作日历尚未加载",
]


@pytest.mark.parametrize("stored", STORED)
def test_known_summaries_read_chinese_on_the_chinese_page_and_english_on_the_english(stored):
    with translation.override("zh-hans"):
        chinese = summary_text(stored)
    with translation.override("en"):
        english = summary_text(stored)
    assert not any("a" <= ch.lower() <= "z" for ch in chinese), chinese
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), english


def test_every_piece_has_an_english_text():
    with translation.override("en"):
        for _pattern, text in PIECES:
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in str(text).split("%(")[0]), str(text)


def test_an_unknown_summary_is_shown_as_stored():
    assert summary_text("run 29") == "run 29"


@pytest.mark.django_db
def test_the_jobs_page_shows_the_summary_in_its_language(client):
    run_job("tickets.signoff_overdue", lambda: "0 late sign-off forms reminded")
    client.force_login(make_user("pm"))
    chinese = client.get(reverse("jobs:list")).content.decode()
    assert "提醒逾期未签的确认表 0 张" in chinese and "late sign-off forms reminded" not in chinese
    # the page's <title> holds text only (the apps' panels were rendered into it)
    title = chinese[chinese.index("<title>") : chinese.index("</title>")]
    assert "<div" not in title
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English in this thread: undo after
        english = client.get(reverse("jobs:list")).content.decode()
    assert "0 late sign-off forms reminded" in english
