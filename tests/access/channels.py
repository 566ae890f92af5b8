"""Group robots: the bureau admin chooses which groups hear what, the system administrator runs the
system's connections (both with a second factor); everyone chooses their own channels."""

from accounts.roles import Role

from . import ALL_ROLES, Rule, once_per_world

ROBOT_MANAGERS = frozenset({Role.BUREAU_ADMIN, Role.SYSADMIN})
GET_POST = ("GET", "POST")
URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-access-matrix-key"


@once_per_world
def _robot(world):
    from channels.models import Robot

    return Robot.objects.create(name="矩阵测试群", webhook_url=URL, department=world.dept_a)


def _failed_delivery(world) -> dict:
    from channels.models import Delivery

    delivery = Delivery.objects.create(
        robot=_robot(world),
        title="矩阵测试",
        payload={"msgtype": "text", "text": {"content": "x"}},
        status="failed",
    )
    return {"pk": delivery.pk}


RULES = {
    "channels:robots": Rule(ROBOT_MANAGERS),
    "channels:robot_create": Rule(ROBOT_MANAGERS, methods=GET_POST),
    "channels:robot_edit": Rule(ROBOT_MANAGERS, methods=GET_POST, kwargs=lambda w: {"pk": _robot(w).pk}),
    "channels:robot_test": Rule(ROBOT_MANAGERS, methods=("POST",), kwargs=lambda w: {"pk": _robot(w).pk}),
    "channels:deliveries": Rule(ROBOT_MANAGERS),
    "channels:delivery_resend": Rule(ROBOT_MANAGERS, methods=("POST",), kwargs=_failed_delivery),
    "channels:preferences": Rule(ALL_ROLES, methods=GET_POST),
}
