"""Finance's pages: the dashboard, recording a payment through the form (a double submit records one),
the notice PDF, flat query counts."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from common import clock
from payments.models import Payment, PaymentKind, PaymentNotice
from tests.pdf_helpers import assert_cjk_font_embedded

from .helpers import at, lock_score, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_2023():
    with clock.frozen_at(at(2023, 2, 20)):
        yield


def test_the_dashboard_shows_score_tier_payments_and_penalties(world, login, in_2023):
    pay(world, PaymentKind.ADVANCE, dt.date(2023, 2, 16), "100000", when=at(2023, 2, 16))
    response = login(world.users["finance"]).get(reverse("payments:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="kpi-score">100.00' in html and 'data-testid="kpi-tier">100%' in html
    assert 'data-testid="kpi-fees">¥600.00' in html  # 17 days late, 140,000 still unpaid
    assert "贰拾肆万圆整" in html and 'data-testid="due-advance">2023-02-03' in html
    charts = json.loads(
        re.search(r'id="payments-charts" type="application/json">(.*?)</script>', html).group(1)
    )
    assert charts["parts"]["weights"] == [20, 10, 20, 20, 30]
    assert [t["ratio"] for t in charts["tiers"]] == [100.0, 90.0, 80.0, 70.0, 60.0, 50.0]
    assert charts["payments"]["paid"] == [100000.0, 0.0]
    assert charts["trend"]["labels"] == ["2023-01", "2023-02"]
    assert (
        "<script>" not in html.split('id="payments-charts"')[1]
    )  # no inline script: the JS is a static file
    assert 'src="/static/js/payments.js"' in html


def test_the_pm_reads_but_does_not_record(world, login, in_2023):
    html = login(world.users["pm"]).get(reverse("payments:dashboard")).content.decode()
    assert 'data-testid="record-payment"' not in html and 'data-testid="notice-form"' not in html


def test_recording_through_the_form_twice_records_one_payment(world, login, in_2023):
    client = login(world.users["finance"])
    form = client.get(reverse("payments:payment_create"))
    token = form.context["form"].initial["token"]
    assert (
        form.context["form"].initial["amount"] == 240000 and form.context["form"].initial["kind"] == "advance"
    )
    data = {
        "token": str(token),
        "kind": "advance",
        "paid_on": "2023-02-17",
        "amount": "240000.00",
        "reference": "DH20230217-0001",
    }
    first = client.post(reverse("payments:payment_create"), data, follow=True)
    second = client.post(reverse("payments:payment_create"), data, follow=True)
    assert "已登记预付款 ¥240,000.00" in first.content.decode()
    assert "已经登记过" in second.content.decode()
    assert Payment.objects.count() == 1


def test_a_refused_payment_keeps_what_was_typed(world, login, in_2023):
    client = login(world.users["finance"])
    token = client.get(reverse("payments:payment_create")).context["form"].initial["token"]
    data = {
        "token": str(token),
        "kind": "advance",
        "paid_on": "2023-02-17",
        "amount": "250000",
        "reference": "DH-77",
    }
    response = client.post(reverse("payments:payment_create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "本次最多 ¥240,000.00" in html
    assert 'value="DH-77"' in html and 'value="250000"' in html
    assert not Payment.objects.exists()


def test_notices_are_issued_and_served_as_pdf(world, login, in_2023):
    client = login(world.users["finance"])
    client.post(reverse("payments:notice_issue"), {"kind": "advance"})
    notice = PaymentNotice.objects.get()
    refused = client.post(reverse("payments:notice_issue"), {"kind": "final"}, follow=True)
    assert "尚未锁定" in refused.content.decode() and PaymentNotice.objects.count() == 1
    response = client.get(reverse("payments:notice_pdf", args=[notice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_cjk_font_embedded(response.content)


def test_dashboard_query_count_does_not_grow_with_payments(world, login, django_assert_max_num_queries):
    lock_score(world, when=at(2024, 1, 3))
    client = login(world.users["finance"])
    with clock.frozen_at(at(2024, 1, 20)):
        pay(world, PaymentKind.ADVANCE, dt.date(2023, 2, 1), "1000", when=at(2023, 2, 2))
        client.get(reverse("payments:dashboard"))
        with django_assert_max_num_queries(40) as few:
            client.get(reverse("payments:dashboard"))
        for i in range(30):
            pay(
                world,
                PaymentKind.ADVANCE,
                dt.date(2023, 2, 1),
                "1000",
                reference=f"DH-{i}",
                when=at(2023, 2, 2),
            )
            pay(
                world,
                PaymentKind.FINAL,
                dt.date(2024, 1, 10),
                "1000",
                reference=f"DH-F{i}",
                when=at(2024, 1, 10),
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse("payments:dashboard"))
    assert response.status_code == 200 and Payment.objects.count() == 61


def test_finance_home_loads_its_panel_after_the_page(world, login, in_2023):
    client = login(world.users["finance"])
    assert f'hx-get="{reverse("payments:home_panel")}"' in client.get(reverse("home")).content.decode()
    panel = client.get(reverse("payments:home_panel")).content.decode()
    assert 'data-testid="finance-panel"' in panel and "¥240,000.00" in panel and "贰拾肆万圆整" in panel
