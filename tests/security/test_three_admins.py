"""三员分立: the system administrator creates accounts, the security administrator gives them a
role, the auditor reads the log; no account holds two of these roles, none of them can turn into
another, and none of them (nor anyone) can change the audit log."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import THREE_ADMINS, Role, role_permissions
from common.errors import ServiceError
from common.models import AuditEntry, Notification
from security import services

from ..factories import DepartmentFactory, make_user
from .helpers import logged_in, real_login

ADMIN_VALUES = sorted(r.value for r in THREE_ADMINS)


def test_the_sysadmin_creates_an_account_without_a_role_and_the_secadmin_assigns_one(db, client):
    sysadmin, secadmin = make_user(Role.SYSADMIN), make_user(Role.SECADMIN)
    dept = DepartmentFactory()
    client.force_login(sysadmin)
    form = {
        "username": "newstaff",
        "full_name": "新同事",
        "email": "new@test.local",
        "phone": "0519-1234567",
        "organisation": "",
        "department": dept.pk,
        "password1": "Initial#Pass1",
        "password2": "Initial#Pass1",
    }
    bad = client.post(reverse("security:user_create"), {**form, "password2": "Other#Pass1"})
    assert bad.status_code == 200 and "两次输入的密码不一致" in bad.content.decode()
    assert 'value="新同事"' in bad.content.decode()  # what was typed stays
    weak = client.post(
        reverse("security:user_create"), {**form, "password1": "newstaff1", "password2": "newstaff1"}
    )
    assert "至少 3 类" in weak.content.decode()
    assert not User.objects.filter(username="newstaff").exists()

    response = client.post(reverse("security:user_create"), form)
    user = User.objects.get(username="newstaff")
    assert response["Location"] == reverse("security:user_detail", args=[user.pk])
    assert user.role == "" and not user.groups.exists()
    assert Notification.objects.filter(recipient=secadmin, kind="security.account_created").exists()
    # The sysadmin cannot give it a role; the secadmin can.
    assert client.get(reverse("security:user_role", args=[user.pk])).status_code == 403
    client.force_login(secadmin)
    client.post(reverse("security:user_role", args=[user.pk]), {"role": Role.STAFF})
    user.refresh_from_db()
    assert user.role == Role.STAFF and [g.name for g in user.groups.all()] == ["role:staff"]
    entry = AuditEntry.objects.filter(action="user.update", object_id=str(user.pk)).latest("seq")
    assert entry.actor == secadmin and entry.changes["role"] == ["", "staff"]
    # The new user must replace the initial password first.
    theirs, _response = real_login("newstaff", "Initial#Pass1")
    assert theirs.get(reverse("home"))["Location"].startswith(reverse("security:password_change"))


def test_a_role_that_does_not_fit_the_department_is_refused_with_the_reason(db, client):
    secadmin = make_user(Role.SECADMIN)
    user = services.account_create(
        actor=make_user(Role.SYSADMIN), username="nodept", password="Initial#Pass1"
    )
    client.force_login(secadmin)
    response = client.post(reverse("security:user_role", args=[user.pk]), {"role": Role.STAFF})
    assert response.status_code == 200 and "必须属于一个科室" in response.content.decode()
    user.refresh_from_db()
    assert user.role == ""


@pytest.mark.parametrize("old", ADMIN_VALUES)
@pytest.mark.parametrize("new", ADMIN_VALUES)
def test_an_administrator_account_never_becomes_another_administrator(db, old, new):
    if old == new:
        return
    make_user(old)  # someone else keeps the old role
    user = make_user(old)
    with pytest.raises(ServiceError, match="三员分立"):
        services.role_assign(actor=make_user(Role.SECADMIN), user=user, role=new)
    user.refresh_from_db()
    assert user.role == old


def test_nobody_changes_their_own_role_or_account(db):
    secadmin = make_user(Role.SECADMIN)
    make_user(Role.SECADMIN)
    with pytest.raises(ServiceError, match="自己的角色"):
        services.role_assign(actor=secadmin, user=secadmin, role=Role.BUREAU_ADMIN)
    sysadmin = make_user(Role.SYSADMIN)
    with pytest.raises(ServiceError, match="自己的账户"):
        services.account_set_active(actor=sysadmin, user=sysadmin, active=False)
    with pytest.raises(ServiceError, match="修改密码"):
        services.password_reset(actor=sysadmin, user=sysadmin, password="Another#Pass1")


@pytest.mark.parametrize("role", ADMIN_VALUES)
def test_the_last_holder_of_an_administrator_role_stays(db, role):
    sysadmin, secadmin = make_user(Role.SYSADMIN), make_user(Role.SECADMIN)
    target = make_user(role)
    User.objects.filter(role=role).exclude(pk=target.pk).update(is_active=False)
    with pytest.raises(ServiceError, match="唯一在用"):
        services.account_set_active(actor=sysadmin, user=target, active=False)
    with pytest.raises(ServiceError, match="唯一在用"):
        services.role_assign(actor=secadmin, user=target, role=Role.FINANCE)
    # With a second holder, both are allowed.
    make_user(role)
    services.role_assign(actor=secadmin, user=target, role=Role.FINANCE)


def test_an_administrator_account_cannot_be_a_superuser_in_the_database(db):
    user = make_user(Role.AUDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    root = User.objects.create_superuser("root", "root@test.local", "Root#Pass123")
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_assign(actor=make_user(Role.SECADMIN), user=root, role=Role.SECADMIN)


def test_every_account_holds_at_most_one_role_group(db, world):
    from accounts.roles import group_name

    for user in User.objects.prefetch_related("groups"):
        names = [g.name for g in user.groups.all()]
        assert names == ([group_name(user.role)] if user.role else []), user.username
    # …and the role groups are the only groups there are.
    assert all(g.name.startswith("role:") for g in Group.objects.all())


def test_the_three_administrators_hold_disjoint_powers(db):
    perms = role_permissions()
    sys, sec, aud = perms[Role.SYSADMIN], perms[Role.SECADMIN], perms[Role.AUDITOR]
    assert aud == {"common.view_auditentry"}  # the auditor reads the log; nothing else
    assert "common.view_auditentry" not in sys | sec
    assert not (sys & {"accounts.manage_roles", "security.unlock_login", "security.reset_two_factor"})
    assert not (sec & {"accounts.add_user", "accounts.change_user", "security.reset_password"})
    # No role anywhere may add, change or delete audit entries: those permissions do not exist.
    assert not any(
        p.startswith("common.")
        and p.split(".")[1].split("_")[0] in {"add", "change", "delete"}
        and p.endswith("auditentry")
        for held in perms.values()
        for p in held
    )


def test_the_permission_matrix_shows_every_role_and_permission(db, client):
    client.force_login(make_user(Role.SECADMIN))
    html = client.get(reverse("security:permissions")).content.decode()
    for role in Role:
        assert str(role.label) in html
    for held in role_permissions().values():
        for perm in held:
            assert perm in html


def test_the_sysadmin_edits_an_account_and_keeps_what_was_typed_on_error(db, client):
    sysadmin = make_user(Role.SYSADMIN)
    engineer = make_user(Role.ENGINEER)
    client.force_login(sysadmin)
    response = client.post(
        reverse("security:user_edit", args=[engineer.pk]),
        {"full_name": "改名", "email": "not-an-email", "phone": "", "organisation": "", "department": ""},
    )
    assert response.status_code == 200 and 'value="改名"' in response.content.decode()
    response = client.post(
        reverse("security:user_edit", args=[engineer.pk]),
        {
            "full_name": "改名",
            "email": "e@test.local",
            "phone": "",
            "organisation": "",
            "department": DepartmentFactory().pk,
        },
    )
    assert "乙方人员不属于局内科室" in response.content.decode()
    client.post(
        reverse("security:user_edit", args=[engineer.pk]),
        {"full_name": "改名", "email": "e@test.local", "phone": "", "organisation": "东软", "department": ""},
    )
    engineer.refresh_from_db()
    assert engineer.full_name == "改名"
    assert AuditEntry.objects.filter(
        action="user.update", actor=sysadmin, object_id=str(engineer.pk)
    ).exists()


def test_user_list_searches_filters_and_paginates_with_flat_queries(
    db, client, django_assert_max_num_queries
):
    sysadmin = make_user(Role.SYSADMIN)
    for n in range(40):
        make_user(Role.ENGINEER, username=f"eng-list-{n:02d}")
    client.force_login(sysadmin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("security:users"), {"role": "engineer"})
    html = response.content.decode()
    assert "eng-list-00" in html and "第 1 / 2 页" in html
    assert "eng-list-05" in client.get(reverse("security:users"), {"q": "list-05"}).content.decode()
    assert "没有符合条件的账户" in client.get(reverse("security:users"), {"q": "zzz"}).content.decode()
    # A bad filter value is ignored, not a 500.
    assert client.get(reverse("security:users"), {"role": "nope", "department": "x"}).status_code == 200


def test_deactivation_is_audited_and_reversible(db, client):
    sysadmin = make_user(Role.SYSADMIN)
    user = make_user(Role.FINANCE)
    theirs, _r = real_login(user.username)
    client.force_login(sysadmin)
    client.post(reverse("security:user_set_active", args=[user.pk]), {"active": "0"})
    assert theirs.get(reverse("home")).status_code == 302 and not logged_in(theirs)
    again = client.post(reverse("security:user_set_active", args=[user.pk]), {"active": "0"}, follow=True)
    assert "已经是" in again.content.decode()
    client.post(reverse("security:user_set_active", args=[user.pk]), {"active": "1"})
    user.refresh_from_db()
    assert user.is_active
    changes = list(
        AuditEntry.objects.filter(action="user.update", object_id=str(user.pk)).values_list(
            "changes", flat=True
        )
    )
    assert {"is_active": [True, False]} in changes and {"is_active": [False, True]} in changes
