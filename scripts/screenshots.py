#!/usr/bin/env python
"""Screenshots of the portal for the README (issue 16): each role's home, the request list and a
request page, at 1366 and 390 pixels wide, in ``docs/screenshots/``.

    .venv/bin/python scripts/screenshots.py            # about two minutes

It builds the demo in a database of its own (a temporary SQLite file; the embedded default's
``var/db.sqlite3`` is not touched), starts Django's development server on a free port, drives
Debian's Chromium with Playwright, and stops the server at the end. The pictures are PNGs reduced
to a 256-colour palette, so the whole folder stays around two or three megabytes.

The machine needs no Chinese system font: the portal's own WenQuanYi Micro Hei (``static/fonts/``,
used for PDFs) is given to the page as a web font before each picture.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PY = sys.executable
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
SIGNERS = {"staff1", "head1"}
ROLES = ["staff1", "head1", "bureau", "eng1", "pm", "finance", "auditor", "sysadmin", "secadmin"]
FONT_CSS = (
    '@font-face { font-family: "WenQuanYi Micro Hei"; src: url("/static/fonts/wqy-microhei.ttf"); }'
    'body { font-family: "WenQuanYi Micro Hei", system-ui, sans-serif !important; }'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer")


def save(png: bytes, path: Path) -> None:
    """A 256-colour PNG: screenshots of a web page lose nothing visible and shrink four-fold."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def settle(page) -> None:
    page.add_style_tag(content=FONT_CSS)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(300)


def shoot(page, base: str, role: str, env: dict) -> list[Path]:
    taken = []

    def picture(name: str) -> None:
        for label, size in WIDTHS.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(200)
            path = OUT / f"{role}-{name}-{label}.png"
            save(page.screenshot(), path)
            taken.append(path)

    page.goto(f"{base}/")
    settle(page)
    picture("home")
    response = page.goto(f"{base}/tickets/")
    if response is None or response.status >= 400 or not page.url.startswith(f"{base}/tickets/"):
        return taken
    settle(page)
    picture("requests")
    if role in SIGNERS:  # the clerk's request page shows its primary action: signing the form
        page.goto(f"{base}/tickets/?status=resolved")
    link = page.locator(".ticket-table tbody td.ticket-number a").first
    if link.count():
        href = link.get_attribute("href")
        response = page.goto(f"{base}{href}")
        if response is not None and response.status < 400:
            settle(page)
            picture("request")
    return taken


def log_in(page, base: str, username: str, password: str, env: dict) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/security/2fa/verify/" in page.url:
        code = manage(env, "demo_totp", capture=True).split()[0]
        page.fill("#id_token", code)
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
    if page.url.rstrip("/") != base:
        raise SystemExit(f"{username} could not log in (at {page.url})")


def main() -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="jinbao-shots-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.local",
        "JINBAO_VAR_DIR": str(work),  # uploads, checkpoints and the broker's folders: all temporary
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "CELERY_BROKER_DIR": str(work / "celery"),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
    }
    password = env.get("DEMO_PASSWORD", "Jinbao@2023")
    print("[shots] building the demo in", work, flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    server = subprocess.Popen(
        [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/accounts/login/")
        OUT.mkdir(parents=True, exist_ok=True)
        for old in OUT.glob("*.png"):
            old.unlink()
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
            )
            for role in ROLES:
                # bypass_csp: the web font is added as a style element, which the portal's CSP refuses
                context = browser.new_context(
                    viewport=WIDTHS["1366"], locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True
                )
                page = context.new_page()
                log_in(page, base, role, password, env)
                taken = shoot(page, base, role, env)
                print(f"[shots] {role}: {len(taken)} pictures", flush=True)
                context.close()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    total = sum(f.stat().st_size for f in OUT.glob("*.png"))
    print(f"[shots] {len(list(OUT.glob('*.png')))} pictures, {total / 1e6:.1f} MB in {OUT}")


if __name__ == "__main__":
    main()
