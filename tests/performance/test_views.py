"""The score and survey pages: what each role sees, forms that keep input, flat query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from common import clock
from common.models import AuditEntry
from performance import services
from performance.models import ScoreAdjustment, Survey, SurveyAnswer
from rosters.models import Attendance, RosterEntry
from tickets.models import Kind

from .helpers import answer, at, attend, roster, survey, ticket

pytestmark = pytest.mark.django_db
AFTER_2023 = at(2024, 1, 20)


@pytest.fixture
def after_2023():
    with clock.frozen_at(AFTER_2023):
        yield


def test_finance_reads_the_score_part_by_part(world, login, after_2023):
    ticket(world, kind=Kind.DATA, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 10))
    response = login(world.users["finance"]).get(reverse("performance:score"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="score-total">60.00' in html  # data maintenance 0/1 and completion 0/1
    assert "无案例，按满分计" in html  # satisfaction, attendance, responsiveness have no case
    assert 'data-testid="adjust-form"' not in html and 'data-testid="lock-form"' not in html


def test_the_bureau_admin_sees_the_adjust_and_lock_forms(world, login, after_2023):
    html = login(world.users["bureau_admin"]).get(reverse("performance:score")).content.decode()
    assert 'data-testid="adjust-form"' in html and 'data-testid="lock-form"' in html


def test_a_month_or_quarter_is_chosen_by_its_key_and_an_unknown_one_is_404(world, login, after_2023):
    client = login(world.users["pm"])
    assert "2023 年第 2 季度" in client.get(reverse("performance:score") + "?period=2023-Q2").content.decode()
    assert client.get(reverse("performance:score") + "?period=2031-01").status_code == 404
    assert client.get(reverse("performance:part", args=["2023-05", "attendance"])).status_code == 200
    assert client.get(reverse("performance:part", args=["2023-05", "punctuality"])).status_code == 404


def test_an_invalid_adjustment_keeps_what_was_typed(world, login, after_2023):
    client = login(world.users["bureau_admin"])
    response = client.post(
        reverse("performance:adjust"), {"part": "responsiveness", "score": "12", "reason": "专线中断不归责"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "不能超过满分" in html and "专线中断不归责" in html and 'value="12"' in html
    assert not ScoreAdjustment.objects.exists()


def test_an_adjustment_through_the_page(world, login, after_2023):
    client = login(world.users["bureau_admin"])
    response = client.post(
        reverse("performance:adjust"), {"part": "attendance", "score": "28.5", "reason": "补录考勤已核实"}
    )
    assert response.status_code == 302
    assert ScoreAdjustment.objects.get().score == Decimal("28.5")
    html = client.get(reverse("performance:score")).content.decode()
    assert "补录考勤已核实" in html and "98.50" in html


def test_lock_and_unlock_through_the_page(world, login, after_2023):
    client = login(world.users["bureau_admin"])
    client.post(reverse("performance:lock"), {"note": "局务会审定"})
    html = client.get(reverse("performance:score")).content.decode()
    assert "最终得分（已锁定）" in html and 'data-testid="unlock-form"' in html
    response = client.post(reverse("performance:unlock"), {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    client.post(reverse("performance:unlock"), {"reason": "漏计超期请求"})
    assert "暂定得分" in client.get(reverse("performance:score")).content.decode()
    assert AuditEntry.objects.filter(action__in=["score.lock", "score.unlock"]).count() == 2


def test_locking_before_the_period_ends_is_refused_with_the_reason(world, login):
    with clock.frozen_at(at(2023, 6, 1)):
        response = login(world.users["bureau_admin"]).post(
            reverse("performance:lock"), {"note": ""}, follow=True
        )
    assert "期满后才能锁定" in response.content.decode()


def test_drill_down_lists_what_counted_against(world, login, after_2023):
    late = ticket(world, title="超期的请求", resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 20))
    ticket(world, title="按期的请求", resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 8))
    client = login(world.users["finance"])
    html = client.get(reverse("performance:part", args=["contract", "completion"])).content.decode()
    assert late.number in html and "超期的请求" in html and "按期的请求" not in html  # against first
    html = client.get(
        reverse("performance:part", args=["contract", "completion"]) + "?outcome=for"
    ).content.decode()
    assert "按期的请求" in html and "超期的请求" not in html


def test_drill_down_links_requests_only_for_who_may_open_them(world, login, after_2023):
    """Issue 16: finance saw request numbers as links to pages that answer 403."""
    late = ticket(world, title="超期的请求", resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 20))
    url = reverse("performance:part", args=["contract", "completion"])
    link = f'href="{reverse("tickets:detail", args=[late.pk])}"'
    finance = login(world.users["finance"]).get(url).content.decode()
    assert late.number in finance and link not in finance
    assert link in login(world.users["bureau_admin"]).get(url).content.decode()


def many_cases(world, n):
    for i in range(n):
        ticket(world, title=f"请求{i}", resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 8 + i % 3))
    q1 = Survey.objects.filter(contract=world.contract).first() or survey(world)
    for i in range(n // 4 + 1):
        answer(world, q1, "satisfied" if i % 2 else "neutral")
    if not RosterEntry.objects.exists():
        roster(world)
    for day in range(n):
        date = dt.date(2023, 1, 2) + dt.timedelta(days=day)
        if not Attendance.objects.filter(date=date).exists():
            attend(world, date)


@pytest.mark.parametrize("part", ["completion", "satisfaction", "attendance"])
def test_drill_down_query_count_does_not_grow_with_rows(
    world, login, django_assert_max_num_queries, part, after_2023
):
    client = login(world.users["bureau_admin"])
    url = reverse("performance:part", args=["contract", part]) + "?outcome=all"
    many_cases(world, 4)
    client.get(url)
    cache.clear()  # both counts computed afresh (the attendance report is kept across requests)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    many_cases(world, 60)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_score_page_and_dashboard_query_counts_do_not_grow_with_rows(
    world, login, django_assert_max_num_queries, after_2023
):
    client = login(world.users["bureau_admin"])
    many_cases(world, 4)
    client.get(reverse("performance:score"))
    cache.clear()  # both counts computed afresh (the attendance report is kept across requests)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("performance:score"))
    many_cases(world, 60)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("performance:score"))


def test_a_locked_drill_down_reads_the_snapshot(world, login, after_2023):
    t = ticket(world, title="锁定时按期", resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 8))
    services.score_lock(contract=world.contract, actor=world.users["bureau_admin"])
    t.resolved_at = at(2023, 3, 30)
    t.save()
    html = (
        login(world.users["pm"])
        .get(reverse("performance:part", args=["contract", "completion"]))
        .content.decode()
    )
    assert "锁定时按期" in html and "计为达标" in html and "以下为锁定时的记录" in html


# --- survey pages ---------------------------------------------------------------------------------------


def test_a_head_answers_through_the_page_once(world, login):
    with clock.frozen_at(at(2023, 4, 3)):
        s = services.survey_send(
            contract=world.contract,
            period=services.rules.quarters(world.contract.start_on, world.contract.end_on)[0],
            actor=world.users["bureau_admin"],
        )
        client = login(world.users["dept_head"])
        listing = client.get(reverse("performance:survey_list")).content.decode()
        assert f'data-testid="answer-{s.pk}"' in listing
        url = reverse("performance:survey_answer", args=[s.pk])
        bad = client.post(url, {"level": "very_dissatisfied", "comment": ""})
        assert bad.status_code == 200 and "写明原因" in bad.content.decode()
        assert bad.context["form"]["level"].value() == "very_dissatisfied"  # the choice is kept
        assert client.post(url, {"level": "satisfied", "comment": "响应及时"}).status_code == 302
        again = client.post(url, {"level": "neutral", "comment": ""}, follow=True)
    assert "不能更改" in again.content.decode()
    assert SurveyAnswer.objects.get().level == "satisfied"


def test_survey_results_show_the_share_and_who_has_not_answered(world, login):
    s = survey(world)
    answer(world, s, "satisfied", head=world.users["dept_head"])
    html = (
        login(world.users["finance"]).get(reverse("performance:survey_detail", args=[s.pk])).content.decode()
    )
    assert 'data-testid="survey-share">100.0%' in html
    assert world.outsiders["dept_head"].display_name in html


def test_the_home_page_loads_the_score_panel_after_the_page(world, login, after_2023):
    client = login(world.users["bureau_admin"])
    home = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("performance:home_panel")}"' in home and 'hx-trigger="load"' in home
    panel = client.get(reverse("performance:home_panel"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="score-panel"' in panel and "100.00" in panel and "<html" not in panel


def test_adjustment_and_lock_history_is_in_time_order(world, login):
    """Adjustments came first, then locks, whatever their times (issue 16 item 4)."""
    admin = world.users["bureau_admin"]
    with clock.frozen_at(at(2024, 1, 20, 9)):
        services.score_lock(contract=world.contract, actor=admin, note="第一次锁定")
    with clock.frozen_at(at(2024, 1, 21, 9)):
        services.score_unlock(contract=world.contract, actor=admin, reason="漏计超期请求")
    with clock.frozen_at(at(2024, 1, 22, 9)):
        services.score_adjust(
            contract=world.contract,
            part="completion",
            score=Decimal("10"),
            reason="复核工单数据",
            actor=admin,
        )
    with clock.frozen_at(at(2024, 1, 23, 9)):
        services.score_lock(contract=world.contract, actor=admin, note="第二次锁定")
        html = login(admin).get(reverse("performance:score")).content.decode()
    table = html.split('data-testid="adjust-history"', 1)[1].split("</table>", 1)[0]
    order = [table.index(text) for text in ("第二次锁定", "复核工单数据", "漏计超期请求", "第一次锁定")]
    assert order == sorted(order)  # newest first
