"""Reads for distribution: the engine's SiteWorkload for a site from the database, policies, flags.

Callers pass objects already checked against accounts.scope; these functions only read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.cases.selectors import case_open_filter
from caseweight.distribution.models import (
    COUNTED_FLAG_STATES,
    ENGINE_REDUCTION_REASON,
    Assignment,
    CaseFlag,
    ComplexityAssessment,
    Cover,
    Reduction,
)
from caseweight.engine import COUNTED_ROLES, Policy, load_policy
from caseweight.engine import workload as wl
from caseweight.organisation.models import Absence, Officer, Site
from caseweight.staffing.selectors import policy_search_dirs


def distribution_policy(name: str | None = None) -> Policy:
    return load_policy(name or settings.DEFAULT_POLICY, search_dirs=policy_search_dirs())


def approved_flag_hours(*, cases: QuerySet[Case] | Iterable[int]) -> dict[int, float]:
    """Approved (or changed) flag hours a month by case id."""
    rows = (
        CaseFlag.objects.filter(case__in=cases, state__in=COUNTED_FLAG_STATES)
        .values("case_id")
        .annotate(hours=Sum("approved_hours"))
    )
    return {row["case_id"]: float(row["hours"] or 0) for row in rows}


def former_officers(*, cases: QuerySet[Case]) -> dict[int, tuple[str, ...]]:
    """Officer codes who held each case before its current officer, most recent first: those given
    it and those it was taken from, by the assignment history."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = Assignment.objects.filter(case__in=cases).order_by("-at", "-pk").values_list(
        "case_id", "officer__code", "from_officer__code", "case__officer__code"
    )
    for case_id, given, taken_from, current in rows:
        for code in (given, taken_from):  # in a row, `given` is the later holder
            if code is not None and code != current and code not in out[case_id]:
                out[case_id].append(code)
    return {k: tuple(v) for k, v in out.items()}


def covering_officers(*, cases: QuerySet[Case] | Iterable[int], start: dt.date, end: dt.date) -> dict[int, str]:
    """Who covers each case for the period `start`..`end` (officer code by case id), for the cases
    that a colleague covers.

    A cover is in force when its absence overlaps the period, and it applies when its absent
    officer is carrying the case: start from the case's officer and follow the covers (A absent,
    B covers; B absent in turn, C covers B's absence) to the last carrier. A cover left behind by
    a permanent reassignment no longer applies, since its absent officer no longer carries the case.
    """
    covers: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    rows = (
        Cover.objects.filter(case__in=cases, absence__start__lte=end, absence__end__gte=start)
        .order_by("-at", "-pk")
        .values_list("case_id", "absence__officer_id", "officer__code", "officer_id", "case__officer_id")
    )
    owners = {}
    for case_id, absent_id, code, officer_id, owner_id in rows:
        covers[case_id].append((absent_id, code, officer_id))
        owners[case_id] = owner_id
    out = {}
    for case_id, entries in covers.items():
        carrier, code, used = owners[case_id], None, set()
        while True:  # the latest cover of the carrier's absence, until none is left
            step = next((i for i, e in enumerate(entries) if e[0] == carrier and i not in used), None)
            if step is None:
                break
            used.add(step)
            _absent, code, carrier = entries[step]
        if code is not None and carrier != owners[case_id]:
            out[case_id] = code
    return out


def cover_ends(*, officer: Officer, refs: Iterable[str], period: tuple[dt.date, dt.date]) -> dict[str, dt.date]:
    """When the officer's covers in force for the period end (the covered absence's last day), by case ref."""
    rows = Cover.objects.filter(
        officer=officer, case__ref__in=list(refs), absence__start__lte=period[1], absence__end__gte=period[0]
    ).values_list("case__ref", "absence__end")
    return {ref: end for ref, end in sorted(rows, key=lambda row: row[1])}


