"""Chinese full-text search without a segmenter's dictionary: text becomes a sequence of tokens — CJK
character bigrams (a lone CJK character stays a unigram) and lower-cased ASCII words/numbers — joined by
single spaces. A query term matches when its token sequence occurs contiguously in the document's,
which is exactly "the term occurs in the text" (full recall, no dictionary to keep up to date).

- PostgreSQL: ``to_tsvector('simple', tokens) @@ phraseto_tsquery('simple', term_tokens)`` with a GIN
  index on ``to_tsvector('simple', tokens)`` (created by the migration on PostgreSQL only);
- SQLite (the embedded default): ``tokens LIKE '% term_tokens %'``.

Pure functions and one model field; no models imported here.
"""

from __future__ import annotations

import re

from django.db import models

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+")
IS_CJK = re.compile(rf"[{CJK}]")
# tsvector positions stop at 16383: keep a document's token sequence under it.
MAX_TOKENS = 16000


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in RUN.findall((text or "").lower()):
        if IS_CJK.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def document(*parts: str) -> str:
    """The stored token string: parts separated by a break token so a phrase never spans two parts."""
    seq: list[str] = []
    for part in parts:
        toks = tokens(part)
        if toks:
            if seq:
                seq.append("|")
            seq.extend(toks)
    seq = seq[:MAX_TOKENS]
    return " " + " ".join(seq) + " " if seq else ""


def query_terms(query: str, limit: int = 5) -> list[str]:
    """The query's terms (split on whitespace and punctuation), each as its token phrase."""
    terms = []
    for word in re.split(r"[\s,，;；、。.!?！？]+", (query or "").strip().lower()):
        toks = tokens(word)
        if toks:
            phrase = " ".join(toks)
            if phrase not in terms:
                terms.append(phrase)
    return terms[:limit]


def highlight_words(query: str) -> list[str]:
    """The raw words to mark in results (longest first so a longer match wins)."""
    words = {w for w in re.split(r"[\s,，;；、。.!?！？]+", (query or "").strip()) if w}
    return sorted(words, key=len, reverse=True)[:5]


class SearchTokensField(models.TextField):
    """A text column of search tokens; ``field__phrase="tok tok"`` finds documents containing the phrase."""


@SearchTokensField.register_lookup
class Phrase(models.Lookup):
    lookup_name = "phrase"

    def as_sql(self, compiler, connection):  # SQLite and others: LIKE on the padded token string
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE ('%% ' || {rhs} || ' %%')", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"to_tsvector('simple', {lhs}) @@ phraseto_tsquery('simple', {rhs})",
            [*lhs_params, *rhs_params],
        )
