"""Directory login: the bureau's LDAP / Active Directory checks the password (django-auth-ldap binds as
the user), and the portal keeps the account in step with the directory at every login.

- Only the roles the group map names can come from the directory: bureau staff and department heads
  (with their department), finance, engineers and the PM. The three administrators (三员) and every
  role that needs a second factor (the bureau admin) are always local accounts: the map refuses them
  at start-up, and a directory login never takes over a local account of the same name.
- A directory user gets the role and department of their first mapped group (in the map's order) at
  every login; a change is written to the audit log (``user.directory_update``).
- A user removed from the directory, or from every mapped group, cannot log in; nor can an account the
  system administrator has deactivated in the portal.
- Directory accounts have no usable local password: password rules, history and expiry do not apply,
  the password pages say so, and no administrator can set one.
- The login's audit entry says which source authenticated it (``source``: ``local`` or ``ldap``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ldap
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend

from accounts.models import AuthSource, Department, User
from accounts.roles import DEPARTMENT_ROLES, THREE_ADMINS, TWO_FACTOR_ROLES, VENDOR_ROLES, Role
from accounts.services import user_create, user_update

logger = logging.getLogger(__name__)

SOURCE_LOCAL, SOURCE_LDAP = "local", "ldap"
# Roles that are never taken from the directory (三员分立, second factor, not a person).
LOCAL_ONLY_ROLES = frozenset({*THREE_ADMINS, *TWO_FACTOR_ROLES, Role.SYSTEM})
REFUSAL_ATTR = "_directory_refusal"


@dataclass(frozen=True)
class GroupRule:
    group_dn: str  # normalised (see normalise_dn)
    role: str
    department: str = ""  # Department.code


def normalise_dn(dn: str) -> str:
    """One spelling of a DN: parsed and re-joined, lower case (DNs compare case-insensitively)."""
    return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()


def parse_group_map(text: str) -> list[GroupRule]:
    """``<group DN> => <role> [@ <department code>]``, one per line or separated by ``;``.

    Raises ImproperlyConfigured with the line at fault."""
    rules: list[GroupRule] = []
    seen: set[str] = set()
    entries = [e.strip() for chunk in (text or "").splitlines() for e in chunk.split(";")]
    for n, entry in enumerate((e for e in entries if e and not e.startswith("#")), start=1):
        dn, arrow, target = entry.partition("=>")
        if not arrow or not dn.strip() or not target.strip():
            raise ImproperlyConfigured(
                f"LDAP_GROUP_MAP entry {n} {entry!r}: expected '<group DN> => <role> [@ <department code>]'"
            )
        role, _at, department = (part.strip() for part in target.partition("@"))
        try:
            group_dn = normalise_dn(dn)
        except ldap.DECODING_ERROR as exc:
            raise ImproperlyConfigured(f"LDAP_GROUP_MAP entry {n}: {dn.strip()!r} is not a DN") from exc
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"LDAP_GROUP_MAP entry {n}: unknown role {role!r} (one of {', '.join(Role.values)})"
            )
        if role in LOCAL_ONLY_ROLES:
            raise ImproperlyConfigured(
                f"LDAP_GROUP_MAP entry {n}: role {role!r} is always local (三员分立 / TOTP)"
            )
        if role in DEPARTMENT_ROLES and not department:
            raise ImproperlyConfigured(f"LDAP_GROUP_MAP entry {n}: role {role!r} needs '@ <department code>'")
        if role in VENDOR_ROLES and department:
            raise ImproperlyConfigured(f"LDAP_GROUP_MAP entry {n}: role {role!r} belongs to no department")
        if group_dn in seen:
            raise ImproperlyConfigured(f"LDAP_GROUP_MAP entry {n}: group {dn.strip()!r} is mapped twice")
        seen.add(group_dn)
        rules.append(GroupRule(group_dn, role, department))
    return rules


def enabled() -> bool:
    return bool(settings.AUTH_LDAP_SERVER_URI)


def check_configuration() -> list[GroupRule]:
    """Called at start-up (security.apps): a directory without a usable map refuses to start."""
    if not enabled():
        return []
    rules = parse_group_map(settings.LDAP_GROUP_MAP)
    if not rules:
        raise ImproperlyConfigured("LDAP_URL is set but LDAP_GROUP_MAP maps no group to a role")
    if not settings.LDAP_USER_SEARCH_BASE:
        raise ImproperlyConfigured("LDAP_URL is set but LDAP_USER_SEARCH_BASE is empty")
    return rules


class Refused(Exception):
    """The directory accepted the password, but the portal does not let this account in."""


def _first(attrs, name: str | None) -> str:
    values = (attrs or {}).get(name) or [] if name else []
    return str(values[0]).strip() if values else ""


@transaction.atomic
def sync_account(*, username: str, rule: GroupRule, full_name: str, email: str, phone: str) -> User:
    """Create or update the portal account of a directory user who has just authenticated."""
    department = None
    if rule.department:
        department = Department.objects.filter(code=rule.department, is_active=True).first()
        if department is None:
            raise Refused(f"目录组对应的科室“{rule.department}”在门户中不存在或已停用，请联系系统管理员。")
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    fields: dict[str, Any] = {
        "role": rule.role,
        "department": department,
        "full_name": full_name[:50] or username,
        "email": email[:254],
        "phone": phone[:30],
    }
    try:
        if user is None:
            return user_create(
                username=username,
                password=None,
                auth_source=AuthSource.LDAP,
                **fields,
            )
        if user.auth_source != AuthSource.LDAP or user.role in LOCAL_ONLY_ROLES or user.is_superuser:
            raise Refused("该用户名是门户本地账户，不能通过目录登录。")
        if not user.is_active:
            raise Refused("您的门户账户已停用，请联系系统管理员。")
        return user_update(
            user=user, actor=None, action="user.directory_update", extra={"group": rule.group_dn}, **fields
        )
    except ValidationError as exc:
        raise Refused("；".join(exc.messages)) from exc


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, with the portal's rules: off without ``LDAP_URL``; local accounts untouched."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not enabled() or not username or not password:
            return None
        username = str(username).strip()
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None and existing.auth_source != AuthSource.LDAP:
            return None  # a local account (or the system account): never checked against the directory
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        groups = {normalise_dn(dn) for dn in (ldap_user.group_dns or ())}
        rule = next((r for r in parse_group_map(settings.LDAP_GROUP_MAP) if r.group_dn in groups), None)
        request = getattr(ldap_user, "_request", None)
        try:
            if rule is None:
                raise Refused("您的目录账户不在任何已授权使用门户的组中，请联系局信息化管理员。")
            attrs = ldap_user.attrs
            user = sync_account(
                username=username,
                rule=rule,
                full_name=_first(attrs, settings.LDAP_ATTR_FULL_NAME),
                email=_first(attrs, settings.LDAP_ATTR_EMAIL),
                phone=_first(attrs, settings.LDAP_ATTR_PHONE),
            )
        except Refused as exc:
            if request is not None:
                setattr(request, REFUSAL_ATTR, str(exc))
            raise ldap_user.AuthenticationFailed(str(exc)) from exc
        return user, False

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is None or not user.is_active or user.auth_source != AuthSource.LDAP:
            return None
        return user


def source_of(user) -> str:
    """Which backend authenticated this login (set by django.contrib.auth.authenticate)."""
    backend = getattr(user, "backend", "") or ""
    return SOURCE_LDAP if backend.endswith("DirectoryBackend") else SOURCE_LOCAL
