"""Search across requests (issue 17): index on write, query scoped by ``selectors.visible_tickets``,
ranked by the database's full-text index (``tickets.searchindex``: jieba words, PostgreSQL tsvector or
SQLite FTS5).

``index_ticket`` is called for every audited write of a request (``services._log``), so the index follows
the request's title, description, resolution, comments and attachment names. Queries go through
``search_tickets(user, query)``, which starts from the user's visible requests: a search never reveals
a request the user cannot open, and the bureau never matches internal comments or attachments.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from common import clock

from . import policy, selectors
from .filters import NUMBER
from .models import DONE_STATUSES, Attachment, Comment, SearchDocument, Ticket
from .searchindex import document, highlight_words, match_sql, query_terms, rank_sql

# Audited actions that change searchable text (others — assign, start, wait… — leave it as it is).
TEXT_ACTIONS = frozenset({"submit", "resolve", "comment", "attach", "edit"})


def compose(ticket, comments: Iterable, attachments: Iterable) -> tuple[str, str]:
    """(public tokens, vendor tokens) of a request and its comments/attachments (plain attributes only)."""
    comments = list(comments)
    attachments = list(attachments)
    # The title twice: a word in the title weighs more in the ranking than one in a comment.
    head = [ticket.number, ticket.title, ticket.title, ticket.description, ticket.resolution]
    public = document(
        *head,
        *(c.body for c in comments if not c.internal),
        *(a.original_name for a in attachments if not a.internal),
    )
    vendor = document(*head, *(c.body for c in comments), *(a.original_name for a in attachments))
    return public, vendor


def index_ticket(ticket_or_pk) -> None:
    pk = getattr(ticket_or_pk, "pk", ticket_or_pk)
    ticket = (
        Ticket.objects.filter(pk=pk).only("id", "created_at", "title", "description", "resolution").first()
    )
    if ticket is None:
        return
    public, vendor = compose(
        ticket,
        Comment.objects.filter(ticket_id=pk).only("body", "internal"),
        Attachment.objects.filter(ticket_id=pk).only("original_name", "internal"),
    )
    SearchDocument.objects.update_or_create(
        ticket_id=pk, defaults={"public_tokens": public, "vendor_tokens": vendor, "indexed_at": clock.now()}
    )


def reindex_all(batch: int = 1000) -> int:
    """Rebuild every document (``manage.py search_reindex``, the bench after its bulk seed): a few
    queries per ``batch`` requests. Returns the number indexed."""
    count = 0
    last = 0
    fields = ("id", "created_at", "title", "description", "resolution")
    while True:
        tickets = list(Ticket.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:batch])
        if not tickets:
            return count
        ids = [t.pk for t in tickets]
        comments: dict[int, list] = {}
        for c in Comment.objects.filter(ticket_id__in=ids).only("ticket_id", "body", "internal"):
            comments.setdefault(c.ticket_id, []).append(c)
        attachments: dict[int, list] = {}
        for a in Attachment.objects.filter(ticket_id__in=ids).only("ticket_id", "original_name", "internal"):
            attachments.setdefault(a.ticket_id, []).append(a)
        now = clock.now()
        docs = []
        for t in tickets:
            public, vendor = compose(t, comments.get(t.pk, []), attachments.get(t.pk, []))
            docs.append(
                SearchDocument(ticket_id=t.pk, public_tokens=public, vendor_tokens=vendor, indexed_at=now)
            )
        with transaction.atomic():
            SearchDocument.objects.filter(ticket_id__in=ids).delete()
            SearchDocument.objects.bulk_create(docs)
        count += len(tickets)
        last = ids[-1]


# The newest matching visible requests that are ranked (a common word matches thousands; ranking them
# all costs more than the search is worth): the results are the best of these, the count is capped.
CANDIDATES = 200


def _match(user, query: str) -> tuple[list[str], str] | None:
    """(terms, column) of a text query, or None for an empty one."""
    terms = query_terms(query)
    if not terms:
        return None
    vendor = user is not None and policy.is_vendor(user)
    return terms, ("vendor_tokens" if vendor else "public_tokens")


def matching(queryset: QuerySet[Ticket], user, query: str) -> QuerySet[Ticket]:
    """``queryset`` narrowed to the requests matching every word of ``query`` (number, or text)."""
    query = (query or "").strip()[:100]
    if not query:
        return queryset
    number = NUMBER.match(query)
    if number:
        return queryset.filter(pk=int(number.group(1)))
    found = _match(user, query)
    if found is None:
        return queryset.none()
    terms, column = found
    sql, params = match_sql(SearchDocument._meta.db_table, "ticket_id", column, terms)
    return queryset.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - SQL of tickets.searchindex, words as parameters


def search_tickets(user, query: str, contract=None) -> QuerySet[Ticket]:
    """Visible requests matching ``query``, the most relevant first (``ts_rank`` / ``bm25``), then the
    newest. Only the ``CANDIDATES`` newest matches are ranked and returned (``capped`` says so)."""
    qs = matching(selectors.ticket_list(user, contract), user, query)
    found = _match(user, query) if not NUMBER.match((query or "").strip()) else None
    if found is None:
        return qs
    terms, column = found
    ids = list(qs.order_by("-pk").values_list("pk", flat=True)[: CANDIDATES + 1])
    table = Ticket._meta.db_table
    sql, params = rank_sql(
        SearchDocument._meta.db_table, "ticket_id", column, terms, f"{connection.ops.quote_name(table)}.id"
    )
    # The candidates are visible already (``qs`` starts from ``ticket_list``): no second scoping here.
    result = (
        Ticket.objects.filter(pk__in=ids[:CANDIDATES])
        .select_related(*selectors.LIST_RELATED)
        .annotate(rank=RawSQL(sql, params, output_field=FloatField()))  # noqa: S611 - SQL of tickets.searchindex, words as parameters
        .order_by("-rank", "-created_at", "-id")
    )
    result.known_count = min(len(ids), CANDIDATES)
    result.capped = len(ids) > CANDIDATES
    return result


def similar_solved(user, text: str, *, limit: int = 5, contract=None) -> list[Ticket]:
    """Solved visible requests sharing the most words with ``text`` (the title being typed)."""
    words = [w for w in re.split(r"[\s,，;；、。.!?！？]+", (text or "").strip()) if w][:6]
    if not words:
        return []
    # What the suggestions show (number, title, date) and nothing else: with the list's five joins
    # PostgreSQL spent ~5 ms planning each candidate query (issue 17: ≤ 50 ms for the whole answer).
    base = (
        selectors.ticket_list(user, contract)
        .filter(status__in=DONE_STATUSES)
        .select_related(None)
        .only("pk", "title", "created_at", "resolved_at")
    )
    # Try all the words, then fewer: a title shares its key words, not every word, with an old one.
    found: list[Ticket] = []
    seen: set[int] = set()
    candidates = [" ".join(words)]
    if len(words) > 1:
        candidates += sorted(words, key=len, reverse=True)
    else:
        # One run of Chinese: try its halves too (a title rarely repeats verbatim).
        w = words[0]
        if len(w) >= 4:
            candidates += [w[: len(w) // 2 + 1], w[len(w) // 2 - 1 :]]
    for candidate in candidates:
        for t in matching(base, user, candidate).order_by("-resolved_at", "-id")[: limit - len(found)]:
            if t.pk not in seen:
                seen.add(t.pk)
                found.append(t)
        if len(found) >= limit:
            break
    return found


# --- highlighting -------------------------------------------------------------------------------------------


def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, the query's words wrapped in <mark>."""
    escaped = html.escape(text or "")
    words = [html.escape(w) for w in highlight_words(query)]
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


