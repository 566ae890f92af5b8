from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_create, name="create"),
    path("export/", views.ticket_export, name="export"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/confirm/", views.ticket_confirm, name="confirm"),
    path("<int:pk>/reject/", views.ticket_reject, name="reject"),
    path("<int:pk>/cancel/", views.ticket_cancel, name="cancel"),
    path("<int:pk>/authorize/", views.ticket_authorize, name="authorize"),
    path("<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("<int:pk>/claim/", views.ticket_claim, name="claim"),
    path("<int:pk>/start/", views.ticket_start, name="start"),
    path("<int:pk>/wait/", views.ticket_wait, name="wait"),
    path("<int:pk>/resume/", views.ticket_resume, name="resume"),
    path("<int:pk>/resolve/", views.ticket_resolve, name="resolve"),
    path("<int:pk>/reopen/", views.ticket_reopen, name="reopen"),
    path("<int:pk>/close/", views.ticket_close, name="close"),
    path("<int:pk>/comment/", views.ticket_comment, name="comment"),
    path("<int:pk>/attach/", views.ticket_attach, name="attach"),
    path("<int:pk>/time/", views.ticket_time, name="time"),
    path("<int:pk>/batch-step/", views.ticket_batch_step, name="batch_step"),
    path("<int:pk>/upgrade-step/", views.ticket_upgrade_step, name="upgrade_step"),
    path("<int:pk>/emergency/", views.ticket_emergency_request, name="emergency_request"),
    path("<int:pk>/emergency/approve/", views.ticket_emergency_approve, name="emergency_approve"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("evidence/<str:kind>/<int:pk>/", views.evidence_download, name="evidence"),
    path("signoffs/", views.signoff_list, name="signoff_list"),
    path("signoffs/batch/", views.signoff_batch, name="signoff_batch"),
    path("signoffs/<int:pk>/", views.signoff_detail, name="signoff_detail"),
    path("signoffs/<int:pk>/sign/", views.signoff_sign, name="signoff_sign"),
    path("signoffs/<int:pk>/pdf/", views.signoff_pdf, name="signoff_pdf"),
    path("signoffs/<int:pk>/scan/", views.signoff_scan, name="signoff_scan"),
]
