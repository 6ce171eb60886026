"""What each account may see and do. Every page, export and admin view asks here.

officer            their own officer record, cases and absences; their site's aggregates
supervisor         everything at their site (POS, MAI, CCC manager)
regional_manager   everything in their region
national_analyst   everything (superusers too)
union_analyst      aggregate figures everywhere, never a row about one officer or one case
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer, Region, Site


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return "national_analyst"
    return user.role


def _site_filter(user) -> Q | None:
    """A filter on sites for a scoped role; None means every site."""
    role = role_of(user)
    if role in ("national_analyst", "union_analyst"):
        return None
    if role == "regional_manager":
        return Q(region_id=user.region_id)
    if role == "supervisor":
        return Q(pk=user.site_id)
    if role == "officer" and user.officer_id:
        return Q(pk=user.officer.site_id)
    return Q(pk__in=[])


def regions_for(user) -> QuerySet[Region]:
    role = role_of(user)
    if role in ("national_analyst", "union_analyst"):
        return Region.objects.all()
    if role == "regional_manager":
        # Their region even while it has no site yet (a join through sites would hide it).
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.filter(sites__in=sites_for(user)).distinct()


def sites_for(user) -> QuerySet[Site]:
    where = _site_filter(user)
    return Site.objects.all() if where is None else Site.objects.filter(where)


def officers_for(user) -> QuerySet[Officer]:
    """Officers whose record (name, FTE, languages, load, presence, reductions) the user may see:
    an officer their own; a union analyst none, only counts (DESIGN.md: never a row about one officer)."""
    if not sees_officer_rows(user):
        return Officer.objects.none()
    if role_of(user) == "officer":
        return Officer.objects.filter(pk=user.officer_id)
    return Officer.objects.filter(site__in=sites_for(user))


def sees_officer_rows(user) -> bool:
    """Whether any row about one officer may be shown to the user (an officer: their own only)."""
    return role_of(user) not in (None, "union_analyst")


def shown_officer_codes(user, codes: Iterable[str]) -> set[str]:
    """Of these officers, all of one site the user may see, those whose rows (name, load, absences,
    cases) the user may see: an officer their own, a union analyst none, the others every one.
    For rows the engine makes (loads, a week's cover), which come by code, not through a queryset."""
    if not sees_officer_rows(user):
        return set()
    if role_of(user) == "officer":
        own = user.officer.code if user.officer_id else None
        return {code for code in codes if code == own}
    return set(codes)


def cases_for(user) -> QuerySet[Case]:
    """Case rows: never for a union analyst; an officer sees only their own."""
    role = role_of(user)
    if role is None or role == "union_analyst":
        return Case.objects.none()
    if role == "officer":
        return Case.objects.filter(officer_id=user.officer_id) if user.officer_id else Case.objects.none()
    return Case.objects.filter(site__in=sites_for(user))


def absences_for(user) -> QuerySet[Absence]:
    role = role_of(user)
    if role is None or role == "union_analyst":
        return Absence.objects.none()
    if role == "officer":
        return Absence.objects.filter(officer_id=user.officer_id) if user.officer_id else Absence.objects.none()
    return Absence.objects.filter(officer__site__in=sites_for(user))


def audit_entries_for(user) -> QuerySet[AuditEntry]:
    role = role_of(user)
    if role == "national_analyst":
        return AuditEntry.objects.all()
    if role == "union_analyst":
        return AuditEntry.objects.filter(entity__in=["region", "site"])
    if role in ("supervisor", "regional_manager"):
        return AuditEntry.objects.filter(site_code__in=sites_for(user).values("code"))
    return AuditEntry.objects.none()


def can_see_case_rows(user) -> bool:
    return role_of(user) not in (None, "union_analyst")


def can_import(user) -> bool:
    """National analysts import anything; supervisors and regional managers only within their sites."""
    return role_of(user) in ("national_analyst", "regional_manager", "supervisor")


def can_export(user) -> bool:
    return role_of(user) in ("national_analyst", "regional_manager", "supervisor", "union_analyst")


def exportable_tables(user) -> tuple[str, ...]:
    """Union analysts may export the organisation only: no case, officer or absence rows."""
    role = role_of(user)
    if role == "union_analyst":
        return ("regions", "sites")
    if role in ("national_analyst", "regional_manager", "supervisor"):
        return ("regions", "sites", "officers", "cases", "absences")
    return ()


def can_view_audit(user) -> bool:
    return role_of(user) in ("national_analyst", "union_analyst", "regional_manager", "supervisor")


def import_site_codes(user) -> set[str] | None:
    """The sites whose rows this user may write by import; None means every site."""
    if role_of(user) == "national_analyst":
        return None
    return set(sites_for(user).values_list("code", flat=True))


# --- staffing policies ------------------------------------------------------------------------------

POLICY_UPLOADERS = ("national_analyst", "union_analyst")


def can_upload_policies(user) -> bool:
    """Analysts (national and union) write policies; managers and officers read them."""
    return role_of(user) in POLICY_UPLOADERS


def can_replace_policy(user, record) -> bool:
    """Whether `user` may overwrite an existing user policy file, given its upload record
    (staffing.UserPolicy, or None for a file placed in the folder by hand): its uploader may, and a
    national analyst may replace any. A file with no known uploader (placed by hand, or its
    uploader's account deleted) only a national analyst."""
    if role_of(user) == "national_analyst":
        return True
    uploader = getattr(record, "uploaded_by_id", None)
    return can_upload_policies(user) and uploader is not None and uploader == user.pk

# --- Moves between regions (issue 9, item 3) --------------------------------------------------

# Said wherever the move is refused: the importer and the admin.
SITE_REGION_MOVE_REFUSED = gettext_lazy("only a national analyst may move a site to another region")


def can_move_sites_between_regions(user) -> bool:
    """Only a national analyst: a regional manager moving a site out of their region would lose it,
    and into it would take another region's site; a supervisor never. Imports scoped to sites
    (import_site_codes is not None) are never a national analyst's, so the importer refuses the
    move in every scoped import."""
    return role_of(user) == "national_analyst"
