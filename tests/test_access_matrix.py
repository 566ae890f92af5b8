"""Every URL × every role × every method, generated from the URL resolver.

For each URL the rule in ``tests/access`` says which roles may use it. The test logs in as each
role (department A), as the same staff roles of department B, and anonymously, and checks:
allowed → not 403/404/405 and not sent to the login page; other roles → 403; department B on a
department-A object → 404; anonymous → the login page; a method the view does not answer → 405.
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access import METHODS, all_rules
from .conftest import build_world

RULES = all_rules()
EXCLUDED_NAMESPACES = {"admin"}  # the Django admin checks its own model permissions (tests/test_admin.py)


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns in EXCLUDED_NAMESPACES:
                    continue
                child_ns = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else ns
                walk(pattern.url_patterns, child_ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_a_rule():
    names = project_url_names()
    missing = sorted(names - set(RULES))
    stale = sorted(set(RULES) - names)
    assert not missing, f"URLs without an access rule in tests/access: {missing}"
    assert not stale, f"rules for URLs that no longer exist: {stale}"


def _login_url() -> str:
    return reverse(settings.LOGIN_URL)


def _call(client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url)


def _outcome(response) -> str:
    if response.status_code in (301, 302) and response["Location"].split("?")[0] == _login_url():
        return "login"
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    if response.status_code >= 500:
        return "500"
    return "ok"


@pytest.mark.parametrize("name", sorted(RULES))
def test_access(name, client, db):
    rule = RULES[name]
    world = build_world()
    url = reverse(name, kwargs=rule.kwargs(world))
    callers = [("anonymous", None)]
    callers += [(role, user) for role, user in world.users.items()]
    callers += [(f"{role}@other-dept", user) for role, user in world.outsiders.items()]
    problems = []
    for method in METHODS:
        answered = method in rule.methods
        if not answered and rule.any_method:
            continue
        for label, user in callers:
            client.logout()
            if user is not None:
                client.force_login(user)
            role = label.split("@")[0]
            if not answered:
                expected = "405"
            elif user is None:
                expected = "ok" if rule.public else "login"
            elif role not in rule.allowed:
                expected = "403"
            elif "@other-dept" in label and rule.scoped:
                expected = "404"
            else:
                expected = "ok"
            response = _call(client, method, url, rule.data(world) if method == "POST" else {})
            got = _outcome(response)
            if got != expected:
                problems.append(
                    f"{method} {url} as {label}: expected {expected}, got {got} ({response.status_code})"
                )
    assert not problems, "\n".join(problems)
