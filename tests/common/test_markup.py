"""``common.markup`` writes what Django's ``format_html`` / ``conditional_escape`` write (issue 14)."""

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from common.markup import esc, html

VALUES = [
    "plain",
    "<script>alert('x')</script>",
    'a "quoted" & <b>',
    mark_safe("<b>safe</b>"),
    gettext_lazy("已超期"),
    gettext_lazy("类型"),
    42,
    None,
    3.5,
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_esc_is_conditional_escape(value):
    with override("en"):
        assert esc(value) == conditional_escape(value)
    with override("zh-hans"):
        assert esc(value) == conditional_escape(value)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_html_is_format_html(value):
    fmt = '<span class="{}" title="{title}">{}</span>'
    assert html(fmt, value, "x&y", title=value) == format_html(fmt, value, "x&y", title=value)
    assert hasattr(html(fmt, value, value, title=value), "__html__")
