"""Defects found in the walk-through of issue 16 (rosters)."""

from django.urls import reverse

from .conftest import on


def test_a_rest_day_shows_the_days_status_not_a_check_in_button(team, client):
    """Item 9: a big green 签到 button on a rest day only produced a refusal."""
    client.force_login(team.eng)
    with on(2023, 3, 11, 9, 0):  # a Saturday
        html = client.get(reverse("home")).content.decode()
    assert 'data-testid="check-in"' not in html
    assert 'data-testid="rest-day"' in html and "今天是休息日，无需签到。" in html
    with on(2023, 3, 13, 9, 0):  # the Monday after
        assert 'data-testid="check-in"' in client.get(reverse("home")).content.decode()
