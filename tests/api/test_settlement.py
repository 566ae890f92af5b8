"""The settlement endpoints (moved from payments): figures, who may read, JSON everywhere."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from common import clock
from payments.models import PaymentKind

from ..payments.helpers import at, lock_score, pay
from .helpers import key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world):
    return key_for(world.users["finance"], name="结算对账")


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
