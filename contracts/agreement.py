"""The records of the rest of the contract (issue 18): written changes (第六条), confidentiality
undertakings (第五条), incidents with a contractual consequence (第五条 4, 第八条(1)), termination
notices (第八条, 第十条) and the parties' project contacts (第九条).

Imported by ``contracts.models``; the rules are written in contracts/README.md and docs/RULES.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from common.uploads import UploadValidator

DOCUMENTS = UploadValidator(("pdf", "jpg", "jpeg", "png", "doc", "docx"))


class Party(models.TextChoices):
    CLIENT = "client", _("甲方")
    VENDOR = "vendor", _("乙方")


def other_party(party: str) -> str:
    return Party.VENDOR if party == Party.CLIENT else Party.CLIENT


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("待答复")
    AGREED = "agreed", _("已同意")
    REFUSED = "refused", _("已拒绝")
    DEEMED = "deemed", _("逾期未答复，视为同意")
    WITHDRAWN = "withdrawn", _("已撤回")


ACCEPTED_CHANGE = frozenset({ChangeStatus.AGREED, ChangeStatus.DEEMED})


class ContractChange(models.Model):
    """A written request to change the contract (第六条) and the other party's answer."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="changes")
    party = models.CharField(_("提出方"), max_length=10, choices=Party.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("登记时间"), default=clock.now)
    delivered_on = models.DateField(_("书面请求送达日"))
    title = models.CharField(_("变更事项"), max_length=120)
    text = models.TextField(_("变更内容"))
    document = models.FileField(
        _("书面请求（扫描件）"), upload_to="contracts/changes/%Y/%m/", blank=True, validators=[DOCUMENTS]
    )
    # A change to one setting of the portal, applied when the change is accepted.
    setting = models.CharField(_("涉及的合同设置"), max_length=60, blank=True)
    new_value = models.CharField(_("新值"), max_length=60, blank=True)
    answer_due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("答复意见/理由"), blank=True)
    applied_at = models.DateTimeField(_("设置生效时间"), null=True, blank=True)
    applied = models.JSONField(_("已生效的设置修改"), default=dict, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("合同变更请求")
        verbose_name_plural = _("合同变更请求")
        permissions = [
            ("propose_contractchange", _("可以代表本方提出合同变更")),
            ("answer_contractchange", _("可以代表本方答复合同变更")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(answer=""),
                name="contract_change_refusal_reason",
                violation_error_message=_("拒绝变更必须写明理由。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        year = clock.local(self.proposed_at).year if self.proposed_at else 0
        return f"BG{year}-{self.pk or 0:03d}"

    @property
    def is_open(self) -> bool:
        return self.status == ChangeStatus.PROPOSED


class ContractChangeAttachment(models.Model):
    """A further document of a written change (第六条) besides the scanned request: a quotation, a plan,
    the pages of a revised annex. Added with the proposal; kept like the request itself."""

    change = models.ForeignKey(ContractChange, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="contracts/changes/%Y/%m/", validators=[DOCUMENTS])
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        ordering = ["change", "id"]
        verbose_name = _("合同变更附件")
        verbose_name_plural = _("合同变更附件")

    def __str__(self) -> str:
        return self.name


class ConfidentialityUndertaking(models.Model):
    """保密承诺书 signed by one vendor person who touches the bureau's data (第五条)."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="undertakings")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签署人"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("签署日期"))
    document = models.FileField(
        _("签字的保密承诺书"), upload_to="contracts/undertakings/%Y/", validators=[DOCUMENTS]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        ordering = ["contract", "person__username"]
        verbose_name = _("保密承诺书")
        verbose_name_plural = _("保密承诺书")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "person"],
                name="undertaking_once_per_person",
                violation_error_message=_("此人在本合同下已登记保密承诺书。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.signed_on}"


class IncidentKind(models.TextChoices):
    LEAK = "leak", _("疑似泄密（第五条）")
    CONDITIONS = "conditions", _("甲方未提供工作条件或配合（第八条(1)）")


class ContractIncident(models.Model):
    """An event with a contractual consequence: a suspected leak, or missing working conditions."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("类型"), max_length=12, choices=IncidentKind.choices)
    party_at_fault = models.CharField(_("涉及方"), max_length=10, choices=Party.choices)
    occurred_on = models.DateField(_("发生日期"))
    what = models.TextField(_("经过"))
    informed = models.TextField(_("已告知谁（何时、如何）"))
    penalty_ratio = models.DecimalField(_("违约金比例（%）"), max_digits=5, decimal_places=2)
    penalty_amount = models.DecimalField(_("违约金（元）"), max_digits=14, decimal_places=2)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("违约事件")
        verbose_name_plural = _("违约事件")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class TerminationBasis(models.TextChoices):
    LATE_PAYMENT = "late_payment", _("甲方逾期付款满期限，乙方解除（第八条(2)）")
    EARLY = "early", _("重大变故提前终止（第八条(3)）")
    IMPOSSIBLE = "impossible", _("不可抗力或违约致合同不能履行（第十条）")


class TerminationStatus(models.TextChoices):
    GIVEN = "given", _("已通知")
    CONFIRMED = "confirmed", _("对方已确认")
    WITHDRAWN = "withdrawn", _("已撤回")


class TerminationNotice(models.Model):
    """A written notice to end the contract before its term, its effective date and settlement."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="terminations")
    basis = models.CharField(_("依据"), max_length=12, choices=TerminationBasis.choices)
    party = models.CharField(_("通知方"), max_length=10, choices=Party.choices)
    given_on = models.DateField(_("书面通知送达日"))
    effective_on = models.DateField(_("解除/终止生效日"))
    reason = models.TextField(_("理由"))
    document = models.FileField(
        _("书面通知（扫描件）"), upload_to="contracts/terminations/%Y/", blank=True, validators=[DOCUMENTS]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TerminationStatus.choices, default=TerminationStatus.GIVEN
    )
    settlement = models.JSONField(_("结算"), default=dict, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("登记时间"), default=clock.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("解除/终止通知")
        verbose_name_plural = _("解除/终止通知")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("given_on")),
                name="termination_effective_after_notice",
                violation_error_message=_("生效日不能早于通知送达日。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.effective_on}"

    @property
    def needs_confirmation(self) -> bool:
        return self.basis == TerminationBasis.EARLY and self.status == TerminationStatus.GIVEN


class ContactChange(models.Model):
    """A party's project contact (第九条), from an effective date, by written notice."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="contact_changes"
    )
    party = models.CharField(_("一方"), max_length=10, choices=Party.choices)
    name = models.CharField(_("项目联系人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子信箱"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("门户账号（接收通知）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_on = models.DateField(_("书面通知日"))
    effective_on = models.DateField(_("生效日"))
    document = models.FileField(
        _("书面通知（扫描件）"), upload_to="contracts/contacts/%Y/", blank=True, validators=[DOCUMENTS]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        ordering = ["contract", "party", "-effective_on", "-id"]
        verbose_name = _("项目联系人变更")
        verbose_name_plural = _("项目联系人变更")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("notice_on")),
                name="contact_effective_after_notice",
                violation_error_message=_("生效日不能早于书面通知日。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.name} {self.effective_on}"


def penalty(total: Decimal, ratio: Decimal) -> Decimal:
    return (total * ratio / 100).quantize(Decimal("0.01"))
