"""The accessibility gate's machinery (issue 16): walk every page a role reaches from its menu, run
axe-core in the page, keep the HTML as served for the Nu Html Checker, and look for Han characters
on English pages outside data. Used by tests/browser/test_accessibility.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
VNU_JAR = ROOT / "var/tools/vnu-26.9.27/node_modules/vnu-jar/build/dist/vnu.jar"

# Every login role of the demo (the TOTP roles included).
ROLES = ["staff1", "head1", "bureau", "eng1", "pm", "finance", "auditor", "sysadmin", "secadmin"]
if os.environ.get("A11Y_ROLES"):  # a quicker look at some roles: A11Y_ROLES=staff1,pm
    ROLES = os.environ["A11Y_ROLES"].split(",")
# Not pages: files, exports, printable documents, and what would end the session.
NOT_A_PAGE = re.compile(
    r"export|pdf|download|file|attachment|documents|print|logout|ics$|csv|xlsx|panel|partial|qr"
)
MAX_PAGES_PER_ROLE = 45
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# The gate: no violation of these impacts (the issue: serious or critical; best practice as well).
GATED_IMPACTS = {"critical", "serious", "moderate", "minor"}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Lazy panels replace themselves when loaded; a panel that loads into itself (hx-target "this", e.g. the
# similar requests under a new request's title) stays, so only its request in flight is waited for.
WAIT_FOR_PANELS = """() => !document.querySelector(
  '[data-hx-trigger~="load"]:not([data-hx-target="this"]), '
  + '[hx-trigger~="load"]:not([hx-target="this"]), .htmx-request'
)"""
RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
}"""
# Text a reader sees or hears: text nodes (not scripts, styles or JSON data) and the attributes read out.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    const p = n.parentElement;
    if (!p || p.closest('script, style, noscript, template')) continue;
    const lang = p.closest('[lang]');  // text marked as another language (a language's own name)
    if (lang && lang !== document.documentElement && lang.lang !== document.documentElement.lang) continue;
    if (n.textContent.trim()) out.push(n.textContent.trim());
  }
  document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]').forEach(el => {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
      const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim());
    }
  });
  out.push(document.title);
  return out;
}"""
LINKS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"""


@dataclass
class Walk:
    started: float = field(default_factory=time.monotonic)
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (role, lang, path)
    axe: dict = field(default_factory=lambda: defaultdict(list))  # (rule, impact, help) -> [where]
    han: dict = field(default_factory=lambda: defaultdict(set))  # path -> Han runs
    html: list[tuple[str, str]] = field(default_factory=list)  # (label, html)
    errors: list[str] = field(default_factory=list)
    timings: list[tuple[float, float, str]] = field(default_factory=list)  # (load, axe, label)


def url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def data_text() -> str:
    """Every Han-bearing value stored in the database: names, titles, descriptions … (data, not UI)."""
    chunks = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
        ]
        if not names:
            continue
        for row in model.objects.values_list(*names):
            for v in row:
                text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
                if text and HAN.search(text):
                    chunks.append(text)
    return "\n".join(chunks)


def log_in(page, base: str, username: str, password: str, totp_code) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(security/2fa/verify/.*)?$"))
    if "/security/2fa/verify/" in page.url:
        page.fill("#id_token", totp_code(username))
        page.click("[data-testid=otp-form] button[type=submit]")
    page.wait_for_url(f"{base}/")


def collect_urls(page, base: str, seen_names: set[str]) -> list[str]:
    """Same-site GET links of the page, one per URL name not seen yet."""
    found = []
    for href in page.evaluate(LINKS):
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        name = url_name(parts.path)
        if name is None or name in seen_names or NOT_A_PAGE.search(name) or NOT_A_PAGE.search(parts.path):
            continue
        if name.startswith("admin:"):
            continue
        seen_names.add(name)
        found.append(path)
    return found


def check_page(
    page, walk: Walk, *, base: str, path: str, role: str, lang: str, data: str, full: bool = True
) -> None:
    """Load the page; unless ``full`` is false (a kind of page checked already: only its links are
    wanted), keep its HTML for the Nu checker, run axe, and look for Han text in English."""
    label = f"{path} ({role}, {lang})"
    t0 = time.monotonic()
    try:
        response = page.goto(base + path)
    except Exception as exc:  # a download or an aborted navigation: not a page
        walk.errors.append(f"{label}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return
    if response is None:
        return
    if response.status >= 400:
        walk.errors.append(f"{label}: HTTP {response.status}")
        return
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    if not full:
        return
    walk.pages.append((role, lang, path))
    walk.html.append((label, response.text()))
    try:
        page.wait_for_function(WAIT_FOR_PANELS, timeout=10_000)
    except Exception:
        walk.errors.append(f"{label}: lazy panels did not load within 10 s")
    t1 = time.monotonic()
    if page.evaluate("typeof axe") == "undefined":
        page.add_script_tag(path=str(AXE_JS))
    for v in page.evaluate(RUN_AXE, AXE_TAGS):
        if v["impact"] in GATED_IMPACTS:
            walk.axe[(v["id"], v["impact"], v["help"])].append(f"{label} ×{v['count']} e.g. {v['nodes'][0]}")
    walk.timings.append((t1 - t0, time.monotonic() - t1, label))
    if lang == "en":
        for text in page.evaluate(VISIBLE_TEXT):
            for run in HAN.findall(text):
                if run not in data:
                    walk.han[f"{path} ({role})"].add(text[:60])


def run_vnu(walk: Walk, workdir: Path) -> list[str]:
    """All pages in one Java process; errors grouped by message with the pages they occur on."""
    labels = {}
    for n, (label, html) in enumerate(walk.html):
        name = f"p{n:04d}.html"
        (workdir / name).write_text(html, encoding="utf-8")
        labels[name] = label
    result = subprocess.run(
        [
            shutil.which("java") or "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = result.stderr.strip() or result.stdout.strip()
    try:
        messages = json.loads(out)["messages"]
    except (ValueError, KeyError):
        return [f"the Nu Html Checker did not answer: {out[:500]}"]
    by_message = defaultdict(list)
    for m in messages:
        name = m.get("url", "").rsplit("/", 1)[-1]
        text = re.sub(
            r"“[^”]*”", lambda g: g.group(0) if len(g.group(0)) < 40 else "“…”", m.get("message", "")
        )
        by_message[text].append(f"{labels.get(name, name)} line {m.get('lastLine')}")
    return [
        f"{msg}\n      "
        + "\n      ".join(where[:6])
        + (f"\n      … {len(where) - 6} more" if len(where) > 6 else "")
        for msg, where in sorted(by_message.items(), key=lambda kv: -len(kv[1]))
    ]


def report(walk: Walk, nu: list[str]) -> str:
    lines = []
    if walk.axe:
        lines.append(f"axe-core: {len(walk.axe)} rules violated")
        for (rule, impact, help_), where in sorted(walk.axe.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"  {rule} [{impact}] {help_}: {len(where)} pages")
            lines += [f"      {w}" for w in where[:6]]
            if len(where) > 6:
                lines.append(f"      … {len(where) - 6} more")
    if nu:
        lines.append(f"Nu Html Checker: {len(nu)} distinct errors")
        lines += [f"  {m}" for m in nu]
    if walk.han:
        lines.append(f"Han characters on English pages (outside data): {len(walk.han)} pages")
        for where, texts in sorted(walk.han.items()):
            lines.append(f"  {where}: " + " | ".join(sorted(texts)[:8]))
    if walk.errors:
        lines.append("pages that could not be checked:")
        lines += [f"  {e}" for e in walk.errors]
    return "\n".join(lines)
