import re

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts.selectors import users_by_id

from ..rows import due_state, list_rows, priority_css, status_badge

register = template.Library()

# The badges and deadline of a request, drawn in Python (``tickets/rows.py``, which draws the list's rows
# with them).
register.simple_tag(status_badge)
register.simple_tag(priority_css)
register.simple_tag(due_state)


@register.simple_tag
def ticket_rows(page, now, selectable):
    """The request list's rows (``tickets.rows.list_rows``)."""
    return list_rows(page, now=now, selectable=bool(selectable))


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
    # The views alone, their owners only for the shared ones (most lists have none: one narrow read).
    views = list(views_for(user).select_related(None))
    shared = [v for v in views if v.owner_id != user.pk]
    owners = users_by_id(v.owner_id for v in shared) if shared else {}
    for v in shared:
        v.owner = owners[v.owner_id]
    return {
        "own": [v for v in views if v.owner_id == user.pk],
        "shared": shared,
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
