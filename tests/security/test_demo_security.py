"""The demo: the bureau admin and the three administrators share one TOTP secret (DEMO_TOTP_SECRET
or the default), which `make run` prints; every demo password is fresh and the user's own."""

import importlib.util
import io
from pathlib import Path

from django.core.management import call_command

from accounts.models import User
from accounts.roles import TWO_FACTOR_ROLES
from demo.credentials import DEFAULT_TOTP_SECRET, demo_totp_secret
from demo.loader import load_demo
from security.passwords import password_state
from security.twofactor import confirmed_device, key_from_base32, token_at

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_enrols_the_administrators_with_the_demo_secret(db, monkeypatch):
    monkeypatch.delenv("DEMO_TOTP_SECRET", raising=False)
    load_demo()
    key = key_from_base32(DEFAULT_TOTP_SECRET)
    for user in User.objects.all():
        device = confirmed_device(user)
        if user.role in TWO_FACTOR_ROLES:
            assert device is not None and device.key == key, user.username
        else:
            assert device is None, user.username
        state = password_state(user)
        assert not state.change_required() and state.changed_at is not None, user.username


def test_the_secret_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_TOTP_SECRET", "abcd efgh ijkl mnop")
    assert demo_totp_secret() == "ABCDEFGHIJKLMNOP"
    monkeypatch.delenv("DEMO_TOTP_SECRET")
    assert demo_totp_secret() == DEFAULT_TOTP_SECRET


def test_demo_totp_prints_the_current_code(monkeypatch):
    monkeypatch.delenv("DEMO_TOTP_SECRET", raising=False)
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    code = token_at(key_from_base32(DEFAULT_TOTP_SECRET))
    assert out.getvalue().split()[0] in {code, token_at(key_from_base32(DEFAULT_TOTP_SECRET), offset_steps=1)}


def test_make_run_prints_the_effective_secret(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_TOTP_SECRET", raising=False)
    spec = importlib.util.spec_from_file_location("run_dev", ROOT / "scripts" / "run_dev.py")
    run_dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_dev)
    run_dev.banner("http://127.0.0.1:8000/")
    assert DEFAULT_TOTP_SECRET in capsys.readouterr().out
