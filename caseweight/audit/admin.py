from django.contrib import admin

from caseweight.accounts import scope
from caseweight.accounts.admin_scope import VIEW, RoleScopedAdmin
from caseweight.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleScopedAdmin):
    """Read-only for everyone, superusers included: the trail must not be rewritten."""

    rights = {"national_analyst": VIEW, "regional_manager": VIEW, "supervisor": VIEW}
    scoped = staticmethod(scope.audit_entries_for)
    list_display = ("at", "actor_label", "source", "action", "entity", "entity_key", "site_code")
    list_filter = ("entity", "action", "source")
    search_fields = ("entity_key", "actor_label", "site_code")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "actor_label", "source", "action", "entity", "entity_key", "site_code", "before", "after")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
