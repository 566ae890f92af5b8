"""Knowledge base (issue 17): articles written from resolutions, with their history and votes."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from common import clock
from common.uploads import UploadValidator
from tickets.searchindex import SearchTokensField


class Visibility(models.TextChoices):
    PUBLIC = "public", _("公开（甲方可见）")
    INTERNAL = "internal", _("仅乙方可见")


class Article(models.Model):
    title = models.CharField(_("标题"), max_length=120)
    problem = models.TextField(_("问题现象"))
    steps = models.TextField(_("处理步骤"))
    system = models.CharField(_("适用系统"), max_length=100, blank=True)
    visibility = models.CharField(
        _("可见范围"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("解决的请求"), blank=True, related_name="kb_articles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)
    version = models.PositiveIntegerField(_("版本"), default=1)
    view_count = models.PositiveIntegerField(_("阅读次数"), default=0)
    helpful_count = models.PositiveIntegerField(_("有用"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("没用"), default=0)
    tokens = SearchTokensField(blank=True, default="")

    # Not fields: set on the search page's results by ``kb.views.search``.
    hit_title: SafeString
    hit_snippet: SafeString

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("知识库文章")
        verbose_name_plural = _("知识库文章")

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"KB-{self.pk or 0:04d}"


class ArticleRevision(models.Model):
    """The article as it was before an edit (history)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=120)
    problem = models.TextField(_("问题现象"))
    steps = models.TextField(_("处理步骤"))
    system = models.CharField(_("适用系统"), max_length=100, blank=True)
    visibility = models.CharField(_("可见范围"), max_length=10, choices=Visibility.choices)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"), default=clock.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("文章历史版本")
        verbose_name_plural = _("文章历史版本")
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="kb_revision_once")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class ArticleVote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField(_("有用"))
    voted_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("文章评价")
        verbose_name_plural = _("文章评价")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="kb_vote_once")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.user_id} {self.helpful}"


def article_file_path(instance: ArticleAttachment, filename: str) -> str:
    # The stored name never reuses the uploaded name (kept in ``original_name``).
    ext = os.path.splitext(filename)[1].lower()
    return f"kb/attachments/{clock.local(clock.now()):%Y/%m}/{os.urandom(8).hex()}{ext}"


class ArticleAttachment(models.Model):
    """A file of an article (screenshots, scripts, the policy document); read by whoever reads the
    article, only through the permission-checked download."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=article_file_path, validators=[UploadValidator()])
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("文章附件")
        verbose_name_plural = _("文章附件")

    def __str__(self) -> str:
        return self.original_name
