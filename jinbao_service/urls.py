from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from security import views as security_views

admin.site.site_header = "金保服务运维门户 · 管理后台"
admin.site.site_title = "金保服务运维门户"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("contracts/", include("contracts.urls")),
    path("jobs/", include("jobs.urls")),
    path("rosters/", include("rosters.urls")),
    path("tickets/", include("tickets.urls")),
    path("performance/", include("performance.urls")),
    path("payments/", include("payments.urls")),
    path("api/", include("payments.api_urls")),
    path("reports/", include("reports.urls")),
    path("", include("common.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("security/", include("security.urls")),
    path("admin/login/", security_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
