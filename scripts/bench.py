"""``make bench``: seed a large data set in a database of its own and time the heavy pages (a benchmark,
not a test).

The data set is ten years at ten times the demo's volume: the demo (``demo.loader.load_demo``: users,
roles, departments, the 2023 contract with ~700 requests, the current 2026 contract) and then, for every
year 2017–2026, a yearly contract with ~7,000 requests (the 2023 and 2026 demo contracts are topped up
to that volume; 2026 up to today), their sign-off forms, time entries, comments, data authorizations and
upgrade/batch steps, and for the years the demo does not cover the roster, attendance and work logs of
three engineers and the PM on every working day and the weekly meetings. The years are bulk-inserted
(``bulk_create`` in batches, one transaction per year): replaying 70,000 requests through the services
would take hours. Deadlines are real working-time deadlines on the contract's calendar.

Database: never the developer's ``var/db.sqlite3``.
- default: the SQLite file ``var/bench.sqlite3`` (uploaded demo files and the broker under ``var/bench/``);
- ``BENCH_DATABASE_URL=postgres://…/jinbao_bench``: that database, used as given;
- ``DATABASE_URL=postgres://…/<any>`` (and no ``BENCH_DATABASE_URL``): the database ``jinbao_bench`` on
  the same server, created if missing. A SQLite ``DATABASE_URL`` is ignored (the default file is used).
A database whose name does not contain ``bench`` is refused.

The seed is made once (an audit entry ``bench.seeded`` marks it); the next run only measures.
``BENCH_RESEED=1`` starts over from an empty database. ``BENCH_RUNS`` (default 9) sets the samples per
measurement. Pages run through Django's test client (in process, no HTTP server, DEBUG off); the query
count is that of one request, captured with ``CaptureQueriesContext``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_NAME = "jinbao_bench"
RESEED = os.environ.get("BENCH_RESEED", "").strip().lower() in {"1", "true", "yes", "on"}
RUNS = int(os.environ.get("BENCH_RUNS") or 9)
FIRST_YEAR, LAST_YEAR = 2017, 2026
TICKETS_PER_YEAR = int(os.environ.get("BENCH_PER_YEAR") or 7000)
SEED_ONLY = os.environ.get("BENCH_SEED_ONLY", "").strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    """The bench database's URL (see the module docstring); exits when it is not a bench database."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if not url:
        dev = os.environ.get("DATABASE_URL", "").strip()
        if dev.startswith(("postgres://", "postgresql://", "pgsql://")):
            parts = urlsplit(dev)
            url = urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))
        else:
            url = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(
            f"bench: refusing database {name!r}: its name must contain 'bench' (see scripts/bench.py)"
        )
    return url


