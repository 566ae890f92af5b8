"""The detail page of a request: the facts come from ``selectors.ticket_detail``, the forms from the
action table (``actions.ACTIONS``)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.permissions import require_perm

from .. import selectors
from ..actions import ACTIONS
from ..models import Ticket


def detail_forms(actions: dict, bound: dict | None = None) -> dict:
    """The unbound form of every action the page may show (``bound`` replaces the one that failed)."""
    forms = {
        name: action.make_form(name)
        for name, action in ACTIONS.items()
        if action.form is not None and (action.shown_when is None or actions[action.shown_when])
    }
    forms.update(bound or {})
    return forms


def render_detail(request, ticket: Ticket, bound: dict | None = None, *, status: int = 200):
    context = selectors.ticket_detail(request.user, ticket)
    context["forms"] = detail_forms(context["actions"], bound)
    context["failed"] = next(iter(bound), None) if bound else None
    return render(request, "tickets/ticket_detail.html", context, status=status)


@require_GET
@require_perm("tickets.view_ticket")
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_for(request.user, pk)
    return render_detail(request, ticket)
