"""Errors that services raise and views turn into messages for the user."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A rule of the contract or of a workflow refuses the action; the message says why."""


class TransitionNotAllowed(ServiceError):
    """The object is not in a state (or the user not in a role) that allows this change."""


class ConcurrentChange(ServiceError):
    """Someone else changed the object first; the user is told and nothing is lost."""


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a ValidationError (field errors flattened), for ``messages.error``."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
