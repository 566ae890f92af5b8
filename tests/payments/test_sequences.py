"""Issue 11, proof: money stays exact in every order of events (Hypothesis, stateful).

A machine draws sequences of: partial, full and excessive payments of either instalment, on dates
around the due dates; duplicate submissions (the same form token) and the same transfer from a second
form (the same reference); voids; score adjustments; lock and unlock; loading the 2027 calendar (the
2026 contract's final falls due in January 2027); days passing. After every step it checks:

- advance due + final due = total × tier (whenever the tier is known);
- the valid payments never exceed total × tier + accrued late fees, nor any instalment what it owes;
- a valid reference (凭证号) appears once per contract;
- what the database says has been paid equals the machine's own account of the accepted payments;
- each late fee is one period's fee (rounded to the fen) × full periods;
- the API's JSON and a payment notice's snapshot carry the same figures as the settlement.
Each service call is also checked against the machine's oracle: a payment is accepted exactly when it
is allowed (not above what the instalment still owes, a fresh reference, a locked score for the final).

Runs on the configured database (PostgreSQL in CI). The number of sequences comes from
``JINBAO_MONEY_SEQUENCES`` (default 60, about 17 s; ``.ci/run`` sets 500, about 160 s on one core — see
payments/README.md); the test fails if fewer sequences ran than asked.
"""

import datetime as dt
import functools
import os
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from common import clock
from common.errors import ServiceError
from contracts.models import CalendarYear, Contract
from contracts.notice import NoticeDay
from contracts.rules import Tier as ContractTier
from contracts.services import calendar_load_year, contract_copy
from contracts.workdays import WorkCalendar
from payments import api, rules, selectors, services
from payments.models import Payment, PaymentKind
from performance import services as score_services
from performance.selectors import lock_in_force

SEQUENCES = int(os.environ.get("JINBAO_MONEY_SEQUENCES", "60"))
STEPS = int(os.environ.get("JINBAO_MONEY_STEPS", "14"))
ADVANCE, FINAL = PaymentKind.ADVANCE, PaymentKind.FINAL
D = Decimal
CENT = D("0.01")
NOTICE_2027 = [NoticeDay(dt.date(2027, 1, d), False, "元旦") for d in (1, 2, 3)] + [
    NoticeDay(dt.date(2027, 2, d), False, "春节") for d in range(6, 14)
]
PARTS = {"data_maintenance": 20, "responsiveness": 10, "completion": 20, "satisfaction": 20, "attendance": 30}


def _money(value):
    return None if value is None else f"{value:.2f}"


