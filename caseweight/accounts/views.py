"""The home page: what each role starts from (reads through accounts.scope, totals in selectors)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from caseweight.accounts import scope
from caseweight.cases.selectors import case_open_filter
from caseweight.organisation import selectors


@login_required
def home(request):
    user = request.user
    role = scope.role_of(user)
    today = timezone.localdate()
    context = {"role": role, "today": today}

    if role == "officer":
        # Their own record, cases and absences only (scope narrows every queryset to them).
        context["officer"] = scope.officers_for(user).select_related("site__region").first()
        context["cases"] = list(scope.cases_for(user).filter(case_open_filter(on=today)).order_by("ref"))
        context["absences"] = scope.absences_for(user).order_by("-start")
    elif role == "supervisor":
        context["sites"] = selectors.sites_with_totals(sites=scope.sites_for(user), on=today)
        week = selectors.week_containing(today)
        context["week"] = week
        context["absent_count"] = (
            selectors.site_absent_officer_count(site=user.site, week=week) if user.site_id else 0
        )
    elif role == "regional_manager":
        context["region"] = scope.regions_for(user).first()
        context["sites"] = selectors.sites_with_totals(sites=scope.sites_for(user), on=today)
    else:  # national and union analysts
        sites = scope.sites_for(user)
        context["totals"] = selectors.national_totals(sites=sites, on=today)
        context["regions"] = selectors.regions_with_totals(regions=scope.regions_for(user), sites=sites, on=today)
    return render(request, "accounts/home.html", context)
