"""Models every app shares: the audit log (append-only, hash-chained) and notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clock
from .uploads import UploadValidator


class AuditChainHead(models.Model):
    """One row holding the last sequence number and hash; locked to append to the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AppendOnlyError(Exception):
    """Someone tried to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only: update refused")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only: delete refused")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("the audit log is append-only: bulk_update refused")


class AuditEntry(models.Model):
    """Who did what, when, from where, to which object, and whether it succeeded.

    Rows are never updated or deleted (a PostgreSQL trigger refuses it) and each row's hash covers
    the previous row's hash, so ``manage.py verify_audit_chain`` finds any row changed behind the
    portal's back.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    ip = models.CharField(_("来源地址"), max_length=64, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    # The ORM refuses too (on every database; PostgreSQL's trigger also stops raw SQL).
    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id", "-seq"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding or not kwargs.get("force_insert"):
            raise AppendOnlyError(
                "the audit log is append-only: entries are written by common.audit.log_action"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only: delete refused")


class Notification(models.Model):
    """An in-app message; an e-mail copy is sent by a task after the transaction commits."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email = models.BooleanField(_("发送邮件"), default=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # While the mail server is away: how many tries failed, the last error, when the next try is due.
    email_attempts = models.PositiveSmallIntegerField(_("邮件尝试次数"), default=0)
    email_error = models.CharField(_("邮件错误"), max_length=300, blank=True)
    email_retry_at = models.DateTimeField(_("邮件下次重试"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class AuditNoise(models.Model):
    """An open window of repeated anonymous failures of one kind from one address (common/noise.py):
    the first is in the audit log already; the repeats are counted here until the window closes and
    one entry records the count, the first and the last. Not part of the chain: only a counter."""

    action = models.CharField(max_length=64)
    ip = models.CharField(max_length=64, blank=True)
    opened_at = models.DateTimeField(db_index=True)
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    first_changes = models.JSONField(default=dict, blank=True)
    last_changes = models.JSONField(default=dict, blank=True)
    last_repr = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("重复失败计数")
        verbose_name_plural = _("重复失败计数")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["action", "ip"], name="audit_noise_one_window")]

    def __str__(self) -> str:
        return f"{self.action} {self.ip} ×{self.count}"


class StoredDocument(models.Model):
    """A frozen document rendered once and kept (issue 14): the PDF of a published weekly report, an
    issued sign-off form, a payment notice. ``key`` names the frozen content it was rendered from (a
    hash of the snapshot), so a later state (a form once signed) is a new document, and a template
    changed afterwards alters no stored one. See ``common.documents``."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    # Rendered by the portal, never uploaded; the rules still hold so a stored "document" is a PDF.
    file = models.FileField(upload_to="documents/%Y/", validators=[UploadValidator(("pdf",))])
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("存档文件")
        verbose_name_plural = _("存档文件")
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "key"], name="stored_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"


class OutboxMessage(models.Model):
    """A Celery task the portal must send, written in the same transaction as the change that causes it
    (``common.outbox.enqueue``). It is handed to the broker after the commit; while the broker is away
    the row stays pending and the relay (``common.relay_outbox`` every 30 s, ``manage.py relay_outbox``)
    sends it when the broker answers. ``key`` is unique: the same thing is never queued twice."""

    key = models.CharField(_("唯一键"), max_length=200, unique=True)
    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    queue = models.CharField(_("队列"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("交给消息队列的时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_pending_idx", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.key}"
