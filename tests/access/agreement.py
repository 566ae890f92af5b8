"""Issue 18 items 3–6: the rest of the contract. The bureau admin acts for 甲方 and the PM for 乙方;
engineers and finance read changes and contacts; finance also reads incidents and terminations."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role

from . import CONTRACT_READERS, Rule, once_per_world

ACTORS = frozenset({Role.BUREAU_ADMIN, Role.PM})
WITH_FINANCE = ACTORS | {Role.FINANCE}


@once_per_world
def _change(w):
    from common import clock
    from contracts import agreement_services as svc

    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 10, 0)):
        return svc.change_propose(
            contract=w.contract, actor=w.bureau_admin, title="t", text="x", delivered_on=dt.date(2023, 3, 1)
        )


@once_per_world
def _termination(w):
    from common import clock
    from contracts import agreement_services as svc

    with clock.frozen_at(clock.aware(dt.date(2023, 3, 1), 10, 0)):
        return svc.termination_give(
            contract=w.contract, actor=w.pm, basis="early", given_on=dt.date(2023, 3, 1), reason="r"
        )


@once_per_world
def _undertaking(w):
    from contracts import agreement_services as svc

    return svc.undertaking_record(
        contract=w.contract,
        actor=w.pm,
        person=w.engineer,
        signed_on=dt.date(2023, 1, 5),
        document=SimpleUploadedFile("u.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
    )


RULES = {
    "contracts:changes": Rule(CONTRACT_READERS),
    "contracts:change_propose": Rule(ACTORS, methods=("POST",)),
    "contracts:change_detail": Rule(CONTRACT_READERS, kwargs=lambda w: {"pk": _change(w).pk}),
    "contracts:change_answer": Rule(ACTORS, methods=("POST",), kwargs=lambda w: {"pk": _change(w).pk}),
    "contracts:change_withdraw": Rule(ACTORS, methods=("POST",), kwargs=lambda w: {"pk": _change(w).pk}),
    "contracts:undertakings": Rule(ACTORS),
    "contracts:undertaking_add": Rule(ACTORS, methods=("POST",)),
    "contracts:incidents": Rule(WITH_FINANCE),
    "contracts:incident_add": Rule(ACTORS, methods=("POST",)),
    "contracts:terminations": Rule(WITH_FINANCE),
    "contracts:termination_give": Rule(ACTORS, methods=("POST",)),
    "contracts:termination_confirm": Rule(
        ACTORS, methods=("POST",), kwargs=lambda w: {"pk": _termination(w).pk}
    ),
    "contracts:termination_withdraw": Rule(
        ACTORS, methods=("POST",), kwargs=lambda w: {"pk": _termination(w).pk}
    ),
    "contracts:contacts": Rule(CONTRACT_READERS),
    "contracts:contact_add": Rule(ACTORS, methods=("POST",)),
    "contracts:document": Rule(ACTORS, kwargs=lambda w: {"kind": "undertaking", "pk": _undertaking(w).pk}),
}
