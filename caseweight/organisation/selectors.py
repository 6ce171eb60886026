"""Reads for the organisation pages: totals computed by the database, a fixed number of queries
per page whatever the number of sites, officers or cases (no N+1).

Callers pass querysets already narrowed by accounts.scope; these functions only aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from caseweight import codes
from caseweight.cases.models import Case
from caseweight.cases.selectors import case_open_filter
from caseweight.organisation.models import Absence, Officer, Region, Site

FTE_FIELD = DecimalField(max_digits=12, decimal_places=3)


@dataclass(frozen=True)
class Week:
    """Monday to Sunday."""

    monday: dt.date

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week(self.monday - dt.timedelta(days=7))

    @property
    def next(self) -> Week:
        return Week(self.monday + dt.timedelta(days=7))


def week_containing(day: dt.date) -> Week:
    return Week(day - dt.timedelta(days=day.weekday()))


def _per_group(queryset: QuerySet, *, group: str, total) -> Subquery:
    """One aggregate per outer row, as a correlated subquery.

    Several Count/Sum over different joins in one GROUP BY multiply each other (an officer's FTE
    counted once per case); a subquery per figure keeps each one right and the page one query.
    """
    return Subquery(
        queryset.filter(**{group: OuterRef("pk")}).order_by().values(group).annotate(total=total).values("total")
    )


def sites_with_totals(*, sites: QuerySet[Site], on: dt.date) -> QuerySet[Site]:
    """Sites annotated with open_cases, officer_count and fte."""
    open_cases = Case.objects.filter(case_open_filter(on=on))
    return sites.select_related("region").annotate(
        open_cases=Coalesce(_per_group(open_cases, group="site", total=Count("pk")), Value(0), output_field=IntegerField()),
        officer_count=Coalesce(
            _per_group(Officer.objects.all(), group="site", total=Count("pk")), Value(0), output_field=IntegerField()
        ),
        fte=Coalesce(
            _per_group(Officer.objects.all(), group="site", total=Sum("fte")), Value(Decimal("0")), output_field=FTE_FIELD
        ),
    )


def regions_with_totals(*, regions: QuerySet[Region], sites: QuerySet[Site], on: dt.date) -> QuerySet[Region]:
    """Regions annotated with site_count, open_cases, officer_count and fte, counting only `sites`
    (a supervisor's view of Ontario counts their own site, not the whole region)."""
    open_cases = Case.objects.filter(case_open_filter(on=on), site__in=sites)
    officers = Officer.objects.filter(site__in=sites)
    return regions.annotate(
        site_count=Coalesce(_per_group(sites, group="region", total=Count("pk")), Value(0), output_field=IntegerField()),
        open_cases=Coalesce(
            _per_group(open_cases, group="site__region", total=Count("pk")), Value(0), output_field=IntegerField()
        ),
        officer_count=Coalesce(
            _per_group(officers, group="site__region", total=Count("pk")), Value(0), output_field=IntegerField()
        ),
        fte=Coalesce(
            _per_group(officers, group="site__region", total=Sum("fte")), Value(Decimal("0")), output_field=FTE_FIELD
        ),
    )


@dataclass(frozen=True)
class NationalTotals:
    sites_by_kind: list[tuple[str, int]]  # (kind code, number of sites), in the order of codes.SITE_KINDS
    cases_in_custody: int
    cases_in_community: int
    officers: int
    fte: Decimal


def national_totals(*, sites: QuerySet[Site], on: dt.date) -> NationalTotals:
    by_kind = dict(sites.order_by().values_list("kind").annotate(n=Count("pk")))
    cases = Case.objects.filter(case_open_filter(on=on), site__in=sites).aggregate(
        custody=Count("pk", filter=Q(site__kind="institution")),
        community=Count("pk", filter=~Q(site__kind="institution")),
    )
    officers = Officer.objects.filter(site__in=sites).aggregate(n=Count("pk"), fte=Sum("fte"))
    return NationalTotals(
        sites_by_kind=[(kind, by_kind.get(kind, 0)) for kind in codes.SITE_KINDS],
        cases_in_custody=cases["custody"],
        cases_in_community=cases["community"],
        officers=officers["n"],
        fte=officers["fte"] or Decimal("0"),
    )


def site_open_cases_by_level(*, site: Site, on: dt.date) -> list[tuple[str, int]]:
    """(level, open cases): security levels for an institution, supervision levels elsewhere.

    Every level the site holds is listed, with 0 when it has no case, so a gap shows."""
    level_field = "security_level" if site.kind == "institution" else "supervision_level"
    counts = dict(
        Case.objects.filter(case_open_filter(on=on), site=site).order_by().values_list(level_field).annotate(n=Count("pk"))
    )
    levels = site.security_level_list if site.kind == "institution" else list(codes.SUPERVISION_LEVELS)
    # A level no longer held by the site but still on open cases is shown too, not lost.
    levels += [level for level in counts if level not in levels]
    return [(level, counts.get(level, 0)) for level in levels]


def officers_with_caseload(*, officers: QuerySet[Officer], on: dt.date) -> QuerySet[Officer]:
    """Officers annotated with open_cases: their current open caseload."""
    return officers.annotate(open_cases=Count("cases", filter=case_open_filter(on=on, prefix="cases__")))


def absences_in_week(*, absences: QuerySet[Absence], week: Week) -> QuerySet[Absence]:
    """Absences overlapping the week (start on or before Sunday, end on or after Monday)."""
    return absences.filter(start__lte=week.sunday, end__gte=week.monday).select_related("officer").order_by(
        "officer__code", "start"
    )


def site_absent_officer_count(*, site: Site, week: Week) -> int:
    """How many of the site's officers are away at some point in the week: an aggregate anyone who
    may see the site may see, even a union analyst, who may not see who."""
    return (
        Officer.objects.filter(site=site, absences__start__lte=week.sunday, absences__end__gte=week.monday)
        .distinct()
        .count()
    )
