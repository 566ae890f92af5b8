"""One view for every action on a request (the table is ``tickets.actions.ACTIONS``): parse the
form, call the service, redirect with a message; or re-render the page with the form as typed and
the reason it was refused."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import error_messages
from common.permissions import require_perm

from .. import selectors
from ..actions import ACTIONS
from ..forms import apply_service_error
from .detail import render_detail


def ticket_action(request, pk: int, name: str):
    """Run the action ``name`` on request ``pk`` (the role permission was checked by the wrapper)."""
    action = ACTIONS[name]
    ticket = selectors.ticket_for(request.user, pk)
    form = action.make_form(name, request.POST, request.FILES)
    if form is None or form.is_valid():
        try:
            action.call(request.user, ticket, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None:
                for message in error_messages(exc):
                    messages.error(request, message)
                return redirect("tickets:detail", pk=ticket.pk)
            apply_service_error(form, exc)
        else:
            messages.success(request, str(action.message))
            return redirect("tickets:detail", pk=ticket.pk)
    ticket.refresh_from_db()
    messages.error(request, _("操作未完成，请查看下方提示。"))
    return render_detail(request, ticket, {name: form})


def action_view(name: str):
    """The view of one row of the table: POST only, the row's role permission, then ``ticket_action``."""

    def view(request, pk: int):
        return ticket_action(request, pk, name)

    view.__name__ = view.__qualname__ = f"ticket_{name}"
    return require_POST(require_perm(ACTIONS[name].perm)(view))


ACTION_VIEWS = {name: action_view(name) for name in ACTIONS}

# The names the views had before the table (kept for callers and URL reversal by view).
ticket_confirm = ACTION_VIEWS["confirm"]
ticket_reject = ACTION_VIEWS["reject"]
ticket_cancel = ACTION_VIEWS["cancel"]
ticket_authorize = ACTION_VIEWS["authorize"]
ticket_assign = ACTION_VIEWS["assign"]
ticket_claim = ACTION_VIEWS["claim"]
ticket_start = ACTION_VIEWS["start"]
ticket_wait = ACTION_VIEWS["wait"]
ticket_resume = ACTION_VIEWS["resume"]
ticket_resolve = ACTION_VIEWS["resolve"]
ticket_reopen = ACTION_VIEWS["reopen"]
ticket_close = ACTION_VIEWS["close"]
ticket_comment = ACTION_VIEWS["comment"]
ticket_attach = ACTION_VIEWS["attach"]
ticket_time = ACTION_VIEWS["time"]
ticket_batch_step = ACTION_VIEWS["batch_step"]
ticket_upgrade_step = ACTION_VIEWS["upgrade_step"]
ticket_emergency_request = ACTION_VIEWS["emergency_request"]
ticket_emergency_approve = ACTION_VIEWS["emergency_approve"]
