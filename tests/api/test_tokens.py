"""Issue 13.3: who may create a token, what it carries, expiry, storage. (Reproduced first in
tests/payments/test_api_issue13.py on the old code, where each of these failed.)"""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from api import services
from api.models import ApiToken, hash_key
from common import clock
from common.errors import TransitionNotAllowed
from common.models import AuditEntry

from .helpers import call, key_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("admin", ["sysadmin", "secadmin", "auditor"])
@pytest.mark.parametrize("owner", ["finance", "pm", "bureau_admin", "sysadmin", "secadmin", "auditor"])
def test_no_administrator_can_mint_a_token(world, admin, owner):
    """三员 can neither make a token for someone who reads business data nor for themselves."""
    with pytest.raises(TransitionNotAllowed):
        services.token_create(name="x", user=world.users[owner], actor=world.users[admin])
    assert not ApiToken.objects.exists()


def test_a_token_is_made_by_the_person_whose_rights_it_carries(world):
    with pytest.raises(TransitionNotAllowed, match="不能为他人创建令牌"):
        services.token_create(name="x", user=world.finance, actor=world.bureau_admin)
    token, _key = services.token_create(name="对账", user=world.finance, actor=world.finance)
    assert token.user == token.created_by == world.finance


def test_the_bureau_admin_makes_the_system_accounts_tokens(world):
    system = services.system_account()
    assert system.role == Role.SYSTEM and not system.has_usable_password()
    assert services.system_account() == system  # one account
    token, _key = services.token_create(name="市人社局结算系统", user=system, actor=world.bureau_admin)
    assert token.created_by == world.bureau_admin
    for other in ("finance", "pm", "staff"):
        with pytest.raises(TransitionNotAllowed):
            services.token_create(name="x", user=system, actor=world.users[other])
    entry = AuditEntry.objects.filter(action="api_token.create").latest("seq")
    assert entry.actor == world.bureau_admin and entry.changes["user"] == system.username


def test_the_system_account_cannot_log_in(world, client):
    system = services.system_account()
    assert not client.login(username=system.username, password="")
    system.set_password("Known@Pass2023")  # even if someone gave it a password
    system.save()
    assert not client.login(username=system.username, password="Known@Pass2023")


def test_tokens_expire_after_the_configured_days(world, settings):
    settings.API_TOKEN_MAX_DAYS = 180
    token, key = services.token_create(name="x", user=world.finance, actor=world.finance)
    assert token.expires_at - token.created_at == dt.timedelta(days=180)
    url = reverse("api:contracts")
    with clock.frozen_at(token.created_at + dt.timedelta(days=179, hours=23)):
        assert call(url, key).status_code == 200
    with clock.frozen_at(token.created_at + dt.timedelta(days=180)):
        response = call(url, key)
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_expired"
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(Exception, match="1 到 30 天"):
        services.token_create(name="x", user=world.finance, actor=world.finance, days=31)
    short, _ = services.token_create(name="y", user=world.finance, actor=world.finance, days=7)
    assert short.expires_at - short.created_at == dt.timedelta(days=7)


def test_only_a_digest_of_the_key_is_stored(world):
    token, key = services.token_create(name="x", user=world.finance, actor=world.finance)
    assert key.startswith("jbt_") and len(key) == 47
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(row) and row["key_hash"] == hash_key(key) and token.prefix == key[:12]


def test_a_revoked_token_or_an_inactive_user_is_refused(world):
    key = key_for(world.finance)
    token = ApiToken.objects.get()
    url = reverse("api:contracts")
    world.finance.is_active = False
    world.finance.save()
    assert call(url, key).status_code == 401
    world.finance.is_active = True
    world.finance.save()
    assert call(url, key).status_code == 200
    with pytest.raises(TransitionNotAllowed):
        services.token_revoke(token=token, actor=world.pm)
    services.token_revoke(token=token, actor=world.secadmin)  # incident response: any token
    assert call(url, key).status_code == 401


# --- the token page --------------------------------------------------------------------------------------


def test_a_user_makes_their_own_token_and_sees_the_key_once(world, login):
    client = login(world.staff)
    response = client.post(reverse("tokens:create"), {"name": "科室报表工具", "days": "30"}, follow=True)
    html = response.content.decode()
    assert 'data-testid="new-key"' in html and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.user == token.created_by == world.staff
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    again = client.get(reverse("tokens:list")).content.decode()
    assert 'data-testid="new-key"' not in again and "科室报表工具" in again


def test_the_page_lists_only_what_the_user_may_see(world, login):
    mine = services.token_create(name="工程师的", user=world.engineer, actor=world.engineer)[0]
    system = services.token_create(
        name="结算接口X", user=services.system_account(), actor=world.bureau_admin
    )[0]
    assert "结算接口X" not in login(world.engineer).get(reverse("tokens:list")).content.decode()
    html = login(world.bureau_admin).get(reverse("tokens:list")).content.decode()
    assert "结算接口X" in html and "工程师的" not in html
    html = login(world.secadmin).get(reverse("tokens:list")).content.decode()
    assert "结算接口X" in html and "工程师的" in html and 'data-testid="token-form"' not in html
    assert mine.pk and system.pk


def test_a_form_error_keeps_what_was_typed(world, login, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    response = login(world.pm).post(reverse("tokens:create"), {"name": "周报工具", "days": "365"})
    html = response.content.decode()
    assert response.status_code == 200 and "周报工具" in html and "90" in html
    assert not ApiToken.objects.exists()


def test_the_bureau_admin_creates_a_system_token_on_the_page(world, login):
    client = login(world.bureau_admin)
    client.post(reverse("tokens:create"), {"name": "市人社局结算系统", "days": "180", "for_system": "on"})
    token = ApiToken.objects.get()
    assert token.user.role == Role.SYSTEM and token.created_by == world.bureau_admin


def test_a_sysadmin_has_no_token_page(world, login):
    client = login(world.sysadmin)
    assert client.get(reverse("tokens:list")).status_code == 403
    assert client.post(reverse("tokens:create"), {"name": "x", "days": "1"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_user_menu_leads_to_the_token_page(world, login):
    assert 'data-testid="tokens-link"' in login(world.staff).get(reverse("home")).content.decode()
    assert 'data-testid="tokens-link"' not in login(world.sysadmin).get(reverse("home")).content.decode()
