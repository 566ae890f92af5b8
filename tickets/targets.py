"""Which resolution target a request gets: its priority's, unless the contract sets one for its kind."""

from __future__ import annotations

from contracts.models import Contract, SlaTarget

from .models import Kind


def resolve_minutes(contract: Contract, kind: str, target: SlaTarget, minutes_per_workday: int) -> int:
    """Working minutes to resolve a request of ``kind`` (an upgrade requirement may have its own
    number of working days on the contract; empty means the priority's target)."""
    if kind == Kind.UPGRADE and contract.upgrade_resolve_workdays:
        return contract.upgrade_resolve_workdays * minutes_per_workday
    return target.resolve_minutes(minutes_per_workday)
