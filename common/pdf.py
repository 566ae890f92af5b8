"""PDF documents with WeasyPrint: A4, the portal's CJK font embedded, nothing fetched from the network.

``render_pdf("tickets/pdf/signoff.html", context) -> bytes``. Templates extend ``pdf/base.html``,
which links ``static/pdf/pdf.css`` (@font-face WenQuanYi Micro Hei from static/fonts, header and
footer with page numbers, ``lang="zh-CN"``). ``StaticURLFetcher`` serves ``/static/...`` from disk
through the staticfiles finders (works inside Celery, no HTTP) and refuses every other URL.

Documents are frozen: render from a snapshot stored on the model, never from live data.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .audit import log_action
from .documents import frozen_pdf

# WeasyPrint needs an absolute base URL; a made-up scheme fails, so an https pseudo-host is used.
BASE_URL = "https://pdf.jinbao.invalid/"
log = logging.getLogger(__name__)


class FetchRefused(ValueError):
    pass


class StaticURLFetcher(URLFetcher):
    """Serves ``{BASE_URL}static/...`` (or a relative ``/static/...``) from the staticfiles finders."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            static_prefix
        ):
            raise FetchRefused(f"PDF rendering refuses to fetch {url!r}")
        relative = unquote(parts.path[len(static_prefix) :])
        if not relative or ".." in Path(relative).parts:
            raise FetchRefused(f"PDF rendering refuses to fetch {url!r}")
        path = finders.find(relative)
        if not path:
            raise FetchRefused(f"static file not found: {relative}")
        data = Path(path).read_bytes()
        mime, _encoding = mimetypes.guess_type(path)
        return URLFetcherResponse(
            url, body=data, headers={"Content-Type": mime or "application/octet-stream"}
        )


_fonts: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """The process's one WeasyPrint font configuration (issue 14): the 4.6 MB CJK font of the
    stylesheet's ``@font-face`` is read and registered with Fontconfig by the first document a process
    renders, about 50 ms, and reused by every later one. Made on first use, so after a worker forks."""
    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
    return _fonts


def render_html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticURLFetcher())
    return document.write_pdf(font_config=font_config())


def warm_up() -> None:
    """Register the CJK font in this process now (each gunicorn worker at start, ``wsgi.py``), so that
    no user's first document pays for it: a one-line document through the portal's PDF stylesheet. A
    failure is logged and never stops the worker: the first document then registers the font itself."""
    stylesheet = BASE_URL + settings.STATIC_URL.lstrip("/") + "pdf/pdf.css"
    html = f'<html lang="zh-CN"><link rel="stylesheet" href="{stylesheet}"><p>金保服务</p></html>'
    try:
        render_html_to_pdf(html)
    except Exception:
        log.exception("PDF warm-up failed; the first document will register the font")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, {"pdf_static": BASE_URL + settings.STATIC_URL.lstrip("/"), **context})
    return render_html_to_pdf(html)


def pdf_response(
    request,
    template: str,
    context: dict,
    *,
    filename: str,
    what: str,
    changes: dict | None = None,
    downloadable: bool = True,
    frozen=None,
    frozen_content=None,
) -> HttpResponse:
    """Render ``template`` as a PDF and answer with it: shown in the browser, or saved when the URL
    says ``?download=1`` (and ``downloadable``). Every response writes an ``export`` audit entry
    (who, what, which file, shown or saved), so no PDF of the portal leaves it unrecorded.
    ``frozen`` (a model instance) with ``frozen_content`` (its snapshot): see ``common.documents``."""
    download = downloadable and bool(request.GET.get("download"))
    if frozen is not None:
        # A frozen document (issue 14): rendered once from ``frozen_content``, then served from storage.

        data = frozen_pdf(frozen, frozen_content, lambda: render_pdf(template, context), actor=request.user)
    else:
        data = render_pdf(template, context)
    log_action(
        "export",
        actor=request.user,
        object_type="export",
        object_repr=f"{what}: {filename}"[:200],
        changes={"what": what, "filename": filename, **(changes or {}), "download": download},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response
