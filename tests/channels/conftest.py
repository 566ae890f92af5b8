import pytest

from .receiver import RobotReceiver


@pytest.fixture
def receiver(settings):
    """A robot API on a free local port, allowed as the only webhook host (plain http, 1 s timeout)."""
    server = RobotReceiver().start()
    settings.ROBOT_WEBHOOK_HOSTS = [server.host]
    settings.ROBOT_WEBHOOK_ALLOW_HTTP = True
    settings.ROBOT_TIMEOUT_SECONDS = 1
    settings.PORTAL_BASE_URL = "https://jinbao.example.gov.cn"
    yield server
    server.stop()


@pytest.fixture
def queued(monkeypatch):
    """What would go to the broker: ``[(ids, countdown), ...]`` (the tests call the task themselves)."""
    calls = []
    monkeypatch.setattr(
        "channels.services.enqueue", lambda ids, countdown=None: calls.append((ids, countdown))
    )
    return calls
