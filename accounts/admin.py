from django.contrib import admin

from common.admin import ReadOnlyModelAdmin

from .models import Department


@admin.register(Department)
class DepartmentAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    search_fields = ["name", "code"]
