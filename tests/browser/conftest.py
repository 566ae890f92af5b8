"""Playwright drives Debian's Chromium (installed by `make`) against Django's live server."""

import re
import shutil

import pytest

try:
    from playwright.sync_api import TargetClosedError
except ImportError:  # the pinned playwright (1.65) does not export it; it is the same class
    from playwright._impl._errors import TargetClosedError

from demo.loader import load_demo
from demo.people import DEFAULT_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 768},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


def totp_code(username: str) -> str:
    """The code the demo's authenticator shows now (the demo secret), or the next one when the
    current one was used already (a code is accepted once; the device tolerates one step ahead)."""
    import time

    from accounts.models import User
    from demo.credentials import demo_totp_secret
    from security.twofactor import confirmed_device, key_from_base32, token_at

    device = confirmed_device(User.objects.get(username=username))
    key = key_from_base32(demo_totp_secret())
    now_step = int(time.time()) // 30
    ahead = 1 if device is not None and device.last_t >= now_step else 0
    return token_at(key, offset_steps=ahead)


@pytest.fixture
def log_in(page, live_server):
    """``log_in(username)`` fills the real login form in the browser, and the second factor (the
    demo's TOTP secret) for the logins that need one."""

    def _log_in(username: str, password: str = DEFAULT_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(security/2fa/verify/.*)?$"))
        if "/security/2fa/verify/" in page.url:
            page.fill("#id_token", totp_code(username))
            page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _log_in


def open_menu(page, label: str, group: str | None = None) -> None:
    """Click a menu item, opening its dropdown group first when it has one."""
    nav = page.locator(".portal-navbar")
    if group:
        nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=label, exact=True).click()


# A strict Content-Security-Policy (no inline scripts or styles) on every HTML page of the live server.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || ''));
});
"""


@pytest.fixture
def demo(db):
    load_demo()


@pytest.fixture
def strict_page(page, live_server):
    """Every HTML page of the live server answers with a strict CSP; console errors are collected."""

    def add_csp(route):
        # Only documents carry a CSP; fonts, scripts and images go straight through. A route still in
        # flight when the test ends (a font the last page asked for) must not fail the next test:
        # the page's context is gone, so the error is the expected end of that request.
        try:
            if route.request.resource_type != "document":
                route.continue_()
                return
            response = route.fetch(max_redirects=0)
            headers = dict(response.headers)
            if headers.get("content-type", "").startswith("text/html"):
                headers["content-security-policy"] = STRICT_CSP
            route.fulfill(response=response, headers=headers)
        except TargetClosedError:
            pass

    page.route(f"{live_server.url}/**", add_csp)
    page.add_init_script(COLLECT_VIOLATIONS)
    page.errors = []
    page.on(
        "console",
        lambda msg: (
            page.errors.append(f"{msg.text} {msg.location.get('url', '')}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    page.unroute_all(behavior="ignoreErrors")
