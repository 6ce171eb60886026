"""Regions, sites and officers. Thin views: scope (accounts.scope) → selectors → template.

Access rule for every page (see accounts.access): signed out → sign-in page; outside one's scope
or role → 403; unknown code → 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from caseweight import codes
from caseweight.accounts import scope
from caseweight.accounts.access import get_in_scope, require
from caseweight.cases.selectors import case_open_filter
from caseweight.organisation import selectors


def _week_from(request) -> tuple[selectors.Week, str | None]:
    """The week asked for by ?week=YYYY-MM-DD (any day of it), else the week containing today,
    with the reason when a week was asked for and cannot be shown."""
    asked = request.GET.get("week", "")
    today = selectors.week_containing(timezone.localdate())
    if not asked:
        return today, None
    try:
        day = dt.date.fromisoformat(asked)
    except ValueError:
        return today, _("%(week)s is not a date (for example 2026-07-08): showing this week.") % {"week": asked[:40]}
    if not codes.FIRST_YEAR_SHOWN <= day.year <= codes.LAST_YEAR_SHOWN:
        # Near year 1 or 9999 the previous / next week links would overflow the calendar.
        return today, _("%(week)s is outside the years %(first)d to %(last)d: showing this week.") % {
            "week": asked, "first": codes.FIRST_YEAR_SHOWN, "last": codes.LAST_YEAR_SHOWN}  # fmt: skip
    return selectors.week_containing(day), None


@login_required
def region_list(request):
    user = request.user
    regions = selectors.regions_with_totals(
        regions=scope.regions_for(user), sites=scope.sites_for(user), on=timezone.localdate()
    )
    return render(request, "organisation/region_list.html", {"regions": regions})


@login_required
def region_detail(request, code):
    user = request.user
    region = get_in_scope(scope.regions_for(user), code=code)
    sites = selectors.sites_with_totals(sites=scope.sites_for(user).filter(region=region), on=timezone.localdate())
    return render(request, "organisation/region_detail.html", {"region": region, "sites": sites})


@login_required
def site_detail(request, code):
    user = request.user
    site = get_in_scope(scope.sites_for(user).select_related("region"), code=code)
    today = timezone.localdate()
    week, week_error = _week_from(request)
    # Officers: a supervisor and up see the site's officers; an officer only their own row; a union
    # analyst none (the counts and FTE above). Who is away is personal data: absences_for is
    # likewise narrowed, and a union analyst gets the count only.
    officers = selectors.officers_with_caseload(officers=scope.officers_for(user).filter(site=site), on=today)
    absences = selectors.absences_in_week(absences=scope.absences_for(user).filter(officer__site=site), week=week)
    site_totals = selectors.sites_with_totals(sites=scope.sites_for(user).filter(pk=site.pk), on=today).get()
    context = {
        "site": site,
        "region": site.region,
        "totals": site_totals,
        "levels": selectors.site_open_cases_by_level(site=site, on=today),
        "officers": officers,
        "sees_all_officers": scope.role_of(user) != "officer",
        "week": week,
        "week_error": week_error,
        "is_this_week": week == selectors.week_containing(today),
        "absent_count": selectors.site_absent_officer_count(site=site, week=week),
        "absences": absences,
        "sees_officer_rows": scope.sees_officer_rows(user),
        "can_see_case_rows": scope.can_see_case_rows(user),
    }
    return render(request, "organisation/site_detail.html", context)


@login_required
def officer_detail(request, code):
    """An officer's cases and absences: never for a union analyst; an officer sees only their own."""
    user = request.user
    require(scope.can_see_case_rows(user))
    officer = get_in_scope(scope.officers_for(user).select_related("site__region"), code=code)
    today = timezone.localdate()
    cases = scope.cases_for(user).filter(case_open_filter(on=today), officer=officer).order_by("ref")
    absences = scope.absences_for(user).filter(officer=officer).order_by("-start")
    context = {
        "officer": officer,
        "site": officer.site,
        "region": officer.site.region,
        "cases": list(cases),
        "absences": absences,
    }
    return render(request, "organisation/officer_detail.html", context)
