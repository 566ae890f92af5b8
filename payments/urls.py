from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("home-panel/", views.home_panel, name="home_panel"),
    path("record/", views.payment_create, name="payment_create"),
    path("<int:pk>/", views.payment_detail, name="payment_detail"),
    path("<int:pk>/invoice/", views.payment_invoice, name="payment_invoice"),
    path("<int:pk>/void/", views.payment_void, name="payment_void"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
]
