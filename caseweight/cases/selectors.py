"""Reads of cases for the pages. Callers pass a queryset already narrowed by accounts.scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from caseweight.cases.models import Case


def case_open_filter(*, on: dt.date, prefix: str = "") -> Q:
    """Open on a day: not closed, or closed only after that day. `prefix` reaches cases through a relation."""
    return Q(**{f"{prefix}closed__isnull": True}) | Q(**{f"{prefix}closed__gt": on})


def case_list(
    *, cases: QuerySet[Case], on: dt.date, status: str = "open", level: str = "", officer_code: str = ""
) -> QuerySet[Case]:
    """The site cases list: filter by status (open, closed, all), level and officer ('-' = unassigned)."""
    if status == "open":
        cases = cases.filter(case_open_filter(on=on))
    elif status == "closed":
        cases = cases.exclude(case_open_filter(on=on))
    if level:
        cases = cases.filter(Q(security_level=level) | Q(supervision_level=level))
    if officer_code == "-":
        cases = cases.filter(officer__isnull=True)
    elif officer_code:
        cases = cases.filter(officer__code=officer_code)
    return cases.select_related("officer", "site").order_by("ref")
