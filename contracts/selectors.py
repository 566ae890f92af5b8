"""Reads on contracts. The contract in use is kept in the session and defaults to today's."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from common import clock

from .calendar import calendar_days, get_calendar
from .models import Contract, ServiceScope
from .workdays import CalendarNotLoaded, WorkCalendar

SESSION_KEY = "contract_in_use"


def contract_list():
    return Contract.objects.order_by("-start_on")


def default_contract() -> Contract | None:
    """Today's contract, else the latest begun, else the first (one rule: ``_default_of``)."""
    return _default_of(list(contract_list()))


def _default_of(contracts: list[Contract]) -> Contract | None:
    """The contract covering today, else the latest begun, else the earliest, from every contract
    newest first (``contract_list``): the header's list, or ``default_contract``'s own read."""
    today = clock.today()
    return (
        next((c for c in contracts if c.start_on <= today <= c.end_on), None)
        or next((c for c in contracts if c.start_on <= today), None)
        or min(contracts, key=lambda c: c.start_on, default=None)
    )


def switchable_contracts(request) -> list[Contract]:
    """Every contract, newest first, once per request: the header's switcher lists them, and the
    contract in use is picked from them (issue 14: one query instead of two on every page)."""
    if not hasattr(request, "_contract_list"):
        request._contract_list = list(contract_list())
    return request._contract_list


def contract_covering_today(request=None) -> Contract | None:
    """The newest contract covering today: from the header's list when the request has one (issue 14:
    the home page's panels asked the database again), else read."""
    today = clock.today()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("contracts.view_contract"):
        return next((c for c in switchable_contracts(request) if c.is_current(today)), None)
    return Contract.objects.covering(today).order_by("-start_on").first()


def contract_in_use(request) -> Contract | None:
    """The contract the user is working on (cached on the request)."""
    if hasattr(request, "_contract_in_use"):
        return request._contract_in_use
    contract = None
    contract_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("contracts.view_contract"):
        contracts = switchable_contracts(request)  # the header lists them anyway
        contract = next((c for c in contracts if c.pk == contract_id), None) if contract_id else None
        if contract is None:
            contract = _default_of(contracts)
    else:
        if contract_id:
            contract = Contract.objects.filter(pk=contract_id).first()
        if contract is None:
            contract = default_contract()
    request._contract_in_use = contract
    return contract


def calendar_for(request, contract: Contract | None) -> WorkCalendar:
    """The calendar of ``contract`` once per request, the calendar's days read once for all contracts
    (two queries): the home page's calendar panel and its check-in panel read the same days, of the
    contract in use and the one covering today."""
    cached = request.__dict__.setdefault("_calendars", {})
    key = contract.pk if contract is not None else None
    if key not in cached:
        if "_calendar_days" not in request.__dict__:
            request._calendar_days = calendar_days()
        cached[key] = get_calendar(contract, days=request._calendar_days)
    return cached[key]


def use_contract(request, contract: Contract) -> None:
    request.session[SESSION_KEY] = contract.pk
    request._contract_in_use = contract


def contract_detail(pk: int) -> Contract:
    return get_object_or_404(
        Contract.objects.prefetch_related("tiers", "sla_targets").prefetch_related(
            Prefetch("scopes", queryset=ServiceScope.objects.order_by("order", "id"))
        ),
        pk=pk,
    )


def active_scopes(contract: Contract):
    return contract.scopes.filter(is_active=True).order_by("order", "id")


# --- the home page ------------------------------------------------------------------------------------


def today_panel(contract, calendar: WorkCalendar | None = None) -> dict:
    """Today's working-day status and the next holiday, or the pending state if not loaded."""
    today = clock.today()
    calendar = calendar or get_calendar(contract)
    panel: dict[str, object] = {"today": today}
    try:
        panel["day"] = calendar.day(today)
        periods = [
            p
            for year in (today.year, today.year + 1)
            if calendar.knows_year(year)
            for p in calendar.holiday_periods(year)
        ]
        panel["next_holiday"] = next((p for p in periods if p.end >= today), None)
        panel["next_year_missing"] = not calendar.knows_year(today.year + 1)
    except CalendarNotLoaded as exc:
        panel["not_loaded"] = exc.year
    return panel
