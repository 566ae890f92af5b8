"""The contract's active termination notice (issue 18 item 5), for the payments page."""

from django import template

from contracts.agreement_services import active_termination as _active

register = template.Library()


@register.simple_tag
def active_termination(contract):
    return _active(contract) if contract is not None else None
