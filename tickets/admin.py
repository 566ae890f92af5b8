from django.contrib import admin

from common.admin import ReadOnlyModelAdmin

from .models import SignOff, Ticket


@admin.register(Ticket)
class TicketAdmin(ReadOnlyModelAdmin):
    """Read-mostly: requests change through the portal's services, so their rules and audit apply."""

    list_display = ["id", "title", "kind", "department", "status", "priority", "created_at", "resolve_due_at"]
    list_filter = ["status", "kind", "priority", "department"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "department", "status", "due_on", "signed_at", "late"]
    list_filter = ["status", "late", "department"]
