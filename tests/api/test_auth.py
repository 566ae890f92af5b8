"""Issue 13.3: every call audited, invalid tokens throttled per address, the header parsed strictly,
JSON answers for every method and path under /api/."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiClientBlock
from common.models import AuditEntry

from .helpers import call, key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world):
    return key_for(world.finance, name="结算对账")


def test_every_call_is_audited_with_user_token_path_and_result(world, key):
    url = reverse("api:settlement", args=[world.contract.pk])
    assert call(url, key, REMOTE_ADDR="10.0.0.7").status_code == 200
    entry = AuditEntry.objects.filter(action="api.call").latest("seq")
    assert entry.actor == world.finance and entry.success and entry.ip == "10.0.0.7"
    assert entry.changes | {"token_id": None} == {
        "method": "GET",
        "path": url,
        "query": "",
        "status": 200,
        "auth": "token",
        "token": "结算对账",
        "token_id": None,
    }
    staff_key = key_for(world.staff)
    assert call(url, staff_key).status_code == 403
    denied = AuditEntry.objects.filter(action="api.call").latest("seq")
    assert (denied.actor, denied.success, denied.changes["status"]) == (world.staff, False, 403)
    assert call(url, "jbt_" + "x" * 43).status_code == 401
    refused = AuditEntry.objects.filter(action="api.call").latest("seq")
    assert refused.actor is None and refused.changes["reason"] == "invalid_token"
    assert refused.changes["token_prefix"] == "Token jbt_xxxxxxxx"  # never the whole key


def test_session_calls_are_audited_too(world, login):
    login(world.pm).get(reverse("api:contracts") + "?page_size=5")
    entry = AuditEntry.objects.filter(action="api.call").latest("seq")
    assert entry.actor == world.pm and entry.changes["auth"] == "session"
    assert entry.changes["query"] == "page_size=5"


def test_invalid_tokens_from_one_address_are_throttled(world, key, settings):
    settings.API_FAILURE_LIMIT = 5
    url = reverse("api:contracts")
    codes = [call(url, "jbt_" + "y" * 43, REMOTE_ADDR="10.9.9.9").status_code for _ in range(5)]
    assert codes == [401] * 5
    blocked = call(url, key, REMOTE_ADDR="10.9.9.9")  # even a good key, from that address
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(blocked["Retry-After"]) <= settings.API_BLOCK_MINUTES * 60 + 1
    assert call(url, key, REMOTE_ADDR="10.9.9.10").status_code == 200  # another address is not
    assert AuditEntry.objects.filter(action="api.throttle", object_repr="10.9.9.9").count() == 1
    before = AuditEntry.objects.count()
    for _ in range(20):
        assert call(url, key, REMOTE_ADDR="10.9.9.9").status_code == 429
    assert AuditEntry.objects.count() == before  # refused calls while blocked do not grow the log
    assert ApiClientBlock.objects.get(ip="10.9.9.9").refused >= 20
    ApiClientBlock.objects.filter(ip="10.9.9.9").update(blocked_until=None)  # the block ran out
    assert call(url, key, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_throttling_counts_the_real_client_address(world, settings):
    """A forged X-Real-IP from a client that is not the trusted proxy cannot dodge the throttle."""
    settings.API_FAILURE_LIMIT = 3
    settings.TRUST_X_REAL_IP = False
    url = reverse("api:contracts")
    for n in range(3):
        call(url, "jbt_" + "z" * 43, REMOTE_ADDR="10.8.8.8", HTTP_X_REAL_IP=f"192.0.2.{n}")
    assert call(url, "jbt_" + "z" * 43, REMOTE_ADDR="10.8.8.8").status_code == 429


@pytest.mark.parametrize(
    "header",
    [
        "Bearer {key}",
        "token {key}",
        "Token  {key}",
        "Token {key} ",
        " Token {key}",
        "Token {key},Token {key}",
        "Token {key} extra",
        "Token\t{key}",
        "Token {key}\n",
        "Token",
        "Token ",
        "{key}",
        "Token {short}",
        "Token key={key}",
    ],
)
def test_the_header_is_parsed_strictly(world, key, header):
    value = header.format(key=key, short=key[:-1])
    response = call(reverse("api:contracts"), HTTP_AUTHORIZATION=value)
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_authorization"
    assert response["WWW-Authenticate"] == "Token"


def test_a_header_wins_over_the_session(world, login):
    client = login(world.finance)
    response = client.get(reverse("api:contracts"), HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_anonymous_gets_a_json_401(world):
    response = call(reverse("api:tickets"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token" and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("name", ["api:index", "api:contracts", "api:tickets", "api:schema"])
def test_writes_answer_a_json_405_not_the_csrf_page(world, key, login, method, name):
    for client in (Client(enforce_csrf_checks=True), login(world.finance)):
        client.handler.enforce_csrf_checks = True
        response = getattr(client, method)(reverse(name), HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 405, (name, method, response.content[:200])
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "method_not_allowed" and "GET" in response["Allow"]


def test_unknown_paths_are_json_too(world, key):
    for path in ("/api/nope/", "/api/tickets/abc/", "/api/contracts/1/payments/"):
        response = call(path, key)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path
    posted = Client(enforce_csrf_checks=True).delete("/api/nope/")
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"


def test_an_id_too_large_for_the_database_is_a_404(world, key):
    response = call(f"/api/contracts/{2**70}/settlement/", key)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
