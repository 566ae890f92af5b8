"""Small helpers that read settings from the environment (no third-party parser needed)."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off (any case); unset or empty is the default.
    Anything else (``treu``) refuses to start rather than silently reading False."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {sorted(TRUE_WORDS | FALSE_WORDS)}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of addresses or CIDR networks (``172.30.0.10``, ``fd00::/64``), each
    checked and written in its canonical CIDR form; a malformed one refuses to start."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=True)))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or CIDR network ({exc})") from exc
    return networks


def env_secret(name: str) -> str | None:
    """``NAME`` or the contents of the file named by ``NAME_FILE`` (docker / k8s secrets)."""
    value = env_str(name)
    if value:
        return value
    path = env_str(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return None


def weak_secret_reason(value: str, *, min_length: int = 50, min_distinct: int = 10) -> str | None:
    """Why ``value`` is not a usable secret key, or None. Length alone is not enough: fifty ``a``s,
    the digits repeated or any short phrase repeated are refused for their lack of variety."""
    if len(value) < min_length:
        return f"shorter than {min_length} characters"
    if len(set(value)) < min_distinct:
        return f"fewer than {min_distinct} different characters"
    if value in (value + value)[1:-1]:  # a repetition of a shorter piece
        return "a short piece repeated"
    return None


def email_settings(url: str) -> dict:
    """Translate ``EMAIL_URL`` into Django's e-mail settings.

    ``console://``, ``locmem://``, ``dummy://``, ``smtp://user:pass@host:25``,
    ``smtp+tls://…:587``, ``smtps://…:465`` (implicit TLS).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return {"EMAIL_BACKEND": simple[scheme]}
    if scheme not in {"smtp", "smtp+tls", "smtps", "submission"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported")
    query = parse_qs(parts.query)
    default_port = {"smtp": 25, "smtp+tls": 587, "submission": 587, "smtps": 465}[scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme in {"smtp+tls", "submission"} or "tls" in query,
        "EMAIL_USE_SSL": scheme == "smtps" or "ssl" in query,
        "EMAIL_TIMEOUT": 15,
    }