def snippet(texts: Iterable[str], query: str, width: int = 60) -> SafeString:
    """The first passage of ``texts`` containing a query word, highlighted (or the first text's start)."""
    words = highlight_words(query)
    texts = [t for t in texts if t]
    for text in texts:
        low = text.lower()
        for w in words:
            at = low.find(w.lower())
            if at >= 0:
                start = max(0, at - width // 2)
                piece = (
                    ("…" if start else "")
                    + text[start : start + width]
                    + ("…" if start + width < len(text) else "")
                )
                return highlight(piece, query)
    return highlight((texts[0][:width] + ("…" if len(texts[0]) > width else "")) if texts else "", query)


def annotate_snippets(user, tickets: list[Ticket], query: str) -> None:
    """Set ``t.hit_title`` and ``t.hit_snippet`` on a page of results (one query for their comments)."""
    comments: dict[int, list[str]] = {}
    qs = Comment.objects.filter(ticket_id__in=[t.pk for t in tickets])
    if not policy.is_vendor(user):
        qs = qs.filter(internal=False)
    for ticket_id, body in qs.order_by("created_at", "id").values_list("ticket_id", "body"):
        comments.setdefault(ticket_id, []).append(body)
    for t in tickets:
        t.hit_title = highlight(t.title, query)
        t.hit_snippet = snippet([t.description, t.resolution, *comments.get(t.pk, [])], query)


# Others (the knowledge base, on a higher floor) add suggestions shown while filing: callables
# (user, text, contract) -> list of {"title", "url", "kind"} dicts, registered from their AppConfig.ready().
SUGGESTION_PROVIDERS: list[Callable] = []


def register_suggestions(provider: Callable) -> None:
    if provider not in SUGGESTION_PROVIDERS:
        SUGGESTION_PROVIDERS.append(provider)


# Links shown on a request's page by higher apps (e.g. "write a knowledge-base article from it"):
# callables (user, ticket) -> list of {"label", "url", "icon"}; rendered by ``{% ticket_extra_links %}``.
TICKET_LINK_PROVIDERS: list[Callable] = []


def register_ticket_link(provider: Callable) -> None:
    if provider not in TICKET_LINK_PROVIDERS:
        TICKET_LINK_PROVIDERS.append(provider)


def extra_links(user, ticket) -> list[dict]:
    return [link for provider in TICKET_LINK_PROVIDERS for link in provider(user, ticket)]
