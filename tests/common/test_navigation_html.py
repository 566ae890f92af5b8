"""The menu drawn in Python (``common.navigation.nav_html``, issue 14) is the menu the template drew, for
every role, on a page of a group, a single item and none, in Chinese and English."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from common.navigation import nav_html
from jinbao_service.navigation import nav_for

REFERENCE = Template((Path(__file__).parent / "nav_reference.html").read_text(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("current", ["home", "tickets:list", "reports:statistics", "security:users", ""])
def test_the_menu_is_the_templates_menu(world, language, current):
    users = list(world.users.values())
    assert len(users) >= 7
    for user in users:
        entries = nav_for(user)
        with translation.override(language):
            expected = REFERENCE.render(Context({"nav_items": entries, "current_url_name": current}))
            drawn = nav_html(entries, current)
        assert parse_html(f"<ul>{drawn}</ul>") == parse_html(expected), user.role
        assert drawn.count('class="nav-item') == len(entries)


@pytest.mark.django_db
def test_the_page_shows_the_menu_with_the_current_item_active(client, world):
    client.force_login(world.users["pm"])
    html = client.get("/tickets/").content.decode()
    assert 'class="dropdown-item active" href="/tickets/" aria-current="page"' in html
    assert 'class="nav-link dropdown-toggle active"' in html
