from django import template

from common import clock

from ..models import Status

register = template.Library()

STATUS_CSS = {
    Status.SUBMITTED: "text-bg-secondary",
    Status.CONFIRMED: "text-bg-info",
    Status.ASSIGNED: "text-bg-primary",
    Status.IN_PROGRESS: "text-bg-primary",
    Status.WAITING: "text-bg-warning",
    Status.RESOLVED: "text-bg-success",
    Status.SIGNED_OFF: "text-bg-success",
    Status.CLOSED: "text-bg-light border",
    Status.REJECTED: "text-bg-dark",
    Status.CANCELLED: "text-bg-dark",
}

PRIORITY_CSS = {
    "urgent": "text-bg-danger",
    "high": "text-bg-warning",
    "normal": "text-bg-light border",
    "low": "text-bg-light border",
}


@register.inclusion_tag("tickets/includes/status.html")
def status_badge(ticket):
    return {"label": ticket.get_status_display(), "css": STATUS_CSS.get(ticket.status, "text-bg-light")}


@register.simple_tag
def priority_css(priority):
    return PRIORITY_CSS.get(priority, "text-bg-light border")


@register.inclusion_tag("tickets/includes/due.html")
def due_state(ticket, now=None, which="resolve"):
    """The deadline with its state: late, due soon, on time, pending (calendar not loaded)."""
    now = now or clock.now()
    if which == "respond":
        due = ticket.respond_due_at
        late = ticket.response_late(now)
        done_at = ticket.first_response_at
        soon = False
    else:
        due = ticket.resolve_due_at
        late = ticket.is_overdue(now)
        soon = not late and ticket.is_due_soon(now)
        done_at = ticket.resolved_at
    return {
        "ticket": ticket,
        "due": due,
        "late": late,
        "soon": soon,
        "done_at": done_at,
        "pending_year": ticket.due_pending_year,
        "unconfirmed": ticket.confirmed_at is None,
        "paused": ticket.status == Status.WAITING,
    }


@register.filter
def hours(minutes):
    """Working minutes as hours with one decimal."""
    if minutes in (None, ""):
        return "—"
    return f"{int(minutes) / 60:.1f}"
