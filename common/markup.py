"""HTML built in Python on hot paths (issue 14): the text of ``django.utils.html.format_html`` and
``conditional_escape``, without their lazy-string wrappers (``keep_lazy`` checks every argument of
every call: on the request list a third of the escaping time).

- ``esc(value)``: what ``conditional_escape`` returns — a value with ``__html__`` as it says (safe
  strings, lazy translations of them), anything else ``html.escape(str(value))``.
- ``html(fmt, *args, **kwargs)``: what ``format_html`` returns, a ``SafeString`` with every argument
  escaped by ``esc``.

``tests/common/test_markup.py`` compares both with Django's on hostile, lazy, safe and plain values.
"""

from __future__ import annotations

from html import escape as _escape

from django.utils.safestring import SafeString, mark_safe


def esc(value) -> str:
    return value.__html__() if hasattr(value, "__html__") else _escape(str(value))


def html(fmt: str, *args, **kwargs) -> SafeString:
    return mark_safe(fmt.format(*map(esc, args), **{name: esc(value) for name, value in kwargs.items()}))
