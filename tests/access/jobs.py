from accounts.roles import Role

from . import Rule

JOB_READERS = frozenset({Role.BUREAU_ADMIN, Role.PM})


def _record(world):
    from jobs.models import InitializationRecord

    record, _ = InitializationRecord.objects.get_or_create(
        contract=world.contract,
        kind="monthly",
        period=world.contract.start_on,
        defaults={"due_on": world.contract.start_on},
    )
    return {"pk": record.pk}


RULES = {
    "jobs:list": Rule(JOB_READERS),
    "jobs:run": Rule(JOB_READERS, methods=("POST",), kwargs=lambda w: {"name": "jobs.calendar_next_year"}),
    "jobs:initializations": Rule(JOB_READERS | {Role.ENGINEER}),
    "jobs:initialization_confirm": Rule(JOB_READERS, methods=("POST",), kwargs=_record),
}
