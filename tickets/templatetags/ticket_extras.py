"""The request page's support sessions and required-by date (issue 18), without touching the view."""

from django import template

from common import clock
from contracts.calendar import get_calendar

from .. import policy, support
from ..models import RequiredBy
from ..support_forms import RequiredByForm, SupportForm

register = template.Library()


@register.simple_tag
def ticket_extras(ticket, user) -> dict:
    row = RequiredBy.objects.filter(ticket=ticket).select_related("set_by").first()
    state = support.required_by_state(row, calendar=get_calendar(ticket.contract)) if row else None
    can_record = user.has_perm("tickets.record_support") and policy.is_vendor(user)
    can_set = support.can_set_required_by(user, ticket)
    initial = {"due_on": row.due_on, "reason": row.reason} if row else None
    return {
        "required_by": state,
        "sessions": support.sessions_for_ticket(ticket),
        "support_form": SupportForm(
            prefix="support",
            initial={"started_at": clock.local(clock.now())},
            people=support.support_people(user),
        )
        if can_record
        else None,
        "required_by_form": RequiredByForm(prefix="required_by", initial=initial) if can_set else None,
    }
