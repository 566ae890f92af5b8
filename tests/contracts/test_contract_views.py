import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from common.models import AuditEntry
from contracts.forms import ContractForm, ScopeFormSet, SlaFormSet, TierFormSet
from contracts.models import Contract


def _field_value(bound):
    value = bound.value()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def settings_post_data(contract, **changes):
    """The settings page's POST body as the browser sends it, with ``changes`` applied."""
    form = ContractForm(instance=contract)
    data = {name: _field_value(form[name]) for name in form.fields}
    for prefix, formset_class in (("tiers", TierFormSet), ("sla", SlaFormSet), ("scopes", ScopeFormSet)):
        formset = formset_class(instance=contract, prefix=prefix)
        for name in formset.management_form.fields:
            data[f"{prefix}-{name}"] = formset.management_form[name].value()
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for sub in formset.initial_forms:
            for name in sub.fields:
                value = sub[name].value()
                if isinstance(value, bool):
                    if value:
                        data[sub.add_prefix(name)] = "on"
                    continue
                data[sub.add_prefix(name)] = _field_value(sub[name])
    data.update(changes)
    return data


def test_detail_shows_every_term(world, client):
    client.force_login(world.users["bureau_admin"])
    response = client.get(reverse("contracts:detail", args=[world.contract.pk]))
    body = response.content.decode()
    for text in [
        "¥600,000.00",
        "陆拾万圆整",
        "¥240,000.00",
        "2023-02-03",
        "≥ 85",
        "城镇职工社会保险管理信息系统",
        "中心端升级：18:00 起",
        "医院端升级：22:00 起",
        "30 分钟",
        "10 工作日",
        "东软集团股份有限公司",
    ]:
        assert text in body, text


def test_edit_saves_and_records_history(world, client):
    contract = world.contract
    client.force_login(world.users["bureau_admin"])
    data = settings_post_data(
        contract, weight_attendance="25", weight_satisfaction="25", location="金坛区人社局"
    )
    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    contract.refresh_from_db()
    assert (contract.weight_attendance, contract.weight_satisfaction) == (25, 25)
    entry = AuditEntry.objects.get(action="contract.update", object_id=str(contract.pk))
    assert entry.actor == world.users["bureau_admin"]
    assert entry.changes["weight_attendance"] == [30, 25]
    history = client.get(reverse("contracts:history", args=[contract.pk])).content.decode()
    assert "出勤率（分）" in history and "金坛区人社局" in history


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weight_attendance": "29"}, "五项考核权重之和必须为 100 分，现在是 99 分"),
        ({"end_on": "2022-12-31"}, "服务结束日期必须晚于开始日期"),
        ({"advance_ratio": "120"}, "100"),
        ({"tiers-5-min_score": "10"}, "必须有一档从 0 分起"),
        ({"tiers-0-pay_ratio": "40"}, "分数越高付款比例不能越低"),
        ({"work_morning_end": "14:00"}, "工作时间必须依次为"),
        ({"upgrade_central_from": "05:00"}, "升级窗口跨夜"),
    ],
)
def test_edit_refuses_bad_terms_and_keeps_the_input(world, client, changes, message):
    contract = world.contract
    client.force_login(world.users["bureau_admin"])
    data = settings_post_data(contract, location="用户刚输入的地点", **changes)
    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "用户刚输入的地点" in body  # nothing the user typed is lost
    contract.refresh_from_db()
    assert contract.location == "常州市金坛区"
    assert not AuditEntry.objects.filter(action="contract.update").exists()


def test_copy_makes_next_years_contract_with_every_term(world, client):
    client.force_login(world.users["bureau_admin"])
    response = client.post(
        reverse("contracts:copy", args=[world.contract.pk]),
        {
            "number": "TEST-2024",
            "name": "2024 年度维保",
            "signed_on": "2024-01-08",
            "start_on": "2024-01-01",
            "end_on": "2024-12-31",
        },
    )
    assert response.status_code == 302
    new = Contract.objects.get(number="TEST-2024")
    assert new.total_amount == Decimal("600000.00")
    assert new.tiers.count() == 6 and new.sla_targets.count() == 4 and new.scopes.count() == 9
    assert AuditEntry.objects.filter(action="contract.create", object_id=str(new.pk)).exists()


def test_copy_refuses_a_duplicate_number(world, client):
    client.force_login(world.users["bureau_admin"])
    response = client.post(
        reverse("contracts:copy", args=[world.contract.pk]),
        {
            "number": world.contract.number,
            "name": "x",
            "signed_on": "2024-01-08",
            "start_on": "2024-01-01",
            "end_on": "2024-12-31",
        },
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()


def test_copy_of_a_contract_missing_an_sla_target_is_refused_with_the_reason(world, client):
    # The missing priorities were joined as lazy labels: a TypeError (a 500) instead of the message.
    world.contract.sla_targets.filter(priority="low").delete()
    client.force_login(world.users["bureau_admin"])
    response = client.post(
        reverse("contracts:copy", args=[world.contract.pk]),
        {
            "number": "TEST-2024",
            "name": "2024 年度维保",
            "signed_on": "2024-01-08",
            "start_on": "2024-01-01",
            "end_on": "2024-12-31",
        },
    )
    assert response.status_code == 200
    assert "每个优先级都需要服务时限：缺少 低" in response.content.decode()
    assert not Contract.objects.filter(number="TEST-2024").exists()


def test_switching_the_contract_in_use(world, client):
    from .. import factories

    other = factories.make_contract(
        number="OTHER-2026",
        start_on=dt.date(2026, 1, 1),
        end_on=dt.date(2026, 12, 31),
        signed_on=dt.date(2026, 1, 5),
    )
    client.force_login(world.users["finance"])
    response = client.post(
        reverse("contracts:switch"), {"contract": other.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")  # no open redirect
    page = client.get(reverse("contracts:list"))
    assert page.context["contract_in_use"] == other
    # bureau staff cannot switch: they keep the default contract and are told why
    client.force_login(world.users["staff"])
    default = client.get(reverse("home")).context["contract_in_use"]
    target = world.contract if default != world.contract else other
    response = client.post(reverse("contracts:switch"), {"contract": target.pk}, follow=True)
    assert "无法切换到该合同" in response.content.decode()
    assert response.context["contract_in_use"] == default


def test_final_payment_due_is_pending_when_the_next_year_is_not_loaded(world, client):
    from .. import factories

    current = factories.make_contract(
        number="CUR-2026",
        start_on=dt.date(2026, 1, 1),
        end_on=dt.date(2026, 12, 31),
        signed_on=dt.date(2026, 1, 12),
    )
    client.force_login(world.users["finance"])
    body = client.get(reverse("contracts:detail", args=[current.pk])).content.decode()
    assert "待定" in body and "2027 年工作日历尚未加载" in body
