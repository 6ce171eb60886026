"""Reads for distribution: the engine's SiteWorkload for a site from the database, policies, flags.

Callers pass objects already checked against accounts.scope; these functions only read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.cases.selectors import case_open_filter
from caseweight.distribution.models import (
    COUNTED_FLAG_STATES,
    ENDED_FLAG_STATES,
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


def approved_flag_hours(*, cases: QuerySet[Case] | Iterable[int], on: dt.date | None = None) -> dict[int, float]:
    """The extra hours a month of each case with a counted flag: its approved (or changed) flag's
    hours. Approving a flag replaces the one before (services.flag_decide); should two be counted
    all the same (written outside the services), the later decision wins: hours are never added.

    `on` a past day: the flags that counted that day, by their dates (approved by then, not yet
    ended or replaced)."""
    flags = CaseFlag.objects.filter(case__in=cases)
    if on is None:
        flags = flags.filter(state__in=COUNTED_FLAG_STATES)
    else:
        after = _start_of_day_after(on)
        flags = flags.filter(state__in=(*COUNTED_FLAG_STATES, *ENDED_FLAG_STATES), approved_hours__isnull=False,
                             decided_at__lt=after).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=after))  # fmt: skip
    rows = flags.order_by("case_id", F("decided_at").asc(nulls_first=True), "pk").values_list("case_id", "approved_hours")
    return {case_id: float(hours or 0) for case_id, hours in rows}  # the latest of each case wins (same on every database)


def _start_of_day_after(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


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


def officers_then(*, cases: QuerySet[Case] | Iterable[int], day: dt.date) -> dict[int, int | None]:
    """The officer (id) each case had on `day`, for the cases given another officer since, by the
    assignment history: the officer the first later change took it from (None: it had none)."""
    rows = Assignment.objects.filter(case__in=cases, at__gte=_start_of_day_after(day)).order_by("at", "pk")
    then: dict[int, int | None] = {}
    for case_id, from_id in rows.values_list("case_id", "from_officer_id"):
        then.setdefault(case_id, from_id)
    return then


def covering_officers(
    *, cases: QuerySet[Case] | Iterable[int], start: dt.date, end: dt.date, owners: dict[int, int | None] | None = None
) -> dict[int, str]:
    """Who covers each case for the period `start`..`end` (officer code by case id), for the cases
    that a colleague covers. `owners` (officer id by case id) overrides the case's officer, for a
    past period (see officers_then).

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
    then = owners or {}
    owners = {}
    for case_id, absent_id, code, officer_id, owner_id in rows:
        covers[case_id].append((absent_id, code, officer_id))
        owners[case_id] = then.get(case_id, owner_id)
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


def site_workload(*, site: Site, as_of: dt.date | None = None, absences_through: dt.date | None = None) -> wl.SiteWorkload:
    """The engine's view of one site for the week holding `as_of` (default today): its case-carrying
    officers with languages, specialisations, absences overlapping the week and reductions in force;
    its open cases with level, factors, approved flag hours and former officers. `absences_through`
    adds the absences from then to that day: a redistribution needs its officers present for the
    whole absence, which may last beyond the week."""
    return _site_workloads(sites=[site], as_of=as_of, with_history=True, absences_through=absences_through)[site.pk]


def site_workloads(
    *, sites: Iterable[Site], as_of: dt.date | None = None, with_history: bool = True
) -> dict[int, wl.SiteWorkload]:
    """`site_workload` of each site, by site pk, with a fixed number of queries whatever the number
    of sites (one a table). `with_history=False` leaves out the cases' former officers (one query
    fewer), which the loads do not use."""
    return _site_workloads(sites=sites, as_of=as_of, with_history=with_history)


