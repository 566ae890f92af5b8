"""Directory login (issue 19.1) against a real OpenLDAP server (tests/ldap_server.py): the login page,
the role and department of the group at each login, local accounts untouched, removal, the audit log's
source, no password rules for directory accounts, and a refused group map."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from accounts.models import AuthSource, User
from accounts.roles import Role
from common.errors import ServiceError
from common.models import AuditEntry
from security import services
from security.directory import check_configuration, parse_group_map

from .. import ldap_server
from ..factories import DepartmentFactory, make_user

GROUPS = f"ou=groups,{ldap_server.SUFFIX}"
GROUP_MAP = f"""
cn=yanglao-head,{GROUPS} => dept_head @ yanglao
cn=yanglao-staff,{GROUPS} => staff @ yanglao
cn=jiuye-staff,{GROUPS} => staff @ jiuye
cn=finance,{GROUPS} => finance
cn=vendor-engineers,{GROUPS} => engineer
"""
_counter = iter(range(1, 10_000))


@pytest.fixture(scope="session")
def directory():
    reason = ldap_server.available()
    if reason:
        pytest.skip(reason)
    server = ldap_server.start()
    yield server
    ldap_server.stop(server)


@pytest.fixture
def ldap_on(directory, settings, db):
    import ldap

    settings.AUTH_LDAP_SERVER_URI = directory.url
    settings.AUTH_LDAP_BIND_DN = ldap_server.BIND_DN
    settings.AUTH_LDAP_BIND_PASSWORD = ldap_server.PASSWORD
    settings.LDAP_USER_SEARCH_BASE = f"ou=people,{ldap_server.SUFFIX}"
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)"
    )
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(GROUPS, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)")
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.LDAP_GROUP_MAP = GROUP_MAP
    settings.PASSWORD_MAX_AGE_DAYS = 1
    departments = {
        "yanglao": DepartmentFactory(code="yanglao", name="养老保险科"),
        "jiuye": DepartmentFactory(code="jiuye", name="就业管理中心"),
    }
    return departments


def log_in(username, password=ldap_server.PASSWORD, ip="10.20.0.1"):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return client, response


def logged_in(response) -> bool:
    return response.status_code == 302


def fresh_person(directory, *groups) -> str:
    uid = f"person{next(_counter)}.{time.monotonic_ns() % 100000}"
    directory.add_person(uid, "新同事", groups)
    return uid


def test_a_directory_user_gets_the_role_and_department_of_their_group(ldap_on):
    client, response = log_in("zhao.lei")
    assert logged_in(response) and response["Location"] == "/"
    user = User.objects.get(username="zhao.lei")
    assert (user.role, user.department.code, user.auth_source) == (Role.STAFF, "yanglao", AuthSource.LDAP)
    assert (user.full_name, user.email, user.phone) == ("赵磊", "zhao.lei@jintan.example", "0519-82809111")
    assert not user.has_usable_password() and user.has_perm("tickets.add_ticket")
    login = AuditEntry.objects.filter(action="auth.login", actor=user).get()
    assert login.changes == {"source": "ldap"}
    created = AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).get()
    assert created.changes["auth_source"] == "ldap" and created.changes["role"] == "staff"
    assert client.get(reverse("tickets:list")).status_code == 200


def test_role_and_department_follow_the_group_at_each_login(ldap_on, directory):
    uid = fresh_person(directory, "yanglao-staff")
    assert logged_in(log_in(uid)[1])
    directory.remove_member("yanglao-staff", uid)
    directory.add_member("jiuye-staff", uid)
    assert logged_in(log_in(uid)[1])
    user = User.objects.get(username=uid)
    assert (user.role, user.department.code) == (Role.STAFF, "jiuye")
    change = AuditEntry.objects.filter(action="user.directory_update", object_id=str(user.pk)).get()
    assert change.changes["department"] == [ldap_on["yanglao"].pk, ldap_on["jiuye"].pk]
    assert change.changes["group"] == f"cn=jiuye-staff,{GROUPS}"
    directory.add_member("finance", uid)  # the first mapped group of the map's order wins
    directory.remove_member("jiuye-staff", uid)
    assert logged_in(log_in(uid)[1])
    user.refresh_from_db()
    assert (user.role, user.department) == (Role.FINANCE, None)
    assert user.groups.get().name == "role:finance"


def test_a_user_removed_from_the_directory_cannot_log_in(ldap_on, directory):
    uid = fresh_person(directory, "vendor-engineers")
    assert logged_in(log_in(uid)[1])
    directory.remove_member("vendor-engineers", uid)
    _client, response = log_in(uid)
    assert not logged_in(response)
    assert "不在任何已授权使用门户的组中" in response.content.decode()
    failed = AuditEntry.objects.filter(action="auth.login_failed").latest("seq")
    assert failed.changes["source"] == "ldap" and "已授权" in failed.changes["reason"]
    directory.delete_person(uid)
    _client, response = log_in(uid)
    assert not logged_in(response) and "不在任何" not in response.content.decode()


def test_local_accounts_keep_working_and_are_never_taken_over(ldap_on):
    local = make_user(Role.SYSADMIN, username="sysadmin", password="Local@Admin2023")
    make_user(Role.STAFF, username="local.staff", password="Local@Staff2023", department=ldap_on["yanglao"])
    # The directory also has a "sysadmin" with another password: it is never asked about local accounts.
    assert not logged_in(log_in("sysadmin")[1])
    assert not logged_in(log_in("SYSADMIN")[1])
    local.refresh_from_db()
    assert (local.role, local.auth_source, local.full_name) != (
        Role.STAFF,
        AuthSource.LDAP,
        "冒名的系统管理员",
    )
    _client, response = log_in("sysadmin", "Local@Admin2023", ip="10.20.0.2")
    assert logged_in(response)  # then the second factor, as for every administrator
    assert AuditEntry.objects.filter(action="auth.login", actor=local).get().changes == {"source": "local"}
    assert logged_in(log_in("local.staff", "Local@Staff2023", ip="10.20.0.3")[1])


def test_a_directory_account_has_no_portal_password(ldap_on, directory):
    uid = fresh_person(directory, "yanglao-staff")
    client, response = log_in(uid)
    assert logged_in(response) and response["Location"] == "/"  # no expiry gate (max age 1 day)
    page = client.get(reverse("security:password_change"))
    assert page.status_code == 200 and 'data-testid="directory-password"' in page.content.decode()
    client.post(
        reverse("security:password_change"),
        {"old_password": "x", "new_password1": "Aa@12345678x", "new_password2": "Aa@12345678x"},
    )
    user = User.objects.get(username=uid)
    assert not user.has_usable_password()
    sysadmin = make_user(Role.SYSADMIN)
    secadmin = make_user(Role.SECADMIN)
    with pytest.raises(ServiceError, match="目录账户没有门户密码"):
        services.password_reset(actor=sysadmin, user=user, password="Temp@Pass20231")
    with pytest.raises(ServiceError, match="目录组决定"):
        services.role_assign(actor=secadmin, user=user, role=Role.PM)
    with pytest.raises(ServiceError, match="目录组决定"):
        services.account_update(actor=sysadmin, user=user, department=ldap_on["jiuye"])


def test_an_account_deactivated_in_the_portal_stays_out(ldap_on, directory):
    uid = fresh_person(directory, "yanglao-staff")
    assert logged_in(log_in(uid)[1])
    User.objects.filter(username=uid).update(is_active=False)
    _client, response = log_in(uid)
    assert not logged_in(response) and "已停用" in response.content.decode()


def test_a_second_head_is_refused_with_the_reason(ldap_on):
    make_user(Role.DEPT_HEAD, department=ldap_on["yanglao"])
    _client, response = log_in("qian.hong")
    assert not logged_in(response)
    assert "该科室已有一位在任负责人" in response.content.decode()
    assert not User.objects.filter(username="qian.hong").exists()


def test_a_department_missing_in_the_portal_is_refused(ldap_on, settings):
    settings.LDAP_GROUP_MAP = f"cn=yanglao-staff,{GROUPS} => staff @ nosuchdept"
    _client, response = log_in("zhao.lei")
    assert not logged_in(response) and "nosuchdept" in response.content.decode()


def test_a_directory_that_does_not_answer_leaves_local_logins_working(ldap_on, settings):
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{s.getsockname()[1]}"  # nothing listens
    make_user(Role.PM, username="local.pm", password="Local@Pm2023x")
    started = time.monotonic()
    assert not logged_in(log_in("zhao.lei")[1])
    assert time.monotonic() - started < 10
    assert logged_in(log_in("local.pm", "Local@Pm2023x", ip="10.20.0.4")[1])


def test_without_ldap_url_the_directory_is_not_asked(ldap_on, settings):
    settings.AUTH_LDAP_SERVER_URI = ""
    assert not logged_in(log_in("zhao.lei")[1])
    assert not User.objects.filter(username="zhao.lei").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cn=a,dc=x => bureau_admin", "always local"),
        ("cn=a,dc=x => sysadmin", "always local"),
        ("cn=a,dc=x => secadmin", "always local"),
        ("cn=a,dc=x => auditor", "always local"),
        ("cn=a,dc=x => system", "always local"),
        ("cn=a,dc=x => staff", "needs '@ <department code>'"),
        ("cn=a,dc=x => pm @ yanglao", "belongs to no department"),
        ("cn=a,dc=x => boss", "unknown role"),
        ("cn=a,dc=x staff", "expected"),
        ("not a dn => finance", "is not a DN"),
        ("cn=a,dc=x => finance; CN=A, DC=X => engineer", "mapped twice"),
    ],
)
def test_the_group_map_refuses_what_must_stay_local(text, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_group_map(text)


def test_the_group_map_format():
    rules = parse_group_map("# comment\ncn=A , dc=X => staff @ yanglao ;cn=b,dc=x=>finance\n\n")
    assert [(r.group_dn, r.role, r.department) for r in rules] == [
        ("cn=a,dc=x", "staff", "yanglao"),
        ("cn=b,dc=x", "finance", ""),
    ]


def test_start_up_refuses_a_directory_without_a_map(settings):
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:389"
    settings.LDAP_GROUP_MAP = ""
    with pytest.raises(ImproperlyConfigured, match="maps no group"):
        check_configuration()
    settings.AUTH_LDAP_SERVER_URI = ""
    assert check_configuration() == []
