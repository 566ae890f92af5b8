"""Writes and reads of the rest of the contract (issue 18 items 3–6): project contacts (第九条,
``parties``), written changes (第六条, ``changes``), confidentiality undertakings and incidents (第五条,
第八条(1), ``confidentiality``) and termination notices (第八条, 第十条, ``termination``). Each write is
atomic, validated and audited; the other party is told.

Scheduled parts (deemed acceptance of changes, missing undertakings, termination reminders) run in
jobs/contract_jobs.py and rosters/confidentiality.py, which call down into this package. Import from the
package (``from contracts import agreement_services as svc``), not from its modules.
"""

from .changes import (
    answer_due,
    change_answer,
    change_attachments,
    change_deem_accepted,
    change_propose,
    change_withdraw,
    changes_for,
    fill_pending_changes,
    is_accepted,
    recompute_pending_changes,
    setting_choices,
    setting_label,
    setting_not_applied,
)
from .confidentiality import incident_record, undertaking_record, undertaking_register, vendor_people
from .parties import Contact, contact_change, contact_on, party_of, party_of_account, party_recipients
from .termination import (
    active_termination,
    termination_confirm,
    termination_effective_on,
    termination_give,
    termination_settlement,
    termination_withdraw,
)

__all__ = [
    "Contact",
    "active_termination",
    "answer_due",
    "change_answer",
    "change_attachments",
    "change_deem_accepted",
    "change_propose",
    "change_withdraw",
    "changes_for",
    "contact_change",
    "contact_on",
    "fill_pending_changes",
    "incident_record",
    "is_accepted",
    "party_of",
    "party_of_account",
    "party_recipients",
    "recompute_pending_changes",
    "setting_choices",
    "setting_label",
    "setting_not_applied",
    "termination_confirm",
    "termination_effective_on",
    "termination_give",
    "termination_settlement",
    "termination_withdraw",
    "undertaking_record",
    "undertaking_register",
    "vendor_people",
]