class MoneyMachine(RuleBasedStateMachine):
    """One 2026 contract, rolled back after each sequence (a savepoint inside the test's transaction)."""

    world = None
    contract = None
    runs = 0  # sequences started, checked against SEQUENCES at the end

    def __init__(self):
        super().__init__()
        type(self).runs += 1
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = self.contract.signed_on
        self.paid = {ADVANCE: D("0.00"), FINAL: D("0.00")}  # the machine's own account
        self.records: list[Payment] = []  # valid payments recorded
        self.tokens: list[uuid.UUID] = []
        self.references: list[str] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------------------------------------

    def _at(self, hour=15):
        return clock.aware(self.today, hour, 0)

    def state(self):
        with clock.frozen_at(self._at()):
            return selectors.settlement(self.contract, today=self.today)

    def locked(self) -> bool:
        return lock_in_force(self.contract) is not None

    # --- time -----------------------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 3, 9, 10, 11, 20, 45, 90, 180]))
    def wait(self, days):
        self.today = min(self.today + dt.timedelta(days=days), dt.date(2027, 12, 31))

    @rule(
        which=st.sampled_from(["advance", "end", "final"]),
        offset=st.integers(min_value=-2, max_value=25),
    )
    def around_a_due_date(self, which, offset):
        s = self.state()
        base = {"advance": s.advance.due_on, "end": self.contract.end_on, "final": s.final.due_on}[which]
        if base is not None:
            self.today = max(self.today, base + dt.timedelta(days=offset))

    @rule()
    def load_2027(self):
        if CalendarYear.objects.filter(year=2027).exists():
            return
        with clock.frozen_at(self._at(9)):
            calendar_load_year(year=2027, days=NOTICE_2027, source="国办通知", actor=self.world.bureau_admin)

    # --- payments --------------------------------------------------------------------------------------

    @rule(
        kind=st.sampled_from([ADVANCE, FINAL]),
        how=st.sampled_from(["all", "half", "fen", "over", "any"]),
        any_amount=st.decimals(min_value=CENT, max_value=D("700000"), places=2),
        back=st.integers(min_value=0, max_value=12),
        reuse_reference=st.booleans(),
        reference_index=st.integers(min_value=0, max_value=20),
    )
    def pay(self, kind, how, any_amount, back, reuse_reference, reference_index):
        s = self.state()
        instalment = s.advance if kind == ADVANCE else s.final
        owed = instalment.outstanding if instalment.outstanding is not None else D("1000.00")
        amount = {
            "all": owed,
            "half": (owed / 2).quantize(CENT),
            "fen": CENT,
            "over": owed + CENT,
            "any": any_amount,
        }[how]
        if amount <= 0:
            amount = CENT
        if reuse_reference and self.references:
            reference = self.references[reference_index % len(self.references)]
        else:
            reference = f"HX{len(self.references):04d}-{uuid.uuid4().hex[:4]}"
        paid_on = max(self.contract.signed_on, self.today - dt.timedelta(days=back))
        valid_refs = {p.reference.upper() for p in self.records}
        allowed = (
            (kind == ADVANCE or self.locked())
            and amount <= owed
            and reference.upper() not in valid_refs
            and instalment.amount is not None
        )
        token = uuid.uuid4()
        try:
            with clock.frozen_at(self._at()):
                payment, created = services.payment_record(
                    contract=self.contract,
                    kind=kind,
                    paid_on=paid_on,
                    amount=amount,
                    reference=reference,
                    token=token,
                    actor=self.world.finance,
                )
        except ServiceError as exc:
            assert not allowed, f"refused although allowed: {exc.messages}"
            if reference.upper() in valid_refs:
                assert isinstance(exc, services.DuplicateReference)
            elif amount > owed and (kind == ADVANCE or self.locked()):
                assert "本次最多" in " ".join(exc.messages)
            return
        assert allowed, f"accepted {kind} {amount} (owed {owed}, reference {reference})"
        assert created
        self.paid[kind] += amount
        self.records.append(payment)
        self.tokens.append(token)
        self.references.append(reference)

    @precondition(lambda self: self.tokens)
    @rule(index=st.integers(min_value=0, max_value=50))
    def submit_the_same_form_again(self, index):
        token = self.tokens[index % len(self.tokens)]
        with clock.frozen_at(self._at()):
            payment, created = services.payment_record(
                contract=self.contract,
                kind=ADVANCE,
                paid_on=self.today,
                amount=D("1.00"),
                reference="ANY",
                token=token,
                actor=self.world.finance,
            )
        assert not created and payment.token == token

    @precondition(lambda self: self.records)
    @rule(index=st.integers(min_value=0, max_value=50))
    def void(self, index):
        payment = self.records.pop(index % len(self.records))
        with clock.frozen_at(self._at()):
            services.payment_void(payment=payment, reason="录入有误，作废", actor=self.world.finance)
        self.paid[payment.kind] -= payment.amount

    # --- the score ---------------------------------------------------------------------------------------

    @rule(
        part=st.sampled_from(sorted(PARTS)),
        share=st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    )
    def adjust(self, part, share):
        score = None if share is None else (D(PARTS[part]) * share / 100).quantize(CENT)
        try:
            with clock.frozen_at(self._at()):
                score_services.score_adjust(
                    contract=self.contract,
                    part=part,
                    score=score,
                    reason="复核调整得分",
                    actor=self.world.bureau_admin,
                )
        except ServiceError:
            assert self.locked() or score is None

    @rule()
    def lock(self):
        try:
            with clock.frozen_at(self._at()):
                score_services.score_lock(contract=self.contract, actor=self.world.bureau_admin)
        except ServiceError:
            assert self.locked() or self.today <= self.contract.end_on

    @rule()
    def unlock(self):
        try:
            with clock.frozen_at(self._at()):
                score_services.score_unlock(
                    contract=self.contract, actor=self.world.bureau_admin, reason="复核得分"
                )
        except ServiceError as exc:
            assert not self.locked() or self.paid[FINAL] > 0, exc.messages

    # --- what must hold after every step -----------------------------------------------------------------

    @invariant()
    def money_is_exact(self):
        s = self.state()
        total = self.contract.total_amount
        assert s.advance.paid == self.paid[ADVANCE] and s.final.paid == self.paid[FINAL]
        if s.earned is not None:
            assert s.advance.amount + s.final.amount == s.earned
            assert s.total_paid <= s.earned + s.late_fees
        for i in s.instalments:
            assert i.amount is None or i.paid <= i.amount
            if i.lateness is not None:
                fee = rules.period_fee(total, self.contract.late_fee_per_mille) * i.lateness.periods
                assert i.late_fee == fee
        references = [
            r.upper()
            for r in Payment.objects.filter(contract=self.contract, voided_at__isnull=True).values_list(
                "reference", flat=True
            )
        ]
        assert len(references) == len(set(references))
        body = api.settlement_json(s)
        assert body["earned"] == _money(s.earned)
        for i, row in zip(s.instalments, body["payments"], strict=True):
            assert (row["amount"], row["paid_amount"], row["outstanding"], row["penalty"]) == (
                _money(i.amount),
                _money(i.paid),
                _money(i.outstanding),
                _money(i.late_fee),
            )
            if i.amount is not None:
                snap = services.notice_snapshot(self.contract, i.kind, s)
                assert (snap["amount"], snap["paid"], snap["outstanding"], snap["late_fee"]) == (
                    str(i.amount),
                    str(i.paid),
                    str(i.outstanding),
                    str(i.late_fee),
                )


