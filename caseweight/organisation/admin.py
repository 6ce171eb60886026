from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseweight.accounts import scope
from caseweight.accounts.admin_scope import ALL, VIEW, RoleScopedAdmin
from caseweight.organisation.models import Absence, Officer, Region, Site


@admin.register(Region)
class RegionAdmin(RoleScopedAdmin):
    # Regions are national: only national analysts change them; managers see their own.
    rights = {"national_analyst": ALL, "regional_manager": VIEW, "supervisor": VIEW}
    scoped = staticmethod(scope.regions_for)
    list_display = ("code", "name", "name_fr")
    search_fields = ("code", "name", "name_fr")


@admin.register(Site)
class SiteAdmin(RoleScopedAdmin):
    # A regional manager runs the sites of their region; a supervisor may correct their own site.
    rights = {"national_analyst": ALL, "regional_manager": ALL, "supervisor": frozenset({"view", "change"})}
    scoped = staticmethod(scope.sites_for)
    scoped_choices = {"region": scope.regions_for}
    list_display = ("code", "name", "region", "kind", "security_levels", "languages")
    list_filter = (("region", RelatedOnlyFieldListFilter), "kind")
    list_select_related = ("region",)
    search_fields = ("code", "name")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        region = form.base_fields.get("region")
        if obj is not None and region is not None and not scope.can_move_sites_between_regions(request.user):
            # The site keeps its region: offer only that one, and refuse any other in the rule's words.
            region.queryset = Region.objects.filter(pk=obj.region_id)
            region.error_messages = {**region.error_messages, "invalid_choice": scope.SITE_REGION_MOVE_REFUSED}
        return form


@admin.register(Officer)
class OfficerAdmin(RoleScopedAdmin):
    rights = {"national_analyst": ALL, "regional_manager": ALL, "supervisor": ALL}
    scoped = staticmethod(scope.officers_for)
    scoped_choices = {"site": scope.sites_for}
    list_display = ("code", "name", "site", "role", "fte", "languages", "specialisations")
    list_filter = (("site", RelatedOnlyFieldListFilter), "role")
    list_select_related = ("site",)
    search_fields = ("code", "name", "site__code")


@admin.register(Absence)
class AbsenceAdmin(RoleScopedAdmin):
    rights = {"national_analyst": ALL, "regional_manager": ALL, "supervisor": ALL}
    scoped = staticmethod(scope.absences_for)
    scoped_choices = {"officer": scope.officers_for}
    list_display = ("officer", "site", "kind", "start", "end")
    list_filter = ("kind", ("officer__site", RelatedOnlyFieldListFilter))
    list_select_related = ("officer__site",)
    search_fields = ("officer__code", "officer__name")
    date_hierarchy = "start"

    @admin.display(description=_("site"), ordering="officer__site__code")
    def site(self, absence):
        return absence.officer.site.code

    def response_add(self, request, obj, post_url_continue=None):
        """An absence just recorded: point to the plan that shares out the officer's cases."""
        if obj.officer.cases.filter(closed__isnull=True).exists():
            messages.info(request, format_html(
                gettext('{name} carries cases: <a href="{url}">plan who covers them during the absence</a>.'),
                name=obj.officer.name, url=reverse("distribution_redistribute", args=[obj.pk]),
            ))  # fmt: skip
        return super().response_add(request, obj, post_url_continue)
