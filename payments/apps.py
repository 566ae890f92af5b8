from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW = "payments.view_payment"
NOTICES = "payments.view_paymentnotice"
API = "payments.view_settlement_api"
TOKENS = {"payments.view_apitoken", "payments.add_apitoken", "payments.change_apitoken"}


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "付款"

    nav_items = [
        NavItem(_("付款"), "payments:dashboard", "cash-coin", perms=(VIEW,), order=40),
        # In the menu of the system administrator (who administers accounts); the bureau admin, whose menu
        # is full, reaches it from the 付款 page.
        NavItem(
            _("接口令牌"),
            "payments:token_list",
            "key",
            perms=("payments.view_apitoken",),
            any_perms=("accounts.add_user",),
            order=88,
        ),
    ]

    # Finance reads and records payments and issues notices; the bureau admin and the PM read.
    # The bureau admin and the system administrator manage the API tokens.
    role_permissions = {
        "finance": {
            VIEW,
            "payments.add_payment",
            "payments.change_payment",
            NOTICES,
            "payments.add_paymentnotice",
            API,
        },
        "bureau_admin": {VIEW, NOTICES, API, *TOKENS},
        "pm": {VIEW, NOTICES, API},
        "sysadmin": set(TOKENS),
    }

    home_panels = [
        HomePanel(
            roles=frozenset({"finance"}),
            template="performance/home/lazy.html",
            context="payments.selectors.home_finance",
            order=30,
            css="col-12",
        ),
    ]
