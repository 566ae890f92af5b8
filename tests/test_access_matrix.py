"""Every URL × every role × every method, generated from the URL resolver.

For each URL the rule in ``tests/access`` says which roles may use it. The test logs in as each
role (department A), as the same staff roles of department B, and anonymously, and checks:
allowed → not 403/404/405 and not sent to the login page; other roles → 403; department B on a
department-A object → 404; anonymous → the login page; a method the view does not answer → 405.

Every page an allowed role gets also carries the security headers, is ``no-store`` when it shows
someone's phone number or e-mail address or is a document (a PDF, a download), logs an ``export``
audit entry when it is a download, and no request of any role, by any method, changes or removes an
audit entry (三员分立: not even the auditor or the administrators).
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from common.audit import verify_chain
from common.models import AuditEntry
from common.privacy import mask_phone

from .access import METHODS, all_rules
from .conftest import build_world
from .security import figures

RULES = all_rules()
# The Django admin checks its own model permissions, with another login flow (redirect to its
# login page rather than 403): tests/security/test_admin_site.py covers every registered model.
EXCLUDED_NAMESPACES = {"admin"}
DEPARTMENT_ROLES = {"staff", "dept_head"}
# Query parameters the portal's lists and pages read as integers (ids, pages, years, months).
INTEGER_PARAMS = ("page", "person", "contract", "year", "month", "ticket", "department", "period", "week")


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


def _personal_data(world) -> list[str]:
    """How the world's people's phone numbers and e-mail addresses look on a page."""
    people = [*world.users.values(), *world.outsiders.values()]
    return [p.phone for p in people] + [mask_phone(p.phone) for p in people] + [p.email for p in people]


def _header_problems(response, personal: list[str]) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    # pages carry the portal's policy; a downloaded file may carry a stricter one (nothing runs at all)
    locked_down = "default-src 'none'" in csp
    if ("script-src 'self'" not in csp and not locked_down) or "'unsafe-inline'" in csp:
        problems.append(f"Content-Security-Policy missing or allows inline code: {csp!r}")
    for header in ("Permissions-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        if not response.has_header(header):
            problems.append(f"no {header} header")
    body = b"" if response.streaming else response.content
    shown = [value for value in personal if value and value.encode() in body]
    if shown and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"shows personal data {shown[:2]} without Cache-Control: no-store")
    if _is_document(response) and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"a document ({response['Content-Type']}) without Cache-Control: no-store")
    return problems


def _is_document(response) -> bool:
    """A file rather than a page: a PDF, a download, anything sent with a Content-Disposition."""
    return response.has_header("Content-Disposition") or response.get("Content-Type", "").startswith(
        "application/pdf"
    )


def _is_export(name: str, response) -> bool:
    return "export" in name or "attachment" in response.get("Content-Disposition", "")


@pytest.mark.parametrize("name", sorted(RULES))
def test_access(name, client, db):
    rule = RULES[name]
    world = build_world()
    url = reverse(name, kwargs=rule.kwargs(world))
    callers = [("anonymous", None)]
    callers += [(role, user) for role, user in world.users.items()]
    callers += [(f"{role}@other-dept", user) for role, user in world.outsiders.items()]
    personal = _personal_data(world)
    audit_before = dict(AuditEntry.objects.values_list("seq", "hash"))
    problems = []
    cases = 0
    methods = [m for m in METHODS if m in rule.methods or not rule.any_method]
    for label, user in callers:
        # one login per caller, then every method (a 405 comes before any login or role check)
        client.logout()
        if user is not None:
            client.force_login(user)
        role = label.split("@")[0]
        for method in methods:
            answered = method in rule.methods
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
            last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            response = _call(client, method, url, rule.data(world) if method == "POST" else {})
            cases += 1
            got = _outcome(response)
            if got != expected:
                problems.append(
                    f"{method} {url} as {label}: expected {expected}, got {got} ({response.status_code})"
                )
            elif got == "ok" and method == "GET" and user is not None:
                problems += [f"GET {url} as {label}: {p}" for p in _header_problems(response, personal)]
                # Issue 13 item 7: the usual query parameters beyond any database's integer range.
                odd = client.get(url, dict.fromkeys(INTEGER_PARAMS, "9223372036854775808"))
                cases += 1
                if odd.status_code >= 500:
                    problems.append(f"GET {url} as {label} with out-of-range integers: {odd.status_code}")
                if (
                    _is_export(name, response)
                    and not AuditEntry.objects.filter(
                        seq__gt=last_seq, action__contains="export", actor=user
                    ).exists()
                ):
                    problems.append(f"GET {url} as {label}: an export without an `export` audit entry")
    figures.add("access matrix: URL x caller x method checks", cases)
    audit_after = dict(AuditEntry.objects.filter(seq__in=list(audit_before)).values_list("seq", "hash"))
    if audit_after != audit_before:
        problems.append("audit entries were changed or removed by the requests above")
    report = verify_chain()
    if not report.ok:
        problems.append(f"audit chain broken at #{report.broken_seq}: {report.reason}")
    assert not problems, "\n".join(problems)


def test_department_objects_are_scoped(db):
    """An object URL that bureau staff or department heads may open must return 404 to another
    department (``scoped=True``), or its rule says why not (``unscoped="…"``)."""
    world = build_world()
    unscoped = sorted(
        name
        for name, rule in RULES.items()
        if rule.allowed & DEPARTMENT_ROLES
        and not rule.public
        and rule.kwargs(world)
        and not rule.scoped
        and not rule.unscoped
    )
    assert not unscoped, f"object URLs open to department roles without scoped=True: {unscoped}"


# --- search (issue 17): a search never returns a request the caller cannot open -------------------------

SEARCH_WORD = "社保卡"


def _search_world():
    """Requests of both departments in every visibility-relevant state, each naming ``SEARCH_WORD``;
    one names it only in an internal comment and one only in an internal attachment's name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets import services
    from tickets.models import Status

    from .tickets.helpers import advance, submit

    world = build_world()
    b_staff = world.outsiders["staff"]
    made = [
        submit(world, title=f"{SEARCH_WORD}补办失败（待确认）"),
        submit(world, title=f"{SEARCH_WORD}补办失败（外科室待确认）", requester=b_staff),
        advance(world, submit(world, title=f"{SEARCH_WORD}打印错位（处理中）"), Status.IN_PROGRESS),
        advance(world, submit(world, title=f"{SEARCH_WORD}挂失（已解决）"), Status.RESOLVED),
    ]
    internal = advance(world, submit(world, title="参保登记报错"), Status.IN_PROGRESS)
    services.comment_add(
        ticket=internal, actor=world.engineer, body=f"内部：{SEARCH_WORD}接口超时", internal=True
    )
    attached = advance(world, submit(world, title="待遇发放核对"), Status.IN_PROGRESS)
    services.attachment_add(
        ticket=attached,
        actor=world.engineer,
        upload=SimpleUploadedFile(f"{SEARCH_WORD}日志.txt", b"log", content_type="text/plain"),
        internal=True,
    )
    return world, [*made, internal, attached], {internal.pk, attached.pk}


