"""Keyboard use of one page (issue 16): the skip link is the first stop and shows when focused, it
moves focus into the main content, every stop shows a visible focus indicator, the tab order follows
the reading order (no positive tabindex), and every form control has a label — in Chromium."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from common import clock
from demo.people import DEFAULT_PASSWORD
from tickets import services as ticket_services

from ..factories import DepartmentFactory, make_contract, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element as the test sees it: where it is, whether it shows a focus indicator, and
# whether it comes after the previous stop in the document.
FOCUSED = """(previous) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  window.__stops = window.__stops || [];
  const last = window.__stops[window.__stops.length - 1];
  const after = !last || !!(last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__stops.push(el);
  const text = el.innerText || el.getAttribute('aria-label') || el.name || '';
  return {tag: el.tagName, text: text.trim().slice(0, 40),
          testid: el.getAttribute('data-testid') || '', cls: el.className || '', inMain: !!el.closest('main'),
          visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight + 2000,
          indicator: outline || shadow, after: after};
}"""

UNLABELLED = """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


@pytest.fixture
def clerk(db):
    today = clock.today()
    contract = make_contract(
        start_on=today.replace(month=1, day=1),
        end_on=today.replace(month=12, day=31),
        signed_on=today.replace(month=1, day=1),
    )
    dept = DepartmentFactory(code="kbd-dept", name="养老保险科")
    staff = make_user(Role.STAFF, department=dept, username="staff_kbd", password=DEFAULT_PASSWORD)
    scope = contract.scopes.order_by("order").first()
    for n in range(3):
        ticket_services.ticket_submit(
            actor=staff, contract=contract, kind="software", scope=scope, priority="normal",
            title=f"社保卡信息同步失败 {n}", description="同步任务报错。",
        )  # fmt: skip
    return staff


def test_skip_link_focus_and_tab_order_on_the_request_list(clerk, page, live_server, log_in):
    log_in("staff_kbd")
    page.goto(f"{live_server.url}/tickets/")
    page.locator("body").focus()

    # The first Tab stop is the skip link, and it is shown on the screen when focused.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0, box
    first = page.evaluate(FOCUSED, None)
    assert first["indicator"], first

    # Enter moves focus to the main content; the next Tab stop is inside it.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.evaluate("window.__stops = [document.querySelector('main')]")
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED, None))
    assert all(s["inMain"] for s in stops[:8]), stops
    for stop in stops:
        assert stop["visible"], stop
        assert stop["indicator"], f"no visible focus on {stop}"
        assert stop["after"], f"the tab order jumps back to {stop}"
    # the page's own controls are reached in reading order: filters, then the first request
    testids = [s["testid"] for s in stops]
    assert "new-ticket" in testids

    # No positive tabindex anywhere, and every control has a label.
    assert (
        page.evaluate(
            'document.querySelectorAll(\'[tabindex]:not([tabindex="0"]):not([tabindex="-1"])\').length'
        )
        == 0
    )
    assert page.evaluate(UNLABELLED) == []

    # From the top of the page, Tab walks the menu before the content (the skip link's reason).
    page.goto(f"{live_server.url}/tickets/")
    page.evaluate("window.__stops = []")
    page.locator("body").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    second = page.evaluate(FOCUSED, None)
    assert not second["inMain"] and second["indicator"], second
