"""``contract_required``: the views that work on the contract in use, or show the no-contract page."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from .selectors import contract_in_use

NO_CONTRACT_TEMPLATE = "contracts/no_contract.html"


def contract_required(template: str = NO_CONTRACT_TEMPLATE):
    """Call the view with ``contract=`` the contract in use; without any contract, render ``template``
    (status 200: nothing is wrong with the request, there is just nothing to work on yet).

    Put it below ``require_perm`` so that the permission is checked first."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            contract = contract_in_use(request)
            if contract is None:
                return render(request, template)
            return view(request, *args, contract=contract, **kwargs)

        return wrapper

    if callable(template):  # used bare: @contract_required
        view, template = template, NO_CONTRACT_TEMPLATE
        return decorator(view)
    return decorator
