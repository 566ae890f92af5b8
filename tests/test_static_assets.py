"""The bureau's intranet has no internet: nothing may be loaded from another host."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"""(?:src|href|url\()\s*=?\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)""", re.I)
IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//", re.I)


def files(*patterns):
    for pattern in patterns:
        yield from ROOT.glob(pattern)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in files(
            "templates/**/*.html", "static/css/**/*.css", "static/pdf/**/*.css", "*/templates/**/*.html"
        )
        if "emails" not in p.parts
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_external_urls(path):
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL.search(text), f"{path} loads something from another host"
    assert not IMPORT.search(text)


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "fonts/wqy-microhei.ttf",
    ],
)
def test_vendored_assets_are_present(asset):
    path = finders.find(asset)
    assert path, asset
    assert Path(path).stat().st_size > 10_000


def test_the_cjk_font_has_chinese_glyphs():
    from fontTools.ttLib import TTFont

    font = TTFont(finders.find("fonts/wqy-microhei.ttf"))
    cmap = font.getBestCmap()
    for char in "金保服务运维门户陆拾万圆整":
        assert ord(char) in cmap, char


def test_templates_have_no_inline_scripts():
    for path in files("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            raise AssertionError(f"inline script in {path}: {match.group(0)}")
        assert not re.search(r"\son[a-z]+=\"", text), f"inline event handler in {path}"
