"""Satisfaction surveys as each user may see them, their answers and results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_users
from contracts.models import Contract

from .. import rules
from ..models import SatisfactionLevel, Survey, SurveyAnswer

# --- surveys ----------------------------------------------------------------------------------------------


def surveys_for(user, contract: Contract | None = None) -> QuerySet[Survey]:
    """Surveys the user may open: results readers see all; a department head those sent (to answer)."""
    qs = Survey.objects.select_related("contract", "sent_by", "closed_by")
    if contract is not None:
        qs = qs.filter(contract=contract)
    if user.has_perm("performance.view_survey_results") or user.has_perm("performance.answer_survey"):
        return qs
    return qs.none()


def survey_for(user, pk: int) -> Survey:
    return get_object_or_404(surveys_for(user), pk=pk)


def survey_list(user, contract: Contract) -> QuerySet[Survey]:
    return surveys_for(user, contract).annotate(
        answer_count=Count("answers", distinct=True),
        satisfied_count=Count(
            "answers", filter=Q(answers__level__in=sorted(rules.SATISFIED_LEVELS)), distinct=True
        ),
    )


def own_answer(user, survey: Survey) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(survey=survey, respondent=user).first()


def own_answers(user, surveys: Iterable[Survey]) -> dict[int, SurveyAnswer]:
    return {
        a.survey_id: a
        for a in SurveyAnswer.objects.filter(respondent=user, survey__in=[s.pk for s in surveys])
    }


def department_heads() -> QuerySet[User]:
    return active_users(Role.DEPT_HEAD).select_related("department")


def survey_answers(survey: Survey) -> QuerySet[SurveyAnswer]:
    return survey.answers.select_related("respondent", "department").order_by("department__order", "id")


@dataclass
class SurveyResults:
    survey: Survey
    counts: list[tuple[str, str, int]]  # (level, label, count), best first
    total: int
    satisfied: int
    missing: list[User]
    late: int = 0  # answers after the deadline: counted, marked for the record

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.satisfied) / self.total).quantize(Decimal("0.1"))


def survey_results(survey: Survey) -> SurveyResults:
    by_level = dict(survey.answers.values_list("level").annotate(n=Count("id")))
    counts = [(level, str(label), by_level.get(level, 0)) for level, label in SatisfactionLevel.choices]
    answered = set(survey.answers.values_list("respondent_id", flat=True))
    missing = [u for u in department_heads().order_by("department__order") if u.pk not in answered]
    satisfied = sum(n for level, _label, n in counts if level in rules.SATISFIED_LEVELS)
    late = survey.answers.filter(late=True).count()
    return SurveyResults(survey, counts, sum(by_level.values()), satisfied, missing, late)


def open_surveys_for_head(user) -> list[Survey]:
    """Open surveys a department head has not answered yet."""
    return list(
        Survey.objects.filter(closed_at__isnull=True)
        .exclude(answers__respondent=user)
        .select_related("contract")
        .order_by("period_end")
    )