def _site_workloads(
    *, sites: Iterable[Site], as_of: dt.date | None, with_history: bool, only_officers: Collection[str] | None = None,
    as_held_then: bool = False, absences_through: dt.date | None = None,
) -> dict[int, wl.SiteWorkload]:
    """`site_workloads`; with `only_officers` (officer codes), each site's workload keeps only
    those of its officers and the cases they carry (their own, not covered by a colleague, and
    those they cover): enough for those officers' loads, which come out the same, at a fraction
    of the cost on a large site. With `as_held_then`, each case is given to the officer who had it on
    `as_of` by the assignment history (officers_then), rather than to today's, with the flag hours
    that counted that day."""
    sites = list(sites)
    if not sites:
        return {}
    as_of = as_of or timezone.localdate()
    start, end = wl.week_of(as_of)
    site_ids = sorted({s.pk for s in sites})  # a few hundred at most: sites, not cases
    officers: dict[int, list[Officer]] = defaultdict(list)
    for o in Officer.objects.filter(site__in=site_ids, role__in=COUNTED_ROLES).order_by("code"):
        officers[o.site_id].append(o)
    counted = Q(officer__site__in=site_ids, officer__role__in=COUNTED_ROLES)
    absences: dict[int, list[wl.Absence]] = defaultdict(list)
    last = max(end, absences_through or end)
    for a in Absence.objects.filter(counted, start__lte=last, end__gte=start).order_by("officer__code", "start", "pk"):
        absences[a.officer_id].append(wl.Absence(a.start, a.end, a.kind))
    reductions: dict[int, list[wl.Reduction]] = defaultdict(list)
    in_force = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    for r in Reduction.objects.filter(counted, in_force).order_by("officer__code", "start", "pk"):
        reductions[r.officer_id].append(
            wl.Reduction(float(r.hours_per_week), ENGINE_REDUCTION_REASON.get(r.reason, r.reason), r.start, r.end)
        )
    # The open cases as a subquery for the per-case reads: no list of ids (there may be tens of thousands).
    open_cases = Case.objects.filter(case_open_filter(on=as_of), site__in=site_ids, opened__lte=as_of)
    extra = approved_flag_hours(cases=open_cases, on=as_of if as_held_then else None)
    former = former_officers(cases=open_cases) if with_history else {}
    # Looking back (sustained overload): each case with the officer who had it then. Plans use
    # today's officers whatever their date, as they will change today's assignments.
    then = officers_then(cases=open_cases, day=as_of) if as_held_then else {}
    covered = covering_officers(cases=open_cases, start=start, end=end, owners=then)
    # Rows rather than model instances (several times faster over tens of thousands of cases); the
    # model's own properties read them, so level and factors mean the same as on a Case.
    cases: dict[int, list] = defaultdict(list)
    fields = ("id", "ref", "site_id", "officer_id", "security_level", "supervision_level", "factors", "language")
    for c in open_cases.order_by("ref").values_list(*fields, named=True):
        cases[c.site_id].append(c)
    level, factor_list = Case.level.fget, Case.factor_list.fget
    factor_sets: dict[str, frozenset[str]] = {}  # few distinct factor lists: read each once

    def factors_of(row) -> frozenset[str]:
        found = factor_sets.get(row.factors)
        if found is None:
            found = factor_sets[row.factors] = frozenset(factor_list(row))
        return found

    def officer_of(row) -> int | None:
        return then.get(row.id, row.officer_id)

    out = {}
    for site in sites:
        by_code = {o.pk: o.code for o in officers[site.pk]}
        site_officers, site_cases = officers[site.pk], cases[site.pk]
        if only_officers is not None:
            site_officers = [o for o in site_officers if o.code in only_officers]
            site_cases = [c for c in site_cases if covered.get(c.id, by_code.get(officer_of(c))) in only_officers]
        out[site.pk] = wl.SiteWorkload(
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
                for o in site_officers
            ),
            cases=tuple(
                wl.Case(
                    ref=c.ref,
                    level=level(c),
                    factors=factors_of(c),
                    language=c.language,
                    extra_hours=extra.get(c.id, 0.0),
                    former_officers=former.get(c.id, ()),
                    officer=by_code.get(officer_of(c)),
                    covered_by=covered.get(c.id),
                )
                for c in site_cases
            ),
            period=(start, end),
        )
    return out


def unassigned_cases(*, site: Site, as_of: dt.date | None = None) -> QuerySet[Case]:
    as_of = as_of or timezone.localdate()
    return Case.objects.filter(case_open_filter(on=as_of), site=site, officer__isnull=True).order_by("ref")


def flags_for_cases(*, cases: QuerySet[Case]) -> QuerySet[CaseFlag]:
    return CaseFlag.objects.filter(case__in=cases).select_related("case", "raised_by", "decided_by", "ended_by")


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
    each case with the officer who had it then, by the assignment history, and that week's flag hours)."""
    from caseweight.engine.load import officer_loads

    as_of = as_of or timezone.localdate()
    workload = site_workload(site=site, as_of=as_of)
    loads = officer_loads(workload, policy)
    history = _past_utilisations(sites={site.pk: (site, loads)}, policy=policy, as_of=as_of)
    return workload, _load_rows(loads, history[site.pk])


