"""The 2023 contract as signed (RULES §2), and the current contract in progress."""

import datetime as dt
from decimal import Decimal

from common import clock
from contracts.services import contract_copy, contract_create_with_defaults

CONTRACT_2023 = {
    "number": "JTRS-JB-2023-001",
    "name": "常州市金坛区“金保工程”软件系统维保项目",
    "signed_on": dt.date(2023, 1, 10),
    "start_on": dt.date(2023, 1, 1),
    "end_on": dt.date(2023, 12, 31),
    "location": "常州市金坛区",
    "total_amount": Decimal("600000.00"),
    "confidentiality_years": 2,
    "client_name": "常州市金坛区人力资源和社会保障局",
    "client_address": "江苏省常州市金坛区东门大街 67 号",
    "client_legal_rep": "吴英",
    "client_contact": "谢勤",
    "client_phone": "0519-82809011",
    "client_fax": "0519-82884454",
    "client_email": "jtldhhq@163.com",
    "client_bank": "工行金坛思古街支行",
    "client_account": "1105060029280000105",
    "vendor_name": "东软集团股份有限公司",
    "vendor_address": "沈阳市浑南新区新秀街 2 号 110179",
    "vendor_legal_rep": "刘积仁",
    "vendor_contact": "吴越",
    "vendor_phone": "024-23783000",
    "vendor_fax": "024-23783616",
    "vendor_email": "wu_yue@neusoft.com",
    "vendor_bank": "招商银行股份有限公司沈阳南湖科技开发区支行",
    "vendor_account_name": "东软集团股份有限公司",
    "vendor_account": "240380425610001",
}


def load_contracts(ctx) -> None:
    admin = ctx.users["bureau"]
    with clock.frozen_at(clock.aware(dt.date(2023, 1, 10), 10, 0)):
        ctx.contract_2023 = contract_create_with_defaults(actor=admin, **CONTRACT_2023)
    with clock.frozen_at(clock.aware(dt.date(2026, 1, 12), 9, 30)):
        ctx.contract_current = contract_copy(
            source=ctx.contract_2023,
            number="JTRS-JB-2026-001",
            name="常州市金坛区“金保工程”软件系统维保项目（2026 年度）",
            signed_on=dt.date(2026, 1, 12),
            start_on=dt.date(2026, 1, 1),
            end_on=dt.date(2026, 12, 31),
            actor=admin,
        )
