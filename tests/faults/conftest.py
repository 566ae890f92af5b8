"""Helpers of the fault tests (issue 15): a broker that is away, a ticket form to post."""

import contextlib
import socket

import kombu.pools
import pytest

from jinbao_service.celery import app


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def broker_at(url: str, transport_options: dict | None = None):
    """Point the Celery app (and its connection and producer pools) at ``url`` for a while."""
    # (CELERY_BROKER_URL in the environment wins over conf.broker_url: set the write/read URLs)
    keys = ("broker_write_url", "broker_read_url", "broker_transport_options")
    saved = {key: app.conf.get(key) for key in keys}
    _drop_pools()
    app.conf.update(
        broker_write_url=url, broker_read_url=url, broker_transport_options=transport_options or {}
    )
    try:
        yield
    finally:
        _drop_pools()
        app.conf.update(saved)


def _drop_pools():
    """Close the app's pools AND forget them: kombu keeps one pool per broker address in a global
    registry, and a pool only closed would be handed back, closed, to the next test that sends to the
    same broker ("Acquire on closed pool" in the worker tests that ran after a fault test)."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker does not answer: a closed port on this machine."""
    from common import outbox

    outbox._broker_down_until = 0.0
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        yield
    outbox._broker_down_until = 0.0


def ticket_form(world, **extra) -> dict:
    from tests.access.tickets import _ticket

    _ticket(world)  # stretches the contract over today
    return {
        "kind": "software",
        "scope": world.contract.scopes.first().pk,
        "priority": "normal",
        "title": "社保卡挂失模块报错",
        "description": "点击挂失后提示系统错误",
        **extra,
    }


@contextlib.contextmanager
def disk_full_after(nbytes: int, *, on_file: int = 1):
    """The disk fills up while the ``on_file``-th upload is written, after ``nbytes`` of it: the
    storage's write raises ``OSError(ENOSPC)`` with a partial file on disk, as a real full disk does."""
    import errno
    import os as real_os
    import types

    from django.core.files.storage import filesystem

    count = {"files": 0}

    class FillingFile:
        def __init__(self, f):
            self.f, self.written = f, 0

        def write(self, chunk):
            if count["files"] == on_file and self.written + len(chunk) > nbytes:
                self.f.write(chunk[: max(nbytes - self.written, 0)])
                self.f.flush()
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(chunk)
            return self.f.write(chunk)

        def close(self):
            self.f.close()

    def fdopen(fd, mode="r", *args, **kwargs):
        count["files"] += 1
        return FillingFile(real_os.fdopen(fd, mode, *args, **kwargs))

    proxy = types.SimpleNamespace(**{k: getattr(real_os, k) for k in dir(real_os) if not k.startswith("__")})
    proxy.fdopen = fdopen
    filesystem.os = proxy
    try:
        yield
    finally:
        filesystem.os = real_os


def media_files() -> set[str]:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
