"""The accessibility gate of issue 16: every page each role reaches from its menu (and the first page
of each kind linked from those: a request, a sign-off form, a user …), in Chinese and in English:

- axe-core (WCAG 2.1 A/AA and best practice) in Chromium: no violation;
- the Nu Html Checker on the HTML as served: no error (one Java process for all pages);
- English pages show no Han characters outside data (names, titles and other stored values).

A failure lists each rule with the pages it fails on, so a new page that breaks a rule is found fast.
One login per role; the language is switched with Django's language cookie on the same session.
"""

import time

import pytest

from demo.people import DEFAULT_PASSWORD

from . import a11y
from .conftest import totp_code

pytestmark = pytest.mark.browser


# 168 pages of 9 roles, twice (Chinese, English), each through axe and the Nu checker: about 5 minutes on
# an idle core, more beside the rest of the suite; pytest-timeout's 300 s default would cut it short.
@pytest.mark.timeout(1800)
def test_every_page_of_every_role_passes_axe_nu_and_english(demo, browser, live_server, tmp_path):
    assert a11y.VNU_JAR.exists(), (
        "the Nu Html Checker is missing: run `make test-tools` (scripts/test_tools.sh)"
    )
    base = live_server.url
    data = a11y.data_text()
    walk = a11y.Walk()
    checked: set[tuple[str, str]] = set()  # (URL name, language) checked already
    for role in a11y.ROLES:
        context = browser.new_context(
            bypass_csp=True,  # axe is injected as a script; the portal's CSP would refuse it
            viewport={"width": 1366, "height": 768},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        page = context.new_page()
        a11y.log_in(page, base, role, DEFAULT_PASSWORD, totp_code)
        seen = {"home"}
        queue = ["/"]
        done = []
        for lang in ("zh", "en"):
            if lang == "en":
                context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
                queue = list(done)
            while queue and len(done) < a11y.MAX_PAGES_PER_ROLE * (2 if lang == "en" else 1):
                path = queue.pop(0)
                name = a11y.url_name(path)
                # Each kind of page is checked once per language (each role's home: its panels
                # differ); in Chinese every page of the role is still opened to find its links.
                full = name == "home" or (name, lang) not in checked
                checked.add((name, lang))
                if lang == "en" and not full:
                    continue
                a11y.check_page(page, walk, base=base, path=path, role=role, lang=lang, data=data, full=full)
                if lang == "zh":
                    done.append(path)
                    queue += a11y.collect_urls(page, base, seen)
        context.close()
    walked = time.monotonic() - walk.started
    nu = a11y.run_vnu(walk, tmp_path)
    total = time.monotonic() - walk.started
    distinct = len({p for _r, _l, p in walk.pages})
    loads = sum(a for a, _b, _l in walk.timings)
    axe_time = sum(b for _a, b, _l in walk.timings)
    print(
        f"\naccessibility gate: {len(walk.pages)} pages ({distinct} paths) of {len(a11y.ROLES)} roles "
        f"in {walked:.0f} s (loads {loads:.0f} s, axe {axe_time:.0f} s), Nu in {total - walked:.0f} s; "
        f"axe rules violated {len(walk.axe)}, Nu errors {len(nu)}, English pages with Han {len(walk.han)}"
    )
    problems = a11y.report(walk, nu)
    assert not problems, "\n" + problems
