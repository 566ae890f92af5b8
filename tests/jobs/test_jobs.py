import datetime as dt
import json
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from common import clock
from common.models import AuditEntry, Notification
from contracts.models import CalendarOverride, CalendarYear
from jobs import tasks
from jobs.models import InitializationRecord, JobRun, Reminder
from jobs.runner import remind_once, run_job
from jobs.schedule import schedule, sync_schedule
from jobs.services import initialization_confirm

from ..factories import make_contract, make_user


def on(day: dt.date, hour: int = 12):
    return clock.frozen_at(clock.aware(day, hour, 0))


@pytest.fixture
def people(db):
    return {"pm": make_user("pm"), "admin": make_user("bureau_admin"), "eng": make_user("engineer")}


@pytest.mark.parametrize(
    ("before", "first"),
    [
        (
            dt.date(2023, 10, 6),
            dt.date(2023, 10, 7),
        ),  # National Day: the first working day is a make-up Saturday
        (dt.date(2023, 5, 3), dt.date(2023, 5, 4)),  # Labour Day
        (dt.date(2023, 1, 2), dt.date(2023, 1, 3)),  # New Year
        (None, dt.date(2023, 3, 1)),  # an ordinary month
    ],
)
def test_monthly_initialization_on_the_first_working_day(people, before, first):
    contract = make_contract()
    if before:
        with on(before):
            assert tasks.monthly_initialization() == "0 reminders"
        assert not InitializationRecord.objects.exists()
    with on(first):
        assert tasks.monthly_initialization() == "1 reminders"
        assert tasks.monthly_initialization() == "0 reminders"  # running twice sends once
    record = InitializationRecord.objects.get()
    assert (record.contract, record.kind, record.period, record.due_on) == (
        contract,
        "monthly",
        first.replace(day=1),
        first,
    )
    notes = Notification.objects.filter(kind="jobs.monthly_initialization")
    assert {n.recipient for n in notes} == {people["pm"], people["admin"]}  # not the engineer
    # a missed day is caught up once, later in the month
    Reminder.objects.all().delete()
    InitializationRecord.objects.all().delete()
    with on(first + dt.timedelta(days=3)):
        assert tasks.monthly_initialization() == "1 reminders"


def test_confirmed_initialization_is_not_reminded_again(people):
    make_contract()
    with on(dt.date(2023, 3, 1)):
        tasks.monthly_initialization()
    record = InitializationRecord.objects.get()
    initialization_confirm(record=record, user=people["pm"], note="08:40 完成，已核对")
    Reminder.objects.all().delete()
    with on(dt.date(2023, 3, 2)):
        assert tasks.monthly_initialization() == "0 reminders"


def test_annual_initialization_on_the_last_working_day(people):
    make_contract()
    with on(dt.date(2023, 12, 28)):
        assert tasks.annual_initialization() == "0 reminders"
    with on(dt.date(2023, 12, 29)):  # Friday; Dec 30–Jan 1 is the New Year holiday
        assert tasks.annual_initialization() == "1 reminders"
        assert tasks.annual_initialization() == "0 reminders"
    record = InitializationRecord.objects.get(kind="annual")
    assert record.period == dt.date(2024, 1, 1) and record.due_on == dt.date(2023, 12, 29)
    with on(dt.date(2023, 11, 30)):
        assert tasks.annual_initialization() == "not December"


def test_next_years_calendar_reminded_weekly_from_november(people):
    with on(dt.date(2026, 10, 30)):
        assert tasks.calendar_next_year() == "calendar complete"
    with on(dt.date(2026, 11, 2)):
        assert "sent" in tasks.calendar_next_year()
    with on(dt.date(2026, 11, 4)):  # same week
        assert "already sent" in tasks.calendar_next_year()
    with on(dt.date(2026, 11, 9)):  # next week
        assert tasks.calendar_next_year().endswith("reminder sent")
    assert Notification.objects.filter(kind="jobs.calendar_next_year", recipient=people["admin"]).count() == 2
    assert not Notification.objects.filter(kind="jobs.calendar_next_year", recipient=people["pm"]).exists()
    CalendarYear.objects.create(year=2027, source="通知")
    with on(dt.date(2026, 11, 16)):
        assert tasks.calendar_next_year() == "calendar complete"


def test_an_unloaded_year_makes_jobs_pending_not_wrong(people):
    make_contract(
        number="C2027",
        start_on=dt.date(2027, 1, 1),
        end_on=dt.date(2027, 12, 31),
        signed_on=dt.date(2027, 1, 1),
    )
    with on(dt.date(2027, 2, 1)):
        summary = tasks.monthly_initialization()
    assert summary.startswith("pending") and "2027" in summary
    assert not InitializationRecord.objects.exists()
    assert Notification.objects.filter(
        recipient=people["admin"], title__contains="2027 年工作日历尚未加载"
    ).exists()
    CalendarYear.objects.create(year=2027)
    CalendarOverride.objects.create(date=dt.date(2027, 2, 1), is_workday=False, name="春节")
    with on(dt.date(2027, 2, 2)):
        assert tasks.monthly_initialization() == "1 reminders"
    assert InitializationRecord.objects.get().due_on == dt.date(2027, 2, 2)


