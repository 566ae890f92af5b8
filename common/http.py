"""Redirects to a user-supplied ``next``: only within the portal, and never resolved as a view name."""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """``next`` from POST or GET if it points inside the portal, else ``default`` (a URL or view name)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


def redirect_next(request, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, default))