@pytest.mark.django_db
@pytest.mark.timeout(1800)  # CI's 500 sequences: about 160 s on an idle core, far more on a busy one
def test_money_stays_exact_in_every_order_of_events(world):
    with clock.frozen_at(clock.aware(dt.date(2026, 1, 5), 9, 0)):
        contract = contract_copy(
            source=world.contract,
            number="T-2026",
            name="2026 年维保",
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=world.bureau_admin,
        )
    MoneyMachine.world, MoneyMachine.contract, MoneyMachine.runs = world, contract, 0
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=os.environ.get("JINBAO_MONEY_DERANDOMIZE") == "1",
            suppress_health_check=list(HealthCheck),
        ),
    )
    # Hypothesis stops early when it runs out of distinct sequences: the proof asks for this many.
    assert MoneyMachine.runs >= SEQUENCES, f"only {MoneyMachine.runs} of {SEQUENCES} sequences ran"


# --- the same rules without the database: many more sequences ---------------------------------------------

PURE_SEQUENCES = int(os.environ.get("JINBAO_MONEY_PURE_SEQUENCES", "500"))


@functools.cache
def _calendar(loaded: frozenset[int]) -> WorkCalendar:
    return WorkCalendar(loaded_years=loaded)


class Card:
    """What the settlement reads of a score card: its total, tier and lock."""

    def __init__(self, ratio: Decimal, locked: bool):
        self.tier = ContractTier(D("0"), ratio)
        self.total = D("100.00")
        self.locked = locked


