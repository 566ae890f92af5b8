"""Who may call the read-only API and the token page.

The API answers an anonymous caller with a JSON 401 (not a redirect to the login page), which the matrix
counts as answered: its rules are marked public, and tests/api/test_auth.py checks the 401 itself. Every
method but GET (and HEAD) is a JSON 405. The matrix calls it with the session of each role; tokens carry
the same rights (tests/api). The token page is open to every role that reads business data (each sees
and makes their own tokens) and to the security administrator (all tokens, revoke only); the system
administrator and the auditor have none (issue 13.3)."""

from accounts.roles import Role

from . import ALL_ROLES, Rule, once_per_world
from .tickets import VIEWERS, signoff_pk

SETTLEMENT = frozenset({Role.FINANCE, Role.PM, Role.BUREAU_ADMIN})
SCORE = frozenset({Role.FINANCE, Role.PM, Role.BUREAU_ADMIN})
OWNERS = frozenset({Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM, Role.FINANCE})
JSON401 = "anonymous: JSON 401"


@once_per_world
def _assigned_ticket(world):
    """A request of department A assigned to the world's engineer (who may then see it)."""
    from .tickets import _ticket

    return _ticket(world)


@once_per_world
def _system_token(world):
    from api import services

    token, _key = services.token_create(
        name="市人社局结算系统", user=services.system_account(), actor=world.bureau_admin
    )
    return token


def _api(allowed, **kwargs):
    return Rule(allowed, public=True, note=JSON401, **kwargs)


RULES = {
    "api:index": Rule(ALL_ROLES, public=True, note="public: names the schema and the docs"),
    "api:schema": Rule(ALL_ROLES, public=True, note="public: the OpenAPI document, no data"),
    "api:docs": Rule(ALL_ROLES, public=True, note="public: the schema as a page"),
    "api:contracts": _api(SETTLEMENT),
    "api:settlement": _api(SETTLEMENT, kwargs=lambda w: {"pk": w.contract.pk}),
    "api:score": _api(SCORE, kwargs=lambda w: {"pk": w.contract.pk}),
    "api:tickets": _api(VIEWERS),
    "api:ticket": _api(VIEWERS, kwargs=lambda w: {"pk": _assigned_ticket(w).pk}, scoped=True),
    "api:signoffs": _api(VIEWERS),
    "api:signoff": _api(VIEWERS, kwargs=signoff_pk, scoped=True),
    "tokens:list": Rule(OWNERS | {Role.SECADMIN}),
    "tokens:create": Rule(OWNERS, methods=("POST",), data=lambda w: {"name": "报表工具", "days": "30"}),
    "tokens:revoke": Rule(
        frozenset({Role.BUREAU_ADMIN, Role.SECADMIN}),
        methods=("POST",),
        kwargs=lambda w: {"pk": _system_token(w).pk},
        note="a token of the bureau's system account: its manager (bureau admin) and the security admin",
    ),
}
