"""Personal data shown only to the roles that need it (等保 2.0: 个人信息保护).

Phone numbers of people are shown in full to the roles that work with them by phone and masked
(138****2301) for everyone else. Templates use ``{{ phone|phone_for:request.user }}``.
"""

import re

# Who works with people by phone: the bureau's staff and admin call engineers; the vendor calls the bureau.
PHONE_VISIBLE_ROLES = frozenset({"staff", "dept_head", "bureau_admin", "engineer", "pm"})


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def can_see_phones(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in PHONE_VISIBLE_ROLES)


def phone_for(phone: str, viewer) -> str:
    if not phone:
        return ""
    return phone if can_see_phones(viewer) else mask_phone(phone)
