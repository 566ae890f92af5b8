from decimal import Decimal

from django import template

from common.money import cny_uppercase, format_cny
from common.navigation import nav_html

register = template.Library()


@register.simple_tag
def main_nav(entries, current):
    """The menu's entries (``common.navigation.nav_html``)."""
    return nav_html(entries, current or "")


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def cny(amount):
    return format_cny(None if amount in (None, "") else Decimal(amount))


@register.filter
def cny_upper(amount):
    return "" if amount in (None, "") else cny_uppercase(Decimal(amount))


@register.filter
def percent(value):
    if value in (None, ""):
        return "—"
    value = Decimal(value).normalize()
    return f"{value:f}%"


@register.filter
def change_pair(value):
    """``[old, new]`` from an audit diff, or None when the value is not a pair."""
    return value if isinstance(value, list) and len(value) == 2 else None


@register.filter
def phone_for(phone, viewer):
    """The phone number in full for roles that need it, masked for the others."""
    from common.privacy import phone_for as _phone_for

    return _phone_for(phone, viewer)
