"""Assertions on rendered PDFs: the CJK font is embedded, and WeasyPrint warned about no missing glyph.

``pdftotext`` prints the right characters even when they render as empty boxes, so the fonts are
checked with ``pdffonts`` (poppler-utils) and WeasyPrint's log is watched for notdef warnings.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

GLYPH_WARNINGS = ("notdef", "glyph", "no font", "missing")


def pdf_fonts(data: bytes) -> list[dict[str, str]]:
    """``pdffonts`` rows as dicts: name, type, encoding, emb, sub, uni."""
    tool = shutil.which("pdffonts")
    assert tool, "pdffonts (poppler-utils) is not installed"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run([tool, handle.name], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) < 7:
            continue
        # name type [type2] encoding emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "line": line})
    return rows


def pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is not installed"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(data)
        return subprocess.run(
            [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def assert_cjk_font_embedded(data: bytes, family: str = "WenQuanYi") -> None:
    assert data.startswith(b"%PDF"), "not a PDF"
    fonts = pdf_fonts(data)
    assert fonts, "the PDF has no fonts at all"
    cjk = [f for f in fonts if family.lower().replace(" ", "") in f["name"].lower().replace("-", "")]
    assert cjk, f"no {family} font in the PDF: {[f['name'] for f in fonts]}"
    for font in cjk:
        assert font["emb"] == "yes", f"{font['name']} is not embedded: {font['line']}"
        assert font["uni"] == "yes", f"{font['name']} has no ToUnicode map: {font['line']}"
    others = [f for f in fonts if f not in cjk and f["emb"] != "yes"]
    assert not others, f"fonts not embedded: {[f['line'] for f in others]}"


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def no_missing_glyphs() -> Iterator[None]:
    """Fail if WeasyPrint (or fontTools) logs a notdef / missing-glyph warning while rendering."""
    collector = _Collector()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(collector)
        lg.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(collector)
            lg.setLevel(level)
    bad = [
        r.getMessage()
        for r in collector.records
        if r.levelno >= logging.WARNING and any(w in r.getMessage().lower() for w in GLYPH_WARNINGS)
    ]
    assert not bad, f"WeasyPrint warned about glyphs: {bad}"