def site_workload(*, site: Site, as_of: dt.date | None = None) -> wl.SiteWorkload:
    """The engine's view of one site for the week holding `as_of` (default today): its case-carrying
    officers with languages, specialisations, absences overlapping the week and reductions in force;
    its open cases with level, factors, approved flag hours and former officers."""
    as_of = as_of or timezone.localdate()
    start, end = wl.week_of(as_of)
    officers = list(Officer.objects.filter(site=site, role__in=COUNTED_ROLES).order_by("code"))
    absences: dict[int, list[wl.Absence]] = defaultdict(list)
    for a in Absence.objects.filter(officer__in=officers, start__lte=end, end__gte=start):
        absences[a.officer_id].append(wl.Absence(a.start, a.end, a.kind))
    reductions: dict[int, list[wl.Reduction]] = defaultdict(list)
    for r in Reduction.objects.filter(officer__in=officers, start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=start)):
        reductions[r.officer_id].append(
            wl.Reduction(float(r.hours_per_week), ENGINE_REDUCTION_REASON.get(r.reason, r.reason), r.start, r.end)
        )
    cases = Case.objects.filter(case_open_filter(on=as_of), site=site, opened__lte=as_of).select_related("officer")
    extra = approved_flag_hours(cases=cases)
    former = former_officers(cases=cases)
    covered = covering_officers(cases=cases, start=start, end=end)
    by_code = {o.pk: o.code for o in officers}
    return wl.SiteWorkload(
        site=site.code,
        kind=site.kind,
        officers=tuple(
            wl.Officer(
                code=o.code,
                fte=float(o.fte),
                languages=frozenset(o.language_list),
                specialisations=frozenset(o.specialisation_list),
                absences=tuple(absences[o.pk]),
                reductions=tuple(reductions[o.pk]),
            )
            for o in officers
        ),
        cases=tuple(
            wl.Case(
                ref=c.ref,
                level=c.level,
                factors=frozenset(c.factor_list),
                language=c.language,
                extra_hours=extra.get(c.pk, 0.0),
                former_officers=former.get(c.pk, ()),
                officer=by_code.get(c.officer_id) if c.officer_id else None,
                covered_by=covered.get(c.pk),
            )
            for c in cases.order_by("ref")
        ),
        period=(start, end),
    )


def unassigned_cases(*, site: Site, as_of: dt.date | None = None) -> QuerySet[Case]:
    as_of = as_of or timezone.localdate()
    return Case.objects.filter(case_open_filter(on=as_of), site=site, officer__isnull=True).order_by("ref")


def flags_for_cases(*, cases: QuerySet[Case]) -> QuerySet[CaseFlag]:
    return CaseFlag.objects.filter(case__in=cases).select_related("case", "raised_by", "decided_by")


def assessments_of(*, case: Case) -> QuerySet[ComplexityAssessment]:
    return case.assessments.select_related("assessed_by")


def assignments_of(*, case: Case) -> QuerySet[Assignment]:
    return case.assignments.select_related("officer", "from_officer", "assigned_by")


def factor_minutes(*, policy: Policy, language: str = "en") -> list[tuple[str, str, float]]:
    """(code, label, extra minutes a month) of each complexity factor in the policy."""
    return [(code, f.label(language), float(f.minutes.value)) for code, f in policy.complexity_factors.items()]


def site_loads(*, site: Site, policy: Policy, as_of: dt.date | None = None) -> tuple[wl.SiteWorkload, list[dict]]:
    """Each officer's load this week, plus whether they were red for SUSTAINED_WEEKS weeks in a
    row up to this one (each past week with that week's absences, reductions and open cases, and
    today's assignments: the assignment history is not replayed)."""
    from caseweight.engine.load import SUSTAINED_WEEKS, officer_loads, red_weeks_in_a_row

    as_of = as_of or timezone.localdate()
    workload = site_workload(site=site, as_of=as_of)
    loads = officer_loads(workload, policy)
    history: dict[str, list] = defaultdict(list)
    # The past weeks matter only for an officer red this week: skip them when nobody is.
    if any(load.status == "red" for load in loads):
        for back in range(SUSTAINED_WEEKS - 1, 0, -1):
            past = site_workload(site=site, as_of=as_of - dt.timedelta(weeks=back))
            for load in officer_loads(past, policy):
                history[load.officer].append(load.utilisation)
    rows = []
    for load in loads:
        weeks = [*history[load.officer], load.utilisation]
        rows.append({
            "load": load,
            "utilisation_pct": None if load.utilisation is None else load.utilisation * 100,
            "status": load.status,
            "sustained": red_weeks_in_a_row(weeks) >= SUSTAINED_WEEKS,
        })  # fmt: skip
    return workload, rows


def status_counts(*, sites: QuerySet[Site], policy: Policy, as_of: dt.date | None = None) -> dict[int, dict]:
    """Per region id: officers amber, red and in sustained overload, over `sites`."""
    counts: dict[int, dict] = defaultdict(lambda: {"officers": 0, "amber": 0, "red": 0, "sustained": 0})
    for site in sites.select_related("region"):
        _workload, rows = site_loads(site=site, policy=policy, as_of=as_of)
        entry = counts[site.region_id]
        for row in rows:
            entry["officers"] += 1
            if row["status"] in ("amber", "red"):
                entry[row["status"]] += 1
            entry["sustained"] += row["sustained"]
    return counts
