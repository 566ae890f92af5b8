"""Every unsafe request without a CSRF token is refused (403) and changes nothing — for every URL
of the project (from the URL resolver's access rules), by a caller allowed to use it, with the body
that would otherwise be accepted. The refusal is in the audit log.

The read-only JSON API (``/api/``) is exempt from CSRF on purpose (issue 13.3): it answers every
unsafe method with a JSON 405 before anything else, so there is nothing to forge; it is checked here to
answer that 405 and change nothing."""

import pytest
from django.urls import resolve, reverse

from common.models import AuditEntry

from ..access import all_rules
from ..conftest import PortalClient, build_world
from . import figures
from .fingerprint import changed_tables, fingerprint

RULES = all_rules()
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _caller(rule, world):
    """Someone the URL would otherwise serve: an allowed role of department A, or nobody if public."""
    if rule.public:
        return None
    role = sorted(rule.allowed)[0]
    return world.users[role]


def _noise_count() -> int:
    from django.db.models import Sum

    from common.models import AuditNoise

    return AuditNoise.objects.filter(action="access.csrf_failed").aggregate(n=Sum("count"))["n"] or 0


@pytest.mark.parametrize("name", sorted(RULES))
def test_unsafe_requests_without_csrf_token_are_refused(name, db):
    rule = RULES[name]
    world = build_world()
    url = reverse(name, kwargs=rule.kwargs(world))
    client = PortalClient(enforce_csrf_checks=True)
    user = _caller(rule, world)
    if user is not None:
        client.force_login(user)
    problems = []
    read_only_api = getattr(resolve(url).func, "csrf_exempt", False) and url.startswith("/api/")
    expected = 405 if read_only_api else 403
    for method in UNSAFE:
        before = fingerprint()
        last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        noise = _noise_count()
        body = rule.data(world) if method == "POST" else {}
        response = client.post(url, body) if method == "POST" else client.generic(method, url, "")
        if response.status_code != expected:
            problems.append(f"{method} {url}: {response.status_code}, expected {expected}")
        changed = changed_tables(before, fingerprint())
        if changed:
            problems.append(f"{method} {url} without a token changed {changed}")
        # An anonymous repeat inside the noise window is counted, then summarised (common/noise.py).
        if (
            not read_only_api
            and not AuditEntry.objects.filter(
                seq__gt=last_seq, action="access.csrf_failed", success=False
            ).exists()
            and _noise_count() <= noise
        ):
            problems.append(f"{method} {url}: the refusal is not in the audit log")
    figures.add("CSRF: unsafe requests without a token refused", len(UNSAFE))
    assert not problems, "\n".join(problems)


def test_the_refusal_page_explains_in_chinese(db):
    world = build_world()
    client = PortalClient(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    response = client.post(reverse("common:notification_read"), {"all": "1"})
    assert response.status_code == 403
    assert "缺少有效的安全令牌" in response.content.decode()
