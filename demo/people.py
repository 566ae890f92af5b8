"""The bureau's departments and the demo logins (people are fictional)."""

import os

from django.contrib.auth.hashers import make_password

from accounts.models import Department, User
from accounts.roles import Role
from accounts.services import department_create, user_create

DEFAULT_PASSWORD = "Jinbao@2023"

DEPARTMENTS = [
    ("yanglao", "养老保险科"),
    ("jiuye", "就业管理中心"),
    ("jumin", "城乡居民社会保险科"),
    ("gongshang", "工伤保险科"),
    ("dangan", "业务档案室"),
    ("tuixiu", "退休人员管理服务中心"),
]

# username, role, full name, department code, phone
PEOPLE = [
    ("staff1", Role.STAFF, "张敏", "yanglao", "0519-82809101"),
    ("staff1b", Role.STAFF, "刘婷", "yanglao", "0519-82809102"),
    ("head1", Role.DEPT_HEAD, "李建国", "yanglao", "0519-82809100"),
    ("staff2", Role.STAFF, "王芳", "jiuye", "0519-82809201"),
    ("head2", Role.DEPT_HEAD, "陈强", "jiuye", "0519-82809200"),
    ("staff3", Role.STAFF, "黄丽", "jumin", "0519-82809301"),
    ("head3", Role.DEPT_HEAD, "吴海燕", "jumin", "0519-82809300"),
    ("staff4", Role.STAFF, "徐斌", "gongshang", "0519-82809401"),
    ("head4", Role.DEPT_HEAD, "马俊", "gongshang", "0519-82809400"),
    ("staff5", Role.STAFF, "朱琳", "dangan", "0519-82809501"),
    ("head5", Role.DEPT_HEAD, "胡志明", "dangan", "0519-82809500"),
    ("staff6", Role.STAFF, "郭静", "tuixiu", "0519-82809601"),
    ("head6", Role.DEPT_HEAD, "林峰", "tuixiu", "0519-82809600"),
    ("bureau", Role.BUREAU_ADMIN, "刘洋", None, "0519-82809011"),
    ("finance", Role.FINANCE, "钱丽", None, "0519-82809050"),
    ("auditor", Role.AUDITOR, "郑洁", None, "0519-82809060"),
    ("sysadmin", Role.SYSADMIN, "冯伟", None, "0519-82809070"),
    ("secadmin", Role.SECADMIN, "何静", None, "0519-82809080"),
    ("pm", Role.PM, "赵鹏", None, "138 1500 2301"),
    ("eng1", Role.ENGINEER, "周磊", None, "138 1500 2302"),
    ("eng2", Role.ENGINEER, "孙浩", None, "138 1500 2303"),
    ("eng3", Role.ENGINEER, "吴涛", None, "138 1500 2304"),
]

LOGINS_SHOWN = [
    "staff1",
    "head1",
    "bureau",
    "eng1",
    "pm",
    "finance",
    "auditor",
    "sysadmin",
    "secadmin",
    "staff2",
    "head2",
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def load_people(ctx) -> None:
    departments = {}
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        departments[code] = department_create(code=code, name=name, order=order)
    users = {}
    for username, role, full_name, dept_code, phone in PEOPLE:
        organisation = (
            "东软集团股份有限公司" if role in {Role.ENGINEER, Role.PM} else "常州市金坛区人力资源和社会保障局"
        )
        users[username] = user_create(
            username=username,
            role=role,
            password=None,
            department=departments.get(dept_code) if dept_code else None,
            full_name=full_name,
            email=f"{username}@jinbao.local",
            phone=phone,
            organisation=organisation,
        )
    # One hash for every demo login: hashing 22 passwords one by one costs seconds on each `make run`.
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=make_password(demo_password()))
    ctx.departments = departments
    ctx.users = users


def is_loaded() -> bool:
    return User.objects.filter(username="bureau").exists() or Department.objects.exists()
