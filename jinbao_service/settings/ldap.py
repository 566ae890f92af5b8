"""Directory login (LDAP / Active Directory) through django-auth-ldap, configured by the environment.

Off unless ``LDAP_URL`` is set. The variables, the group map's format and examples are in README.md
("Directory login"); ``security/directory.py`` says what a directory login does.
"""

import ldap
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    PosixGroupType,
)

from .env import env_bool, env_int, env_secret, env_str

LDAP_URL = env_str("LDAP_URL", "") or ""
AUTH_LDAP_SERVER_URI = LDAP_URL
AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN", "") or ""
AUTH_LDAP_BIND_PASSWORD = env_secret("LDAP_BIND_PASSWORD") or ""
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)

LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE", "") or ""
# %(user)s is the login name typed on the login page. Active Directory: (sAMAccountName=%(user)s)
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
AUTH_LDAP_USER_SEARCH = LDAPSearch(LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, LDAP_USER_FILTER)

LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE", LDAP_USER_SEARCH_BASE) or ""
LDAP_GROUP_TYPE = env_str("LDAP_GROUP_TYPE", "groupOfNames")
_GROUP_TYPES = {
    "groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),
    "groupOfUniqueNames": (GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (PosixGroupType, "(objectClass=posixGroup)"),
    "activeDirectory": (ActiveDirectoryGroupType, "(objectClass=group)"),
}
if LDAP_GROUP_TYPE not in _GROUP_TYPES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"LDAP_GROUP_TYPE must be one of {sorted(_GROUP_TYPES)}, not {LDAP_GROUP_TYPE!r}"
    )
AUTH_LDAP_GROUP_TYPE = _GROUP_TYPES[LDAP_GROUP_TYPE][0]()
AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
    LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, _GROUP_TYPES[LDAP_GROUP_TYPE][1]
)

# Group → role and department, one mapping per line or separated by ";" (README: "Directory login"):
#   cn=ylk-staff,ou=groups,dc=jintan,dc=gov,dc=cn => staff @ pension
LDAP_GROUP_MAP = env_secret("LDAP_GROUP_MAP") or ""
# Attributes copied to the account at each login (Active Directory: displayName, mail, telephoneNumber).
LDAP_ATTR_FULL_NAME = env_str("LDAP_ATTR_FULL_NAME", "cn")
LDAP_ATTR_EMAIL = env_str("LDAP_ATTR_EMAIL", "mail")
LDAP_ATTR_PHONE = env_str("LDAP_ATTR_PHONE", "telephoneNumber")

# The portal creates and updates directory accounts itself (security/directory.py), with its checks and
# an audit entry; django-auth-ldap only binds and reads.
AUTH_LDAP_ALWAYS_UPDATE_USER = False
AUTH_LDAP_MIRROR_GROUPS = False
AUTH_LDAP_FIND_GROUP_PERMS = False
AUTH_LDAP_CACHE_TIMEOUT = 0  # group membership is read at every login: a removal counts at once
_TIMEOUT = env_int("LDAP_TIMEOUT_SECONDS", 5)
AUTH_LDAP_CONNECTION_OPTIONS = {
    ldap.OPT_NETWORK_TIMEOUT: _TIMEOUT,  # a directory that does not answer must not hang the login page
    ldap.OPT_TIMEOUT: _TIMEOUT,
    ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would need their own bind
}
LDAP_CA_CERT_FILE = env_str("LDAP_CA_CERT_FILE", "")
if LDAP_CA_CERT_FILE:
    AUTH_LDAP_GLOBAL_OPTIONS = {ldap.OPT_X_TLS_CACERTFILE: LDAP_CA_CERT_FILE}