class PureMoneyMachine(RuleBasedStateMachine):
    """``selectors.assemble`` / ``refusal`` / ``unlock_refusal`` and ``rules`` on random contract terms,
    with payments kept in memory: the same decisions the services take, thousands of times a second."""

    def __init__(self):
        super().__init__()
        self.contract = None

    @initialize(
        total=st.decimals(min_value=D("1000.00"), max_value=D("3000000.00"), places=2),
        advance_ratio=st.sampled_from([D("0"), D("20"), D("30"), D("40"), D("45.5"), D("50")]),
        per_mille=st.sampled_from([D("0.5"), D("1"), D("2")]),
        period=st.sampled_from([7, 10, 15]),
    )
    def terms(self, total, advance_ratio, per_mille, period):
        self.contract = Contract(
            number="P",
            total_amount=total,
            advance_ratio=advance_ratio,
            late_fee_per_mille=per_mille,
            late_fee_period_days=period,
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
        )
        self.today = self.contract.signed_on
        self.ratio, self.locked = D("100"), False
        self.loaded: set[int] = set()
        self.payments: list[Payment] = []

    def state(self):
        return selectors.assemble(
            self.contract,
            card=Card(self.ratio, self.locked),
            payments=self.payments,
            calendar=_calendar(frozenset(self.loaded)),
            today=self.today,
        )

    @rule(days=st.sampled_from([1, 6, 7, 9, 10, 11, 14, 15, 16, 30, 61, 120, 200]))
    def wait(self, days):
        self.today = min(self.today + dt.timedelta(days=days), dt.date(2027, 12, 31))

    @rule(which=st.sampled_from(["advance", "final"]), offset=st.integers(min_value=-1, max_value=31))
    def around_a_due_date(self, which, offset):
        due = getattr(self.state(), which).due_on
        if due is not None:
            self.today = max(self.today, due + dt.timedelta(days=offset))

    @rule()
    def load_2027(self):
        self.loaded.add(2027)

    @rule(ratio=st.sampled_from([D("100"), D("90"), D("80"), D("70"), D("60"), D("50")]))
    def score_changes(self, ratio):
        if not self.locked:
            self.ratio = ratio

    @rule()
    def lock(self):
        if self.today > self.contract.end_on:
            self.locked = True

    @rule()
    def unlock(self):
        if self.locked and selectors.unlock_refusal(self.state()) is None:
            self.locked = False

    @rule(
        kind=st.sampled_from([ADVANCE, FINAL]),
        how=st.sampled_from(["all", "half", "third", "fen", "over", "any"]),
        any_amount=st.decimals(min_value=CENT, max_value=D("3000000"), places=2),
        back=st.integers(min_value=0, max_value=40),
    )
    def pay(self, kind, how, any_amount, back):
        s = self.state()
        instalment = s.advance if kind == ADVANCE else s.final
        owed = instalment.outstanding or D("0.00")
        amount = {
            "all": owed,
            "half": (owed / 2).quantize(CENT),
            "third": (owed / 3).quantize(CENT),
            "fen": CENT,
            "over": owed + CENT,
            "any": any_amount,
        }[how]
        if amount <= 0:
            return
        refused = selectors.refusal(s, kind, amount)
        if (kind == FINAL and not self.locked) or amount > owed:
            assert refused is not None
            return
        assert refused is None
        paid_on = max(self.contract.signed_on, self.today - dt.timedelta(days=back))
        self.payments.append(
            Payment(kind=kind, amount=amount, paid_on=paid_on, reference=f"R{len(self.payments)}")
        )

    @precondition(lambda self: self.contract is not None and self.payments)
    @rule(index=st.integers(min_value=0, max_value=99))
    def void(self, index):
        self.payments.pop(index % len(self.payments))

    @invariant()
    def money_is_exact(self):
        if self.contract is None:
            return
        s = self.state()
        total = self.contract.total_amount
        assert s.advance.amount + s.final.amount == s.earned
        assert s.total_paid <= s.earned + s.late_fees
        for i in s.instalments:
            assert i.paid <= i.amount
            assert i.outstanding == i.amount - i.paid
            if i.is_paid:
                assert i.paid == i.amount
            if i.lateness is not None:
                until = i.settled_on or self.today
                assert i.lateness.days == (until - i.due_on).days > 0
                assert i.lateness.periods == i.lateness.days // self.contract.late_fee_period_days
                assert (
                    i.late_fee
                    == rules.period_fee(total, self.contract.late_fee_per_mille) * i.lateness.periods
                )
            elif i.due_on is None:
                assert i.status == "pending" or i.is_paid


def test_the_settlement_rules_hold_in_every_order_of_events():
    run_state_machine_as_test(
        PureMoneyMachine,
        settings=settings(
            max_examples=PURE_SEQUENCES,
            stateful_step_count=20,
            deadline=None,
            database=None,
            derandomize=os.environ.get("JINBAO_MONEY_DERANDOMIZE") == "1",
            suppress_health_check=list(HealthCheck),
        ),
    )
