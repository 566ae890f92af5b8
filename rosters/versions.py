"""The version of each contract's attendance inputs, which keeps the attendance report across requests
(issue 14; ``rosters.selectors.attendance``).

What the report reads, and how a write to it replaces the contract's token (``AttendanceInputs``) in
the writing transaction:

- roster entries (``RosterEntry``), key days (``KeyDay``): the entry's contract;
- check-ins (``Attendance``) and leave (``LeaveRequest``), matched by person and date whatever their
  contract: every contract the person has a roster entry on (and the row's own contract);
- deployed upgrades (``tickets.UpgradeStep``, any stage): the ticket's contract;
- a row moved to another person or contract: the old ones too (``pre_save`` reads them).

Saves and deletes (services, admin, cascades, ``update_or_create``) reach the ``post_save`` /
``post_delete`` receivers below. Writes that send no signal call ``bump_contracts`` /
``bump_people`` themselves: ``QuerySet.update`` of a leave's status (``leave_decide``,
``leave_cancel``), ``bulk_create`` in the demo loader and the bench seeder. A check-out
(``Attendance.check_out_at``) is not read by the report and bumps nothing.

The working calendar (overrides, loaded years, working hours) is not versioned here: it is part of
the cache key (``calendar_fingerprint``), from the calendar the request already built. People's
names are not cached (the report loads them when a page shows them).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from tickets.models import Ticket, UpgradeStep

from .models import Attendance, AttendanceInputs, KeyDay, LeaveRequest, RosterEntry


def token(contract_id: int) -> str:
    """The contract's current token (one query; the row is created on first use)."""
    found = AttendanceInputs.objects.filter(contract_id=contract_id).values_list("token", flat=True).first()
    if found is None:
        row, _created = AttendanceInputs.objects.get_or_create(
            contract_id=contract_id, defaults={"token": uuid.uuid4().hex}
        )
        found = row.token
    return found


def bump_contracts(contract_ids: Iterable[int | None]) -> None:
    """Give these contracts a new token (call inside the writing transaction)."""
    ids = sorted({pk for pk in contract_ids if pk is not None})  # one order: no deadlock between bumps
    for pk in ids:
        AttendanceInputs.objects.update_or_create(contract_id=pk, defaults={"token": uuid.uuid4().hex})


def bump_people(person_ids: Iterable[int | None], contract_ids: Iterable[int | None] = ()) -> None:
    """A check-in or leave of these people changed: every contract they are on the roster of."""
    people = {pk for pk in person_ids if pk is not None}
    rostered = RosterEntry.objects.filter(person_id__in=people).values_list("contract_id", flat=True)
    bump_contracts({*contract_ids, *(rostered if people else ())})


# --- receivers ------------------------------------------------------------------------------------------

_BY_CONTRACT = (RosterEntry, KeyDay)
_BY_PERSON = (Attendance, LeaveRequest)


def _before_save(sender, instance, **kwargs) -> None:
    """The stored contract (and person), so a save that moves the row bumps where it was too."""
    fields = ("contract_id", "person_id") if sender in _BY_PERSON else ("contract_id",)
    old = sender.objects.filter(pk=instance.pk).values_list(*fields).first() if instance.pk else None
    instance._attendance_inputs_was = old or ()


def _changed(sender, instance, **kwargs) -> None:
    was = getattr(instance, "_attendance_inputs_was", ())
    contracts = {instance.contract_id, *was[:1]}
    if sender in _BY_PERSON:
        bump_people({instance.person_id, *was[1:]}, contracts)
    else:
        bump_contracts(contracts)


for _model in (*_BY_CONTRACT, *_BY_PERSON):
    pre_save.connect(_before_save, sender=_model, dispatch_uid=f"attendance_inputs_pre_{_model.__name__}")
    post_save.connect(_changed, sender=_model, dispatch_uid=f"attendance_inputs_save_{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"attendance_inputs_delete_{_model.__name__}")


@receiver(post_save, sender=UpgradeStep, dispatch_uid="attendance_inputs_upgrade_save")
@receiver(post_delete, sender=UpgradeStep, dispatch_uid="attendance_inputs_upgrade_delete")
def _upgrade_changed(sender, instance: UpgradeStep, **kwargs) -> None:
    bump_contracts(Ticket.objects.filter(pk=instance.ticket_id).values_list("contract_id", flat=True))
