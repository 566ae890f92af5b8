from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("weekly/", views.weekly_list, name="weekly_list"),
    path("weekly/draft/", views.weekly_draft, name="weekly_draft"),
    path("weekly/<int:pk>/", views.weekly_detail, name="weekly_detail"),
    path("weekly/<int:pk>/edit/", views.weekly_edit, name="weekly_edit"),
    path("weekly/<int:pk>/refresh/", views.weekly_refresh, name="weekly_refresh"),
    path("weekly/<int:pk>/publish/", views.weekly_publish, name="weekly_publish"),
    path("weekly/<int:pk>/pdf/", views.weekly_pdf, name="weekly_pdf"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
]
