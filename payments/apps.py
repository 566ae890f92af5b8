from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW = "payments.view_payment"
NOTICES = "payments.view_paymentnotice"
API = "payments.view_settlement_api"


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("付款")

    nav_items = [
        NavItem(_("付款"), "payments:dashboard", "cash-coin", perms=(VIEW,), order=40),
    ]

    # Finance reads and records payments and issues notices; the bureau admin and the PM read.
    # (API tokens: the api app.)
    role_permissions = {
        "finance": {
            VIEW,
            "payments.add_payment",
            "payments.change_payment",
            NOTICES,
            "payments.add_paymentnotice",
            API,
        },
        "bureau_admin": {VIEW, NOTICES, API},
        "pm": {VIEW, NOTICES, API},
    }

    # Lower apps' writes that could make the valid payments exceed what is due (common.hooks).
    hooks = {
        "score.before_unlock": ["payments.services.refuse_unlock_after_final_paid"],
        "contract.terms_saved": ["payments.services.refuse_terms_below_paid"],
    }

    home_panels = [
        HomePanel(
            roles=frozenset({"finance"}),
            template="home/lazy.html",
            context="payments.selectors.home_finance",
            order=30,
            css="col-12",
        ),
    ]
