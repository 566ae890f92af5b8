"""All periodic jobs of the contract, in one place (SPEC §8). Times are Asia/Shanghai; each job checks
the working-day calendar itself. Editable at run time in the admin (django-celery-beat)."""

from django.utils.translation import gettext_lazy as _

from jobs.schedule import JobSpec

SCHEDULE = [
    JobSpec(
        "jobs.monthly_initialization",
        _("月度初始化提醒"),
        _("每天 08:00 检查；每月第一个工作日发出，并建立待确认的初始化记录"),
        _("项目经理、局信息化管理员"),
        {"minute": "0", "hour": "8"},
    ),
    JobSpec(
        "jobs.annual_initialization",
        _("年度初始化提醒"),
        _("每天 08:05 检查；12 月最后一个工作日发出，并建立待确认的年度初始化记录"),
        _("项目经理、局信息化管理员"),
        {"minute": "5", "hour": "8"},
    ),
    JobSpec(
        "jobs.calendar_next_year",
        _("下一年度工作日历缺失提醒"),
        _("每天 09:00 检查；从 11 月起，下一年放假安排未加载时每周提醒一次"),
        _("局信息化管理员"),
        {"minute": "0", "hour": "9"},
    ),
    JobSpec(
        "tickets.signoff_overdue",
        _("服务内容确认表逾期提醒"),
        _("每天 08:10；签署期限已过仍未签署的确认表，提醒所属科室一次"),
        _("科室经办人员、科室负责人"),
        {"minute": "10", "hour": "8"},
    ),
    JobSpec(
        "tickets.pending_deadlines",
        _("补算待定的服务时限"),
        _("每小时第 15 分钟；加载新年度日历后，计算此前显示为待定的期限"),
        _("（无提醒）"),
        {"minute": "15", "hour": "*"},
    ),
    JobSpec(
        "performance.satisfaction_survey",
        _("满意度调查发出与催办"),
        _("每天 08:20；每期最后一个工作日发出问卷，截止前一个工作日提醒未答复者，截止后告知局信息化管理员"),
        _("科室负责人、局信息化管理员"),
        {"minute": "20", "hour": "8"},
    ),
    JobSpec(
        "payments.payment_reminders",
        _("付款到期与逾期提醒"),
        _("每天 08:30；应付日前若干工作日提醒财务，逾期、达到解约期限时提醒财务和局信息化管理员"),
        _("财务、局信息化管理员"),
        {"minute": "30", "hour": "8"},
    ),
    JobSpec(
        "rosters.staff_change_deadlines",
        _("人员变动审批与交接期限提醒"),
        _("每天 08:40；申请待审批、生效日前 5 个工作日交接未确认、生效日仍未确认交接时各提醒一次"),
        _("项目经理、局信息化管理员"),
        {"minute": "40", "hour": "8"},
    ),
    JobSpec(
        "rosters.duty_list_due",
        _("节假日值班表提交提醒"),
        _("每天 08:45；值班表提交期限前 5 个工作日起提醒项目经理，逾期未提交时同时提醒局信息化管理员"),
        _("项目经理、局信息化管理员"),
        {"minute": "45", "hour": "8"},
    ),
    JobSpec(
        "reports.weekly_draft",
        _("周报草稿"),
        _("周一至周日 15:00 与 17:00；每周最后一个工作日（含调休上班日）起草本周周报并通知项目经理"),
        _("项目经理"),
        {"minute": "0", "hour": "15,17"},
    ),
]