def test_job_runs_are_recorded(db):
    run = run_job("x.ok", lambda: "3 sent")
    assert run.outcome == "ok" and run.summary == "3 sent" and run.finished_at

    def boom():
        raise RuntimeError("数据库连接失败")

    with pytest.raises(RuntimeError):
        run_job("x.fail", boom)
    failed = JobRun.objects.get(job="x.fail")
    assert failed.outcome == "failed" and "数据库连接失败" in failed.error


def test_remind_once_is_idempotent(people):
    kwargs = {"job": "t", "key": "ticket-1:2023-03-06", "recipients": [people["pm"]], "title": "签署逾期"}
    assert remind_once(**kwargs) is True
    assert remind_once(**kwargs) is False
    assert Notification.objects.filter(title="签署逾期").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs two PostgreSQL connections")
def test_two_workers_racing_send_one_reminder():
    user = make_user("pm")
    barrier = threading.Barrier(2)
    results = []

    def worker():
        from django.db import connection as conn

        barrier.wait()
        try:
            results.append(remind_once(job="race", key="k", recipients=[user], title="只发一次"))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert Notification.objects.filter(title="只发一次").count() == 1


def test_schedule_is_mirrored_into_beat_and_keeps_admin_edits(db):
    names = {job.name for job in schedule()}
    assert names <= set(PeriodicTask.objects.values_list("name", flat=True))  # synced after migrate
    task = PeriodicTask.objects.get(name="jobs.monthly_initialization")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("8", "0", "Asia/Shanghai")
    task.enabled = False
    task.save()
    sync_schedule()
    assert PeriodicTask.objects.get(name="jobs.monthly_initialization").enabled is False


def test_jobs_page(people, client, django_assert_max_num_queries):
    for i in range(30):
        run_job("jobs.monthly_initialization", lambda i=i: f"run {i}")
    client.force_login(people["pm"])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("jobs:list"))
    body = response.content.decode()
    assert "月度初始化提醒" in body and "run 29" in body and "年度初始化提醒" in body
    assert response.context["rows"][0].next_run is not None


def test_every_declared_job_is_an_autodiscovered_celery_task_listed_on_the_jobs_page(people, client):
    """Each JobSpec of jinbao_service/schedule.py names a task that the worker finds by autodiscovery
    (checked in a fresh interpreter, where no test has imported the app's tasks.py), acknowledged late
    and requeued if its worker dies; beat and the jobs page show every job."""
    specs = schedule()
    script = (
        "import json, django; django.setup()\n"
        "from jinbao_service.celery import app\n"
        "app.loader.import_default_modules()\n"
        "flags = {n: [bool(t.acks_late), bool(t.reject_on_worker_lost)] for n, t in app.tasks.items()}\n"
        "print(json.dumps(flags))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    tasks_found = json.loads(found.stdout.strip().splitlines()[-1])
    for spec in specs:
        assert spec.name in tasks_found, f"{spec.name}: no Celery task (is the app's tasks.py discovered?)"
        assert tasks_found[spec.name] == [True, True], f"{spec.name} must be a jobs.runner.scheduled_task"
    assert {s.name for s in specs} <= set(PeriodicTask.objects.values_list("task", flat=True))
    client.force_login(people["pm"])
    body = client.get(reverse("jobs:list")).content.decode()
    for spec in specs:
        assert str(spec.title) in body, f"{spec.name} missing from the jobs page"


def test_run_now_is_audited_and_enqueued_after_the_commit(
    people, client, monkeypatch, django_capture_on_commit_callbacks
):
    from common import outbox

    sent = []
    monkeypatch.setattr(outbox, "_publish", lambda message: sent.append(message.task))
    client.force_login(people["admin"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("jobs:run", args=["jobs.calendar_next_year"]))
    assert response.status_code == 302 and sent == []
    for callback in callbacks:
        callback()
    assert sent == ["jobs.calendar_next_year"]
    assert AuditEntry.objects.filter(action="job.run_now", object_id="jobs.calendar_next_year").exists()
    response = client.post(reverse("jobs:run", args=["no.such.job"]), follow=True)
    assert "没有这个定时任务" in response.content.decode()


def test_confirming_an_initialization(people, client):
    contract = make_contract()
    with on(dt.date(2023, 3, 1)):
        tasks.monthly_initialization()
    record = InitializationRecord.objects.get()
    client.force_login(people["admin"])
    client.post(reverse("contracts:switch"), {"contract": contract.pk})
    response = client.post(
        reverse("jobs:initialization_confirm", args=[record.pk]), {"note": ""}, follow=True
    )
    assert "请说明初始化的完成情况" in response.content.decode()
    client.post(reverse("jobs:initialization_confirm", args=[record.pk]), {"note": "已完成"})
    record.refresh_from_db()
    assert record.confirmed_by == people["admin"] and record.note == "已完成"
    response = client.post(
        reverse("jobs:initialization_confirm", args=[record.pk]), {"note": "再次"}, follow=True
    )
    assert "已由" in response.content.decode()  # the second confirmation is told who confirmed first
    assert AuditEntry.objects.filter(action="initialization.confirm").count() == 1


def test_next_run_is_the_minute_the_job_is_set_for(db):
    """/jobs/ showed 07:59 for a job at 08:00 (issue 16 item 2)."""
    from django.utils import timezone

    from jobs.schedule import next_run

    task = PeriodicTask.objects.get(name="jobs.monthly_initialization")
    for _ in range(5):
        moment = timezone.localtime(next_run(task, timezone.now()))
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (8, 0, 0, 0)