def _past_utilisations(
    *, sites: dict[int, tuple[Site, list]], policy: Policy, as_of: dt.date
) -> dict[int, dict[str, list[float | None]]]:
    """Each officer's utilisation in the SUSTAINED_WEEKS - 1 weeks before `as_of`'s, oldest first,
    by site pk then officer code, for `sites` (site pk: (site, this week's loads)). The past weeks
    matter only for an officer red this week: a site where nobody is gets none, and no query.
    One bulk build a past week for all the sites that need it."""
    from caseweight.engine.load import SUSTAINED_WEEKS, officer_loads

    history: dict[int, dict[str, list]] = {pk: defaultdict(list) for pk in sites}
    red_officers = {load.officer for _site, loads in sites.values() for load in loads if load.status == "red"}
    red = [site for site, loads in sites.values() if any(load.status == "red" for load in loads)]
    if red:
        for back in range(SUSTAINED_WEEKS - 1, 0, -1):
            # Only the red officers' past weeks count: build the workloads with them alone.
            day = as_of - dt.timedelta(weeks=back)
            past = _site_workloads(sites=red, as_of=day, with_history=False, only_officers=red_officers, as_held_then=True)
            for pk, workload in past.items():
                for load in officer_loads(workload, policy):
                    history[pk][load.officer].append(load.utilisation)
    return history


def _load_rows(loads: list, history: dict[str, list[float | None]]) -> list[dict]:
    """A row a load: utilisation in %, status and whether the officer's red weeks in a row up to
    this one (their past utilisations in `history`, oldest first, then this week's) make a
    sustained overload."""
    from caseweight.engine.load import SUSTAINED_WEEKS, red_weeks_in_a_row

    rows = []
    for load in loads:
        weeks = [*history.get(load.officer, ()), load.utilisation]
        rows.append({
            "load": load,
            "utilisation_pct": None if load.utilisation is None else load.utilisation * 100,
            "status": load.status,
            "sustained": red_weeks_in_a_row(weeks) >= SUSTAINED_WEEKS,
        })  # fmt: skip
    return rows


EMPTY_COUNTS = {"officers": 0, "fte": 0.0, "amber": 0, "red": 0, "sustained": 0}


def site_status_counts(*, sites: Iterable[Site], policy: Policy, as_of: dt.date | None = None) -> dict[int, dict]:
    """Per site id: officers counted, amber, red and in sustained overload. A fixed number of
    queries whatever the number of sites: this week's workloads in bulk, then the past weeks in
    bulk for the sites where someone is red (continuity is left out: it does not change a load)."""
    from caseweight.engine.load import officer_loads

    as_of = as_of or timezone.localdate()
    site_list = list(sites)
    workloads = site_workloads(sites=site_list, as_of=as_of, with_history=False)
    loads = {site.pk: (site, officer_loads(workloads[site.pk], policy)) for site in site_list}
    history = _past_utilisations(sites=loads, policy=policy, as_of=as_of)
    return {site.pk: load_row_counts(_load_rows(loads[site.pk][1], history[site.pk])) for site in site_list}


def load_row_counts(rows: Iterable[dict]) -> dict:
    """Officers counted, their FTE, and how many are amber, red and in sustained overload, among
    load rows (site_loads'): the aggregate anyone who may see the site may see, a union analyst too."""
    entry = {**EMPTY_COUNTS}
    for row in rows:
        entry["officers"] += 1
        entry["fte"] += row["load"].capacity["fte"]
        if row["status"] in ("amber", "red"):
            entry[row["status"]] += 1
        entry["sustained"] += row["sustained"]
    return entry


def sum_counts(entries: Iterable[dict]) -> dict:
    """The sum of status counts (officers, fte, amber, red, sustained)."""
    total = {**EMPTY_COUNTS}
    for entry in entries:
        for key in total:
            total[key] += entry[key]
    return total


def status_counts(*, sites: QuerySet[Site], policy: Policy, as_of: dt.date | None = None) -> dict[int, dict]:
    """Per region id: officers amber, red and in sustained overload, over `sites`."""
    site_list = list(sites)
    by_site = site_status_counts(sites=site_list, policy=policy, as_of=as_of)
    regions = {site.region_id for site in site_list}
    return {
        region: sum_counts(by_site[site.pk] for site in site_list if site.region_id == region) for region in regions
    }
