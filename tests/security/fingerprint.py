"""A digest of every table's rows, to prove that a refused request changed nothing."""

import hashlib

from django.apps import apps

# Tables that record the attempt itself, not the data it tried to change.
NOT_DATA = frozenset(
    {
        "common.auditentry",
        "common.auditchainhead",
        "common.auditnoise",  # repeated anonymous failures counted in one window (common/noise.py)
        "sessions.session",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accesslog",
        "axes.accessfailurelog",
        "otp_totp.totpdevice",  # django-otp counts wrong codes on the device (throttling)
        # Derived, not data: a fresh token whenever an attendance input is saved (rosters/versions.py),
        # even a save that changes nothing; a cache of a period's statistics (reports/selectors).
        "rosters.attendanceinputs",
        "reports.storedstatistics",
    }
)


def fingerprint(exclude: frozenset[str] = frozenset()) -> dict[str, str]:
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_DATA or label in exclude or not model._meta.managed or model._meta.proxy:
            continue
        # A bare "saved again" (auto_now timestamps) is not a change of data.
        names = [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
        rows = list(model._base_manager.order_by("pk").values_list(*names))
        digests[label] = hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in set(before) | set(after) if before.get(label) != after.get(label))
