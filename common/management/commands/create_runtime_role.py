"""Create (or bring up to date) the PostgreSQL role the portal runs as, and its grants.

Two roles (docs/SECURITY.md, README "Deploying with docker compose"):

- the **owner** (``POSTGRES_USER`` in compose) owns the tables: it runs ``migrate`` and this command,
  and nothing else connects as it;
- the **runtime role** (``--role``, default ``jinbao_app``) is what web, worker and beat use. It owns
  nothing, cannot create anything, and on the audit log holds only ``INSERT`` and ``SELECT`` (on the
  head row ``SELECT`` and ``UPDATE``, which a trigger lets move only one step forward): it can neither
  change, delete nor truncate an entry, nor disable or drop the triggers. Every other table gets
  ``SELECT, INSERT, UPDATE, DELETE``; ``django_migrations`` only ``SELECT``.

    python manage.py migrate
    python manage.py create_runtime_role --role jinbao_app --password-env APP_DB_PASSWORD

Run it again after every ``migrate`` (compose's ``migrate`` service does): the grants are given on
the tables that exist, so a new table needs it. It is idempotent, and it prints the privileges the
role ends up with on the audit tables.
"""

import os
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from common.models import AuditChainHead, AuditEntry

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
READ_ONLY_TABLES = {"django_migrations"}


def audit_grants() -> dict[str, set[str]]:
    """The audit tables and the only privileges the runtime role holds on them."""
    return {
        AuditEntry._meta.db_table: {"SELECT", "INSERT"},
        AuditChainHead._meta.db_table: {"SELECT", "UPDATE"},
    }


def privileges(cursor, role: str, table: str) -> set[str]:
    found = set()
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
        if cursor.fetchone()[0]:
            found.add(privilege)
    return found


class Command(BaseCommand):
    help = "Create or update the runtime PostgreSQL role (audit log: INSERT and SELECT only; owns nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", default="jinbao_app", help="the runtime role's name (default jinbao_app)"
        )
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-env", metavar="NAME", help="read the role's password from this variable"
        )
        secret.add_argument("--password-file", metavar="FILE", help="read the role's password from this file")
        secret.add_argument(
            "--no-login", action="store_true", help="a role that cannot log in (tests, SET ROLE)"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("create_runtime_role is for PostgreSQL (SQLite has no roles).")
        role = options["role"]
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name (lower-case letters, digits, _).")
        password = self._password(options)
        quoted = connection.ops.quote_name(role)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if owner == role:
                raise CommandError(f"connected as {role!r} itself: run this as the owner of the tables.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            attributes = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
            login = "NOLOGIN" if options["no_login"] else "LOGIN"
            if password is not None:
                cursor.execute(f"{verb} ROLE {quoted} {login} {attributes} PASSWORD %s", [password])
            else:
                cursor.execute(f"{verb} ROLE {quoted} {login} {attributes}")
            self._refuse_owned(cursor, role)
            self._grant(cursor, connection, quoted, database)
            self._check_audit_grants(cursor, role)
        for table, allowed in audit_grants().items():
            self.stdout.write(f"{role} on {table}: {', '.join(sorted(allowed))}")
        self.stdout.write(
            self.style.SUCCESS(
                f"runtime role {role} {'created' if verb == 'CREATE' else 'updated'} on {database} "
                f"(owner of the tables: {owner})"
            )
        )

    @staticmethod
    def _refuse_owned(cursor, role: str) -> None:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE pg_get_userbyid(c.relowner) = %s "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            [role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise CommandError(
                f"{role!r} owns {owned[:5]}: the runtime role must own nothing (reassign them to the owner)."
            )

    @staticmethod
    def _grant(cursor, connection, quoted: str, database: str, schema: str = "public") -> None:
        """Read and write the portal's tables, read only the read-only ones, the audit tables as listed."""
        cursor.execute(f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(database)} TO {quoted}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {quoted}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
        for table in READ_ONLY_TABLES:
            cursor.execute(
                f"REVOKE INSERT, UPDATE, DELETE ON {connection.ops.quote_name(table)} FROM {quoted}"
            )
        for table, allowed in audit_grants().items():
            name = connection.ops.quote_name(table)
            cursor.execute(f"REVOKE ALL ON {name} FROM {quoted}")
            cursor.execute(f"GRANT {', '.join(sorted(allowed))} ON {name} TO {quoted}")

    @staticmethod
    def _check_audit_grants(cursor, role: str) -> None:
        for table, allowed in audit_grants().items():
            held = privileges(cursor, role, table)
            if held != allowed:
                raise CommandError(
                    f"{role!r} holds {sorted(held)} on {table}, expected exactly {sorted(allowed)} "
                    "(a grant to PUBLIC or to a role it inherits from? revoke it)."
                )

    def _password(self, options) -> str | None:
        if options["password_env"]:
            value = os.environ.get(options["password_env"], "")
            if not value:
                raise CommandError(f"{options['password_env']} is empty: the runtime role needs a password.")
            return value
        if options["password_file"]:
            try:
                value = Path(options["password_file"]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"{options['password_file']}: {exc}") from exc
            if not value:
                raise CommandError(f"{options['password_file']} is empty.")
            return value
        return None
