"""docker-compose.yml is the production shape (issue 13 items 1, 2, 9): nginx terminates TLS and is
the only service with a published port, the portal sits on an internal network and believes
``X-Real-IP`` only from nginx's address, no password has a fallback value, and the portal connects
as the runtime database role while migrations run as the owner. ``scripts/check_compose.py`` checks
all of it offline (there is no Docker engine in CI); these tests check the checker too."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import check_compose  # noqa: E402


def _text() -> str:
    return (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def test_the_repository_compose_file_passes():
    result = subprocess.run(
        [sys.executable, "scripts/check_compose.py", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert check_compose.problems(_text()) == []


def test_nginx_is_the_only_door_and_web_is_internal():
    data = yaml.safe_load(_text())
    services = data["services"]
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["nginx"]
    assert [str(p) for p in services["nginx"]["ports"]] == ["443:443"]
    networks = data["networks"]
    assert all(networks[n].get("internal") for n in services["web"]["networks"])
    conf = (ROOT / "deploy" / "nginx" / "jinbao.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Real-IP $remote_addr;" in conf
    assert "proxy_set_header X-Forwarded-Proto https;" in conf
    assert "ssl_certificate /run/secrets/tls_certificate;" in conf


def _mutated(change) -> str:
    data = yaml.safe_load(_text())
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


def _env(data, service):
    return data["services"][service]["environment"]


MUTATIONS = {
    "web publishes its port": lambda d: d["services"]["web"].__setitem__("ports", ["8000:8000"]),
    "web joins the edge network": lambda d: d["services"]["web"]["networks"].append("edge"),
    "no nginx": lambda d: d["services"].pop("nginx"),
    "nginx without TLS secrets": lambda d: d["services"]["nginx"].__setitem__("secrets", []),
    "the internal network is routed": lambda d: d["networks"]["internal"].__setitem__("internal", False),
    "TRUSTED_PROXIES is not nginx": lambda d: _env(d, "web").__setitem__("TRUSTED_PROXIES", "0.0.0.0/0"),
    "the portal connects as the owner": lambda d: _env(d, "worker").__setitem__(
        "DATABASE_URL", _env(d, "migrate")["DATABASE_URL"]
    ),
    "mail goes to the console": lambda d: _env(d, "web").__setitem__("EMAIL_URL", "console://"),
    "no audit key": lambda d: _env(d, "beat").pop("AUDIT_KEY_FILE"),
}


@pytest.mark.parametrize("label", sorted(MUTATIONS))
def test_the_checker_refuses_a_weakened_file(label):
    assert check_compose.problems(_mutated(MUTATIONS[label])), label


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("${POSTGRES_PASSWORD:?", "${POSTGRES_PASSWORD:-change-me"),
        ("${APP_DB_PASSWORD:?", "${APP_DB_PASSWORD-"),
    ],
)
def test_no_password_falls_back_to_a_default(old, new):
    """Issue 13 item 9: compose used the database password ``change-me`` when none was set."""
    text = _text()
    assert old in text
    weakened = text.replace(old, new, 1)
    assert any("PASSWORD" in problem for problem in check_compose.problems(weakened))


def test_the_checker_keeps_its_structure_checks():
    data = yaml.safe_load(_text())
    broken = copy.deepcopy(data)
    broken["services"]["web"]["command"] = ["python", "manage.py", "runserver"]
    assert any("gunicorn" in p for p in check_compose.problems(yaml.safe_dump(broken)))
