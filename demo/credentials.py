"""The demo's shared second-factor secret. No Django import: scripts/run_dev.py prints it."""

import os

# Base32, as an authenticator app takes it ("enter a setup key"). 160 bits.
DEFAULT_TOTP_SECRET = "JINBAOYUNWEIMENHUDEMOTOTPSECRET2"


def demo_totp_secret() -> str:
    """The secret every demo login that needs a second factor is enrolled with."""
    return (os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_TOTP_SECRET).replace(" ", "").upper()
