"""``contract_required``: the views that work on the contract in use, or show the no-contract page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.shortcuts import render

from .selectors import contract_in_use

NO_CONTRACT_TEMPLATE = "contracts/no_contract.html"


def contract_required(template: str | Callable[..., Any] = NO_CONTRACT_TEMPLATE) -> Any:
    """Call the view with ``contract=`` the contract in use; without any contract, render ``template``
    (status 200: nothing is wrong with the request, there is just nothing to work on yet).

    Put it below ``require_perm`` so that the permission is checked first."""

    if callable(template):  # used bare: @contract_required
        return contract_required(NO_CONTRACT_TEMPLATE)(template)
    name = template

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            contract = contract_in_use(request)
            if contract is None:
                return render(request, name)
            return view(request, *args, contract=contract, **kwargs)

        return wrapper

    return decorator
