"""Issue 18 item 3: written contract changes (第六条) — the answer deadline on the calendar, the other
party's answer, deemed acceptance by the job, settings applied with a link to the change."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common import clock
from common.errors import ServiceError
from common.models import AuditEntry
from contracts import agreement_services as svc
from contracts.agreement import ChangeStatus
from jobs.contract_jobs import contract_changes
from jobs.models import JobRun, Reminder
from jobs.runner import run_job

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour=10):
    return clock.aware(day, hour, 0)


def propose(world, delivered=dt.date(2023, 3, 1), actor=None, **kw):
    data = {"title": "驻场工程师增至 3 名", "text": "因业务量增加，自 4 月起驻场 3 名。"}
    data.update(kw)
    with clock.frozen_at(at(max(delivered, dt.date(2023, 3, 1)))):
        return svc.change_propose(
            contract=world.contract, actor=actor or world.bureau_admin, delivered_on=delivered, **data
        )


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        (dt.date(2023, 3, 1), dt.date(2023, 3, 8)),  # Wednesday + 7 = Wednesday
        (dt.date(2023, 3, 4), dt.date(2023, 3, 13)),  # lands on Saturday: next working day
        (dt.date(2023, 9, 22), dt.date(2023, 10, 7)),  # lands in the National Day holiday: make-up Saturday
    ],
)
def test_answer_deadline_is_seven_calendar_days_moved_off_holidays(world, delivered, due):
    assert propose(world, delivered).answer_due_on == due


def test_deadline_pending_when_the_year_is_not_loaded(world):
    with clock.frozen_at(at(dt.date(2026, 12, 30))):
        change = svc.change_propose(
            contract=world.contract,
            actor=world.pm,
            title="t",
            text="x",
            delivered_on=dt.date(2026, 12, 29),
        )
        assert change.answer_due_on is None and change.due_pending_year == 2027
        assert "pending a calendar year" in contract_changes()
    assert change.status == ChangeStatus.PROPOSED


def test_other_party_agrees_and_the_setting_is_applied_with_a_link(world):
    change = propose(world, setting="min_engineers_on_site", new_value="3")
    assert world.pm.notifications.filter(kind="contract_change.propose").count() == 1
    with pytest.raises(ServiceError, match="对方答复"):
        svc.change_answer(change=change, actor=world.bureau_admin, agree=True)
    with clock.frozen_at(at(dt.date(2023, 3, 3))):
        svc.change_answer(change=change, actor=world.pm, agree=True, answer="同意")
    world.contract.refresh_from_db()
    change.refresh_from_db()
    assert world.contract.min_engineers_on_site == 3
    assert change.status == ChangeStatus.AGREED and change.applied["after"] == "3"
    entry = AuditEntry.objects.filter(action="contract.update", object_id=str(world.contract.pk)).latest("id")
    assert change.number in entry.changes["via"]
    assert world.bureau_admin.notifications.filter(kind="contract_change.answer").count() == 1


def test_refusal_needs_reasons_and_changes_nothing(world):
    change = propose(world, setting="min_engineers_on_site", new_value="3")
    with clock.frozen_at(at(dt.date(2023, 3, 3))):
        with pytest.raises(ServiceError, match="理由"):
            svc.change_answer(change=change, actor=world.pm, agree=False, answer="")
        svc.change_answer(change=change, actor=world.pm, agree=False, answer="人员成本超出报价")
    world.contract.refresh_from_db()
    assert world.contract.min_engineers_on_site == 2


def test_silence_is_consent_once_the_deadline_passes(world):
    change = propose(world, actor=world.pm, setting="sla:urgent:respond", new_value="20 分钟")
    with clock.frozen_at(at(dt.date(2023, 3, 8), 8)):  # the last day: the bureau is reminded
        assert contract_changes().startswith("0 changes deemed accepted, 1 reminders")
        assert contract_changes().startswith("0 changes deemed accepted, 0 reminders")
    with clock.frozen_at(at(dt.date(2023, 3, 10), 8)):  # missed the 9th: caught up
        assert contract_changes().startswith("1 changes deemed accepted")
        assert contract_changes().startswith("0 changes deemed accepted")
    change.refresh_from_db()
    assert change.status == ChangeStatus.DEEMED
    target = world.contract.sla_targets.get(priority="urgent")
    assert (target.respond_amount, target.respond_unit) == (20, "minute")
    assert world.pm.notifications.filter(kind="contract_change.deemed").count() == 1
    assert world.bureau_admin.notifications.filter(kind="contract_change.deemed").count() == 1
    assert Reminder.objects.filter(job="jobs.contract_changes").count() == 1
    with clock.frozen_at(at(dt.date(2023, 3, 10))), pytest.raises(ServiceError):
        svc.change_answer(change=change, actor=world.bureau_admin, agree=False, answer="晚了")


def test_late_answer_is_refused(world):
    change = propose(world)
    with clock.frozen_at(at(dt.date(2023, 3, 9))), pytest.raises(ServiceError, match="视为同意"):
        svc.change_answer(change=change, actor=world.pm, agree=False, answer="不同意")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("min_engineers_on_site", "0", "驻场"),
        ("min_engineers_on_site", "三", "整数"),
        ("sla:urgent:respond", "5 小时", "响应时限不能长于解决时限"),
        ("sla:urgent:respond", "soon", "数量 单位"),
        ("nonsense", "1", "未知"),
    ],
)
def test_setting_values_are_checked_when_proposed(world, setting, value, message):
    with pytest.raises(ServiceError, match=message):
        propose(world, setting=setting, new_value=value)


def test_withdraw_by_the_proposer_only(world):
    change = propose(world)
    with pytest.raises(ServiceError):
        svc.change_withdraw(change=change, actor=world.pm)
    svc.change_withdraw(change=change, actor=world.bureau_admin)
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN


def test_pages_propose_and_answer(world, client):
    client.force_login(world.bureau_admin)
    with clock.frozen_at(at(dt.date(2023, 3, 1))):
        response = client.post(
            reverse("contracts:change_propose"),
            {
                "title": "签署期限改为 2 个工作日",
                "text": "经协商。",
                "delivered_on": "2023-03-01",
                "setting": "signoff_due_workdays",
                "new_value": "2",
            },
        )
        assert response.status_code == 302
        bad = client.post(
            reverse("contracts:change_propose"), {"title": "x", "text": "y", "delivered_on": "2099-01-01"}
        )
        assert bad.status_code == 200 and "送达日不能晚于今天" in bad.content.decode()
    change = world.contract.changes.get()
    client.force_login(world.pm)
    with clock.frozen_at(at(dt.date(2023, 3, 2))):
        page = client.get(reverse("contracts:change_detail", args=[change.pk])).content.decode()
        assert "答复变更请求" in page and "2023-03-08" in page
        response = client.post(
            reverse("contracts:change_answer", args=[change.pk]), {"agree": "1", "answer": ""}
        )
    assert response.status_code == 302
    world.contract.refresh_from_db()
    assert world.contract.signoff_due_workdays == 2
    client.force_login(world.engineer)
    assert "签署期限改为 2 个工作日" in client.get(reverse("contracts:changes")).content.decode()


def test_loading_the_year_fills_a_pending_answer_deadline_at_once(world):
    """Issue 11 item 3: a written change delivered just before a year that is not loaded gets its answer
    deadline in the same transaction as the load (failed before: it waited for the daily job)."""
    from contracts.notice import NoticeDay
    from contracts.services import calendar_load_year

    with clock.frozen_at(at(dt.date(2026, 12, 30))):
        change = svc.change_propose(
            contract=world.contract, actor=world.pm, title="t", text="x", delivered_on=dt.date(2026, 12, 29)
        )
    assert change.due_pending_year == 2027
    with clock.frozen_at(at(dt.date(2027, 1, 2))):
        days = [NoticeDay(dt.date(2027, 1, d), False, "元旦") for d in (1, 2, 3)]
        calendar_load_year(year=2027, days=days, source="国办通知", actor=world.bureau_admin)
    change.refresh_from_db()
    # 29 Dec + 7 = 5 Jan 2027 (a Tuesday, a working day)
    assert change.answer_due_on == dt.date(2027, 1, 5) and change.due_pending_year is None
    entry = AuditEntry.objects.filter(action="contract_change.deadline", object_id=str(change.pk)).get()
    assert entry.changes["answer_due_on"] == "2027-01-05"


def test_deemed_change_whose_setting_no_longer_fits_is_recorded_and_the_job_goes_on(world, client):
    """The SLA target changed after the proposal: the respond time would now exceed the resolve time.
    The change is still deemed accepted (第六条), the setting is left as it is with the reason, both
    parties are told, and the next proposal is deemed accepted and applied in the same run."""
    stale = propose(world, actor=world.pm, setting="sla:urgent:respond", new_value="3 小时")
    fine = propose(world, actor=world.pm, title="驻场 3 名", setting="min_engineers_on_site", new_value="3")
    world.contract.sla_targets.filter(priority="urgent").update(resolve_amount=2, resolve_unit="hour")
    with clock.frozen_at(at(dt.date(2023, 3, 9), 8)):
        summary = contract_changes()
    assert summary.startswith("2 changes deemed accepted")
    assert "1 settings not applied" in summary
    stale.refresh_from_db()
    fine.refresh_from_db()
    assert stale.status == fine.status == ChangeStatus.DEEMED
    assert stale.applied_at is None and "响应时限不能长于解决时限" in stale.applied["error"]
    target = world.contract.sla_targets.get(priority="urgent")
    assert (target.respond_amount, target.respond_unit) != (3, "hour")
    world.contract.refresh_from_db()
    assert world.contract.min_engineers_on_site == 3 and fine.applied["after"] == "3"
    entry = AuditEntry.objects.filter(action="contract_change.deemed", object_id=str(stale.pk)).get()
    assert "响应时限不能长于解决时限" in entry.changes["not_applied"]
    notices = world.bureau_admin.notifications.filter(kind="contract_change.deemed")
    assert "未能自动修改" in notices.get(title__contains=stale.title).body
    client.force_login(world.bureau_admin)
    page = client.get(reverse("contracts:change_detail", args=[stale.pk])).content.decode()
    assert 'data-testid="change-not-applied"' in page and "响应时限不能长于解决时限" in page


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 change", content_type="application/pdf")


def test_a_proposal_carries_several_attachments_shown_and_downloaded(world, client):
    client.force_login(world.pm)
    form = client.get(reverse("contracts:changes")).content.decode()
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', form)
    with clock.frozen_at(at(dt.date(2023, 3, 1))):
        response = client.post(
            reverse("contracts:change_propose"),
            {
                "title": "增加社保卡业务系统巡检",
                "text": "见报价与方案。",
                "delivered_on": "2023-03-01",
                "document": _pdf("request.pdf"),
                "attachments": [_pdf("quotation.pdf"), _pdf("plan.pdf")],
            },
        )
    assert response.status_code == 302
    change = world.contract.changes.get()
    assert [a.name for a in change.attachments.all()] == ["quotation.pdf", "plan.pdf"]
    entry = AuditEntry.objects.get(action="contract_change.propose")
    assert entry.changes["attachments"] == ["quotation.pdf", "plan.pdf"]
    client.force_login(world.bureau_admin)
    page = client.get(reverse("contracts:change_detail", args=[change.pk])).content.decode()
    assert 'data-testid="change-attachments"' in page and "quotation.pdf" in page and "plan.pdf" in page
    attachment = change.attachments.get(name="plan.pdf")
    download = client.get(reverse("contracts:document", args=["change_attachment", attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export.file", changes__kind="change_attachment").exists()


def test_attachments_are_checked_and_limited(world):
    with pytest.raises(ServiceError, match="最多 10 个"):
        propose(world, attachments=[_pdf(f"a{n}.pdf") for n in range(11)])
    bad = SimpleUploadedFile("macro.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ServiceError, match=r"macro\.exe"):
        propose(world, attachments=[_pdf("ok.pdf"), bad])
    assert not world.contract.changes.exists()


def test_an_unexpected_failure_on_one_change_does_not_hold_up_the_others(world, monkeypatch):
    first = propose(world, actor=world.pm, title="第一项")
    second = propose(world, actor=world.pm, title="第二项", setting="min_engineers_on_site", new_value="3")
    real = svc.change_deem_accepted

    def flaky(*, change, today):
        if change.pk == first.pk:
            raise RuntimeError("database hiccup")
        return real(change=change, today=today)

    monkeypatch.setattr(svc, "change_deem_accepted", flaky)
    with (
        clock.frozen_at(at(dt.date(2023, 3, 9), 8)),
        pytest.raises(RuntimeError, match=rf"1 changes deemed accepted.*1 failed: {first.number}.*hiccup"),
    ):
        run_job("jobs.contract_changes", contract_changes)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ChangeStatus.PROPOSED and second.status == ChangeStatus.DEEMED
    run = JobRun.objects.get(job="jobs.contract_changes")
    assert run.outcome == JobRun.Outcome.FAILED and first.number in run.error
    monkeypatch.undo()
    with clock.frozen_at(at(dt.date(2023, 3, 10), 8)):  # the next run catches it up
        assert contract_changes().startswith("1 changes deemed accepted")
