from django.contrib import admin

from .models import InitializationRecord, JobRun, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "started_at", "finished_at", "outcome", "summary"]
    list_filter = ["outcome", "job"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["key", "title", "recipients", "sent_at"]
    search_fields = ["key", "title"]


@admin.register(InitializationRecord)
class InitializationRecordAdmin(ReadOnlyAdmin):
    list_display = ["contract", "kind", "period", "due_on", "confirmed_by", "confirmed_at"]
