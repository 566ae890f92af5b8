from accounts.roles import Role

from . import ALL_ROLES, CONTRACT_READERS, Rule

CALENDAR_READERS = ALL_ROLES - {Role.AUDITOR, Role.SECADMIN}

RULES = {
    "home": Rule(ALL_ROLES),
    "accounts:login": Rule(ALL_ROLES, methods=("GET", "POST"), public=True),
    "accounts:logout": Rule(ALL_ROLES, methods=("POST",), public=True),
    "accounts:departments": Rule(frozenset({Role.BUREAU_ADMIN, Role.PM, Role.SYSADMIN})),
    "contracts:list": Rule(CONTRACT_READERS),
    "contracts:detail": Rule(CONTRACT_READERS, kwargs=lambda w: {"pk": w.contract.pk}),
    "contracts:edit": Rule(
        frozenset({Role.BUREAU_ADMIN}), methods=("GET", "POST"), kwargs=lambda w: {"pk": w.contract.pk}
    ),
    "contracts:copy": Rule(
        frozenset({Role.BUREAU_ADMIN}), methods=("GET", "POST"), kwargs=lambda w: {"pk": w.contract.pk}
    ),
    "contracts:history": Rule(frozenset({Role.BUREAU_ADMIN}), kwargs=lambda w: {"pk": w.contract.pk}),
    "contracts:switch": Rule(ALL_ROLES, methods=("POST",)),
    "contracts:calendar": Rule(CALENDAR_READERS),
    "contracts:calendar_load": Rule(frozenset({Role.BUREAU_ADMIN}), methods=("GET", "POST")),
    "common:notifications": Rule(ALL_ROLES),
    "common:notification_read": Rule(ALL_ROLES, methods=("POST",)),
    "common:audit_log": Rule(frozenset({Role.AUDITOR})),
    "set_language": Rule(ALL_ROLES, methods=("GET", "POST"), public=True, any_method=True),
}
