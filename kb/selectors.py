"""Reads of the knowledge base, scoped: the bureau reads public articles, the vendor all of them."""

from __future__ import annotations

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from tickets import policy as ticket_policy
from tickets.models import DONE_STATUSES
from tickets.searchindex import highlight_words, match_sql, query_terms, rank_sql

from .models import Article, Visibility


def visible_articles(user) -> QuerySet[Article]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm("kb.view_article"):
        return Article.objects.none()
    qs = Article.objects.select_related("created_by")
    return qs if ticket_policy.is_vendor(user) else qs.filter(visibility=Visibility.PUBLIC)


def article_for(user, pk: int) -> Article:
    return get_object_or_404(visible_articles(user), pk=pk)


def search_articles(user, query: str) -> QuerySet[Article]:
    """Visible articles containing every word of ``query``, the most relevant first (``ts_rank`` /
    ``bm25`` on the full-text index of ``tickets.searchindex``), then the most helpful."""
    qs = visible_articles(user)
    query = (query or "").strip()[:100]
    if not query:
        return qs
    terms = query_terms(query)
    if not terms:
        return qs.none()
    table = Article._meta.db_table
    match, match_params = match_sql(table, "id", "tokens", terms)
    rank, rank_params = rank_sql(table, "id", "tokens", terms, f"{connection.ops.quote_name(table)}.id")
    return (
        qs.filter(pk__in=RawSQL(match, match_params))  # noqa: S611 - SQL of tickets.searchindex, words as parameters
        .annotate(rank=RawSQL(rank, rank_params, output_field=FloatField()))  # noqa: S611 - SQL of tickets.searchindex, words as parameters
        .order_by("-rank", "-helpful_count", "-view_count", "-id")
    )


def similar_articles(user, text: str, limit: int = 5) -> list[Article]:
    words = highlight_words(text)
    found: list[Article] = []
    for candidate in [" ".join(words), *words] if len(words) > 1 else words:
        for a in search_articles(user, candidate)[: limit - len(found)]:
            if a not in found:
                found.append(a)
        if len(found) >= limit:
            break
    return found


def suggestions(user, text: str, contract=None) -> list[dict]:
    """Provider for the request form's "similar solved requests" box (registered in apps.py)."""
    return [
        {"title": a.title, "url": reverse("kb:detail", args=[a.pk]), "kind": "article", "number": a.number}
        for a in similar_articles(user, text, limit=3)
    ]


def ticket_links(user, ticket) -> list[dict]:
    """On a solved request's page: the vendor can write an article from it; anyone sees its articles."""
    links = []
    if user.has_perm("kb.add_article") and ticket.status in DONE_STATUSES:
        links.append(
            {
                "label": _("写成知识库文章"),
                "url": reverse("kb:create") + f"?ticket={ticket.pk}",
                "icon": "journal-plus",
                "testid": "kb-from-ticket",
            }
        )
    # Only the title and id: the page shows a link (issue 14: not the author joined, not the texts).
    articles = visible_articles(user).filter(tickets=ticket).select_related(None).only("id", "title")
    for a in articles[:5]:
        links.append(
            {
                "label": _("知识库：%(t)s") % {"t": a.title},
                "url": reverse("kb:detail", args=[a.pk]),
                "icon": "book",
            }
        )
    return links
