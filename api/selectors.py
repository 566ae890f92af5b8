"""Which tokens a user may see on the token page."""

from django.db.models import Q, QuerySet

from accounts.roles import Role

from .models import ApiToken


def tokens_for(user) -> QuerySet[ApiToken]:
    """Their own; the bureau admin also the system account's; the security administrator all."""
    qs = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    if user.has_perm("api.revoke_any_apitoken"):
        return qs
    condition = Q(user=user)
    if user.has_perm("api.manage_system_tokens"):
        condition |= Q(user__role=Role.SYSTEM)
    return qs.filter(condition)
