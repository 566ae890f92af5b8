"""The read-only settlement API: token or session authentication, who may read, JSON everywhere."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from payments import services
from payments.models import ApiToken, PaymentKind

from .helpers import at, lock_score, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world):
    _token, key = services.token_create(
        name="市人社局结算系统", user=world.users["finance"], actor=world.users["bureau_admin"]
    )
    return key


def get(url, key=None, client=None, **headers):
    client = client or Client()
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client.get(url, **headers)


def test_contracts_list_with_a_token(world, key):
    response = get(reverse("api:contracts"), key)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {k: row[k] for k in ("id", "number", "total", "signed_on", "start", "end")} == {
        "id": world.contract.pk,
        "number": world.contract.number,
        "total": "600000.00",
        "signed_on": "2023-01-10",
        "start": "2023-01-01",
        "end": "2023-12-31",
    }
    assert row["settlement"].endswith(f"/api/contracts/{world.contract.pk}/settlement/")
    assert ApiToken.objects.get().last_used_at is not None


def test_settlement_fields(world, key):
    pay(world, PaymentKind.ADVANCE, dt.date(2023, 2, 16), "240000")  # 13 days late
    lock_score(world)
    with clock.frozen_at(at(2024, 1, 9)):
        body = get(reverse("api:settlement", args=[world.contract.pk]), key).json()
    assert body["contract"]["number"] == world.contract.number and body["contract"]["total"] == "600000.00"
    score = body["score"]
    assert score["locked"] is True and score["total"] == "100.00"
    assert [p["key"] for p in score["parts"]] == [
        "data_maintenance",
        "responsiveness",
        "completion",
        "satisfaction",
        "attendance",
    ]
    first = score["parts"][0]
    assert (first["weight"], first["score"], first["case_count"], first["no_cases"]) == (20, "20.00", 0, True)
    assert body["tier"]["ratio"] == "100.00"
    advance, final = body["payments"]
    assert advance == {
        **advance,
        "kind": "advance",
        "amount": "240000.00",
        "due_on": "2023-02-03",
        "due_pending_reason": None,
        "paid_amount": "240000.00",
        "days_late": 13,
        "penalty": "600.00",
        "termination_right": False,
    }
    assert (final["kind"], final["amount"], final["due_on"], final["paid_amount"]) == (
        "final",
        "360000.00",
        "2024-01-15",
        "0.00",
    )


def test_a_pending_due_date_has_its_reason(world, key):
    from contracts.services import contract_copy

    with clock.frozen_at(at(2026, 3, 1)):
        contract = contract_copy(
            source=world.contract,
            number="T-2026",
            name="2026",
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=world.users["bureau_admin"],
        )
        final = get(reverse("api:settlement", args=[contract.pk]), key).json()["payments"][1]
    assert final["due_on"] is None and final["due_pending_reason"] == "2027 年工作日历尚未加载，应付日待定"
    assert final["provisional"] is True


def test_session_authentication_for_the_bureau_admin_and_the_pm(world, login):
    for role in ("bureau_admin", "pm", "finance"):
        client = login(world.users[role])
        assert get(reverse("api:contracts"), client=client).status_code == 200


@pytest.mark.parametrize("role", ["staff", "dept_head", "engineer", "auditor", "sysadmin", "secadmin"])
def test_other_roles_get_a_json_403(world, login, role):
    response = get(reverse("api:settlement", args=[world.contract.pk]), client=login(world.users[role]))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert AuditEntry.objects.filter(action="access.denied", actor=world.users[role]).exists()


def test_errors_are_json(world, key):
    anonymous = get(reverse("api:contracts"))
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == "Token"
    assert get(reverse("api:contracts"), "wrong-key").json()["error"]["code"] == "invalid_token"
    assert (
        get(reverse("api:contracts"), HTTP_AUTHORIZATION="Bearer abc").json()["error"]["code"]
        == "bad_authorization"
    )
    missing = get(reverse("api:settlement", args=[99999]), key)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    posted = Client().post(reverse("api:contracts"), HTTP_AUTHORIZATION=f"Token {key}")
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"
    assert get(reverse("api:contracts") + "?page=x", key).status_code == 400
    assert get(reverse("api:contracts") + "?page=9", key).status_code == 404


def test_a_revoked_token_or_an_inactive_user_is_refused(world, key):
    token = ApiToken.objects.get()
    world.users["finance"].is_active = False
    world.users["finance"].save()
    assert get(reverse("api:contracts"), key).status_code == 401
    world.users["finance"].is_active = True
    world.users["finance"].save()
    assert get(reverse("api:contracts"), key).status_code == 200
    services.token_revoke(token=token, actor=world.users["sysadmin"])
    assert get(reverse("api:contracts"), key).status_code == 401


def test_tokens_store_only_a_hash_and_act_only_for_readers(world, key):
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and token.prefix == key[:8]
    with pytest.raises(ServiceError, match="只能代表"):
        services.token_create(name="x", user=world.users["engineer"], actor=world.users["bureau_admin"])
    from common.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.token_create(name="x", user=world.users["finance"], actor=world.users["finance"])


def test_token_page_shows_the_key_once(world, login):
    client = login(world.users["bureau_admin"])
    response = client.post(
        reverse("payments:token_list"),
        {"name": "市人社局结算系统", "user": world.users["pm"].pk},
        follow=True,
    )
    html = response.content.decode()
    assert 'data-testid="new-key"' in html
    token = ApiToken.objects.get()
    assert token.user == world.users["pm"]
    assert 'data-testid="new-key"' not in client.get(reverse("payments:token_list")).content.decode()
