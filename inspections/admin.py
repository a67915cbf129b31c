from django.contrib import admin

from inspections.models import ChecklistItem, ChecklistTemplate, Finding
from registry.admin import AuditedAdmin


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ("order", "code", "text", "kind", "guidance")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _answered(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _answered(obj)


def _answered(template) -> bool:
    """A version that findings answered is history: it is never edited again."""
    return template is not None and Finding.objects.filter(item__template=template).exists()


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdmin):
    list_display = ("title", "scope", "version", "is_active", "created_at")
    list_filter = ("scope", "is_active")
    inlines = [ChecklistItemInline]

    def get_readonly_fields(self, request, obj=None):
        if _answered(obj):
            # Only retiring it stays possible; a change is a new version.
            return ("scope", "version", "title", "legal_basis")
        return ()
