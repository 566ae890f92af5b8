"""Password rules of 等保 2.0 level 3 (settings.AUTH_PASSWORD_VALIDATORS lists them with their numbers)."""

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of lower-case, upper-case, digits and other characters the password uses."""
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password) or any(not c.isascii() and c.isalpha() for c in password),
        ]
    )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (Django 5.2's zh-hans catalogue lacks the new wording)."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self):
        return _("至少 %(n)d 个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。"),
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return _("须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """A new password is none of the user's last ``count`` passwords (the current one included).

    Its ``password_changed`` hook, which Django calls whenever a password is saved, records the new
    hash in ``PasswordHistory`` and forgets the ones older than the last ``count``.
    """

    def __init__(self, count: int = 5):
        self.count = count

    def _recent_hashes(self, user) -> list[str]:
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count]
        )
        if not hashes:
            from django.contrib.auth import get_user_model

            current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
            hashes = [current] if current else []
        return hashes

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or self.count <= 0:
            return
        for encoded in self._recent_hashes(user):
            if check_password(password, encoded):
                raise ValidationError(
                    ngettext(
                        "新密码不能与上一次使用的密码相同。",
                        "新密码不能与最近 %(n)d 次使用过的密码相同。",
                        self.count,
                    ),
                    code="password_reused",
                    params={"n": self.count},
                )

    def password_changed(self, password, user=None):
        from .passwords import record_password

        if user is not None and user.pk:
            record_password(user, keep=max(self.count, 1))

    def get_help_text(self):
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count}


def _personal_words(user) -> list[str]:
    """Words of the person a password must not be built on (besides the username and the name's
    pinyin, which are refused outright): the name's initials and the e-mail's local part."""
    from . import weakpasswords

    words = weakpasswords.name_initials(getattr(user, "full_name", "") or "")
    email = getattr(user, "email", "") or ""
    if "@" in email:
        words.append(email.split("@", 1)[0])
    return words


class CommonChinesePasswordValidator:
    """Not one of the passwords people in China choose most, and not built of keyboard walks,
    sequences, repeated characters, years, dates, mobile numbers and common words (see
    ``security/weakpasswords.py`` and docs/SECURITY.md)."""

    def validate(self, password, user=None):
        from . import weakpasswords

        if weakpasswords.is_common(password):
            raise ValidationError(_("这个密码太常见了，请换一个。"), code="password_too_common")
        if weakpasswords.is_patterned(password, _personal_words(user) if user is not None else None):
            raise ValidationError(
                _(
                    "密码主要由常见规律组成（键盘顺序、连续或重复字符、年份、日期、手机号、常用单词），"
                    "容易被猜到，请换一个。"
                ),
                code="password_patterned",
            )

    def get_help_text(self):
        return _("不能是常见密码，也不能主要由键盘顺序、连续或重复字符、年份、日期、手机号、常用单词组成。")


class PersonalInfoValidator:
    """Does not contain the username (forwards or backwards) or the pinyin of the person's name
    (王小明: wangxiaoming, xiaoming, xiaomingwang), whatever the case and the separators."""

    def validate(self, password, user=None):
        from . import weakpasswords

        if user is None:
            return
        if weakpasswords.contains_username(password, getattr(user, "username", "") or ""):
            raise ValidationError(_("密码不能包含用户名。"), code="password_has_username")
        if weakpasswords.contains_name(password, getattr(user, "full_name", "") or ""):
            raise ValidationError(_("密码不能包含姓名的拼音。"), code="password_has_name")

    def get_help_text(self):
        return _("不能包含用户名或姓名的拼音。")
