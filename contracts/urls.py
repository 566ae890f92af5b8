from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("switch/", views.contract_switch, name="switch"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/copy/", views.contract_copy, name="copy"),
    path("<int:pk>/history/", views.contract_history, name="history"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/load/", views.calendar_load, name="calendar_load"),
]
