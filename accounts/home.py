"""Home-page panels contributed by the apps.

An app lists ``home_panels`` on its AppConfig; the home view shows, for the user's role, every panel
whose roles include it, in ``order``. A panel's ``context`` is the dotted path of a function
``(request, contract) -> dict`` (a selector of that app), so the home view imports no app above it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class HomePanel:
    roles: frozenset[str]
    template: str
    context: str = ""
    order: int = 50
    css: str = "col-12"


@dataclass(frozen=True)
class RenderedPanel:
    css: str
    html: SafeString


def panels_for(request, contract) -> list[RenderedPanel]:
    role = request.user.role
    panels = sorted(
        (
            panel
            for cfg in apps.get_app_configs()
            for panel in getattr(cfg, "home_panels", ())
            if role in panel.roles
        ),
        key=lambda p: p.order,
    )
    rendered = []
    for panel in panels:
        context = import_string(panel.context)(request, contract) if panel.context else {}
        if context is None:  # the panel has nothing to show for this user
            continue
        context.setdefault("contract", contract)
        rendered.append(RenderedPanel(panel.css, render_to_string(panel.template, context, request=request)))
    return rendered
