"""All periodic jobs of the contract, in one place (RULES §8). Times are Asia/Shanghai; each job checks
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
        "jobs.contract_changes",
        _("合同变更答复期限"),
        _("每天 08:07；答复期限当天提醒答复方，期限过后未答复的变更视为同意并使相关设置生效"),
        _("局信息化管理员、项目经理、双方项目联系人"),
        {"minute": "7", "hour": "8"},
    ),
    JobSpec(
        "jobs.contract_terminations",
        _("合同解除/终止生效提醒"),
        _("每天 08:08；生效日前若干工作日提醒双方（提前终止未确认的催对方确认），生效日告知双方及结算"),
        _("局信息化管理员、项目经理、双方项目联系人、财务"),
        {"minute": "8", "hour": "8"},
    ),
    JobSpec(
        "tickets.signoff_overdue",
        _("服务内容确认表逾期提醒"),
        _("每天 08:10；签署期限已过仍未签署的确认表，提醒所属科室一次"),
        _("科室经办人员、科室负责人"),
        {"minute": "10", "hour": "8"},
    ),
    JobSpec(
        "tickets.required_by_due",
        _("甲方要求完成日提醒"),
        _("每天 08:12；要求完成日前若干工作日提醒处理人和项目经理，逾期未完成时再告知局信息化管理员和设定人"),
        _("处理人、项目经理、局信息化管理员、科室负责人"),
        {"minute": "12", "hour": "8"},
    ),
    JobSpec(
        "tickets.pending_deadlines",
        _("补算待定的服务时限"),
        _("每小时第 15 分钟；加载新年度日历后，计算此前显示为待定的期限"),
        _("（无提醒）"),
        {"minute": "15", "hour": "*"},
    ),
    JobSpec(
        "tickets.recurring_requests",
        _("定期服务请求"),
        _("每天 07:30；按请求模板在每月或每年指定月份的第一个工作日提交一次（日历未加载时等待）"),
        _("模板指定的科室人员、科室负责人"),
        {"minute": "30", "hour": "7"},
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
        "rosters.confidentiality_missing",
        _("保密承诺书缺失提醒"),
        _("工作日 08:50；列入驻场安排而未签署保密承诺书的乙方人员，每个驻场期提醒一次"),
        _("项目经理、局信息化管理员、双方项目联系人"),
        {"minute": "50", "hour": "8"},
    ),
    JobSpec(
        "reports.weekly_draft",
        _("周报草稿"),
        _("周一至周日 15:00 与 17:00；每周最后一个工作日（含调休上班日）起草本周周报并通知项目经理"),
        _("项目经理"),
        {"minute": "0", "hour": "15,17"},
    ),
    JobSpec(
        "jobs.audit_checkpoint",
        _("审计日志校验与签名检查点"),
        _("每天 23:50；校验整条审计链，签名当前链头（序号、哈希、时间）存于数据库之外并发送给审计员"),
        _("审计员"),
        {"minute": "50", "hour": "23"},
    ),
    JobSpec(
        "channels.robot_deliveries",
        _("群机器人消息补发"),
        _("每 10 分钟；发送代理未能送出的、到了重试时间的群机器人消息，失败的列在本页下方"),
        _("（无提醒）"),
        {"minute": "*/10", "hour": "*"},
    ),
]
