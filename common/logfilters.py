"""Logging filters (wired in ``settings.LOGGING``)."""

from __future__ import annotations

import logging


class OneLinePerDenial(logging.Filter):
    """A 403 is an expected answer (the audit log holds an ``access.denied`` entry for it): log one
    line for it, not the PermissionDenied traceback that Django attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
