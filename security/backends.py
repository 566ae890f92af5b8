"""Who checks a password. The portal's own (local) accounts are checked here; directory accounts by
``security.directory.DirectoryBackend`` (LDAP). Neither accepts the other's accounts, and nobody logs in
as the bureau's system account (it only reads the API, with tokens)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import AuthSource
from accounts.roles import Role


class LocalBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return (
            super().user_can_authenticate(user)
            and user.auth_source == AuthSource.LOCAL
            and user.role != Role.SYSTEM
        )

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions in one query, not two (issue 14: every page
        asks for them once). Superusers and the rest as ``ModelBackend`` does."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            rows = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .order_by()
            )
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
