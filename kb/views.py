"""Knowledge base pages and the portal-wide search (requests and articles)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import error_messages
from common.permissions import deny, require_login, require_perm
from tickets import search as ticket_search
from tickets import selectors as ticket_selectors
from tickets.filters import NUMBER
from tickets.forms import apply_service_error
from tickets.models import DONE_STATUSES
from tickets.views.files import file_response

from . import selectors, services
from .forms import ArticleForm
from .models import ArticleAttachment

PAGE_SIZE = 20


class ResultPaginator(Paginator):
    """Counts the search's results from the candidate ids it already has (no COUNT query)."""

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)
        return known if known is not None else super().count


@require_GET
@require_perm("kb.view_article")
def article_list(request):
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.search_articles(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "kb/article_list.html",
        {"page": page, "q": q, "can_write": services.can_write(request.user)},
    )


@require_GET
@require_perm("kb.view_article")
def article_detail(request, pk: int):
    article = selectors.article_for(request.user, pk)
    services.article_viewed(article=article)
    article.view_count += 1
    # Only the solved requests this user may open (a link never reveals another department's request).
    solved = (
        ticket_selectors.visible_tickets(request.user).filter(kb_articles=article).order_by("-resolved_at")
    )
    vote = article.votes.filter(user=request.user).first()
    return render(
        request,
        "kb/article_detail.html",
        {
            "article": article,
            "solved": solved[:20],
            "solved_count": article.tickets.count(),
            "attachments": article.attachments.select_related("uploaded_by"),
            "vote": vote,
            "revisions": article.revisions.select_related("edited_by")[:20]
            if services.can_write(request.user)
            else [],
            "can_write": services.can_write(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("kb.add_article")
def article_create(request):
    source = None
    ticket_pk = request.GET.get("ticket") or request.POST.get("ticket")
    if ticket_pk and str(ticket_pk).isdigit():
        source = ticket_selectors.ticket_for(request.user, int(ticket_pk))
        if source.status not in DONE_STATUSES:
            messages.error(request, _("只有已解决的请求可以写成知识库文章。"))
            return redirect("tickets:detail", pk=source.pk)
    initial = {}
    if source is not None:
        initial = {
            "title": source.title,
            "problem": source.description,
            "steps": source.resolution,
            "system": str(source.scope),
        }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user, tickets=[source] if source else [], **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("文章已发布。"))
            return redirect("kb:detail", pk=article.pk)
    return render(request, "kb/article_form.html", {"form": form, "source": source})


@require_http_methods(["GET", "POST"])
@require_perm("kb.change_article")
def article_edit(request, pk: int):
    article = selectors.article_for(request.user, pk)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(actor=request.user, article=article, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("文章已更新（旧版本已保存在历史中）。"))
            return redirect("kb:detail", pk=article.pk)
    return render(request, "kb/article_form.html", {"form": form, "article": article})


@require_POST
@require_perm("kb.change_article")
def article_link(request, pk: int):
    """Link the article to another solved request the writer can open (by its number, FW2023-00012)."""
    article = selectors.article_for(request.user, pk)
    number = request.POST.get("number", "").strip()[:30]
    match = NUMBER.match(number)
    ticket = None
    if match:
        ticket = ticket_selectors.visible_tickets(request.user).filter(pk=int(match.group(1))).first()
    if ticket is None:
        messages.error(
            request, _("没有找到您可查看的请求“%(n)s”：请输入请求编号，如 FW2023-00012。") % {"n": number}
        )
        return redirect("kb:detail", pk=article.pk)
    try:
        services.article_link_ticket(actor=request.user, article=article, ticket=ticket)
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
    else:
        messages.success(request, _("已关联请求 %(n)s。") % {"n": ticket.number})
    return redirect("kb:detail", pk=article.pk)


@require_POST
@require_perm("kb.change_article")
def article_attach(request, pk: int):
    article = selectors.article_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("kb:detail", pk=article.pk)
    try:
        services.article_attach(actor=request.user, article=article, upload=upload)
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
    else:
        messages.success(request, _("附件已上传。"))
    return redirect("kb:detail", pk=article.pk)


@require_GET
@require_perm("kb.view_article")
def attachment_download(request, pk: int):
    """A file of an article the user may read (404 otherwise); audited as an export."""
    attachment = get_object_or_404(ArticleAttachment, pk=pk)
    selectors.article_for(request.user, attachment.article_id)
    return file_response(request, attachment, attachment.file, attachment.original_name)


@require_POST
@require_perm("kb.view_article")
def article_vote(request, pk: int):
    article = selectors.article_for(request.user, pk)
    helpful = request.POST.get("helpful") == "1"
    services.article_vote(actor=request.user, article=article, helpful=helpful)
    messages.success(request, _("谢谢您的评价。"))
    return redirect("kb:detail", pk=article.pk)


@require_GET
@require_login
def search(request):
    """One search box for requests (scoped by ``tickets.selectors``) and knowledge-base articles."""
    user = request.user
    can_tickets = user.has_perm("tickets.view_ticket")
    can_articles = user.has_perm("kb.view_article")
    if not (can_tickets or can_articles):
        return deny(request, "search")
    q = request.GET.get("q", "").strip()[:100]
    page = None
    capped = False
    articles = []
    if q and can_tickets:
        # Every contract's requests: last year's solution is what one looks for.
        found = ticket_search.search_tickets(user, q)
        capped = getattr(found, "capped", False)
        page = ResultPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        ticket_search.annotate_snippets(user, page.object_list, q)
    if q and can_articles:
        articles = list(selectors.search_articles(user, q)[:5])
        for a in articles:
            a.hit_title = ticket_search.highlight(a.title, q)
            a.hit_snippet = ticket_search.snippet([a.problem, a.steps], q)
    return render(
        request,
        "kb/search.html",
        {
            "q": q,
            "page": page,
            "articles": articles,
            "can_tickets": can_tickets,
            "can_articles": can_articles,
            "capped": capped,
            "cap": ticket_search.CANDIDATES,
        },
    )
