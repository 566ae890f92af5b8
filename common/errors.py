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


def apply_service_error(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: errors of fields it has on those fields, the rest on top,
    keeping what the user typed."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def require(allowed: bool, message: str, exc: type[ServiceError] = TransitionNotAllowed) -> None:
    """Refuse with ``message`` (a ``TransitionNotAllowed`` unless told) when ``allowed`` is false."""
    if not allowed:
        raise exc(message)


def need_reason(
    reason: str | None, message: str, *, field: str | None = "reason", min_length: int = 1
) -> str:
    """The stripped reason, or a refusal with ``message`` (on ``field``, or on the whole form when
    ``field`` is None) when it is shorter than ``min_length``."""
    reason = (reason or "").strip()
    if len(reason) < min_length:
        raise ServiceError({field: [message]} if field else message)
    return reason
