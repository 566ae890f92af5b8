"""Each role lands on its own home page with the navigation it needs and nothing more."""

import pytest
from django.urls import reverse

from accounts.roles import LOGIN_ROLES, Role
from jinbao_service.navigation import all_items, flat

EXPECTED_NAV = {
    Role.STAFF: {"home", "contracts:calendar"},
    Role.DEPT_HEAD: {"home", "contracts:calendar"},
    Role.BUREAU_ADMIN: {"home", "contracts:list", "contracts:calendar", "accounts:departments", "jobs:list"}
    | {"rosters:roster"},
    Role.ENGINEER: {"home", "contracts:list", "contracts:calendar"}
    | {"rosters:roster", "rosters:worklog_list"},
    Role.PM: {"home", "contracts:list", "contracts:calendar", "accounts:departments", "jobs:list"}
    | {"rosters:roster", "rosters:worklog_list"},
    Role.FINANCE: {"home", "contracts:list", "contracts:calendar"},
    Role.AUDITOR: {"home", "common:audit_log"},
    Role.SYSADMIN: {"home", "contracts:calendar", "accounts:departments", "security:users"},
    Role.SECADMIN: {"home", "security:users", "security:permissions", "security:lockouts"},
}
# Service requests (tickets app): every role that works requests; filing only for the departments.
for _role in (Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM):
    EXPECTED_NAV[_role] |= {"tickets:list", "tickets:signoff_list"}
for _role in (Role.STAFF, Role.DEPT_HEAD):
    EXPECTED_NAV[_role] |= {"tickets:create"}
# The score and the payments (performance, payments): read by finance, the PM and the bureau admin;
# department heads answer the survey. API tokens: in the security administrator's menu (everyone else
# who may hold one reaches them from the user menu; tests/api).
for _role in (Role.BUREAU_ADMIN, Role.PM, Role.FINANCE):
    EXPECTED_NAV[_role] |= {"performance:score", "payments:dashboard"}
EXPECTED_NAV[Role.DEPT_HEAD] |= {"performance:survey_list"}
EXPECTED_NAV[Role.SECADMIN] |= {"tokens:list"}
# Weekly reports: the PM writes them, the bureau admin and the engineers read them; statistics for the
# PM and the bureau admin.
for _role in (Role.BUREAU_ADMIN, Role.PM, Role.ENGINEER):
    EXPECTED_NAV[_role] |= {"reports:weekly_list"}
for _role in (Role.BUREAU_ADMIN, Role.PM):
    EXPECTED_NAV[_role] |= {"reports:statistics"}
# Group robots of 企业微信 / 政务微信 (channels): the bureau admin and the system administrator.
for _role in (Role.BUREAU_ADMIN, Role.SYSADMIN):
    EXPECTED_NAV[_role] |= {"channels:robots"}
# Issue 18: contract obligations (changes, contacts, ...) for those who act for or read the contract;
# the support sessions for the vendor and the bureau admin.
for _role in (Role.BUREAU_ADMIN, Role.PM, Role.ENGINEER, Role.FINANCE):
    EXPECTED_NAV[_role] |= {"contracts:changes"}
for _role in (Role.BUREAU_ADMIN, Role.PM, Role.ENGINEER):
    EXPECTED_NAV[_role] |= {"tickets:support_list"}
# Knowledge base (kb, issue 17): everyone who works requests reads it; the vendor writes it.
for _role in (Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM):
    EXPECTED_NAV[_role] |= {"kb:list"}
HOME_TITLES = {
    Role.STAFF: "我的工作台",
    Role.DEPT_HEAD: "科室负责人工作台",
    Role.BUREAU_ADMIN: "局信息化管理员工作台",
    Role.ENGINEER: "驻场工程师工作台",
    Role.PM: "项目经理工作台",
    Role.FINANCE: "财务工作台",
    Role.AUDITOR: "审计员工作台",
    Role.SYSADMIN: "系统管理员工作台",
    Role.SECADMIN: "安全管理员工作台",
}


@pytest.mark.parametrize("role", sorted(LOGIN_ROLES))
def test_each_role_has_its_home_and_navigation(role, world, client):
    client.force_login(world.users[role.value])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert HOME_TITLES[role] in response.content.decode()
    shown = {item.url_name for item in flat(response.context["nav_items"])}
    # every navigation item of the project is either expected for this role or absent
    assert shown == {name for name in EXPECTED_NAV[role] if name in {i.url_name for i in all_items()}}


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_is_chinese_and_logs_in(client, world):
    response = client.get(reverse("accounts:login"))
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    user = world.users["staff"]
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "Test@Pass123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_failed_login_is_generic_and_audited(client, world):
    from common.models import AuditEntry

    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请输入一个正确的" in body or "正确的用户名和密码" in body
    entry = AuditEntry.objects.filter(action="auth.login_failed").latest("seq")
    assert entry.object_repr == "staff_a"
    assert entry.success is False


def test_logout_needs_post_and_is_audited(client, world):
    from common.models import AuditEntry

    client.force_login(world.users["pm"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert "您已安全退出" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.logout", actor=world.users["pm"]).exists()
    assert client.get(reverse("home")).status_code == 302


def test_language_switch_to_english(client, world):
    client.force_login(world.users["bureau_admin"])
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert "Contracts" in response.content.decode()


def test_staff_home_shows_department_and_scopes(client, world):
    client.force_login(world.users["staff"])
    body = client.get(reverse("home")).content.decode()
    assert "养老保险科" in body
    assert "城镇职工社会保险管理信息系统" in body


def test_user_without_role_sees_an_explanation(client, db):
    from accounts.models import User

    user = User.objects.create_user("norole", password="x")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()
