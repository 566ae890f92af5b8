"""The rosters panels of the home page, loaded after the page (see ``rosters.home``): each answers
only the role whose home shows the panel, on the contract in use as the home page resolves it."""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import Role
from common.permissions import require_role
from contracts.selectors import contract_in_use

from .. import home


def _panel(request, build: Callable, template: str, card: dict):
    contract = contract_in_use(request)
    context = build(request, contract)
    if context is None:  # no contract covers today: the home shows no panel, the URL a short card
        return render(request, "home/lazy_empty.html", card)
    context.setdefault("contract", contract)
    return render(request, template, context)


@require_GET
@require_role(Role.PM)
def home_team(request):
    return _panel(request, home.pm_team, "rosters/home/pm_team.html", home.TEAM_CARD)


@require_GET
@require_role(Role.BUREAU_ADMIN)
def home_bureau(request):
    return _panel(request, home.bureau_overview, "rosters/home/bureau.html", home.BUREAU_CARD)


@require_GET
@require_role(Role.ENGINEER)
def home_records(request):
    return _panel(request, home.my_records, "rosters/home/my_records.html", home.RECORDS_CARD)
