import re

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


# The per-row tags render in Python (format_html), not through an included template: a list page
# of 25 rows ran 50 template renders for them (issue 14).
@register.simple_tag
def status_badge(ticket):
    css = STATUS_CSS.get(ticket.status, "text-bg-light")
    return format_html(
        '<span class="badge {}" data-testid="ticket-status">{}</span>', css, ticket.get_status_display()
    )


@register.simple_tag
def priority_css(priority):
    return PRIORITY_CSS.get(priority, "text-bg-light border")


@register.simple_tag
def due_state(ticket, now=None, which="resolve"):
    """The deadline with its state: late, due soon, on time, pending (calendar not loaded)."""
    now = now or clock.now()
    if which == "respond":
        due = ticket.respond_due_at
        late = ticket.response_late(now)
        soon = False
    else:
        due = ticket.resolve_due_at
        late = ticket.is_overdue(now)
        soon = not late and ticket.is_due_soon(now)
    if ticket.confirmed_at is None:
        return format_html('<span class="text-muted small">{}</span>', _("确认后计时"))
    if ticket.due_pending_year:
        return format_html(
            '<span class="badge text-bg-warning" title="{}" data-testid="due-pending">{}</span>',
            _("%(y)s 年工作日历尚未加载，期限待定") % {"y": ticket.due_pending_year},
            _("待定"),
        )
    if not due:
        return "—"
    css = " text-danger fw-semibold" if late else " text-warning-emphasis fw-semibold" if soon else ""
    html = format_html(
        '<span class="text-nowrap{}" data-testid="due">{}</span>',
        css,
        date_filter(clock.local(due), "Y-m-d H:i"),
    )
    if late:
        html += format_html(' <span class="badge text-bg-danger" data-testid="overdue">{}</span>', _("超期"))
    elif soon:
        html += format_html(
            ' <span class="badge text-bg-warning" data-testid="due-soon">{}</span>', _("即将超期")
        )
    if ticket.status == Status.WAITING:
        html += format_html(' <span class="badge text-bg-secondary">{}</span>', _("暂停计时"))
    return html


NUMBER_RE = re.compile(r"^FW\d{4}-(\d+)$")


@register.filter
def ticket_link(number):
    """A request's number (``FW2023-00012``, as frozen in sign-off forms and weekly reports) as a link
    to its page; the page itself answers 404 to whoever may not see it. Anything else stays text."""
    match = NUMBER_RE.match(str(number or ""))
    if not match:
        return number
    return format_html(
        '<a href="{}" data-testid="ticket-number-link">{}</a>',
        reverse("tickets:detail", args=[int(match.group(1))]),
        number,
    )


@register.filter
def hours(minutes):
    """Working minutes as hours with one decimal."""
    if minutes in (None, ""):
        return "—"
    return f"{int(minutes) / 60:.1f}"


@register.simple_tag(takes_context=True)
def ticket_extra_links(context, ticket):
    """Links that higher apps add to a request's page (``tickets.search.register_ticket_link``)."""
    from tickets.search import extra_links

    return extra_links(context["request"].user, ticket)


@register.simple_tag(takes_context=True)
def saved_views(context):
    """The request list's saved views for this user (own first, then shared with their role)."""
    from tickets.saved_views import SHARE_ROLES, can_share, views_for

    user = context["request"].user
    views = list(views_for(user))
    return {
        "own": [v for v in views if v.owner_id == user.pk],
        "shared": [v for v in views if v.owner_id != user.pk],
        "can_share": can_share(user),
        "roles": [(r.value, r.label) for r in SHARE_ROLES],
    }


@register.simple_tag(takes_context=True)
def bulk_actions(context):
    """The bulk actions this user may start from the request list (``tickets.bulk``)."""
    from tickets.bulk import actions_for

    return actions_for(context["request"].user)


@register.inclusion_tag("tickets/includes/links.html", takes_context=True)
def ticket_relations(context, ticket):
    """Linked requests the user may open, and the form to link (or merge as a duplicate)."""
    from tickets import links

    user = context["request"].user
    return {
        "ticket": ticket,
        "rows": links.links_for(user, ticket),
        "can_link": links.can_link(user, ticket),
        "can_merge": links.can_merge(user, ticket),
        "csrf_token": context.get("csrf_token"),
    }
