from django.conf import settings

from common.notifications import unread_count
from contracts.selectors import contract_in_use, switchable_contracts

from .navigation import nav_for


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_name": settings.PORTAL_NAME}
    # Once per request: the home page renders each panel with the request (issue 14: 5 panels ran
    # the header's queries 5 times over).
    cached = getattr(request, "_portal_context", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    context = {
        "portal_name": settings.PORTAL_NAME,
        "nav_items": nav_for(user),
        "unread_notifications": unread_count(user),
        "contract_in_use": contract_in_use(request),
        "switchable_contracts": (
            switchable_contracts(request) if user.has_perm("contracts.view_contract") else []
        ),
        "current_url_name": getattr(getattr(request, "resolver_match", None), "view_name", ""),
    }
    request._portal_context = (user.pk, context)
    return context
