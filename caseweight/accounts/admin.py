from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from caseweight.accounts.admin_scope import ALL, RoleScopedAdmin
from caseweight.accounts.models import User

admin.site.site_header = _("Caseweight administration")
admin.site.site_title = _("Caseweight administration")
admin.site.index_title = _("Tables")


@admin.register(User)
class UserAdmin(RoleScopedAdmin, DjangoUserAdmin):
    """Accounts: national analysts only. Giving someone a role is giving them data, so managers
    and supervisors cannot; and only a superuser may see, make or change a superuser."""

    rights = {"national_analyst": ALL}
    list_display = ("username", "first_name", "last_name", "role", "region", "site", "officer", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active", "region")
    list_select_related = ("region", "site", "officer")
    search_fields = ("username", "first_name", "last_name", "email", "officer__code", "site__code")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role and scope"), {"fields": ("role", "region", "site", "officer")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ("role", "region", "site", "officer")}),
    )
    raw_id_fields = ("officer",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")
