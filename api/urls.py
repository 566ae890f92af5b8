"""The read-only JSON API (``/api/``): see api/README.md and the OpenAPI document at /api/schema/."""

from django.urls import path, re_path

from .endpoints import contracts, meta, tickets
from .http import not_found

app_name = "api"

urlpatterns = [
    path("", meta.index, name="index"),
    path("schema/", meta.openapi, name="schema"),
    path("docs/", meta.docs, name="docs"),
    path("contracts/", contracts.contracts, name="contracts"),
    path("contracts/<int:pk>/settlement/", contracts.settlement, name="settlement"),
    path("contracts/<int:pk>/score/", contracts.score, name="score"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket"),
    path("signoffs/", tickets.signoff_list, name="signoffs"),
    path("signoffs/<int:pk>/", tickets.signoff_detail, name="signoff"),
    # Anything else under /api/ is a JSON 404 (or 405), never the portal's HTML page.
    # (Unnamed: not a URL anyone links to; tests/api/test_auth.py checks it.)
    re_path(r"^(?P<rest>.+)$", not_found),
]
