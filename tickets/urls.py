from django.urls import path

from . import support_views, views, views_find
from .actions import ACTIONS

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_create, name="create"),
    path("export/", views.ticket_export, name="export"),
    path("similar/", views_find.similar, name="similar"),
    path("views/save/", views_find.view_save, name="view_save"),
    path("bulk/", views_find.bulk_action, name="bulk"),
    path("templates/", views_find.template_list, name="templates"),
    path("templates/new/", views_find.template_edit, name="template_new"),
    path("templates/<int:pk>/", views_find.template_edit, name="template_edit"),
    path("templates/<int:pk>/use/", views_find.template_use, name="template_use"),
    path("views/<int:pk>/delete/", views_find.view_delete, name="view_delete"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/link/", views_find.ticket_link, name="link"),
    # Every action on a request: "<pk>/<path>/" named after its row of the table (tickets.actions).
    *(
        path(f"<int:pk>/{action.path}/", views.ACTION_VIEWS[name], name=name)
        for name, action in ACTIONS.items()
    ),
    path("<int:pk>/support/", support_views.ticket_support, name="support"),
    path("<int:pk>/required-by/", support_views.ticket_required_by, name="required_by"),
    path("support/", support_views.support_list, name="support_list"),
    path("support/new/", support_views.support_add, name="support_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("evidence/<str:kind>/<int:pk>/", views.evidence_download, name="evidence"),
    path("signoffs/", views.signoff_list, name="signoff_list"),
    path("signoffs/batch/", views.signoff_batch, name="signoff_batch"),
    path("signoffs/<int:pk>/", views.signoff_detail, name="signoff_detail"),
    path("signoffs/<int:pk>/sign/", views.signoff_sign, name="signoff_sign"),
    path("signoffs/<int:pk>/pdf/", views.signoff_pdf, name="signoff_pdf"),
    path("signoffs/<int:pk>/scan/", views.signoff_scan, name="signoff_scan"),
]
