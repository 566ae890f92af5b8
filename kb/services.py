"""Writes of the knowledge base: keyword-only, validated, atomic, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from common import clock
from common.audit import log_action, snapshot
from common.errors import ServiceError, TransitionNotAllowed
from common.uploads import validate_upload
from tickets import policy as ticket_policy
from tickets.models import DONE_STATUSES
from tickets.searchindex import document

from .models import Article, ArticleAttachment, ArticleRevision, ArticleVote

FIELDS = ["title", "problem", "steps", "system", "visibility"]


def can_write(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ticket_policy.is_vendor(user)


def _index(article: Article) -> None:
    names = ArticleAttachment.objects.filter(article_id=article.pk).values_list("original_name", flat=True)
    article.tokens = document(
        article.number, article.title, article.problem, article.steps, article.system, *names
    )
    Article.objects.filter(pk=article.pk).update(tokens=article.tokens)


@transaction.atomic
def article_create(*, actor, tickets=(), **fields) -> Article:
    if not can_write(actor):
        raise TransitionNotAllowed("只有驻场工程师或项目经理可以编写知识库文章。")
    for t in tickets:
        if t.status not in DONE_STATUSES:
            raise ServiceError({"__all__": [f"请求 {t.number} 尚未解决，不能作为文章来源。"]})
    now = clock.now()
    article = Article(
        created_by=actor, created_at=now, updated_at=now, **{k: fields[k] for k in FIELDS if k in fields}
    )
    article.full_clean()
    article.save()
    if tickets:
        article.tickets.add(*tickets)
    _index(article)
    log_action(
        "kb.create",
        actor=actor,
        obj=article,
        changes={**snapshot(article, FIELDS), "tickets": [t.pk for t in tickets]},
    )
    return article


@transaction.atomic
def article_update(*, actor, article: Article, **fields) -> Article:
    if not can_write(actor):
        raise TransitionNotAllowed("只有驻场工程师或项目经理可以修改知识库文章。")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    before = snapshot(locked, FIELDS)
    changed = {k: v for k, v in fields.items() if k in FIELDS and getattr(locked, k) != v}
    if not changed:
        return locked
    ArticleRevision.objects.create(
        article=locked,
        version=locked.version,
        edited_by=actor,
        **{k: getattr(locked, k) for k in FIELDS},
    )
    for k, v in changed.items():
        setattr(locked, k, v)
    locked.version += 1
    locked.updated_at = clock.now()
    locked.full_clean()
    locked.save()
    _index(locked)
    after = snapshot(locked, FIELDS)
    log_action(
        "kb.edit",
        actor=actor,
        obj=locked,
        changes={k: [before[k], after[k]] for k in changed} | {"version": locked.version},
    )
    return locked


@transaction.atomic
def article_vote(*, actor, article: Article, helpful: bool) -> ArticleVote:
    """One vote per person; voting again changes the vote."""
    vote, created = ArticleVote.objects.select_for_update().get_or_create(
        article=article, user=actor, defaults={"helpful": helpful}
    )
    if not created and vote.helpful == helpful:
        return vote
    if not created:
        vote.helpful = helpful
        vote.voted_at = clock.now()
        vote.save(update_fields=["helpful", "voted_at"])
    _recount(article)
    log_action("kb.vote", actor=actor, obj=article, changes={"helpful": helpful})
    return vote


def _recount(article: Article) -> None:
    from django.db.models import Count, Q

    counts = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    Article.objects.filter(pk=article.pk).update(helpful_count=counts["yes"], unhelpful_count=counts["no"])


def article_viewed(*, article: Article) -> None:
    """Count a reading (not audited: reading is not a change)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def article_link_ticket(*, actor, article: Article, ticket) -> None:
    if not can_write(actor):
        raise TransitionNotAllowed("只有驻场工程师或项目经理可以关联请求。")
    if ticket.status not in DONE_STATUSES:
        raise ServiceError(f"请求 {ticket.number} 尚未解决，不能关联为文章解决的请求。")
    article.tickets.add(ticket)
    log_action("kb.link", actor=actor, obj=article, changes={"ticket": ticket.pk})


@transaction.atomic
def article_attach(*, actor, article: Article, upload) -> ArticleAttachment:
    """Store a checked upload on the article (type and size as for requests); its name is searchable."""
    if not can_write(actor):
        raise TransitionNotAllowed("只有驻场工程师或项目经理可以上传文章附件。")
    content_type = validate_upload(upload)
    attachment = ArticleAttachment(
        article=article,
        file=upload,
        original_name=upload.name[:200],
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    attachment.save()
    _index(article)
    log_action(
        "kb.attach",
        actor=actor,
        obj=article,
        changes={"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size},
    )
    return attachment
