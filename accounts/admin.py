from django.contrib import admin

from common.admin import AuditedModelAdmin

from .models import Department


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    search_fields = ["name", "code"]
