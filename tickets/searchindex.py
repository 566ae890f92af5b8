"""Chinese full-text search: words, not characters. Text is segmented by jieba (``rjieba``, its Rust
binding) with the contract's user dictionary ``search_dict.txt``; ASCII words and numbers are kept
lower-cased. A document is its words in search mode (a long word also yields the dictionary words
inside it: 城乡居民 → 城乡, 居民, 城乡居民) joined by spaces; a query is its words in the ordinary mode,
all of which must occur.

The token string is stored in a text column (``SearchTokensField``); the database indexes it:

- PostgreSQL: a stored generated column ``<column>_tsv tsvector = to_tsvector('simple', <column>)``
  with a GIN index (kept current by the database on every write of the text column), queried with
  ``@@ to_tsquery('simple', 'w1 & w2')`` and ranked with ``ts_rank``;
- SQLite (the embedded default): an FTS5 table ``<table>_fts`` over the text columns (external
  content, kept current by triggers), queried with ``MATCH`` and ranked with ``bm25``.

Both are created by migrations (tickets 0006, kb 0002). ``match_sql`` / ``rank_sql`` build the SQL for
the current database; no models are imported here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import rjieba
from django.db import connection, models

DICTIONARY = Path(__file__).with_name("search_dict.txt")
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+")
IS_CJK = re.compile(rf"[{CJK}]")
# tsvector positions stop at 16383 and FTS5 documents should stay small: cap a document's words.
MAX_TOKENS = 16000
MAX_TERMS = 8


@functools.cache
def segmenter() -> rjieba.Jieba:
    """jieba's default dictionary plus ``search_dict.txt`` (loaded once per process)."""
    jieba = rjieba.Jieba()
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            jieba.add_word(parts[0], freq, None)
    return jieba


def _words(text: str, *, search_mode: bool) -> list[str]:
    jieba = segmenter()
    out: list[str] = []
    # Without HMM the segmentation is driven by the dictionaries only, so the same word in a query
    # and in a document is cut the same way.
    for run in RUN.findall((text or "").lower()):
        if IS_CJK.match(run):
            out.extend(jieba.cut_for_search(run, False) if search_mode else jieba.cut(run, False))
        else:
            out.append(run)
    return out


def tokens(text: str) -> list[str]:
    """The words a document is indexed under (search mode)."""
    return _words(text, search_mode=True)


def document(*parts: str) -> str:
    """The stored token string of a document made of ``parts``."""
    seq: list[str] = []
    for part in parts:
        seq.extend(tokens(part))
    return " ".join(seq[:MAX_TOKENS])


def query_terms(query: str, limit: int = MAX_TERMS) -> list[str]:
    """The query's words (ordinary mode), without repeats; all of them must occur in a match."""
    terms: list[str] = []
    for word in _words((query or "").strip()[:100], search_mode=False):
        if word not in terms:
            terms.append(word)
    return terms[:limit]


def highlight_words(query: str) -> list[str]:
    """What to mark in results: the query's words as typed and as segmented, longest first."""
    typed = {w for w in re.split(r"[\s,，;；、。.!?！？]+", (query or "").strip()) if w}
    words = typed | set(query_terms(query))
    return sorted(words, key=lambda w: (-len(w), w))[:10]


# --- SQL for the current database --------------------------------------------------------------------------


def _tsquery(terms: list[str]) -> str:
    # Terms are runs of CJK characters or [a-z0-9]: nothing to escape inside the quotes.
    return " & ".join(f"'{t}'" for t in terms)


def _fts_query(column: str, terms: list[str]) -> str:
    return " AND ".join(f'{column} : "{t}"' for t in terms)


def match_sql(table: str, key: str, column: str, terms: list[str]) -> tuple[str, list]:
    """SQL selecting the keys of the rows of ``table`` whose ``column`` contains every term."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT {key} FROM {table} WHERE {column}_tsv @@ to_tsquery('simple', %s)",  # noqa: S608 - names from models
            [_tsquery(terms)],
        )
    fts = f"{table}_fts"
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [_fts_query(column, terms)]  # noqa: S608


def rank_sql(table: str, key: str, column: str, terms: list[str], outer: str) -> tuple[str, list]:
    """A correlated subquery: the relevance of the row whose key is ``outer`` (higher is better)."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT ts_rank(s.{column}_tsv, to_tsquery('simple', %s)) "  # noqa: S608 - names from models
            f"FROM {table} s WHERE s.{key} = {outer}",
            [_tsquery(terms)],
        )
    fts = f"{table}_fts"
    # bm25() is negative, more negative for a better match.
    return (
        f"SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s AND {fts}.rowid = {outer}",  # noqa: S608
        [_fts_query(column, terms)],
    )


class SearchTokensField(models.TextField):
    """A text column of search tokens, indexed by the database as described above."""


# --- DDL for the migrations --------------------------------------------------------------------------------


def create_index(schema_editor, table: str, key: str, columns: list[str]) -> None:
    """The full-text index of ``columns`` of ``table``: generated tsvector columns and GIN indexes on
    PostgreSQL, an external-content FTS5 table and its triggers on SQLite (nothing elsewhere)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for col in columns:
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {col}_tsv tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple', {col})) STORED"
            )
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{col}_tsv ON {table} USING gin ({col}_tsv)"
            )
    elif vendor == "sqlite":
        fts = f"{table}_fts"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} "
            f"USING fts5({cols}, content='{table}', content_rowid='{key}')"
        )
        # Names from the migrations, no input: S608 does not apply to this DDL.
        delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{key}, {old});"  # noqa: S608
        insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{key}, {new});"  # noqa: S608
        triggers = {
            "ai": ("INSERT", insert),
            "ad": ("DELETE", delete),
            "au": ("UPDATE", delete + " " + insert),
        }
        for suffix, (event, body) in triggers.items():
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_{suffix} AFTER {event} ON {table} BEGIN {body} END"
            )
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608


def drop_index(schema_editor, table: str, columns: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for col in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{col}_tsv")
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {col}_tsv")
    elif vendor == "sqlite":
        fts = f"{table}_fts"
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
