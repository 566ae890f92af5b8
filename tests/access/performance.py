"""Who may call the score and survey URLs. The score is read by finance, the PM and the bureau admin;
only the bureau admin adjusts, locks and runs the survey; department heads answer it. Every head is
asked, so the survey pages are not department-scoped (a head sees only their own answer)."""

import datetime as dt

from accounts.roles import Role

from . import Rule

READERS = frozenset({Role.FINANCE, Role.PM, Role.BUREAU_ADMIN})
ADMIN = frozenset({Role.BUREAU_ADMIN})
HEADS = frozenset({Role.DEPT_HEAD})


def _survey(w):
    from performance.models import Survey

    return Survey.objects.get_or_create(
        contract=w.contract,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 3, 31),
        defaults={"title": "2023 年第 1 季度满意度调查", "due_on": dt.date(2023, 4, 17)},
    )[0]


RULES = {
    "performance:score": Rule(READERS),
    "performance:part": Rule(READERS, kwargs=lambda w: {"period": "contract", "part": "completion"}),
    "performance:adjust": Rule(ADMIN, methods=("POST",), note="empty form: shown again with its errors"),
    "performance:lock": Rule(ADMIN, methods=("POST",)),
    "performance:unlock": Rule(ADMIN, methods=("POST",)),
    "performance:home_panel": Rule(READERS),
    "performance:survey_list": Rule(READERS | HEADS),
    "performance:survey_send": Rule(ADMIN, methods=("GET", "POST")),
    "performance:survey_detail": Rule(READERS, kwargs=lambda w: {"pk": _survey(w).pk}),
    "performance:survey_answer": Rule(
        HEADS,
        methods=("GET", "POST"),
        kwargs=lambda w: {"pk": _survey(w).pk},
        unscoped="a survey goes to every department head; each answers only for themself",
    ),
    "performance:survey_remind": Rule(ADMIN, methods=("POST",), kwargs=lambda w: {"pk": _survey(w).pk}),
    "performance:survey_close": Rule(ADMIN, methods=("POST",), kwargs=lambda w: {"pk": _survey(w).pk}),
}