def test_search_never_returns_a_request_the_caller_cannot_open(db, client):
    """For each role and both departments: the search page, the request list's q filter and the API's q
    filter return only requests whose page the caller can open, and every one of those that names the
    word where the caller may read it; internal comments and attachments match for the vendor only."""
    from tickets import policy
    from tickets.models import Ticket

    world, tickets, internal_only = _search_world()
    callers = [*world.users.items(), *((f"{r}@other-dept", u) for r, u in world.outsiders.items())]
    problems = []
    searched = 0
    seen: dict[str, set[int]] = {}
    for label, user in callers:
        client.force_login(user)
        openable = {
            t.pk for t in tickets if client.get(reverse("tickets:detail", args=[t.pk])).status_code == 200
        }
        expected = openable if policy.is_vendor(user) else openable - internal_only
        seen[label] = expected
        numbers = {t.pk: t.number for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
        pages = {
            "search page": reverse("kb:search") + f"?q={SEARCH_WORD}",
            "request list": reverse("tickets:list") + f"?q={SEARCH_WORD}",
        }
        for where, url in pages.items():
            response = client.get(url)
            if response.status_code != 200:
                if openable:
                    problems.append(f"{label}: {where} answers {response.status_code}")
                continue
            searched += 1
            body = response.content.decode()
            shown = {pk for pk, number in numbers.items() if number in body}
            if shown != expected:
                problems.append(f"{label}: {where} shows {sorted(shown)}, should find {sorted(expected)}")
        response = client.get(reverse("api:tickets"), {"q": SEARCH_WORD})
        if response.status_code == 200:
            searched += 1
            found = {row["id"] for row in response.json()["results"]}
            if found != expected:
                problems.append(f"{label}: API q shows {sorted(found)}, should find {sorted(expected)}")
        elif openable:
            problems.append(f"{label}: API q answers {response.status_code}")
        client.logout()
    assert not problems, "\n".join(problems)
    # The world is not trivial: each department's staff find their own, the vendor the internal ones.
    assert seen["staff"] and seen["staff@other-dept"] and not seen["staff"] & seen["staff@other-dept"]
    assert internal_only <= seen["engineer"] and not internal_only & seen["bureau_admin"]
    assert searched >= 10
