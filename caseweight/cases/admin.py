from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseweight.accounts import scope
from caseweight.accounts.admin_scope import ALL, RoleScopedAdmin
from caseweight.cases.models import Case
from caseweight.cases.selectors import case_open_filter


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("closed", _("closed"))]

    def queryset(self, request, queryset):
        is_open = case_open_filter(on=timezone.localdate())
        if self.value() == "open":
            return queryset.filter(is_open)
        if self.value() == "closed":
            return queryset.exclude(is_open)
        return queryset


@admin.register(Case)
class CaseAdmin(RoleScopedAdmin):
    rights = {"national_analyst": ALL, "regional_manager": ALL, "supervisor": ALL}
    scoped = staticmethod(scope.cases_for)
    scoped_choices = {"site": scope.sites_for, "officer": scope.officers_for}
    list_display = ("ref", "site", "level", "language", "factors", "officer", "opened", "closed")
    list_filter = (
        OpenFilter,
        ("site", RelatedOnlyFieldListFilter),
        "security_level",
        "supervision_level",
        "language",
    )
    list_select_related = ("site", "officer")
    search_fields = ("ref", "officer__code", "officer__name", "site__code")
    date_hierarchy = "opened"

    @admin.display(description=_("level"))
    def level(self, case):
        return case.level
