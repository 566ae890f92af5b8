"""How a lower app lets higher ones react to its writes without importing them (docs/CONVENTIONS.md:
an app imports only apps below it).

A higher app declares on its AppConfig::

    hooks = {"calendar.loaded": ["tickets.deadlines.fill_pending"]}

and the lower app's service calls ``common.hooks.run("calendar.loaded", year=..., actor=...)`` inside its
own transaction: every declared function runs there, in INSTALLED_APPS order, with the same keyword
arguments. A hook that refuses the change raises ``ServiceError``; the whole write is rolled back.

Hook names used:
- ``calendar.loaded`` (contracts → contracts, tickets, performance): a year's notice was loaded; fill every
  deadline that was 待定 for that year. Keywords: ``year``, ``actor``.
- ``score.before_unlock`` (performance → payments): the bureau admin is about to unlock the final
  score; payments refuses while the final instalment has valid payments. Keywords: ``contract``.
- ``contract.terms_saved`` (contracts → payments): the contract's settings were saved; payments refuses
  terms under which valid payments would exceed what is due. Keywords: ``contract``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.utils.module_loading import import_string


def functions(name: str) -> list[Callable]:
    found: list[Callable] = []
    for config in apps.get_app_configs():
        paths = getattr(config, "hooks", {}).get(name, ())
        if isinstance(paths, str):
            paths = [paths]
        found.extend(import_string(path) for path in paths)
    return found


def run(name: str, **kwargs) -> list:
    """Call every function declared for ``name``; returns their results in order."""
    return [function(**kwargs) for function in functions(name)]
