"""Finds the project's forms and what they send: from the access rules (every URL that answers
POST), the page the URL renders (its ``<form method="post">`` fields and their current values), or,
for a POST-only action, the body its rule sends (``Rule.data``). New apps are covered by adding their
rules in tests/access/, nothing else."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse

PROBES = ["next"]
PREFERRED_ROLES = [
    "bureau_admin",
    "sysadmin",
    "secadmin",
    "pm",
    "dept_head",
    "staff",
    "engineer",
    "finance",
    "auditor",
]


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> submitted values
    names: list[str] = field(default_factory=list)  # every field name, in page order
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_chosen: list[str] = []
        self._option_value: str | None = None
        self._option_text = ""
        self._option_selected = False
        self._textarea: str | None = None
        self._textarea_text = ""

    def _add(self, name: str, value: str | None) -> None:
        if name not in self._form.names:
            self._form.names.append(name)
        if value is not None:
            self._form.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""))
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind == "file":
                self._form.files.append(name)
            elif kind in {"checkbox", "radio"}:
                self._add(name, a.get("value", "on") if "checked" in a else None)
            else:
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_values, self._select_chosen = name, [], []
        elif tag == "option" and self._select:
            self._option_value = a.get("value")
            self._option_text = ""
            self._option_selected = "selected" in a
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text += data
        elif self._select and self._option_value is None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self._select_values.append(value)
            if self._option_selected:
                self._select_chosen.append(value)
            self._option_value = None
        elif tag == "select" and self._select and self._form is not None:
            chosen = self._select_chosen or self._select_values[:1]
            self._add(self._select, None)
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._add(self._textarea, self._textarea_text.removeprefix("\n"))
            self._textarea = None


def post_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _view_name(action: str, page_url: str) -> str:
    path = urlsplit(action).path or urlsplit(page_url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


FILES = re.compile(r"(pdf|export|scan|:attachment)$")


def forms_for(name: str, client, pages: list[str]) -> list[Form]:
    """The POST forms, on the given pages, that submit to the view ``name``."""
    found = []
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode("utf-8", "replace")
        found += [f for f in post_forms(html) if _view_name(f.action, page) == name]
    return found


def caller_for(rule, world):
    if rule.public:
        return None
    role = next((r for r in PREFERRED_ROLES if r in rule.allowed), None) or sorted(rule.allowed)[0]
    return world.users[role]


# How to log the fuzzing client in for a form that a normally logged-in user never sees
# (apps may add theirs): url name -> function(world, client).
def _half_logged_in(*, enrolled: bool):
    def prepare(world, client):
        from django.test import Client as PlainClient

        from security.twofactor import enrol_with_key

        from ..conftest import TEST_TOTP_KEY

        user = world.users["bureau_admin"]
        if enrolled:
            enrol_with_key(user, TEST_TOTP_KEY)
        PlainClient.force_login(client, user)  # password only: the second factor still to come

    return prepare


PREPARE: dict[str, Callable] = {
    "security:two_factor_setup": _half_logged_in(enrolled=False),
    "security:two_factor_verify": _half_logged_in(enrolled=True),
}


def discover(name: str, rules: dict, world, client) -> tuple[str, dict[str, list[str]], list[str]]:
    """The URL to post to, the body as the portal's own page would send it, and the field names."""
    rule = rules[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    if name in PREPARE:
        PREPARE[name](world, client)
    else:
        user = caller_for(rule, world)
        if user is not None:
            client.force_login(user)
    if "GET" in rule.methods:
        pages = [url]
    else:  # a POST-only action: its buttons are on the home page, the menu's pages, its app's pages
        from jinbao_service.navigation import flat, nav_for

        user = caller_for(rule, world)
        namespace = name.partition(":")[0] if ":" in name else ""
        pages = ["/", reverse(settings.LOGIN_URL)] + (
            [item.url for item in flat(nav_for(user))] if user else []
        )
        pages += [
            reverse(other, kwargs=other_rule.kwargs(world))
            for other, other_rule in rules.items()
            if namespace
            and other.startswith(namespace + ":")
            and "GET" in other_rule.methods
            and not FILES.search(other)  # PDFs, exports and files hold no form
            and (other_rule.public or (user is not None and user.role in other_rule.allowed))
        ]
    forms = forms_for(name, client, list(dict.fromkeys(pages)))
    base: dict[str, list[str]] = {}
    names: list[str] = []
    for form in forms[:1] if "GET" in rule.methods else forms:
        for key, values in form.fields.items():
            base.setdefault(key, values)
        names += form.names
    for key, value in rule.data(world).items():
        base[key] = [str(value)]
        names.append(key)
    # Every form is also sent a "next" it did not ask for: a view that reads one must keep it local.
    names = [n for n in dict.fromkeys([*names, *PROBES]) if n != "csrfmiddlewaretoken"]
    base.pop("csrfmiddlewaretoken", None)
    return url, base, names
