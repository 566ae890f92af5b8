from django.contrib import admin
from django.urls import include, path

from security import views as security_views

from . import home

admin.site.site_header = "金保服务运维门户 · 管理后台"
admin.site.site_title = "金保服务运维门户"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("contracts/", include("contracts.urls")),
    path("jobs/", include("jobs.urls")),
    path("channels/", include("channels.urls")),
    path("rosters/", include("rosters.urls")),
    path("tickets/", include("tickets.urls")),
    path("performance/", include("performance.urls")),
    path("payments/", include("payments.urls")),
    path("api/", include("api.urls")),
    path("tokens/", include("api.page_urls")),
    path("reports/", include("reports.urls")),
    path("kb/", include("kb.urls")),
    path("", include("common.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("security/", include("security.urls")),
    path("admin/login/", security_views.admin_login, name="admin_login"),
    # The admin's own password change skipped the portal's rules and audit: the portal's page does it.
    path("admin/password_change/", security_views.admin_password_change, name="admin_password_change"),
    path("admin/", admin.site.urls),
]

# The database's errors (a restart) get the 503 page; everything else the usual 500 page.
handler500 = "common.unavailable.server_error"
