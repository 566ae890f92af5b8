"""Who checks a password. The portal's own (local) accounts are checked here; directory accounts by
``security.directory.DirectoryBackend`` (LDAP). Neither accepts the other's accounts, and nobody logs in
as the bureau's system account (it only reads the API, with tokens)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import AuthSource
from accounts.roles import Role


class LocalBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return (
            super().user_can_authenticate(user)
            and user.auth_source == AuthSource.LOCAL
            and user.role != Role.SYSTEM
        )
