"""The department heads' satisfaction survey: sent by the scheduled job at period end or by the bureau
admin, one answer per head, reminders sent once, deadlines pending an unloaded calendar year."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from common import clock
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.models import AuditEntry, Notification
from contracts.models import CalendarYear
from performance import rules, services, tasks
from performance.models import Survey, SurveyAnswer

from .helpers import at

pytestmark = pytest.mark.django_db
Q1 = rules.Period(rules.PeriodKind.QUARTER, dt.date(2023, 1, 1), dt.date(2023, 3, 31))


def heads(world):
    return [world.users["dept_head"], world.outsiders["dept_head"]]


def run_job(when):
    with clock.frozen_at(when):
        return tasks.satisfaction_survey()


def test_the_job_is_declared_for_beat():
    from jobs.schedule import schedule

    assert "performance.satisfaction_survey" in {job.name for job in schedule()}


def test_the_job_sends_the_quarters_survey_on_its_last_working_day_once(world):
    assert run_job(at(2023, 3, 30, 8, 20)).startswith("0 surveys sent")
    assert run_job(at(2023, 3, 31, 8, 20)).startswith("1 surveys sent")
    assert run_job(at(2023, 3, 31, 9, 20)).startswith("0 surveys sent")
    survey = Survey.objects.get()
    assert (survey.period_start, survey.period_end) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    # 10 working days after 2023-03-31: 清明 (April 5) is a holiday
    assert survey.due_on == dt.date(2023, 4, 17) and survey.sent_by is None
    for head in heads(world):
        assert head.notifications.filter(kind="performance.survey").count() == 1
    assert not world.users["staff"].notifications.exists()
    assert AuditEntry.objects.get(action="survey.send").changes["by_job"] is True


def test_a_missed_day_is_caught_up_until_the_answer_deadline(world):
    assert run_job(at(2023, 4, 3, 8, 20)).startswith("1 surveys sent")  # the job did not run on 31 March
    Survey.objects.all().delete()
    assert run_job(at(2023, 4, 18, 8, 20)).startswith("0 surveys sent")  # too late to ask
    assert not Survey.objects.exists()


def test_a_deadline_in_an_unloaded_year_is_pending_until_the_year_is_loaded(world):
    from contracts.services import contract_copy

    with clock.frozen_at(at(2026, 1, 5)):
        contract = contract_copy(
            source=world.contract,
            number="T-2026",
            name="2026",
            signed_on=dt.date(2026, 1, 5),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=world.users["bureau_admin"],
        )
    run_job(at(2026, 12, 31, 8, 20))
    survey = Survey.objects.get(contract=contract, period_start=dt.date(2026, 10, 1))
    assert survey.due_on is None and survey.due_pending_year == 2027
    assert "待定" in Notification.objects.filter(kind="performance.survey").first().body
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")  # weekdays only, no holidays listed
    run_job(at(2027, 1, 4, 8, 20))
    survey.refresh_from_db()
    assert survey.due_on == dt.date(2027, 1, 14) and survey.due_pending_year is None


def test_heads_who_have_not_answered_are_reminded_once_before_the_deadline(world):
    run_job(at(2023, 3, 31, 8, 20))
    survey = Survey.objects.get()
    with clock.frozen_at(at(2023, 4, 10)):
        services.survey_answer(survey=survey, respondent=world.users["dept_head"], level="satisfied")
    run_job(at(2023, 4, 13, 8, 20))  # not yet the last working day before 17 April
    assert not Notification.objects.filter(kind="performance.satisfaction_survey").exists()
    run_job(at(2023, 4, 14, 8, 20))
    run_job(at(2023, 4, 14, 9, 20))
    run_job(at(2023, 4, 17, 8, 20))  # the deadline itself: still the same reminder key, not sent again
    reminded = Notification.objects.filter(kind="performance.satisfaction_survey")
    assert [n.recipient for n in reminded] == [world.outsiders["dept_head"]]
    run_job(at(2023, 4, 18, 8, 20))
    run_job(at(2023, 4, 19, 8, 20))
    overdue = Notification.objects.filter(
        kind="performance.satisfaction_survey", recipient=world.users["bureau_admin"]
    )
    assert overdue.count() == 1 and "1 位科室负责人未答复" in overdue.get().title


def send(world, period=Q1, when=None):
    with clock.frozen_at(when or at(2023, 4, 3)):
        return services.survey_send(contract=world.contract, period=period, actor=world.users["bureau_admin"])


def test_the_bureau_admin_sends_a_survey_once_per_period(world):
    survey = send(world)
    assert survey.sent_by == world.users["bureau_admin"]
    with pytest.raises(ConcurrentChange):
        send(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(contract=world.contract, period_start=Q1.start, period_end=Q1.end, title="重复")
    with pytest.raises(TransitionNotAllowed), clock.frozen_at(at(2023, 4, 3)):
        services.survey_send(contract=world.contract, period=Q1, actor=world.users["finance"])


def test_a_survey_for_a_period_not_begun_is_refused(world):
    q3 = rules.Period(rules.PeriodKind.QUARTER, dt.date(2023, 7, 1), dt.date(2023, 9, 30))
    with pytest.raises(ServiceError, match="尚未开始"):
        send(world, q3, when=at(2023, 6, 1))


def test_each_head_answers_once(world):
    survey = send(world)
    head = world.users["dept_head"]
    with clock.frozen_at(at(2023, 4, 4)):
        first = services.survey_answer(survey=survey, respondent=head, level="very_satisfied", comment="很好")
        with pytest.raises(ConcurrentChange, match="已答复过"):
            services.survey_answer(survey=survey, respondent=head, level="dissatisfied", comment="改主意")
    assert SurveyAnswer.objects.get() == first and first.department == world.dept_a
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.create(survey=survey, respondent=head, department=world.dept_a, level="neutral")
    entry = AuditEntry.objects.get(action="survey.answer")
    assert entry.actor == head and entry.changes["level"] == "very_satisfied"


def test_dissatisfied_answers_need_a_reason_and_only_heads_answer(world):
    survey = send(world)
    with clock.frozen_at(at(2023, 4, 4)):
        with pytest.raises(ServiceError, match="写明原因"):
            services.survey_answer(survey=survey, respondent=world.users["dept_head"], level="dissatisfied")
        with pytest.raises(TransitionNotAllowed):
            services.survey_answer(survey=survey, respondent=world.users["staff"], level="satisfied")
        with pytest.raises(ServiceError, match="满意程度"):
            services.survey_answer(survey=survey, respondent=world.users["dept_head"], level="great")
    assert not SurveyAnswer.objects.exists()


def test_manual_reminder_and_closing(world):
    survey = send(world)
    with clock.frozen_at(at(2023, 4, 4)):
        services.survey_answer(survey=survey, respondent=world.users["dept_head"], level="satisfied")
        assert services.survey_remind(survey=survey, actor=world.users["bureau_admin"]) == 1
        services.survey_close(survey=survey, actor=world.users["bureau_admin"])
        with pytest.raises(TransitionNotAllowed, match="已关闭"):
            services.survey_answer(survey=survey, respondent=world.outsiders["dept_head"], level="satisfied")
        with pytest.raises(ConcurrentChange):
            services.survey_close(survey=survey, actor=world.users["bureau_admin"])
    assert world.outsiders["dept_head"].notifications.filter(kind="performance.survey_reminder").count() == 1
    assert not world.users["dept_head"].notifications.filter(kind="performance.survey_reminder").exists()
