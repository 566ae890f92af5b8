"""The satisfaction surveys and the score: 2023 gets four quarterly surveys answered by the six heads,
an adjustment with its reason and a locked final score; the current contract the surveys of the quarters
that have ended (sent by the scheduled job, answered by the heads) and a provisional score."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from common import clock
from contracts.calendar import get_calendar
from performance import rules, services, tasks
from performance.models import SatisfactionLevel, Survey

HEADS = ["head1", "head2", "head3", "head4", "head5", "head6"]
L = SatisfactionLevel
COMMENTS = {
    L.VERY_SATISFIED: [
        "驻场工程师响应及时，批量调资一次完成，数据核对无误。",
        "服务态度好，遇到问题当天就能解决。",
        "月度初始化和报表统计都很及时。",
    ],
    L.SATISFIED: [
        "总体满意，个别报表希望能提前一天提供。",
        "问题处理及时，建议处理结果说明写得更详细些。",
        "",
        "服务规范，周报内容清楚。",
    ],
    L.NEUTRAL: ["部分问题需要多次沟通才能解决，希望提高一次解决率。"],
    L.DISSATISFIED: ["本季度有两次数据维护超期，影响窗口办理，请加强人员安排。"],
}
# The 2023 answers, quarter by quarter, head by head (fictional but plausible).
ANSWERS_2023 = [
    [L.SATISFIED, L.VERY_SATISFIED, L.SATISFIED, L.NEUTRAL, L.SATISFIED, L.SATISFIED],
    [L.VERY_SATISFIED, L.SATISFIED, L.SATISFIED, L.SATISFIED, L.DISSATISFIED, L.SATISFIED],
    [L.SATISFIED, L.SATISFIED, L.VERY_SATISFIED, L.SATISFIED, L.SATISFIED, L.NEUTRAL],
    [L.VERY_SATISFIED, L.SATISFIED, L.SATISFIED, L.VERY_SATISFIED, L.SATISFIED, L.SATISFIED],
]


def _comment(level: str, rng: random.Random) -> str:
    return rng.choice(COMMENTS.get(level, [""]))


def _quarter_surveys(
    ctx,
    contract,
    answers: list[list[str]],
    *,
    until: dt.date,
    rng: random.Random,
    close_before: dt.datetime,
    latest_missing: frozenset[str] = frozenset(),
) -> None:
    """The job sends each quarter's survey on its last working day; the heads answer within days. In the
    latest survey, the heads in ``latest_missing`` have not answered yet and it stays open."""
    calendar = get_calendar(contract)
    now = clock.now()
    ended = [
        (q, calendar.workday_before(q.end + dt.timedelta(days=1)))
        for q in rules.quarters(contract.start_on, contract.end_on)
    ]
    ended = [(q, last) for q, last in ended if last < until]
    for index, (quarter, last) in enumerate(ended):
        latest = index == len(ended) - 1
        with clock.frozen_at(clock.aware(last, 8, 20)):
            tasks.satisfaction_survey()
        survey = Survey.objects.get(contract=contract, period_start=quarter.start, period_end=quarter.end)
        levels = answers[index % len(answers)]
        day = last
        for n, (username, level) in enumerate(zip(HEADS, levels, strict=True)):
            if n % 2 == 0:
                day = calendar.workday_after(day)
            moment = clock.aware(day, 9 + n, 10 + 7 * n)
            if moment >= now:
                break
            if latest and username in latest_missing:
                continue
            with clock.frozen_at(moment):
                services.survey_answer(
                    survey=survey, respondent=ctx.users[username], level=level, comment=_comment(level, rng)
                )
        survey.refresh_from_db()
        if survey.due_on is not None and not (latest and latest_missing):
            closing = clock.aware(calendar.workday_after(survey.due_on), 9, 0)
            if closing < min(now, close_before) and survey.is_open:
                with clock.frozen_at(closing):
                    services.survey_close(survey=survey, actor=ctx.users["bureau"])


def load_performance(ctx) -> None:
    rng = random.Random(2023)
    contract = ctx.contract_2023
    locked_at = clock.aware(dt.date(2024, 1, 10), 10, 0)
    _quarter_surveys(ctx, contract, ANSWERS_2023, until=dt.date(2024, 1, 31), rng=rng, close_before=locked_at)
    admin = ctx.users["bureau"]
    with clock.frozen_at(clock.aware(dt.date(2024, 1, 9), 15, 0)):
        period = rules.contract_period(contract.start_on, contract.end_on)
        from performance.selectors import Evidence, compute_card

        computed = compute_card(contract, period, Evidence(contract)).part("responsiveness").computed
        adjusted = Decimal(min(computed + Decimal("0.5"), contract.weight_responsiveness)).quantize(
            rules.TOTAL_PLACES
        )
        services.score_adjust(
            contract=contract,
            part="responsiveness",
            score=adjusted,
            reason="2023 年 3 月 1 日至 3 日市信息中心专线中断，其间的响应超时不归责于乙方"
            "（见 3 月 6 日软件服务质量评估例会纪要），经双方确认本项加 0.5 分。",
            actor=admin,
        )
    with clock.frozen_at(locked_at):
        services.score_lock(
            contract=contract,
            actor=admin,
            note="经 2024 年 1 月 10 日局务会审定，作为 2023 年度尾款支付依据。",
        )
    q4 = Survey.objects.get(contract=contract, period_start=dt.date(2023, 10, 1))
    with clock.frozen_at(clock.aware(get_calendar(contract).workday_after(q4.due_on), 9, 0)):
        services.survey_close(survey=q4, actor=admin)
    current = ctx.contract_current
    _quarter_surveys(
        ctx,
        current,
        list(reversed(ANSWERS_2023)),
        until=clock.today(),
        rng=random.Random(2026),
        close_before=clock.now(),
        latest_missing=frozenset({"head1", "head2"}),  # the demo's head logins still have it to answer
    )
