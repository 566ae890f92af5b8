"""A year of 2023 service requests and a handful in progress on the current contract.

Every request is replayed through the tickets services with the clock set to when each step
happened, so the audit trail, deadlines, rework and sign-off lateness are real. Events of all
requests are replayed in time order (the audit log reads chronologically). Notifications of the
2023 history are held back (nobody needs ten thousand unread messages of last year); those of the
current requests are sent as in real use.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from common import clock
from contracts.calendar import get_calendar
from contracts.workdays import WorkCalendar
from tickets import services
from tickets.models import BatchType, InitType, Kind, SignOffMethod, UpgradeStage, UpgradeTarget

DEPARTMENT_STAFF = {
    "yanglao": (["staff1", "staff1b"], "head1", [1, 3, 7]),
    "jiuye": (["staff2"], "head2", [5, 6]),
    "jumin": (["staff3"], "head3", [2]),
    "gongshang": (["staff4"], "head4", [1]),
    "dangan": (["staff5"], "head5", [4, 9]),
    "tuixiu": (["staff6"], "head6", [3]),
}
DEPARTMENT_WEIGHTS = {"yanglao": 30, "jiuye": 18, "jumin": 18, "gongshang": 12, "dangan": 8, "tuixiu": 14}
ENGINEERS = ["eng1", "eng2", "eng3"]

TITLES = {
    Kind.SOFTWARE: [
        ("{s}保存时提示“系统错误”", "经办人员在{s}录入后点击保存，页面提示系统错误，数据未保存。已截图。"),
        ("{s}打印凭证格式错位", "打印缴费凭证时金额栏与边框错位，影响对外出具。"),
        ("{s}查询页面响应很慢", "上午 9 点后查询个人账户明细需 30 秒以上，窗口群众排队。"),
        ("{s}转移接续申请无法提交", "跨统筹区转移接续申请提交时报“参数不合法”。"),
        ("{s}待遇核定结果与手工计算不一致", "一名参保人待遇核定金额比手工计算少 12.30 元，请核查公式。"),
    ],
    Kind.POLICY: [
        ("调整{y}年度缴费基数上下限参数", "按新文件调整缴费基数上下限，自文件规定月份起执行。"),
        ("城乡居民基础养老金标准调整参数", "按市文件调整基础养老金标准，需同步调整计发参数。"),
        ("灵活就业人员缴费档次参数调整", "新增缴费档次，旧档次保留到年底。"),
    ],
    Kind.DATA: [
        ("更正参保人出生日期", "参保人身份证号码与出生日期不一致，须按户籍证明更正。"),
        ("撤销重复缴费记录", "同一月份产生两条缴费记录，须撤销一条并退费。"),
        ("更正单位参保类别", "单位参保类别录入错误，影响费率。"),
        ("补录历史缴费记录", "参保人 2005–2007 年纸质档案缴费记录未入库。"),
    ],
    Kind.QUERY: [
        ("统计{m}月新增参保人数（按险种）", "局领导会议需要，按险种、按乡镇统计。"),
        ("导出{m}月待遇发放明细", "财务对账需要，按银行分组。"),
        ("查询断缴 3 个月以上人员名单", "按社区分组，用于催缴。"),
        ("统计季度失业保险金领取情况", "用于上报市局季度报表。"),
    ],
    Kind.UPGRADE: [
        ("{s}新增电子社保卡扫码认证", "窗口需要支持电子社保卡扫码识别身份。"),
        ("{s}增加批量导入功能", "单位批量增员目前只能逐条录入，需要 Excel 导入。"),
        ("{s}待遇资格认证界面改版", "按市局统一要求调整认证界面。"),
    ],
}
BATCH_JOBS = [
    # (date, type, title, population, department)
    (
        dt.date(2023, 1, 9),
        BatchType.MEDICAL_ACCOUNT,
        "2023 年度医疗保险个人账户划入调整",
        "全区职工医保参保人员约 18.6 万人",
        "yanglao",
    ),
    (
        dt.date(2023, 5, 15),
        BatchType.UNEMPLOYMENT_LIMITS,
        "失业保险金上下限标准调整",
        "在领失业保险金人员约 2,300 人",
        "jiuye",
    ),
    (
        dt.date(2023, 7, 17),
        BatchType.PENSION_ADJUSTMENT,
        "2023 年企业退休人员基本养老金调整（养老调资）",
        "企业退休人员约 6.4 万人",
        "yanglao",
    ),
    (
        dt.date(2023, 8, 7),
        BatchType.PENSION_ADJUSTMENT,
        "2023 年机关事业单位退休人员养老金调整",
        "机关事业单位退休人员约 9,800 人",
        "tuixiu",
    ),
    (
        dt.date(2023, 10, 16),
        BatchType.OTHER,
        "城乡居民基础养老金提标批量处理",
        "城乡居民养老金领取人员约 5.1 万人",
        "jumin",
    ),
]


class Replay:
    """A time-ordered queue of steps; each runs through a service under the clock of its time."""

    def __init__(self):
        self._heap: list = []
        self._seq = itertools.count()

    def at(self, when: dt.datetime, step: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (when, next(self._seq), step))

    def run(self) -> None:
        while self._heap:
            when, _n, step = heapq.heappop(self._heap)
            with clock.frozen_at(when):
                step()


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo\n", content_type="application/pdf")


class Story:
    """One request's life: the steps are scheduled on the replay as the request moves on."""

    def __init__(self, demo: TicketDemo, spec: dict):
        self.demo, self.spec = demo, spec
        self.ticket = None

    def u(self, name):
        return self.demo.users[name]

    def later(self, when: dt.datetime, minutes: int) -> dt.datetime:
        return self.demo.cal.add_working_minutes(when, max(1, minutes))

    # --- steps --------------------------------------------------------------------------------
    def submit(self):
        s = self.spec
        self.ticket = services.ticket_submit(
            actor=self.u(s["requester"]), contract=self.demo.contract, **s["fields"]
        )
        t = self.demo.rng.randint(10, 150)
        self.demo.replay.at(self.later(clock.now(), t), self.confirm)

    def confirm(self):
        rng = self.demo.rng
        if self.spec.get("reject"):
            services.ticket_reject(
                ticket=self.ticket,
                actor=self.u(self.spec["head"]),
                reason="与已有请求重复，请在原请求中补充。",
            )
            return
        confirmer = self.u("bureau") if rng.random() < 0.1 else self.u(self.spec["head"])
        services.ticket_confirm(ticket=self.ticket, actor=confirmer, calendar=self.demo.cal)
        if self.ticket.kind == Kind.DATA:
            services.data_authorize(
                ticket=self.ticket,
                actor=self.u(self.spec["head"]),
                scope=self.ticket.data_scope,
                approval_file=_pdf("数据维护审批单.pdf") if rng.random() < 0.5 else None,
            )
        respond = self.demo.respond_minutes[self.ticket.priority]
        self.demo.replay.at(self.later(clock.now(), rng.randint(3, max(4, respond // 3))), self.assign)

    def assign(self):
        rng = self.demo.rng
        engineer = self.u(self.spec["engineer"])
        if rng.random() < 0.3:
            services.ticket_claim(ticket=self.ticket, actor=engineer)
        else:
            services.ticket_assign(ticket=self.ticket, actor=self.u("pm"), assignee=engineer)
        respond = self.demo.respond_minutes[self.ticket.priority]
        late = self.spec["late_response"]
        minutes = rng.randint(respond + 5, respond * 2) if late else rng.randint(2, max(3, respond // 2))
        self.demo.replay.at(self.later(clock.now(), minutes), self.start)

    def start(self):
        engineer = self.u(self.spec["engineer"])
        rng = self.demo.rng
        services.ticket_start(
            ticket=self.ticket, actor=engineer, note="已收到，正在处理。" if rng.random() < 0.25 else ""
        )
        resolve = self.demo.resolve_minutes[self.ticket.priority]
        share = rng.uniform(1.05, 1.6) if self.spec["late"] else rng.uniform(0.15, 0.85)
        self.work_minutes = int(resolve * share)
        if self.spec.get("wait"):
            self.demo.replay.at(self.later(clock.now(), max(5, self.work_minutes // 3)), self.wait)
        elif self.ticket.kind == Kind.UPGRADE:
            self.demo.replay.at(self.later(clock.now(), 60), self.upgrade_requirement)
        else:
            self.schedule_resolve()

    def wait(self):
        services.ticket_wait(
            ticket=self.ticket,
            actor=self.u(self.spec["engineer"]),
            reason="请科室提供参保人的纸质材料扫描件。",
        )
        self.demo.replay.at(self.later(clock.now(), self.demo.rng.randint(120, 900)), self.resume)

    def resume(self):
        services.ticket_resume(
            ticket=self.ticket,
            actor=self.u(self.spec["requester"]),
            note="材料已上传。",
            calendar=self.demo.cal,
        )
        self.schedule_resolve(share=0.6)

    def schedule_resolve(self, share: float = 1.0):
        started = clock.now()
        when = self.later(started, int(self.work_minutes * share))
        if self.ticket.kind == Kind.BATCH and not getattr(self, "batch_scheduled", False):
            self.batch_scheduled = True
            steps = ["backup", "test", "verify", "recovery"]
            for i, step in enumerate(steps, start=1):
                self.demo.replay.at(
                    self.later(started, int(self.work_minutes * share * i / 5)), self._batch_step(step)
                )
        self.demo.replay.at(when, self.resolve)

    def _batch_step(self, step: str):
        notes = {
            "backup": "已对相关表做全量备份，备份文件存放于备份服务器 /backup/{d}。",
            "test": "在测试库按新标准试算，抽查 50 人结果正确。",
            "verify": "业务科室抽查 30 人核对无误，汇总金额与测算一致。",
            "recovery": "准备回滚脚本，出现问题 30 分钟内可恢复到调整前数据。",
        }

        def run():
            services.batch_step_record(
                ticket=self.ticket,
                actor=self.u(self.spec["engineer"]),
                step=step,
                note=notes[step].format(d=clock.today().strftime("%Y%m%d")),
                evidence=_pdf(f"{step}.pdf") if step == "backup" else None,
            )

        return run

    # upgrade path
    def upgrade_requirement(self):
        services.upgrade_step_record(
            ticket=self.ticket,
            actor=self.u(self.spec["engineer"]),
            stage=UpgradeStage.REQUIREMENT,
            note="与科室沟通形成需求文档，含界面原型与数据项说明。",
            document=_pdf("需求文档.pdf"),
        )
        self.demo.replay.at(
            self.later(clock.now(), 240), self._upgrade(UpgradeStage.CONFIRMED, self.spec["head"])
        )

    def _upgrade(self, stage, who):
        def run():
            window_start = None
            now = clock.now()
            if stage == UpgradeStage.SCHEDULED:
                target_time = (
                    dt.time(18, 30)
                    if self.ticket.upgrade_target == UpgradeTarget.CENTRAL
                    else dt.time(22, 30)
                )
                day = self.demo.cal.workday_after(clock.local(now).date(), 2)
                window_start = dt.datetime.combine(day, target_time, clock.SHANGHAI)
                if self.spec.get("emergency"):
                    window_start = dt.datetime.combine(
                        clock.local(now).date(), dt.time(12, 30), clock.SHANGHAI
                    )
                    if window_start <= now:
                        window_start = now + dt.timedelta(minutes=30)
                self.window = window_start
            elif stage == UpgradeStage.DEPLOYED:
                window_start = self.window + dt.timedelta(minutes=5)
            note = {
                UpgradeStage.CONFIRMED: "需求文档确认无误。",
                UpgradeStage.SUBMITTED: (
                    f"已通过 OA 提交常州市信息中心，编号 JT-{clock.local(now):%Y%m%d}-{self.ticket.pk}。"
                ),
                UpgradeStage.SCHEDULED: "市信息中心已安排升级。",
                UpgradeStage.DEPLOYED: "升级完成，已做冒烟测试。",
                UpgradeStage.ACCEPTED: "业务验证通过。",
            }[stage]
            services.upgrade_step_record(
                ticket=self.ticket, actor=self.u(who), stage=stage, note=note, window_start=window_start
            )
            nxt = {
                UpgradeStage.CONFIRMED: (UpgradeStage.SUBMITTED, self.spec["engineer"], 120),
                UpgradeStage.SUBMITTED: (UpgradeStage.SCHEDULED, self.spec["engineer"], 600),
            }.get(stage)
            if stage == UpgradeStage.SUBMITTED and self.spec.get("emergency"):
                self.demo.replay.at(now + dt.timedelta(minutes=20), self.emergency_request)
            if nxt:
                self.demo.replay.at(self.later(now, nxt[2]), self._upgrade(nxt[0], nxt[1]))
            elif stage == UpgradeStage.SCHEDULED:
                self.demo.replay.at(
                    self.window + dt.timedelta(hours=1),
                    self._upgrade(UpgradeStage.DEPLOYED, self.spec["engineer"]),
                )
            elif stage == UpgradeStage.DEPLOYED:
                morning = self.demo.cal.next_working_instant(now + dt.timedelta(hours=1))
                self.demo.replay.at(
                    morning + dt.timedelta(minutes=40),
                    self._upgrade(UpgradeStage.ACCEPTED, self.spec["head"]),
                )
            elif stage == UpgradeStage.ACCEPTED:
                self.demo.replay.at(now + dt.timedelta(minutes=20), self.resolve)

        return run

    def emergency_request(self):
        services.emergency_request(
            ticket=self.ticket,
            actor=self.u(self.spec["engineer"]),
            reason="窗口认证故障影响待遇发放，须在中午休息时段紧急升级。",
        )
        self.demo.replay.at(clock.now() + dt.timedelta(minutes=10), self.emergency_approve)

    def emergency_approve(self):
        services.emergency_approve(ticket=self.ticket, actor=self.u("bureau"))

    def resolve(self):
        engineer = self.u(self.spec["engineer"])
        services.time_log(
            ticket=self.ticket,
            actor=engineer,
            work_date=clock.today(),
            minutes=min(600, max(20, self.work_minutes // 3)),
            note="排查与处理",
        )
        services.ticket_resolve(
            ticket=self.ticket, actor=engineer, resolution=self.spec["resolution"], calendar=self.demo.cal
        )
        if self.spec.get("reopen") and not getattr(self, "reopened", False):
            self.reopened = True
            self.demo.replay.at(self.later(clock.now(), 90), self.reopen)
            return
        self.schedule_signoff()

    def reopen(self):
        services.ticket_reopen(
            ticket=self.ticket,
            actor=self.u(self.spec["requester"]),
            reason="问题仍然存在：部分人员结果仍不正确。",
            calendar=self.demo.cal,
        )
        self.work_minutes = max(30, self.work_minutes // 2)
        self.schedule_resolve()

    def schedule_signoff(self):
        if self.spec.get("open_until_end"):
            return
        self.ticket.refresh_from_db()
        due = self.ticket.signoff.due_on
        resolved_day = clock.local(clock.now()).date()
        if self.spec["late_signoff"]:
            day = self.demo.cal.workday_after(due, self.demo.rng.randint(1, 3))
        elif (
            self.demo.rng.random() < 0.5
            and self.demo.cal.is_workday(resolved_day)
            and clock.local(clock.now()).hour < 16
        ):
            day = resolved_day
        else:
            day = due
        when = dt.datetime.combine(
            day,
            dt.time(self.demo.rng.choice([9, 10, 11, 14, 15, 16]), self.demo.rng.randint(0, 59)),
            clock.SHANGHAI,
        )
        if when <= clock.now():
            when = clock.now() + dt.timedelta(minutes=30)
        self.demo.replay.at(when, self.sign)

    def sign(self):
        signoff = self.ticket.signoff
        signoff.refresh_from_db()
        if signoff.status != "pending":
            return
        scan = self.demo.rng.random() < 0.2
        services.signoff_sign(
            signoff=signoff,
            actor=self.u(self.spec["requester"]),
            method=SignOffMethod.SCAN if scan else SignOffMethod.PORTAL,
            scan=_pdf("服务内容确认表-签字.pdf") if scan else None,
            note="" if scan else "确认",
        )
        if self.demo.rng.random() < 0.7:
            self.demo.replay.at(clock.now() + dt.timedelta(hours=2), self.close)

    def close(self):
        self.ticket.refresh_from_db()
        services.ticket_close(ticket=self.ticket, actor=self.u("pm"))


class TicketDemo:
    def __init__(self, ctx, contract, rng: random.Random):
        self.ctx, self.contract, self.rng = ctx, contract, rng
        self.users = ctx.users
        self.cal: WorkCalendar = get_calendar(contract)
        per_day = contract.working_hours.minutes_per_day
        self.respond_minutes = {s.priority: s.respond_minutes(per_day) for s in contract.sla_targets.all()}
        self.resolve_minutes = {s.priority: s.resolve_minutes(per_day) for s in contract.sla_targets.all()}
        self.scopes = {s.order: s for s in contract.scopes.all()}
        self.replay = Replay()

    def pick_department(self):
        names = list(DEPARTMENT_WEIGHTS)
        return self.rng.choices(names, weights=[DEPARTMENT_WEIGHTS[n] for n in names])[0]

    def spec(
        self, *, kind, dept=None, priority=None, title=None, description=None, extra=None, **flags
    ) -> dict:
        rng = self.rng
        dept = dept or self.pick_department()
        staff, head, scope_orders = DEPARTMENT_STAFF[dept]
        scope_order = 8 if kind in {Kind.DATA, Kind.QUERY, Kind.BATCH} else rng.choice(scope_orders)
        if kind == Kind.POLICY:
            scope_order = 7
        scope = self.scopes[scope_order]
        if title is None:
            title_t, desc_t = rng.choice(TITLES[kind])
            title = title_t.format(s=scope.name, y=2023, m=rng.randint(1, 12))
            description = desc_t.format(s=scope.name)
        priority = priority or rng.choices(["urgent", "high", "normal", "low"], weights=[5, 20, 60, 15])[0]
        fields = {
            "kind": kind,
            "scope": scope,
            "priority": priority,
            "title": title[:120],
            "description": description,
        }
        if kind == Kind.POLICY:
            fields["policy_document"] = rng.choice(
                ["常人社发〔2023〕12号", "苏人社发〔2023〕56号", "金人社〔2023〕8号"]
            )
        if kind == Kind.UPGRADE:
            fields["upgrade_target"] = rng.choice(
                [UpgradeTarget.CENTRAL, UpgradeTarget.CENTRAL, UpgradeTarget.HOSPITAL]
            )
        if kind == Kind.DATA:
            fields["data_scope"] = "参保人 1 名，" + rng.choice(
                ["出生日期", "缴费记录 2 条", "参保类别", "2005–2007 年缴费"]
            )
        fields.update(extra or {})
        return {
            "fields": fields,
            "requester": rng.choice(staff),
            "head": head,
            "engineer": rng.choice(ENGINEERS),
            "late": flags.get("late", rng.random() < 0.12),
            "late_response": flags.get("late_response", rng.random() < 0.08),
            "wait": flags.get("wait", rng.random() < 0.1),
            "reopen": flags.get("reopen", rng.random() < 0.06),
            "reject": flags.get("reject", rng.random() < 0.03),
            "late_signoff": flags.get("late_signoff", rng.random() < 0.1),
            "emergency": flags.get("emergency", False),
            "open_until_end": flags.get("open_until_end", False),
            "resolution": flags.get("resolution")
            or rng.choice(
                [
                    "定位到程序校验规则错误，已修正并在测试库验证。",
                    "已按要求处理，数据核对无误。",
                    "已调整参数并通知科室验证，验证通过。",
                    "已出具统计结果（Excel），发送科室邮箱。",
                ]
            ),
        }

    def file(self, when: dt.datetime, spec: dict) -> Story:
        story = Story(self, spec)
        self.replay.at(when, story.submit)
        return story


def _working_instant(cal: WorkCalendar, day: dt.date, rng: random.Random) -> dt.datetime:
    minute = rng.randint(0, cal.hours.minutes_per_day - 60)
    return cal.add_working_minutes(dt.datetime.combine(day, dt.time(8, 30), clock.SHANGHAI), minute)


def load_tickets(ctx) -> None:
    rng = random.Random(2023)
    demo = TicketDemo(ctx, ctx.contract_2023, rng)
    cal = demo.cal
    days = cal.workdays_between(dt.date(2023, 1, 3), dt.date(2023, 12, 22))
    # The test settings shorten the history (browser tests load the demo for every test);
    # tests/tickets/test_demo.py replays the whole year once.
    limit = getattr(settings, "DEMO_TICKETS_WORKDAYS", None)
    if limit is not None:
        days = days[:limit]
    batch_days = {b[0]: b for b in BATCH_JOBS}
    month_inits = {cal.first_workday_of_month(2023, m) for m in range(1, 13)}
    upgrade_count = 0
    for day in days:
        if day in month_inits:
            annual = day.month == 1
            demo.file(
                clock.aware(day, 8, 40),
                demo.spec(
                    kind=Kind.INIT,
                    dept="yanglao",
                    priority="high",
                    title=f"2023 年{'度' if annual else f' {day.month} 月'}初始化",
                    description="按计划完成金保系统"
                    + ("年度" if annual else "月度")
                    + "初始化，初始化后核对期初数据。",
                    extra={"init_type": InitType.ANNUAL if annual else InitType.MONTHLY},
                    late=False,
                    wait=False,
                    reopen=False,
                    reject=False,
                ),
            )
        if day in batch_days:
            _d, btype, title, population, dept = batch_days[day]
            demo.file(
                clock.aware(day, 9, 10),
                demo.spec(
                    kind=Kind.BATCH,
                    dept=dept,
                    priority="high",
                    title=title,
                    description=f"{title}：按文件标准批量计算并发放，涉及{population}。",
                    extra={"batch_type": btype, "affected_population": population},
                    late=day.month == 5,
                    reject=False,
                    wait=False,
                    reopen=day.month == 8,
                    resolution=f"{title}已完成：备份、测试、验证、应急恢复预案齐备，结果经科室核对无误。",
                ),
            )
        for _ in range(rng.choices([0, 1, 2, 3], weights=[15, 40, 35, 10])[0]):
            kind = rng.choices(
                [Kind.SOFTWARE, Kind.POLICY, Kind.DATA, Kind.QUERY, Kind.UPGRADE], weights=[40, 8, 22, 26, 4]
            )[0]
            flags = {}
            if (
                kind == Kind.UPGRADE
            ):  # upgrades take days (city information center, night window): low priority
                upgrade_count += 1
                flags = {
                    "priority": "low",
                    "late": False,
                    "wait": False,
                    "reopen": False,
                    "reject": False,
                    "emergency": upgrade_count == 3,
                }
            demo.file(_working_instant(cal, day, rng), demo.spec(kind=kind, **flags))
    # The last week of December: a few requests still waiting for sign-off at the end of the year.
    for day in cal.workdays_between(dt.date(2023, 12, 25), dt.date(2023, 12, 29)) if limit is None else []:
        demo.file(
            _working_instant(cal, day, rng), demo.spec(kind=Kind.SOFTWARE, reject=False, open_until_end=True)
        )
    with services.quiet_notifications():
        demo.replay.run()
    if getattr(ctx, "contract_current", None) is not None:
        load_current(ctx)


def load_current(ctx) -> None:
    """A handful of requests in progress on the current contract, as of today (notifications on)."""
    contract = ctx.contract_current
    today = clock.today()
    anchor = today if contract.start_on <= today <= contract.end_on else contract.end_on
    cal = get_calendar(contract)
    demo = TicketDemo(ctx, contract, random.Random(2026))
    u = ctx.users

    def day(n: int) -> dt.date:
        d = cal.workday_on_or_after(anchor) if n == 0 else cal.workday_before(anchor, n)
        return min(d, anchor)

    def when(n: int, hour: int, minute: int = 0) -> dt.datetime:
        moment = clock.aware(day(n), hour, minute)
        return min(moment, clock.now()) if anchor == today else moment

    def new(n, hour, dept, kind, title, description, priority="normal", **extra):
        staff, _head, orders = DEPARTMENT_STAFF[dept]
        scope = demo.scopes[8 if kind in {Kind.DATA, Kind.BATCH, Kind.QUERY} else orders[0]]
        with clock.frozen_at(when(n, hour)):
            return services.ticket_submit(
                actor=u[staff[0]],
                contract=contract,
                kind=kind,
                scope=scope,
                priority=priority,
                title=title,
                description=description,
                **extra,
            )

    def at(n, hour, minute=0):
        return clock.frozen_at(when(n, hour, minute))

    # 1. Just filed, waiting for the head of 养老保险科 to confirm.
    new(
        0,
        9,
        "yanglao",
        Kind.SOFTWARE,
        "养老待遇核定页面点击保存无反应",
        "今天上午开始，核定页面点击保存没有任何提示，数据未保存。",
        "high",
    )
    # 2. Data maintenance confirmed, waiting for the written authorization.
    t = new(
        1,
        10,
        "jiuye",
        Kind.DATA,
        "更正失业人员登记日期",
        "登记日期录入错误导致待遇期限计算错误。",
        data_scope="失业人员 1 名，登记日期",
    )
    with at(1, 11):
        services.ticket_confirm(ticket=t, actor=u["head2"])
    # 3. Confirmed, in the pool, not assigned yet.
    t = new(
        1, 14, "jumin", Kind.QUERY, "统计本月城乡居民养老保险新增参保人数", "按乡镇统计，月底前报局领导。"
    )
    with at(1, 15):
        services.ticket_confirm(ticket=t, actor=u["head3"])
    # 4. Assigned to eng1, in progress, overdue (urgent since three days ago).
    t = new(
        3,
        9,
        "yanglao",
        Kind.SOFTWARE,
        "社保卡即时制卡接口报错",
        "窗口制卡时提示接口超时，群众等待。",
        "urgent",
    )
    with at(3, 9, 20):
        services.ticket_confirm(ticket=t, actor=u["head1"])
        services.ticket_assign(ticket=t, actor=u["pm"], assignee=u["eng1"])
    with at(3, 10):
        services.ticket_start(ticket=t, actor=u["eng1"], note="已联系市信息中心排查接口。")
    # 5. eng1 waiting on the bureau.
    t = new(
        2, 10, "gongshang", Kind.SOFTWARE, "工伤待遇支付明细打印缺页", "打印超过 2 页的明细时第二页空白。"
    )
    with at(2, 10, 30):
        services.ticket_confirm(ticket=t, actor=u["head4"])
        services.ticket_claim(ticket=t, actor=u["eng1"])
    with at(2, 11):
        services.ticket_start(ticket=t, actor=u["eng1"])
        services.ticket_wait(ticket=t, actor=u["eng1"], reason="请提供一份出现缺页的打印样张扫描件。")
    # 6. Resolved yesterday, the sign-off form is late.
    t = new(
        3,
        9,
        "yanglao",
        Kind.POLICY,
        "调整灵活就业人员缴费档次参数",
        "按新文件增加缴费档次。",
        policy_document="常人社发〔2026〕15号",
    )
    with at(3, 9, 30):
        services.ticket_confirm(ticket=t, actor=u["head1"])
        services.ticket_assign(ticket=t, actor=u["pm"], assignee=u["eng2"])
    with at(3, 10):
        services.ticket_start(ticket=t, actor=u["eng2"])
    with at(2, 16):
        services.ticket_resolve(
            ticket=t, actor=u["eng2"], resolution="已新增缴费档次参数并在测试库验证，科室抽查无误。"
        )
    # 7. Resolved today, waiting for 养老保险科's signature (eng1's).
    t = new(1, 9, "yanglao", Kind.QUERY, "导出本月待遇发放明细（按银行）", "财务对账需要。")
    with at(1, 9, 30):
        services.ticket_confirm(ticket=t, actor=u["head1"])
        services.ticket_assign(ticket=t, actor=u["pm"], assignee=u["eng1"])
    with at(1, 10):
        services.ticket_start(ticket=t, actor=u["eng1"])
    with at(0, 9, 0):
        services.ticket_resolve(ticket=t, actor=u["eng1"], resolution="已导出明细（Excel），发送科室邮箱。")
    # 8. A batch job in progress with two of its four steps.
    t = new(
        2,
        9,
        "tuixiu",
        Kind.BATCH,
        "退休人员基本养老金调整（批量）",
        "按文件标准调整退休人员基本养老金。",
        "high",
        batch_type=BatchType.PENSION_ADJUSTMENT,
        affected_population="退休人员约 1.2 万人",
    )
    with at(2, 9, 30):
        services.ticket_confirm(ticket=t, actor=u["head6"])
        services.ticket_assign(ticket=t, actor=u["pm"], assignee=u["eng3"])
    with at(2, 10):
        services.ticket_start(ticket=t, actor=u["eng3"])
        services.batch_step_record(
            ticket=t, actor=u["eng3"], step="backup", note="已全量备份待遇表。", evidence=_pdf("backup.pdf")
        )
    with at(1, 10):
        services.batch_step_record(
            ticket=t, actor=u["eng3"], step="test", note="测试库试算，抽查 50 人正确。"
        )
    # 9. An upgrade at the requirement stage, waiting for the bureau's confirmation.
    t = new(
        2,
        14,
        "dangan",
        Kind.UPGRADE,
        "业务档案一体化增加批量扫描导入",
        "档案室需要批量导入扫描件。",
        upgrade_target=UpgradeTarget.CENTRAL,
    )
    with at(2, 14, 30):
        services.ticket_confirm(ticket=t, actor=u["head5"])
        services.ticket_assign(ticket=t, actor=u["pm"], assignee=u["eng2"])
    with at(1, 9):
        services.ticket_start(ticket=t, actor=u["eng2"])
        services.upgrade_step_record(
            ticket=t,
            actor=u["eng2"],
            stage=UpgradeStage.REQUIREMENT,
            note="需求文档 v1。",
            document=_pdf("需求文档.pdf"),
        )
