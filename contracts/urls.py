from django.urls import path

from . import agreement_views as agreement
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
    # issue 18: the rest of the contract, for the contract in use
    path("changes/", agreement.changes, name="changes"),
    path("changes/new/", agreement.change_propose, name="change_propose"),
    path("changes/<int:pk>/", agreement.change_detail, name="change_detail"),
    path("changes/<int:pk>/answer/", agreement.change_answer, name="change_answer"),
    path("changes/<int:pk>/withdraw/", agreement.change_withdraw, name="change_withdraw"),
    path("confidentiality/", agreement.undertakings, name="undertakings"),
    path("confidentiality/new/", agreement.undertaking_add, name="undertaking_add"),
    path("incidents/", agreement.incidents, name="incidents"),
    path("incidents/new/", agreement.incident_add, name="incident_add"),
    path("terminations/", agreement.terminations, name="terminations"),
    path("terminations/new/", agreement.termination_give, name="termination_give"),
    path("terminations/<int:pk>/confirm/", agreement.termination_confirm, name="termination_confirm"),
    path("terminations/<int:pk>/withdraw/", agreement.termination_withdraw, name="termination_withdraw"),
    path("contacts/", agreement.contacts, name="contacts"),
    path("contacts/new/", agreement.contact_add, name="contact_add"),
    path("documents/<str:kind>/<int:pk>/", agreement.document, name="document"),
]
