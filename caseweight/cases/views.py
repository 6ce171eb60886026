"""Case rows: the site cases list and a case. Never for a union analyst (no case-level data);
an officer sees only their own cases. Access rule: see accounts.access (403 outside scope)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from caseweight import codes
from caseweight.accounts import scope
from caseweight.accounts.access import get_in_scope, require
from caseweight.cases import selectors

CASES_PER_PAGE = 50
STATUSES = ("open", "closed", "all")


@login_required
def site_cases(request, code):
    user = request.user
    require(scope.can_see_case_rows(user))
    site = get_in_scope(scope.sites_for(user).select_related("region"), code=code)
    status = request.GET.get("status") if request.GET.get("status") in STATUSES else "open"
    level = request.GET.get("level", "")
    officer_code = request.GET.get("officer", "")
    cases = selectors.case_list(
        cases=scope.cases_for(user).filter(site=site),
        on=timezone.localdate(),
        status=status,
        level=level,
        officer_code=officer_code,
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "site": site,
        "region": site.region,
        "page_obj": page,
        "status": status,
        "level": level,
        "officer_code": officer_code,
        "levels": site.security_level_list if site.kind == "institution" else codes.SUPERVISION_LEVELS,
        "officers": scope.officers_for(user).filter(site=site).order_by("code"),
    }
    return render(request, "cases/site_cases.html", context)


@login_required
def case_detail(request, ref):
    user = request.user
    require(scope.can_see_case_rows(user))
    case = get_in_scope(scope.cases_for(user).select_related("site__region", "officer"), ref=ref)
    context = {"case": case, "site": case.site, "region": case.site.region, "officer": case.officer}
    return render(request, "cases/case_detail.html", context)
