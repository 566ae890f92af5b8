"""Password rules: length and character classes, not one of the last five, expiry after the
configured days, a forced change after an administrator set the password; the change page."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from common.models import AuditEntry
from security import services
from security.models import PasswordHistory
from security.validators import character_classes

from ..factories import make_user
from .helpers import PASSWORD, logged_in, real_login


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefgh", 1),
        ("abcd1234", 2),
        ("Abcd1234", 3),
        ("abcd12#$", 3),
        ("Ab1#Ab1#", 4),
        ("金保运维abc12", 3),
    ],
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#x", "太短"),  # 5 characters
        ("abcdefgh12", "至少 3 类"),  # lower case and digits only
        ("ABCDEFGH!!", "至少 3 类"),
        ("12345678", "只包含数字"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, message):
    user = make_user(Role.STAFF)
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_a_strong_password_passes(db):
    validate_password("Jinbao@2024-ok", make_user(Role.STAFF))


def test_none_of_the_last_five_passwords(db):
    user = make_user(Role.STAFF, password="Start#Pass1")
    sequence = [f"Round#{n}Pass" for n in range(1, 6)]
    for password in sequence:
        services.password_change(user=user, password=password)
    # The current one and the four before it are refused; the sixth-last is allowed again.
    for recent in sequence:
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(recent, user)
    validate_password("Start#Pass1", user)
    assert PasswordHistory.objects.filter(user=user).count() == 5  # older hashes are forgotten


def test_history_stores_hashes_not_passwords(db):
    user = make_user(Role.STAFF, password="Visible#Pass9")
    stored = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
    assert stored and all("Visible#Pass9" not in value for value in stored)


def _age_password(user, days: int) -> None:
    PasswordHistory.objects.filter(user=user).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_an_expired_password_must_be_changed_before_anything_else(db, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    user = make_user(Role.ENGINEER)
    _age_password(user, 91)
    client, response = real_login(user.username)
    assert response.status_code == 302
    page = client.get(reverse("contracts:calendar"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("security:password_change"))
    form = client.get(page["Location"])
    assert "已于" in form.content.decode() and "过期" in form.content.decode()
    # The new password may not be the old one.
    same = client.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert same.status_code == 200 and "最近 5 次" in same.content.decode()
    done = client.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh#Pass2026", "new_password2": "Fresh#Pass2026"},
    )
    assert done.status_code == 302
    assert client.get(reverse("contracts:calendar")).status_code == 200


def test_a_password_of_89_days_still_works(db):
    user = make_user(Role.ENGINEER)
    _age_password(user, 89)
    client, _response = real_login(user.username)
    assert client.get(reverse("contracts:calendar")).status_code == 200


def test_the_expiry_follows_the_setting(db, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    user = make_user(Role.ENGINEER)
    _age_password(user, 31)
    client, _response = real_login(user.username)
    assert client.get(reverse("contracts:calendar")).status_code == 302


def test_a_reset_password_must_be_changed_at_the_next_login(db):
    sysadmin = make_user(Role.SYSADMIN)
    user = make_user(Role.FINANCE)
    old_session, _response = real_login(user.username)
    assert logged_in(old_session)

    services.password_reset(actor=sysadmin, user=user, password="Temp#Pass777")
    # Every session of the user ended with the reset.
    assert old_session.get(reverse("home")).status_code == 302
    assert not logged_in(old_session)
    client, _response = real_login(user.username, "Temp#Pass777")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("security:password_change"))
    assert "请先修改" in client.get(response["Location"]).content.decode()
    client.post(
        reverse("security:password_change"),
        {"old_password": "Temp#Pass777", "new_password1": "Mine#Pass2026", "new_password2": "Mine#Pass2026"},
    )
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="user.password_reset", object_id=str(user.pk)).exists()


def test_changing_the_password_ends_the_other_sessions_only(db):
    user = make_user(Role.PM)
    here, _r = real_login(user.username)
    elsewhere, _r = real_login(user.username)
    response = here.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": "Other#Pass2026", "new_password2": "Other#Pass2026"},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    assert not logged_in(elsewhere)
    entry = AuditEntry.objects.filter(action="auth.password_change").latest("seq")
    assert entry.actor == user and "Other#Pass2026" not in str(entry.changes)


def test_a_wrong_old_password_changes_nothing_and_keeps_the_input(db):
    user = make_user(Role.PM)
    client, _r = real_login(user.username)
    before = user.password
    response = client.post(
        reverse("security:password_change"),
        {"old_password": "wrong", "new_password1": "Other#Pass2026", "new_password2": "Other#Pass2026"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.password == before


def test_every_role_has_the_password_change_page(db, world, client):
    for user in world.users.values():
        client.force_login(user)
        assert client.get(reverse("security:password_change")).status_code == 200


def test_plain_client_sees_no_second_factor_for_staff(db):
    client = Client()
    user = make_user(Role.STAFF)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


# --- Issue 13 item 10: the weak passwords people in China actually choose ----------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Admin@123",  # the examples
        "Aa1aaaaa",
        "12345678Aa",
        "Abc@1234",
        "1qaz@WSX",  # keyboard columns
        "!QAZ2wsx",
        "Qwer!234",  # keyboard row + sequence
        "Zxcv#1234",
        "Asdf@2024",
        "P@ssw0rd1",  # leet spelling of a common word
        "Woaini@1314",
        "Huawei@123",
        "Root#2023!",
        "Jinbao@2023",  # the product's name and a year
        "Ab#13912345678",  # a mobile number
        "Pass@19900101",  # a birth date
        "Aa#147258369",  # the numeric keypad
        "Ab1!Ab1!Ab1!",  # one short piece repeated
    ],
)
def test_common_chinese_patterns_are_refused(db, password):
    user = make_user(Role.STAFF, username="zhangsan-x", full_name="测试员")
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any("常见" in m or "规律" in m for m in exc.value.messages), exc.value.messages


@pytest.mark.parametrize(
    ("username", "full_name", "password"),
    [
        ("staff1", "", "staff1Staff1!"),  # the example: the username inside
        ("eng_wang", "", "Xy#ENG_WANG9"),
        ("liqiang", "王小明", "Wangxiaoming#8"),  # the name's pinyin
        ("liqiang", "王小明", "Xiaoming!2077"),  # the given name's pinyin
        ("liqiang", "王小明", "Xiaoming.Wang7"),  # given name first
        ("liqiang", "欧阳娜娜", "Nn#ouyangnana"),
    ],
)
def test_the_username_and_the_pinyin_of_the_name_are_refused(db, username, full_name, password):
    user = make_user(Role.STAFF, username=username, full_name=full_name)
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any("用户名" in m or "姓名" in m for m in exc.value.messages), exc.value.messages


@pytest.mark.parametrize(
    "password",
    ["Zq8#t!pL0v", "Mine#Own2026", "Fresh#Pass2026", "Temp#Pass777", "蓝天白云#Tk9", "Gd7$kR2!wq"],
)
def test_passwords_without_a_pattern_pass(db, password):
    validate_password(password, make_user(Role.STAFF, username="liqiang", full_name="王小明"))
