#!/usr/bin/env python
"""Offline check of docker-compose.yml (no Docker engine here). It parses and has the production shape:

- the services postgres, redis, migrate, web, worker, beat and nginx; web runs gunicorn;
- nginx terminates TLS with the certificate and key from ./secrets/ and is the only service with a
  published port; web is only on internal networks (``internal: true``);
- every portal service believes X-Real-IP only from nginx's fixed address (``TRUSTED_PROXIES``);
- the portal connects to PostgreSQL as a role other than the owner (``POSTGRES_USER``), and only the
  one-shot ``migrate`` service connects as the owner;
- every portal service has the audit key (``AUDIT_KEY_FILE``) and a real mail server (``EMAIL_URL``
  neither console, in-memory nor dummy);
- no password, secret or key falls back to a default (``${POSTGRES_PASSWORD:-change-me}``): each is
  required (``${POSTGRES_PASSWORD:?…}``) or comes from a file.
"""

import ipaddress
import re
import sys
from pathlib import Path

import yaml

REQUIRED = {"postgres", "redis", "migrate", "web", "worker", "beat", "nginx"}
PORTAL = ("web", "worker", "beat")
# ${NAME:-default}, ${NAME-default}, ${NAME:=default}, ${NAME=default} for anything secret-like
DEFAULTED_SECRET = re.compile(r"\$\{(\w*(?:PASSWORD|SECRET|KEY|TOKEN)\w*)(:?[-=])", re.IGNORECASE)


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _networks(service: dict) -> dict:
    networks = service.get("networks") or {}
    if isinstance(networks, list):
        return {name: {} for name in networks}
    return {name: (value or {}) for name, value in networks.items()}


def _db_user(url: str) -> str:
    """The user of ``postgres://user:${PASSWORD:?…}@host/db`` (the password may hold any text)."""
    match = re.match(r"^[\w+]+://([^:@/]+)[:@]", url)
    return match.group(1) if match else ""


def problems(text: str) -> list[str]:
    found = [
        f"{match.group(1)} falls back to a default value: require it with ${{{match.group(1)}:?…}}"
        for match in DEFAULTED_SECRET.finditer(text)
    ]
    data = yaml.safe_load(text) or {}
    services = data.get("services") or {}
    missing = REQUIRED - set(services)
    if missing:
        return [*found, f"missing services {sorted(missing)}"]
    networks = data.get("networks") or {}
    internal = {name for name, spec in networks.items() if (spec or {}).get("internal")}

    web = services["web"]
    if "gunicorn" not in " ".join(map(str, web.get("command", []))):
        found.append("web must run gunicorn")
    published = sorted(name for name, service in services.items() if service.get("ports"))
    if published != ["nginx"]:
        found.append(f"only nginx may publish a port; published: {published}")
    outside = sorted(set(_networks(web)) - internal)
    if not _networks(web) or outside:
        found.append(f"web must be only on internal networks (internal: true); also on {outside}")

    nginx = services["nginx"]
    secrets = data.get("secrets") or {}
    tls = [name for name in (nginx.get("secrets") or []) if isinstance(name, str)]
    tls_files = [str((secrets.get(name) or {}).get("file", "")) for name in tls]
    if len(tls_files) < 2 or not all(f.startswith("./secrets/") for f in tls_files):
        found.append("nginx must read its TLS certificate and key from ./secrets/ (compose secrets)")
    addresses = [spec.get("ipv4_address") for name, spec in _networks(nginx).items() if name in internal]
    proxy = next((a for a in addresses if a), None)
    if proxy is None:
        found.append("nginx needs a fixed ipv4_address on the internal network (TRUSTED_PROXIES names it)")

    owner = _env(services["postgres"]).get("POSTGRES_USER", "postgres")
    if _db_user(_env(services["migrate"]).get("DATABASE_URL", "")) != owner:
        found.append(f"migrate must connect as the owner {owner!r}")
    for name in PORTAL:
        env = _env(services[name])
        user = _db_user(env.get("DATABASE_URL", ""))
        if not user or user == owner:
            found.append(f"{name} must connect as the runtime role, not the owner {owner!r}")
        trusted = [item.strip() for item in env.get("TRUSTED_PROXIES", "").split(",") if item.strip()]
        try:
            networks_ok = (
                proxy is not None
                and trusted
                and all(
                    ipaddress.ip_network(item).num_addresses == 1
                    and ipaddress.ip_address(proxy) in ipaddress.ip_network(item)
                    for item in trusted
                )
            )
        except ValueError:
            networks_ok = False
        if not networks_ok:
            found.append(f"{name}: TRUSTED_PROXIES must be exactly nginx's address ({proxy}/32)")
        if not env.get("AUDIT_KEY_FILE"):
            found.append(f"{name}: AUDIT_KEY_FILE (the audit chain's key, a compose secret) is missing")
        if env.get("EMAIL_URL", "").split(":", 1)[0] in {"console", "locmem", "dummy", ""}:
            found.append(f"{name}: EMAIL_URL must name a mail server")
    return found


def main(path: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    found = problems(text)
    for problem in found:
        print(f"{path}: {problem}")
    if found:
        return 1
    print(f"{path}: services {sorted((yaml.safe_load(text) or {}).get('services', {}))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
