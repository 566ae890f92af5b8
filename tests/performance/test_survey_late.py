"""Issue 11, item 6: an answer after the survey's deadline is accepted, counted by the score as RULES §6
says, and marked late on the answer and in the results (for the record). Failed before the fix: the
answer was accepted silently."""

import datetime as dt

import pytest
from django.urls import reverse

from common import clock
from common.models import AuditEntry
from contracts.notice import NoticeDay
from contracts.services import calendar_load_year
from performance import rules, selectors, services
from performance.models import Survey

from .helpers import at

pytestmark = pytest.mark.django_db
Q1 = rules.Period(rules.PeriodKind.QUARTER, dt.date(2023, 1, 1), dt.date(2023, 3, 31))


def send(world):
    with clock.frozen_at(at(2023, 3, 31, 9)):
        return services.survey_send(contract=world.contract, period=Q1, actor=world.bureau_admin)


def test_an_answer_after_the_deadline_is_accepted_and_marked_late(world, login):
    survey = send(world)
    assert survey.due_on == dt.date(2023, 4, 17)
    with clock.frozen_at(at(2023, 4, 17, 17, 59)):
        on_time = services.survey_answer(
            survey=survey, respondent=world.outsiders["dept_head"], level="satisfied"
        )
    with clock.frozen_at(at(2023, 4, 18, 9)):
        late = services.survey_answer(survey=survey, respondent=world.dept_head, level="very_satisfied")
    assert (on_time.late, late.late) == (False, True)
    assert AuditEntry.objects.filter(action="survey.answer").order_by("id").last().changes["late"] is True
    # the score still counts it (RULES §6: share of the answers)
    with clock.frozen_at(at(2023, 4, 18, 10)):
        card = selectors.final_score(world.contract)
    assert card.part("satisfaction").result.counted == 2
    with clock.frozen_at(at(2023, 4, 18, 10)):
        html = login(world.bureau_admin).get(reverse("performance:survey_detail", args=[survey.pk]))
    html = html.content.decode()
    assert html.count('data-testid="answer-late"') == 1 and "逾期答复" in html


def test_an_answer_given_while_the_deadline_was_pending_is_marked_when_the_year_is_loaded(world):
    survey = Survey.objects.create(
        contract=world.contract,
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31),
        title="2026 年 12 月满意度调查",
        sent_at=at(2026, 12, 31, 9),
        due_pending_year=2027,
    )
    with clock.frozen_at(at(2027, 3, 1, 9)):
        answer = services.survey_answer(survey=survey, respondent=world.dept_head, level="satisfied")
        assert answer.late is False  # not known yet
        calendar_load_year(
            year=2027, days=[NoticeDay(dt.date(2027, 1, 1), False, "元旦")], source="通知", actor=None
        )
    answer.refresh_from_db()
    survey.refresh_from_db()
    assert survey.due_on is not None and survey.due_on < dt.date(2027, 3, 1)
    assert answer.late is True
