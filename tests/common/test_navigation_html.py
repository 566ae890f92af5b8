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


@pytest.mark.django_db
def test_the_menu_reads_the_permissions_once_and_agrees_with_has_perm(world, django_assert_max_num_queries):
    """``nav_for`` checks each item against the user's permission set (issue 14): the same items as
    asking ``has_perm`` of every backend, a superuser sees every item, and a user without the
    permissions (or inactive) sees only the home page."""
    from accounts.models import User
    from jinbao_service.navigation import all_items, flat

    for user in [*world.users.values(), *world.outsiders.values()]:
        user = User.objects.get(pk=user.pk)  # no permissions read yet
        with django_assert_max_num_queries(1):
            shown = {item.url_name for item in flat(nav_for(user))}
        asked = {
            item.url_name
            for item in all_items()
            if user.has_perms(item.perms)
            and (not item.any_perms or any(user.has_perm(p) for p in item.any_perms))
        }
        assert shown == asked, user.role
    boss = User.objects.get(pk=world.users["pm"].pk)
    boss.is_superuser = True
    assert {i.url_name for i in flat(nav_for(boss))} == {i.url_name for i in all_items()}
    gone = User.objects.get(pk=world.users["pm"].pk)
    gone.is_active = False
    assert [i.url_name for i in flat(nav_for(gone))] == ["home"]


@pytest.mark.django_db
def test_a_kept_menu_follows_the_language_and_the_page(world):
    entries = nav_for(world.users["pm"])
    with translation.override("zh-hans"):
        chinese = nav_html(entries, "tickets:list")
    with translation.override("en"):
        english = nav_html(entries, "tickets:list")
        other_page = nav_html(entries, "home")
    assert "服务请求" in chinese and "服务请求" not in english
    assert chinese != english and english != other_page
    with translation.override("zh-hans"):
        assert nav_html(entries, "tickets:list") is chinese  # kept, not drawn again