DATABASE_URL = _database_url()
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("JINBAO_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
os.environ.setdefault("EMAIL_URL", "dummy://")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "jinbao_service.settings.local"


def _prepare_database() -> None:
    """Before Django connects: drop the SQLite file on a reseed; create the PostgreSQL database if missing."""
    parts = urlsplit(DATABASE_URL)
    if parts.scheme == "sqlite":
        path = Path(parts.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if RESEED:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and RESEED:
            cur.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = False
        if not exists:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


_prepare_database()

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
import gc  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Department, User  # noqa: E402
from common import clock  # noqa: E402
from common.audit import log_action  # noqa: E402
from common.models import AuditEntry  # noqa: E402
from contracts.calendar import get_calendar  # noqa: E402
from contracts.models import Contract  # noqa: E402
from contracts.services import contract_copy  # noqa: E402
from demo.loader import load_demo  # noqa: E402
from demo.people import is_loaded  # noqa: E402
from demo.tickets import DEPARTMENT_STAFF, DEPARTMENT_WEIGHTS, ENGINEERS, TITLES  # noqa: E402
from rosters.models import (  # noqa: E402
    ActionItem,
    Attendance,
    Position,
    RosterEntry,
    WeeklyMeeting,
    WorkLog,
)
from tickets.models import (  # noqa: E402
    BatchStep,
    BatchStepKind,
    Comment,
    DataAuthorization,
    Kind,
    SignOff,
    SignOffMethod,
    SignOffStatus,
    Status,
    Ticket,
    TimeEntry,
    UpgradeStage,
    UpgradeStep,
    UpgradeTarget,
)

BATCH = 2000
KINDS = [Kind.SOFTWARE, Kind.POLICY, Kind.DATA, Kind.QUERY, Kind.UPGRADE]
KIND_WEIGHTS = [40, 8, 22, 26, 4]
PRIORITIES = ["urgent", "high", "normal", "low"]
PRIORITY_WEIGHTS = [5, 20, 60, 15]
RESOLUTIONS = [
    "定位到程序校验规则错误，已修正并在测试库验证。",
    "已按要求处理，数据核对无误。",
    "已调整参数并通知科室验证，验证通过。",
    "已出具统计结果（Excel），发送科室邮箱。",
]
COMMENTS = [
    ("requester", "补充说明：窗口今天又遇到同样的情况，请尽快处理。", False),
    ("engineer", "已复现问题，正在排查日志。", False),
    ("engineer", "需要科室提供一名参保人的个人编号以便核对。", False),
    ("requester", "已提供，见附件。", False),
    ("engineer", "内部备注：与市信息中心接口有关，已电话联系。", True),
    ("engineer", "已在测试库验证修正结果，请科室确认。", False),
]
LOG_TASKS = [
    "处理养老保险科提出的待遇核定计算问题，核对参保人缴费年限并修正计算参数",
    "为就业管理中心导出失业保险金发放月报表，核对人数与金额",
    "城乡居民社会保险系统参保登记界面报错排查，定位为数据字典缺项并补录",
    "按授权对参保人的重复缴费记录进行数据维护，维护前已备份",
    "公共服务平台社保卡信息查询接口超时排查，与市信息中心联调",
    "日常巡检：检查各业务子系统日志、批处理作业和数据库空间",
    "整理本周服务请求处理情况，准备软件服务质量评估例会周报",
]
UPGRADE_STAGES = list(UpgradeStage.values)
BATCH_STEPS = list(BatchStepKind.values)


def p95(samples: list[float]) -> float:
    """The 95th percentile (linear interpolation between the closest ranks)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- seeding -------------------------------------------------------------------------------------------


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


class YearSeeder:
    """Builds one contract-year of rows in memory, then bulk-inserts them."""

    def __init__(self, contract: Contract, *, until: dt.datetime, users, departments, seed: int):
        self.contract, self.until = contract, until
        self.u, self.departments = users, departments
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.cal = get_calendar(contract)
        per_day = contract.working_hours.minutes_per_day
        self.per_day = per_day
        targets = {s.priority: s for s in contract.sla_targets.all()}
        self.respond = {p: targets[p].respond_minutes(per_day) for p in PRIORITIES}
        self.resolve = {p: targets[p].resolve_minutes(per_day) for p in PRIORITIES}
        self.scopes = {s.order: s for s in contract.scopes.all()}
        self.rows: dict[type, list] = defaultdict(list)
        self.ticket_id = _next_id(Ticket)
        self.signoff_id = _next_id(SignOff)
        self.worklog_id = _next_id(WorkLog)
        self.meeting_id = _next_id(WeeklyMeeting)

    # helpers -------------------------------------------------------------------------------------------
    def later(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        return self.cal.add_working_minutes(moment, max(1, int(minutes)))

    def instant(self, day: dt.date) -> dt.datetime:
        start = dt.datetime.combine(day, self.cal.hours.periods[0][0], clock.SHANGHAI)
        return self.cal.add_working_minutes(start, self.rng.randint(0, self.per_day - 30))

    def add(self, obj) -> None:
        self.rows[type(obj)].append(obj)

    # requests ------------------------------------------------------------------------------------------
    def tickets(self, days: list[dt.date], total: int) -> None:
        rng = self.rng
        # A few busy weeks (year start, pension adjustment, year end) get half as many again.
        busy = {d for d in days if (d.month, d.day // 8) in {(1, 1), (7, 2), (12, 2)}}
        mean = total / max(1, len(days) + len(busy) // 2)
        resolved: list[tuple] = []
        year = days[0].year
        month_inits = {self.cal.first_workday_of_month(year, m) for m in range(1, 13)}
        for day in days:
            count = max(0, round(rng.gauss(mean * (1.5 if day in busy else 1.0), mean * 0.25)))
            specs = [(rng.choices(KINDS, KIND_WEIGHTS)[0], {}) for _ in range(count)]
            if day in month_inits:
                specs.append((Kind.INIT, {"init_type": "annual" if day.month == 1 else "monthly"}))
            if day.month in (1, 5, 7, 10) and day.day <= 7 and day.weekday() == 0:
                specs.append(
                    (Kind.BATCH, {"batch_type": "pension", "affected_population": "退休人员约 6.4 万人"})
                )
            for kind, extra in specs:
                done = self.ticket(day, kind, extra)
                if done is not None:
                    resolved.append(done)
        self.signoffs(resolved)

    def ticket(self, day: dt.date, kind: str, extra: dict):
        rng, u = self.rng, self.u
        dept = rng.choices(list(DEPARTMENT_WEIGHTS), weights=list(DEPARTMENT_WEIGHTS.values()))[0]
        staff, head, orders = DEPARTMENT_STAFF[dept]
        if kind in {Kind.DATA, Kind.QUERY, Kind.BATCH, Kind.INIT}:
            scope = self.scopes[8]
        elif kind == Kind.POLICY:
            scope = self.scopes[7]
        else:
            scope = self.scopes[rng.choice(orders)]
        priority = "high" if kind in {Kind.INIT, Kind.BATCH} else rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
        if kind == Kind.UPGRADE:
            priority = "low"
        if kind in TITLES:
            title_t, desc_t = rng.choice(TITLES[kind])
            title = title_t.format(s=scope.name, y=day.year, m=day.month)
            description = desc_t.format(s=scope.name)
        else:
            title = f"{day.year} 年{day.month} 月{'批量处理' if kind == Kind.BATCH else '初始化'}"
            description = "按计划完成，处理后核对数据。"
        requester = u[rng.choice(staff)]
        engineer = u[rng.choice(ENGINEERS)]
        created = self.instant(day)
        if created >= self.until:
            return None
        t = Ticket(
            id=self.ticket_id,
            contract=self.contract,
            kind=kind,
            scope=scope,
            priority=priority,
            title=title[:120],
            description=description,
            department=self.departments[dept],
            requester=requester,
            created_at=created,
            updated_at=created,
            **extra,
        )
        self.ticket_id += 1
        if kind == Kind.POLICY:
            t.policy_document = rng.choice(
                ["常人社发〔2023〕12号", "苏人社发〔2023〕56号", "金人社〔2023〕8号"]
            )
        elif kind == Kind.UPGRADE:
            t.upgrade_target = rng.choice(
                [UpgradeTarget.CENTRAL, UpgradeTarget.CENTRAL, UpgradeTarget.HOSPITAL]
            )
        elif kind == Kind.DATA:
            t.data_scope = "参保人 1 名，" + rng.choice(["出生日期", "缴费记录 2 条", "参保类别"])
        self.add(t)
        t._requester, t._engineer = requester, engineer
        return self.lifecycle(t, u[head])

    def lifecycle(self, t: Ticket, head: User):
        """Moves the request on as far as ``until``; returns it if it was resolved by then."""
        rng, until = self.rng, self.until
        roll = rng.random()
        confirmed = self.later(t.created_at, rng.randint(10, 150))
        if confirmed >= until:
            return None
        if roll < 0.03 or (roll < 0.04 and t.kind == Kind.SOFTWARE):
            ended = Status.REJECTED if roll < 0.03 else Status.CANCELLED
            t.status, t.end_reason, t.updated_at = ended, "与已有请求重复，请在原请求中补充。", confirmed
            return None
        t.confirmed_at, t.confirmed_by, t.status, t.updated_at = confirmed, head, Status.CONFIRMED, confirmed
        respond, resolve = self.respond[t.priority], self.resolve[t.priority]
        paused = rng.randint(60, 600) if rng.random() < 0.1 else 0
        t.paused_minutes = paused
        t.respond_due_at = self.later(confirmed, respond)
        t.resolve_due_at = self.later(confirmed, resolve + paused)
        t.resolve_warn_at = self.later(
            confirmed, resolve - resolve * self.contract.sla_warning_percent // 100 + paused
        )
        if t.kind == Kind.DATA:
            self.add(
                DataAuthorization(
                    ticket_id=t.id, authorized_by=head, authorized_at=confirmed, scope=t.data_scope
                )
            )
        assigned = self.later(confirmed, rng.randint(3, max(4, respond // 3)))
        if assigned >= until:
            return None
        t.assignee, t.assigned_at, t.status, t.updated_at = t._engineer, assigned, Status.ASSIGNED, assigned
        late_response = rng.random() < 0.08
        minutes = (
            rng.randint(respond + 5, respond * 2) if late_response else rng.randint(2, max(3, respond // 2))
        )
        started = self.later(assigned, minutes)
        if started >= until:
            return None
        t.first_response_at = t.started_at = started
        t.status, t.updated_at = Status.IN_PROGRESS, started
        share = rng.uniform(1.05, 1.6) if rng.random() < 0.12 else rng.uniform(0.15, 0.85)
        work = max(20, int(resolve * share))
        resolved = self.later(started, work + paused)
        self.comments(t, started, resolved)
        if resolved >= until:
            if paused:
                t.status, t.paused_since = Status.WAITING, self.later(started, work // 3)
            return None
        if rng.random() < 0.06:
            t.rework_count = 1
        t.status, t.resolved_at, t.updated_at = Status.RESOLVED, resolved, resolved
        t.resolution = rng.choice(RESOLUTIONS)
        minutes = min(600, max(20, work // 3))
        t.time_spent_minutes = minutes
        self.add(
            TimeEntry(
                ticket_id=t.id,
                engineer=t.assignee,
                work_date=clock.local(resolved).date(),
                minutes=minutes,
                note="排查与处理",
                created_at=resolved,
            )
        )
        if t.kind == Kind.UPGRADE:
            self.steps(t, UpgradeStep, UPGRADE_STAGES, started, resolved)
        elif t.kind == Kind.BATCH:
            self.steps(t, BatchStep, BATCH_STEPS, started, resolved)
        return t

    def comments(self, t: Ticket, start: dt.datetime, end: dt.datetime) -> None:
        rng = self.rng
        span = max(60, int((end - start).total_seconds()))
        for _ in range(rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]):
            who, body, internal = rng.choice(COMMENTS)
            when = start + dt.timedelta(seconds=rng.randint(0, span))
            if when >= self.until:
                continue
            author = t._requester if who == "requester" else t._engineer
            self.add(Comment(ticket_id=t.id, author=author, created_at=when, body=body, internal=internal))

    def steps(self, t: Ticket, model, names: list[str], start: dt.datetime, end: dt.datetime) -> None:
        step = (end - start) / (len(names) + 1)
        for i, name in enumerate(names, start=1):
            at = start + step * i
            if model is UpgradeStep:
                self.add(
                    UpgradeStep(
                        ticket_id=t.id,
                        stage=name,
                        recorded_by=t.assignee,
                        recorded_at=at,
                        note="按升级流程记录。",
                        window_start=at if name in {UpgradeStage.SCHEDULED, UpgradeStage.DEPLOYED} else None,
                    )
                )
            else:
                self.add(
                    BatchStep(
                        ticket_id=t.id, step=name, recorded_by=t.assignee, recorded_at=at, note="已完成。"
                    )
                )

    def signoffs(self, resolved: list[Ticket]) -> None:
        """One form per resolved request, or (one in five) a batch form of up to 8 of a department's."""
        rng, until = self.rng, self.until
        pm = self.u["pm"]
        open_batch: dict[int, list[Ticket]] = {}
        groups: list[list[Ticket]] = []
        for t in sorted(resolved, key=lambda t: t.resolved_at):
            batch = open_batch.get(t.department_id)
            if (
                batch
                and len(batch) < 8
                and rng.random() < 0.2
                and (t.resolved_at - batch[0].resolved_at) < dt.timedelta(days=5)
            ):
                batch.append(t)
                continue
            group = [t]
            groups.append(group)
            open_batch[t.department_id] = group
        for group in groups:
            issued = group[-1].resolved_at
            day = clock.local(issued).date()
            due = self.cal.signoff_due(day, self.contract.signoff_due_workdays)
            if rng.random() < 0.1:
                sign_day = self.cal.workday_after(due, rng.randint(1, 3))
            elif rng.random() < 0.5 and self.cal.is_workday(day) and clock.local(issued).hour < 16:
                sign_day = day
            else:
                sign_day = due
            signed = dt.datetime.combine(
                sign_day, dt.time(rng.choice([9, 10, 11, 14, 15, 16]), rng.randint(0, 59)), clock.SHANGHAI
            )
            signed = max(signed, issued + dt.timedelta(minutes=30))
            signoff = SignOff(
                id=self.signoff_id,
                contract=self.contract,
                department_id=group[0].department_id,
                issued_at=issued,
                issued_by=pm if len(group) > 1 else group[0].assignee,
                due_on=due,
            )
            self.signoff_id += 1
            requester = group[0]._requester
            snap = {
                "contract_number": self.contract.number,
                "contract_name": self.contract.name,
                "client_name": self.contract.client_name,
                "vendor_name": self.contract.vendor_name,
                "department": self.departments_by_id[signoff.department_id].name,
                "issued_at": clock.local(issued).strftime("%Y-%m-%d %H:%M"),
                "issued_by": signoff.issued_by.display_name,
                "due_on": due.isoformat(),
                "tickets": [self.snapshot_row(t) for t in group],
                "number": signoff.number,
            }
            if signed < until:
                late = sign_day > due
                scan = rng.random() < 0.2
                signoff.status, signoff.signed_at, signoff.signed_by, signoff.late = (
                    SignOffStatus.SIGNED,
                    signed,
                    requester,
                    late,
                )
                signoff.method = SignOffMethod.SCAN if scan else SignOffMethod.PORTAL
                signoff.signer_note = "" if scan else "确认"
                snap.update(
                    {
                        "signed_by": requester.display_name,
                        "signed_at": clock.local(signed).strftime("%Y-%m-%d %H:%M"),
                        "method": str(SignOffMethod(signoff.method).label),
                        "signer_note": signoff.signer_note,
                        "late": late,
                    }
                )
                closed = signed + dt.timedelta(hours=2)
                for t in group:
                    t.status, t.signed_off_at, t.updated_at = Status.SIGNED_OFF, signed, signed
                    if rng.random() < 0.7 and closed < until:
                        t.status, t.closed_at, t.updated_at = Status.CLOSED, closed, closed
            signoff.snapshot = snap
            for t in group:
                t.signoff_id = signoff.id
            self.add(signoff)

    def snapshot_row(self, t: Ticket) -> dict:
        return {
            "number": t.number,
            "title": t.title,
            "kind": t.get_kind_display(),
            "scope": str(t.scope),
            "priority": t.get_priority_display(),
            "requester": t._requester.display_name,
            "submitted_at": clock.local(t.created_at).strftime("%Y-%m-%d %H:%M"),
            "resolved_at": clock.local(t.resolved_at).strftime("%Y-%m-%d %H:%M"),
            "assignee": t._engineer.display_name,
            "resolution": t.resolution,
            "hours": f"{t.time_spent_minutes / 60:.1f}",
            "rework": t.rework_count,
        }

    # people on site ------------------------------------------------------------------------------------
    def on_site(self, days: list[dt.date]) -> None:
        """Roster, attendance and work logs of three engineers and the PM; a weekly meeting per week."""
        rng, contract = self.rng, self.contract
        staff = [(self.u[name], Position.ENGINEER) for name in ENGINEERS] + [(self.u["pm"], Position.PM)]
        for person, position in staff:
            self.add(
                RosterEntry(
                    contract=contract,
                    person=person,
                    position=position,
                    phone=person.phone or "138 0000 0000",
                    start_on=contract.start_on,
                    end_on=contract.end_on,
                    note="驻场名单",
                    created_at=clock.aware(contract.start_on, 9),
                )
            )
        spans = defaultdict(list)  # engineer -> (start day, end day, ticket id) of requests worked
        for t in self.rows[Ticket]:
            if t.started_at:
                end = clock.local(t.resolved_at).date() if t.resolved_at else dt.date.max
                spans[t.assignee_id].append((clock.local(t.started_at).date(), end, t.id))
        through = WorkLog.tickets.through
        for day in days:
            for person, _position in staff:
                if rng.random() < 0.015:  # a day of leave or absence
                    continue
                check_in = clock.aware(day, 8, rng.randint(2, 29))
                check_out = clock.aware(day, 17, rng.randint(30, 59))
                self.add(
                    Attendance(
                        contract=contract,
                        person=person,
                        date=day,
                        check_in_at=check_in,
                        check_out_at=check_out,
                    )
                )
                first, second = rng.sample(LOG_TASKS, 2)
                log = WorkLog(
                    id=self.worklog_id,
                    contract=contract,
                    person=person,
                    date=day,
                    hours=Decimal(rng.choice(["7.5", "8.0", "8.0", "8.5", "9.0"])),
                    content=f"1. {first}；\n2. {second}。",
                    created_at=check_out,
                    updated_at=check_out,
                )
                self.worklog_id += 1
                self.add(log)
                hits = [pk for start, end, pk in spans[person.pk] if start <= day <= end]
                for pk in hits[-4:]:
                    self.add(through(worklog_id=log.id, ticket_id=pk))
        attendees_through = WeeklyMeeting.attendees.through
        weeks = sorted({d - dt.timedelta(days=d.weekday()) for d in days})
        for monday in weeks:
            held = self.cal.last_workday_of_week(monday)
            if held is None or held not in days:
                continue
            meeting = WeeklyMeeting(
                id=self.meeting_id,
                contract=contract,
                week_start=monday,
                held_on=held,
                place="区人社局信息中心会议室",
                summary=f"本周共处理服务请求 {rng.randint(100, 190)} 项；"
                "下周计划完成月度初始化核对和待办问题回归测试。",
                decisions="数据维护须先取得科室负责人书面授权，授权单随请求一并归档。",
                recorded_by=self.u["pm"],
                created_at=clock.aware(held, 16, 30),
            )
            self.meeting_id += 1
            self.add(meeting)
            for person in [p for p, _ in staff] + [self.u["bureau"]]:
                self.add(attendees_through(weeklymeeting_id=meeting.id, user_id=person.pk))
            for _ in range(rng.choice([1, 1, 2])):
                self.add(
                    ActionItem(
                        meeting_id=meeting.id,
                        description="跟进市信息中心接口联调结果",
                        owner=rng.choice(staff)[0],
                        due_on=self.cal.workday_after(held, 3),
                        done=True,
                    )
                )

    def weekly_reports(self, days: list[dt.date]) -> int:
        """A published weekly report for every finished week, its figures drafted from the rows saved."""
        from reports.models import ReportStatus, WeeklyReport, build_content
        from reports.selectors import weekly_figures

        pm = self.u["pm"]
        today = clock.today()
        reports = []
        for monday in sorted({d - dt.timedelta(days=d.weekday()) for d in days}):
            if (
                monday + dt.timedelta(days=7) > today
                or WeeklyReport.objects.filter(contract=self.contract, week_start=monday).exists()
            ):
                continue
            at = clock.aware(monday + dt.timedelta(days=4), 17, 0)
            report = WeeklyReport(
                contract=self.contract,
                week_start=monday,
                status=ReportStatus.PUBLISHED,
                summary="本周服务请求均按时响应，重点完成月度初始化核对与数据维护。",
                next_week_plan="完成待办问题回归测试，跟进市信息中心接口联调。",
                open_problems="个别科室授权单未及时提交。",
                figures=weekly_figures(self.contract, monday, calendar=self.cal),
                figures_at=at,
                drafted_at=at,
                drafted_by=pm,
                updated_at=at,
                updated_by=pm,
                published_at=at,
                published_by=pm,
            )
            report.snapshot = build_content(report)
            reports.append(report)
        WeeklyReport.objects.bulk_create(reports, batch_size=200)
        return len(reports)

    def save(self) -> Counter:
        order = [
            SignOff,
            Ticket,
            DataAuthorization,
            TimeEntry,
            Comment,
            UpgradeStep,
            BatchStep,
            RosterEntry,
            Attendance,
            WorkLog,
            WorkLog.tickets.through,
            WeeklyMeeting,
            WeeklyMeeting.attendees.through,
            ActionItem,
        ]
        counts = Counter()
        for model in order:
            rows = self.rows.get(model, [])
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH)
                counts[model._meta.label] += len(rows)
        return counts


def _contract_for(year: int, template: Contract, actor: User) -> Contract:
    number = f"JTRS-JB-{year}-001"
    existing = Contract.objects.filter(number=number).first()
    if existing is not None:
        return existing
    with clock.frozen_at(clock.aware(dt.date(year, 1, 10), 10, 0)):
        return contract_copy(
            source=template,
            number=number,
            name=f"常州市金坛区“金保工程”软件系统维保项目（{year} 年度）",
            signed_on=dt.date(year, 1, 10),
            start_on=dt.date(year, 1, 1),
            end_on=dt.date(year, 12, 31),
            actor=actor,
        )


def seed() -> dict:
    started = time.perf_counter()
    print(f"bench: seeding {connection.vendor} database {connection.settings_dict['NAME']}", flush=True)
    load_demo()
    demo_seconds = time.perf_counter() - started
    print(f"  demo loaded in {demo_seconds:.1f} s", flush=True)
    users = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    template = Contract.objects.get(number="JTRS-JB-2023-001")
    now = clock.now()
    totals = Counter()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        t0 = time.perf_counter()
        contract = _contract_for(year, template, users["bureau"])
        year_end = clock.aware(contract.end_on + dt.timedelta(days=1), 0, 0)
        until = min(now, year_end)
        demo_year = Attendance.objects.filter(contract=contract).exists()
        seeder = YearSeeder(contract, until=until, users=users, departments=departments, seed=year)
        seeder.departments_by_id = {d.pk: d for d in departments.values()}
        all_days = seeder.cal.workdays_between(contract.start_on, contract.end_on)
        days = [d for d in all_days if clock.aware(d, 8, 30) < until]
        existing = Ticket.objects.filter(contract=contract).count()
        target = round(TICKETS_PER_YEAR * len(days) / len(all_days)) - existing
        with transaction.atomic():
            seeder.tickets(days, target)
            if not demo_year:
                seeder.on_site([d for d in days if d < clock.local(until).date()])
            counts = seeder.save()
            counts["reports.WeeklyReport"] = seeder.weekly_reports(days)
            from rosters import versions

            versions.bump_people(  # bulk_create sends no signal: cached attendance reports are stale
                User.objects.values_list("pk", flat=True), Contract.objects.values_list("pk", flat=True)
            )
            log_action(
                "bench.bulk_load",
                actor=users["pm"],
                obj=contract,
                changes={"rows": dict(counts), "note": "基准测试数据：批量导入，未经过服务"},
            )
        totals.update(counts)
        print(
            f"  {year}: {counts['tickets.Ticket']:5d} requests, {counts['tickets.SignOff']:5d} sign-offs, "
            f"{counts['rosters.WorkLog']:4d} work logs, {counts['reports.WeeklyReport']:2d} weekly reports "
            f"in {time.perf_counter() - t0:5.1f} s",
            flush=True,
        )
    from tickets import score_facts

    t0 = time.perf_counter()
    facts = score_facts.rebuild()  # bulk_create skips the services that keep them
    print(f"  score facts of {facts} requests in {time.perf_counter() - t0:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        models = [Ticket, SignOff, WorkLog, WeeklyMeeting]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    seconds = round(time.perf_counter() - started, 1)
    log_action(
        "bench.seeded",
        changes={"seconds": seconds, "demo_seconds": round(demo_seconds, 1), "per_year": TICKETS_PER_YEAR},
    )
    print(f"bench: seeded in {seconds:.1f} s", flush=True)
    return {"seconds": seconds, "reused": False, "per_year": TICKETS_PER_YEAR}


def ensure_seed() -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    marker = AuditEntry.objects.filter(action="bench.seeded").order_by("-seq").first()
    if marker is not None:
        made = clock.local(marker.created_at)
        print(f"bench: reusing the seed of {made:%Y-%m-%d %H:%M} (BENCH_RESEED=1 to seed again)")
        return {
            "seconds": marker.changes.get("seconds"),
            "reused": True,
            "per_year": marker.changes.get("per_year"),
        }
    if is_loaded():
        raise SystemExit(
            "bench: the bench database holds data but no finished seed (an interrupted run?): "
            "run again with BENCH_RESEED=1"
        )
    return seed()


# --- measuring -----------------------------------------------------------------------------------------


def timed(fn) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), p95(samples)


def client_for(username: str, contract: Contract | None) -> Client:
    """A logged-in client past the second factor, using ``contract`` (the contract switch)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from security.twofactor import confirmed_device, requires_two_factor

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
    if contract is not None:
        client.post("/contracts/switch/", {"contract": contract.pk})
    return client


class Failed(Exception):
    pass


def measure_page(label: str, client: Client, path: str) -> tuple:
    response = client.get(path)  # warm up (and read the contract switch's message)
    reset_queries()  # each request empties the query log: count from an empty one
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    count = len(queries)  # now: the captured list is read lazily from a log the next request empties
    if response.status_code != 200:
        where = response.get("Location", "")
        raise Failed(f"{label}: GET {path} answered HTTP {response.status_code} {where}")
    median, worst = timed(lambda: client.get(path))
    return label, median, worst, count


def measure() -> list[tuple]:
    from common.pdf import warm_up
    from reports.models import WeeklyReport
    from reports.services import weekly_draft
    from security.models import PasswordHistory

    # As jinbao_service/wsgi.py does in every gunicorn worker once the application is loaded: what
    # exists now is never scanned by the collector again (else a full collection pauses one request).
    # Before that, like each worker at start, it registers the PDF font.
    warm_up()
    gc.freeze()

    # The demo passwords were set when the seed was made; keep them within their validity period.
    PasswordHistory.objects.update(created_at=timezone.now())
    year = 2025
    big = Contract.objects.get(number=f"JTRS-JB-{year}-001")
    # The busiest week of the year (most requests filed).
    weeks = Counter(
        clock.local(c).date() - dt.timedelta(days=clock.local(c).weekday())
        for c in Ticket.objects.filter(contract=big).values_list("created_at", flat=True)
    )
    week, week_count = weeks.most_common(1)[0]
    pm = User.objects.get(username="pm")
    results = []

    def draft():
        WeeklyReport.objects.filter(contract=big, week_start=week).delete()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report, created = weekly_draft(contract=big, day=week, actor=pm)
        if not created:
            raise Failed(f"weekly_draft did not draft a new report for {week}")
        return (time.perf_counter() - t0) * 1000, len(queries), report

    samples = []
    for _ in range(RUNS):
        ms, count, report = draft()
        samples.append(ms)
    results.append(
        (
            f"weekly_draft {year}-W{week.isocalendar()[1]:02d} ({week_count} requests)",
            statistics.median(samples),
            p95(samples),
            count,
        )
    )
    signoff = (
        SignOff.objects.filter(contract=big, status=SignOffStatus.SIGNED)
        .annotate(n=Count("tickets"))
        .order_by("-n", "-id")
        .first()
    )
    pm_client = client_for("pm", big)
    staff_client = client_for("staff1", big)
    head_client = client_for("head1", big)
    engineer_client = client_for("eng1", big)
    bureau_client = client_for("bureau", big)
    finance_client = client_for("finance", big)
    status = Status.CLOSED
    busy = (
        Ticket.objects.filter(contract=big)
        .annotate(n=Count("comments"))
        .order_by("-n", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    from reports.services import weekly_publish

    WeeklyReport.objects.filter(pk=report.pk).update(
        summary="本周服务请求均按时响应。", next_week_plan="完成待办问题回归测试。"
    )
    report.refresh_from_db()
    published = weekly_publish(report=report, actor=pm)
    from common.models import StoredDocument

    StoredDocument.objects.all().delete()  # the first download below renders and stores again
    first_pdf = [
        measure_once(
            "weekly report PDF, first download (pm)", pm_client, f"/reports/weekly/{published.pk}/pdf/"
        ),
        measure_once(
            f"sign-off PDF, {signoff.n} requests, first download (pm)",
            pm_client,
            f"/tickets/signoffs/{signoff.pk}/pdf/",
        ),
    ]
    results.extend(first_pdf)
    pages = [
        ("weekly report PDF, stored (pm)", pm_client, f"/reports/weekly/{published.pk}/pdf/"),
        ("sign-off PDF, stored (pm)", pm_client, f"/tickets/signoffs/{signoff.pk}/pdf/"),
        ("home (pm)", pm_client, "/"),
        ("home (bureau)", bureau_client, "/"),
        ("home (staff1)", staff_client, "/"),
        ("home (head1)", head_client, "/"),
        ("home (eng1)", engineer_client, "/"),
        ("home (finance)", finance_client, "/"),
        ("home score panel (bureau)", bureau_client, "/performance/home-panel/"),
        ("home finance panel (finance)", finance_client, "/payments/home-panel/"),
        # the rosters panels load after the home page too (htmx), each its own request
        ("home team panel (pm)", pm_client, "/rosters/home-panel/team/"),
        ("home on-site panel (bureau)", bureau_client, "/rosters/home-panel/bureau/"),
        ("home records panel (eng1)", engineer_client, "/rosters/home-panel/records/"),
        (f"/tickets/{busy}/ request detail (pm)", pm_client, f"/tickets/{busy}/"),
        ("/api/ settlement (finance)", finance_client, f"/api/contracts/{big.pk}/settlement/"),
        ("/tickets/ (pm)", pm_client, "/tickets/"),
        ("/tickets/ (staff1)", staff_client, "/tickets/"),
        (f"/tickets/?status={status}&page=50 (pm)", pm_client, f"/tickets/?status={status}&page=50"),
        ("/tickets/signoffs/ (pm)", pm_client, "/tickets/signoffs/"),
        ("/tickets/signoffs/?status=signed (staff1)", staff_client, "/tickets/signoffs/?status=signed"),
        ("/rosters/logs/ (pm)", pm_client, "/rosters/logs/"),
        ("/reports/weekly/ (pm)", pm_client, "/reports/weekly/"),
        (f"/reports/statistics/?year={year} (pm)", pm_client, f"/reports/statistics/?year={year}"),
        ("/performance/ (bureau)", bureau_client, "/performance/"),
        ("/payments/ (finance)", finance_client, "/payments/"),
        ("/jobs/ (pm)", pm_client, "/jobs/"),
        # Search (issue 17): one- and two-word Chinese queries, a common and a rarer word, as the vendor
        # (internal comments too) and as a department's staff (their department, public text only).
        *(
            (f"/kb/search/?q={q} (search, {who})", client, f"/kb/search/?q={q}")
            for q in SEARCH_QUERIES
            for who, client in (("pm", pm_client), ("staff1", staff_client))
        ),
        ("/tickets/?q=初始化 (list filter, pm)", pm_client, "/tickets/?q=初始化"),
        (
            "/tickets/similar/ (suggestions while filing, staff1)",
            staff_client,
            "/tickets/similar/?title=养老调资后待遇不对",
        ),
    ]
    for label, client, path in pages:
        results.append(measure_page(label, client, path))
        print(f"  measured {label}", flush=True)
    results.append(measure_export(pm_client, big))
    return results


def measure_once(label: str, client: Client, path: str) -> tuple:
    reset_queries()
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    ms = (time.perf_counter() - t0) * 1000
    count = len(queries)
    if response.status_code != 200:
        raise Failed(f"{label}: GET {path} answered HTTP {response.status_code}")
    return label, ms, ms, count


def measure_export(client: Client, contract: Contract) -> tuple:
    """A year's Excel export, once (it is long): time, queries, and the peak of Python's allocations."""
    import resource

    path = "/tickets/export/"
    reset_queries()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        size = sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
    ms = (time.perf_counter() - t0) * 1000
    # Growth of the process's peak resident size (KiB on Linux): 0 when the export stayed below the
    # peak the pages before it reached.
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    if response.status_code != 200:
        raise Failed(f"export: GET {path} answered HTTP {response.status_code}")
    rows = Ticket.objects.filter(contract=contract).count()
    label = (
        f"Excel export of {contract.number} ({rows} rows, {size // 1024} KiB, peak {peak / 2**20:.0f} MiB)"
    )
    return label, ms, ms, len(queries)


def volume() -> list[tuple[str, int]]:
    from django.apps import apps

    names = [
        "contracts.Contract",
        "tickets.Ticket",
        "tickets.SignOff",
        "tickets.TimeEntry",
        "tickets.Comment",
        "tickets.DataAuthorization",
        "tickets.UpgradeStep",
        "rosters.Attendance",
        "rosters.WorkLog",
        "rosters.WeeklyMeeting",
        "reports.WeeklyReport",
        "common.AuditEntry",
    ]
    rows = [(name, apps.get_model(name).objects.count()) for name in names]
    rows.append(("rosters.WorkLog_tickets", WorkLog.tickets.through.objects.count()))
    return rows


# The search's queries: one word (common, three characters, rare), two words.
SEARCH_QUERIES = ("调资", "初始化", "连接池", "养老 调整", "数据 核对")


def ensure_search_index() -> None:
    """Index the requests the seed bulk-inserted (``bulk_create`` skips the services that index them)."""
    from tickets.models import SearchDocument
    from tickets.search import reindex_all

    if SearchDocument.objects.count() >= Ticket.objects.count():
        return
    t0 = time.perf_counter()
    n = reindex_all()
    print(f"bench: search index of {n:,d} requests in {time.perf_counter() - t0:.1f} s", flush=True)


def analyze() -> None:
    """Fresh planner statistics: bulk-inserted rows are invisible to the planner until autovacuum
    gets to them, and the plans (and timings) before and after differ by a factor of two."""
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would have by then: the visibility map lets counts
        # read the index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    seeded = ensure_seed()
    ensure_search_index()
    t0 = time.perf_counter()
    analyze()
    print(f"bench: VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s", flush=True)
    if SEED_ONLY:
        return
    print(f"bench: measuring ({RUNS} runs each, DEBUG off, {connection.vendor})", flush=True)
    try:
        results = measure()
    except Failed as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    print()
    print("Data volume")
    for name, count in volume():
        print(f"  {name:28s} {count:>9,d}")
    if seeded["reused"]:
        print(f"  seeding time: {seeded['seconds']} s (when the seed was made; reused now)")
    else:
        print(f"  seeding time: {seeded['seconds']} s")
    per_year = seeded.get("per_year") or TICKETS_PER_YEAR
    # Query counts at another data size (an earlier run against a seed of another BENCH_PER_YEAR):
    # a page whose count grows with the data runs a query per row somewhere.
    import json

    out = Path(os.environ["JINBAO_VAR_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-queries-{connection.vendor}-{per_year}.json").write_text(
        json.dumps({_stable(label): queries for label, _m, _w, queries in results}, ensure_ascii=False)
    )
    other = {}
    for path in sorted(out.glob("bench-queries-*.json")):
        vendor, size = path.stem.split("-")[-2], int(path.stem.rsplit("-", 1)[-1])
        if size != per_year:
            other = {"size": size, "vendor": vendor, "counts": json.loads(path.read_text())}
    print()
    print(f"({per_year:,d} requests a year; load average {os.getloadavg()[0]:.2f} at the end of the run)")
    width = max(len(r[0]) for r in results)
    head = f"{'what':{width}s}  {'median ms':>9s}  {'p95 ms':>8s}  {'queries':>7s}"
    if other:
        head += f"  queries at {other['size']:,d}/yr ({other['vendor']})"
    print(head)
    for label, median, worst, queries in results:
        line = f"{label:{width}s}  {median:9.1f}  {worst:8.1f}  {queries:7d}"
        if other:
            then = other["counts"].get(_stable(label))
            line += f"  {'' if then is None else then:>7}"
        print(line)


def _stable(label: str) -> str:
    """A page's label without the figures that depend on the data (ids, counts)."""
    import re

    return re.sub(r"\d+", "#", label)


if __name__ == "__main__":
    main()
