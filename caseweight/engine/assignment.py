"""Distribution: who should carry which case at one site.

Four questions, all in hours a month (see ``engine.load`` for case hours, capacity and
utilisation; ``engine.rules`` for the hard and soft rules; ``engine.solver`` for the objective,
the CP-SAT model on case types, the greedy fallback and the lower bound):

    recommend_officers(workload, policy, case)          one new case: ranked officers, before / after
    assign_cases(workload, policy)                      the site's new cases at once (min-max utilisation)
    redistribute_absence(workload, policy, officer, start, end)
                                                        an absent officer's cases among present colleagues
    rebalance(workload, policy)                         min-max utilisation, then the fewest moved cases

The last three return a ``Plan``; ``Plan.to_dict()`` is the JSON the CLI and the pages show:

    {kind, site, units: "hours per month", solver: "cp-sat" | "greedy",
     status: "optimal" | "feasible" | "greedy", max_utilisation, max_utilisation_before,
     lower_bound, gap, bound: {simple, solver}, greedy_max_utilisation, heuristic_max_utilisation,
     soft: {points, status},
     seconds, model: {types, variables},
     officers: [{officer, present, capacity_hours, load_before_hours, load_after_hours,
                 utilisation_before, utilisation_after, status_after, overflow_hours,
                 cases_added, hours_added, cases_removed, hours_removed}],
     assignments: [{case, officer, hours, from_officer, reasons: [{rule, text}]}],
     unassignable: [{case, hours, reasons: [text], exclusions: [{officer, reasons: [{rule, text}]}]}],
     + redistribution: absence {officer, start, end, days}, already_covered, overflow and backfill hours
     + rebalance: moves}

``max_utilisation`` and the bound are over the officers *present* with capacity (the absent
officer of a redistribution is listed but does not count). Utilisation is None in the JSON
when an officer has no capacity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from caseweight.engine import solver as mm
from caseweight.engine.load import (
    RED,
    WEEKS_PER_MONTH,
    CaseHours,
    capacity_hours,
    current_load_hours,
    utilisation,
    utilisation_status,
)
from caseweight.engine.policy import Policy
from caseweight.engine.rules import (
    CONTINUITY_POINTS,
    PREFERENCE_POINTS,
    Reason,
    exclusions,
    preferred_specialisations,
    qualifications,
    required_specialisations,
    soft_points,
)
from caseweight.engine.workload import Case, SiteWorkload

DEFAULT_TIME_LIMIT = 5.0  # seconds for CP-SAT; the greedy plan stands when it finds nothing better
DEFAULT_WORKERS = 2


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


# --- plan objects ------------------------------------------------------------------------------


class _LoadChange:
    """An officer's load before and after a change, against their capacity (hours a month): for
    dataclasses with fields capacity_hours, load_before_hours and load_after_hours."""

    capacity_hours: float
    load_before_hours: float
    load_after_hours: float

    @property
    def utilisation_before(self) -> float | None:
        return utilisation(self.load_before_hours, self.capacity_hours)

    @property
    def utilisation_after(self) -> float | None:
        return utilisation(self.load_after_hours, self.capacity_hours)

    def _load_dict(self) -> dict:
        return {
            "capacity_hours": _round(self.capacity_hours, 3),
            "load_before_hours": _round(self.load_before_hours, 3),
            "load_after_hours": _round(self.load_after_hours, 3),
            "utilisation_before": _round(self.utilisation_before, 4),
            "utilisation_after": _round(self.utilisation_after, 4),
        }


@dataclass(frozen=True)
class OfficerChange(_LoadChange):
    officer: str
    present: bool  # present for the period (counted in the largest utilisation when capacity > 0)
    capacity_hours: float
    load_before_hours: float
    load_after_hours: float
    cases_added: int = 0
    hours_added: float = 0.0
    cases_removed: int = 0
    hours_removed: float = 0.0

    @property
    def overflow_hours(self) -> float:
        """Load above capacity after the plan: hours a month that need backfill or overtime."""
        return max(0.0, self.load_after_hours - self.capacity_hours) if self.present else 0.0

    @property
    def overflow_hours_before(self) -> float:
        return max(0.0, self.load_before_hours - self.capacity_hours) if self.present else 0.0

    def to_dict(self) -> dict:
        return {
            "officer": self.officer,
            "present": self.present,
            **self._load_dict(),
            "status_after": utilisation_status(self.utilisation_after) if self.present else "absent",
            "overflow_hours": _round(self.overflow_hours, 3),
            "cases_added": self.cases_added,
            "hours_added": _round(self.hours_added, 3),
            "cases_removed": self.cases_removed,
            "hours_removed": _round(self.hours_removed, 3),
        }


@dataclass(frozen=True)
class Assignment:
    case: str
    officer: str
    hours: float
    from_officer: str | None = None  # rebalance: the previous officer; redistribution: the absent one
    reasons: tuple[Reason, ...] = ()  # soft rules met (continuity, preference)

    def to_dict(self) -> dict:
        return {
            "case": self.case,
            "officer": self.officer,
            "hours": _round(self.hours, 3),
            "from_officer": self.from_officer,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Unassignable:
    """A case no officer may take, with the hard rules that excluded each officer."""

    case: str
    hours: float
    exclusions: tuple[tuple[str, tuple[Reason, ...]], ...]  # (officer code, reasons)

    @property
    def reasons(self) -> list[str]:
        if not self.exclusions:
            return ["no parole officer at the site"]
        return [f"{officer}: {'; '.join(r.text for r in reasons)}" for officer, reasons in self.exclusions]

    def to_dict(self) -> dict:
        return {
            "case": self.case,
            "hours": _round(self.hours, 3),
            "reasons": self.reasons,
            "exclusions": [
                {"officer": officer, "reasons": [r.to_dict() for r in reasons]} for officer, reasons in self.exclusions
            ],
        }


@dataclass(frozen=True)
class Plan:
    kind: str  # "assignment", "redistribution" or "rebalance"
    site: str
    solution: mm.Solution
    max_utilisation_before: float
    officers: tuple[OfficerChange, ...]
    assignments: tuple[Assignment, ...]
    unassignable: tuple[Unassignable, ...]
    extra: dict = field(default_factory=dict)  # what only one kind of plan has (absence, moves...)

    @property
    def solver(self) -> str:
        return self.solution.solver

    @property
    def status(self) -> str:
        return self.solution.status

    @property
    def lower_bound(self) -> float:
        return self.solution.lower_bound

    @property
    def max_utilisation(self) -> float:
        return self.solution.max_utilisation

    @property
    def gap(self) -> float:
        return self.solution.gap

    def officer(self, code: str) -> OfficerChange:
        return next(o for o in self.officers if o.officer == code)

    def to_dict(self) -> dict:
        s = self.solution
        return {
            "kind": self.kind,
            "site": self.site,
            "units": "hours per month",
            "solver": s.solver,
            "status": s.status,
            "max_utilisation": _round(s.max_utilisation, 4),
            "max_utilisation_before": _round(self.max_utilisation_before, 4),
            "lower_bound": _round(s.lower_bound, 4),
            "gap": _round(s.gap, 4),
            "bound": {"simple": _round(s.simple_bound, 4), "solver": _round(s.solver_bound, 4)},
            "greedy_max_utilisation": _round(s.greedy_max_utilisation, 4),
            "heuristic_max_utilisation": _round(s.heuristic_max_utilisation, 4),
            "soft": {"points": s.soft_points, "status": s.soft_status},
            "seconds": round(s.seconds, 3),
            "model": {"types": s.types, "variables": s.variables},
            "officers": [o.to_dict() for o in self.officers],
            "assignments": [a.to_dict() for a in self.assignments],
            "unassignable": [u.to_dict() for u in self.unassignable],
            **self.extra,
        }


# --- building the solver's problem -------------------------------------------------------------


@dataclass
class _Site:
    """The site's officers as arrays, with the rules evaluated once per kind of case."""

    workload: SiteWorkload
    policy: Policy
    period: tuple[dt.date, dt.date] | None
    excluded: frozenset[str]
    hours: CaseHours = None
    capacity: np.ndarray = None
    present: np.ndarray = None  # present for the period and not the excluded (absent) officer
    available: np.ndarray = None  # present with capacity > 0: may take cases, counts in the maximum

    def __post_init__(self):
        w = self.workload
        self.hours = CaseHours(self.policy, w.kind)
        self.capacity = np.array([capacity_hours(o, self.policy) for o in w.officers], dtype=np.float64)
        self.present = np.array(
            [w.is_present(o, self.period) and o.code not in self.excluded for o in w.officers], dtype=bool
        )
        self.available = self.present & (self.capacity > 0)
        self._speaks: dict[str, np.ndarray] = {}
        self._has: dict[str, np.ndarray] = {}

    def speaks(self, language: str) -> np.ndarray:
        if language not in self._speaks:
            self._speaks[language] = np.array([language in o.languages for o in self.workload.officers], dtype=bool)
        return self._speaks[language]

    def has(self, specialisation: str) -> np.ndarray:
        if specialisation not in self._has:
            self._has[specialisation] = np.array(
                [specialisation in o.specialisations for o in self.workload.officers], dtype=bool
            )
        return self._has[specialisation]

    def allowed_mask(self, language: str, required: Iterable[str]) -> np.ndarray:
        mask = self.available & self.speaks(language)
        for spec in required:
            mask = mask & self.has(spec)
        return mask

    def preference_scores(self, preferred: Iterable[str]) -> np.ndarray | None:
        preferred = list(preferred)
        if not preferred:
            return None
        return PREFERENCE_POINTS * sum(self.has(s).astype(np.int64) for s in preferred)

    def exclusions(self, case: Case) -> tuple[tuple[str, tuple[Reason, ...]], ...]:
        out = []
        for j, officer in enumerate(self.workload.officers):
            reasons = exclusions(self.workload, officer, case, self.policy, capacity=self.capacity[j], period=self.period)
            if officer.code in self.excluded and not any(r.rule == "absent" for r in reasons):
                reasons.insert(0, Reason("absent", "the absent officer whose cases are redistributed"))
            if reasons:
                out.append((officer.code, tuple(reasons)))
        return tuple(out)


def _problem(site: _Site, cases: Sequence[Case], *, base_load: np.ndarray, current: np.ndarray | None = None) -> mm.Problem:
    """Groups are (language, required specialisations, preferred specialisations[, current
    officer when the rules would not allow it]); the anchor is the continuity officer (the case's
    most recent former officer that the rules allow) or, in a rebalance, the current officer."""
    policy = site.policy
    groups: dict[tuple, int] = {}
    allowed: list[np.ndarray] = []
    scores: list[np.ndarray | None] = []
    group = np.zeros(len(cases), dtype=np.int64)
    anchor = np.full(len(cases), -1, dtype=np.int64)
    w = site.workload
    masks: dict[tuple, np.ndarray] = {}
    for i, case in enumerate(cases):
        required = tuple(required_specialisations(case, policy))
        preferred = tuple(sorted(preferred_specialisations(case, policy)))
        rule_key = (case.language, required)
        mask = masks.get(rule_key)
        if mask is None:
            mask = masks[rule_key] = site.allowed_mask(case.language, required)
        extra = -1  # a case may always stay with its current officer, even one the rules would not allow
        if current is not None and current[i] >= 0 and not mask[current[i]]:
            extra = int(current[i])
        key = (rule_key, preferred, extra)
        g = groups.get(key)
        if g is None:
            if extra >= 0:
                mask = mask.copy()
                mask[extra] = True
            g = groups[key] = len(allowed)
            allowed.append(np.flatnonzero(mask))
            scores.append(site.preference_scores(preferred))
        group[i] = g
        if current is not None:
            anchor[i] = current[i]
        else:
            for code in case.former_officers:
                j = w.officer_position(code)
                if j >= 0 and j in allowed[g]:
                    anchor[i] = j
                    break
    hours = np.array([site.hours(c) for c in cases], dtype=np.float64)
    if current is not None:
        max_points = sum(int(s.max()) if s is not None and len(s) else 0 for s in (scores[g] for g in group))
        anchor_points = max_points + 1  # one case kept outweighs every preference
    else:
        anchor_points = CONTINUITY_POINTS
    return mm.Problem(
        capacity=site.capacity,
        base_load=base_load,
        counted=site.available,
        hours=hours,
        group=group,
        allowed=allowed,
        scores=scores,
        anchor=anchor,
        anchor_points=anchor_points,
        start=current,
    )


def _officer_changes(site: _Site, before: np.ndarray, after: np.ndarray, hours, plan, origin) -> tuple[OfficerChange, ...]:
    """origin: (items,) officer index each item leaves (-1 for a new case)."""
    n = len(site.workload.officers)
    moved = (plan >= 0) & (plan != origin)
    added = np.bincount(plan[moved], minlength=n)
    added_hours = np.bincount(plan[moved], weights=hours[moved], minlength=n)
    left = moved & (origin >= 0)
    removed = np.bincount(origin[left], minlength=n)
    removed_hours = np.bincount(origin[left], weights=hours[left], minlength=n)
    return tuple(
        OfficerChange(
            officer=o.code,
            present=bool(site.present[j]),
            capacity_hours=float(site.capacity[j]),
            load_before_hours=float(before[j]),
            load_after_hours=float(after[j]),
            cases_added=int(added[j]),
            hours_added=float(added_hours[j]),
            cases_removed=int(removed[j]),
            hours_removed=float(removed_hours[j]),
        )
        for j, o in enumerate(site.workload.officers)
    )


def _max_counted(site: _Site, load: np.ndarray) -> float:
    counted = site.available
    return float(np.max(load[counted] / site.capacity[counted])) if counted.any() else 0.0


def _soft_reasons(site: _Site, case: Case, j: int) -> tuple[Reason, ...]:
    officer = site.workload.officers[j]
    return tuple(r for r in qualifications(case, officer, site.policy) if r.rule in ("continuity", "preference"))


def _plan(kind: str, site: _Site, cases: Sequence[Case], problem: mm.Problem, solution: mm.Solution,
          *, before: np.ndarray, origin: np.ndarray, extra: dict | None = None) -> Plan:  # fmt: skip
    plan = solution.officer
    after = before.copy()
    leaving = (plan >= 0) & (origin >= 0) & (plan != origin)
    np.subtract.at(after, origin[leaving], problem.hours[leaving])
    arriving = (plan >= 0) & (plan != origin)
    np.add.at(after, plan[arriving], problem.hours[arriving])
    officers = site.workload.officers
    assignments = tuple(
        Assignment(
            case=case.ref,
            officer=officers[plan[i]].code,
            hours=float(problem.hours[i]),
            from_officer=officers[origin[i]].code if origin[i] >= 0 else None,
            reasons=_soft_reasons(site, case, int(plan[i])),
        )
        for i, case in enumerate(cases)
        if plan[i] >= 0 and plan[i] != origin[i]
    )
    unassignable = tuple(
        Unassignable(case.ref, float(problem.hours[i]), site.exclusions(case)) for i, case in enumerate(cases) if plan[i] < 0
    )
    period = {"period": [site.period[0].isoformat(), site.period[1].isoformat()]} if site.period else {}
    return Plan(
        kind=kind,
        site=site.workload.site,
        solution=solution,
        max_utilisation_before=_max_counted(site, before),
        officers=_officer_changes(site, before, after, problem.hours, plan, origin),
        assignments=assignments,
        unassignable=unassignable,
        extra={**period, **(extra or {})},
    )


# --- assignment --------------------------------------------------------------------------------


def assign_cases(
    workload: SiteWorkload,
    policy: Policy,
    cases: Sequence[Case] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    use_cp_sat: bool = True,
) -> Plan:
    """Assign new cases (default: the site's cases without an officer) minimising the largest
    utilisation at the site; soft rules break ties (see engine.solver). Cases no officer may
    take are listed in ``unassignable`` with each officer's reasons; the rest are assigned."""
    cases = list(workload.new_cases() if cases is None else cases)
    if any(c.officer is not None for c in cases):
        raise ValueError("cases to assign must not have an officer yet")
    site = _Site(workload, policy, workload.period, frozenset())
    before = current_load_hours(workload, policy)
    problem = _problem(site, cases, base_load=before)
    solution = mm.solve(problem, time_limit=time_limit, workers=workers, use_cp_sat=use_cp_sat)
    return _plan("assignment", site, cases, problem, solution, before=before, origin=np.full(len(cases), -1))


# --- redistribution when an officer is absent ---------------------------------------------------


def redistribute_absence(
    workload: SiteWorkload,
    policy: Policy,
    officer: str,
    start: dt.date,
    end: dt.date,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    use_cp_sat: bool = True,
) -> Plan:
    """Cover the absent officer's cases among the colleagues present from ``start`` to ``end``
    (inclusive), with the same solver and the absent officer excluded.

    The cases to cover: the officer's own cases that no colleague covers yet, and the cases the
    officer was covering for someone else. Each appears once, in ``assignments`` or
    ``unassignable``; own cases already covered by a colleague stay so and are listed in
    ``already_covered``. Overflow is load above capacity (hours a month); ``uncovered_hours`` are
    the hours nobody may take (unassignable cases, and the absent officer's ``other_case_hours``,
    which are not listed case by case); ``backfill_hours`` is the overflow the absence adds plus
    the uncovered hours, and ``backfill_hours_for_absence`` the same over the absence's days
    (hours a month × 12/52 = hours a week, × days / 7).
    """
    absent = workload.officer(officer)
    if end < start:
        raise ValueError("the absence ends before it starts")
    to_cover = [c for c in workload.cases if c.carrier == absent.code]
    already = [c for c in workload.cases if c.officer == absent.code and c.covered_by not in (None, absent.code)]
    site = _Site(workload, policy, (start, end), frozenset({absent.code}))
    before = current_load_hours(workload, policy)
    problem = _problem(site, to_cover, base_load=before)
    solution = mm.solve(problem, time_limit=time_limit, workers=workers, use_cp_sat=use_cp_sat)
    origin = np.full(len(to_cover), workload.officer_position(absent.code), dtype=np.int64)
    days = (end - start).days + 1
    plan = _plan("redistribution", site, to_cover, problem, solution, before=before, origin=origin)
    overflow = sum(o.overflow_hours for o in plan.officers)
    overflow_before = sum(o.overflow_hours_before for o in plan.officers)
    # Hours nobody may take: the cases listed as unassignable, and the absent officer's case
    # hours that are not listed case by case (other_case_hours), which no plan can hand over.
    uncovered = sum(u.hours for u in plan.unassignable) + absent.other_case_hours
    backfill = max(0.0, overflow - overflow_before) + uncovered
    plan.extra.update(
        absence={"officer": absent.code, "start": start.isoformat(), "end": end.isoformat(), "days": days},
        already_covered=[{"case": c.ref, "officer": c.covered_by, "hours": _round(site.hours(c), 3)} for c in already],
        overflow_hours=_round(overflow, 3),
        overflow_hours_before=_round(overflow_before, 3),
        uncovered_hours=_round(uncovered, 3),
        unlisted_hours=_round(absent.other_case_hours, 3),
        backfill_hours=_round(backfill, 3),
        backfill_hours_for_absence=_round(backfill / WEEKS_PER_MONTH * days / 7, 3),
    )
    return plan


# --- rebalance ---------------------------------------------------------------------------------


def rebalance(
    workload: SiteWorkload,
    policy: Policy,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    use_cp_sat: bool = True,
) -> Plan:
    """Minimise the largest utilisation, then the number of moved cases (lexicographic: the
    second solve holds the first's value; see engine.solver). Movable: the cases of officers
    present with capacity, not covered by a colleague; covering arrangements stay. A case may
    always stay with its current officer and moves only to one the hard rules allow. When the
    largest utilisation cannot be lowered, nothing moves."""
    site = _Site(workload, policy, workload.period, frozenset())
    before = current_load_hours(workload, policy)
    movable = [
        c
        for c in workload.cases
        if c.covered_by is None and workload.officer_position(c.officer) >= 0 and site.available[workload.officer_position(c.officer)]
    ]
    current = np.array([workload.officer_position(c.officer) for c in movable], dtype=np.int64)
    hours = np.array([site.hours(c) for c in movable], dtype=np.float64)
    base = before - np.bincount(current, weights=hours, minlength=len(workload.officers)) if len(movable) else before
    problem = _problem(site, movable, base_load=base, current=current)
    solution = mm.solve(problem, time_limit=time_limit, workers=workers, use_cp_sat=use_cp_sat)
    if solution.max_utilisation >= _max_counted(site, before) - 1e-9 and np.any(solution.officer != current):
        # No lower maximum: the fewest moves is none (also guards against rounding in the model).
        solution = _replace_plan(problem, solution, current)
    plan = _plan("rebalance", site, movable, problem, solution, before=before, origin=current)
    plan.extra["moves"] = len(plan.assignments)
    return plan


def _replace_plan(problem: mm.Problem, solution: mm.Solution, plan: np.ndarray) -> mm.Solution:
    best = mm.max_utilisation(problem, mm.loads(problem, plan))
    return replace(
        solution,
        officer=plan.copy(),
        max_utilisation=best,
        soft_points=mm.soft_points(problem, plan),
        lower_bound=min(solution.lower_bound, best),
    )


# --- one new case: ranked officers ---------------------------------------------------------------


@dataclass(frozen=True)
class Candidate(_LoadChange):
    officer: str
    rank: int
    capacity_hours: float
    load_before_hours: float
    load_after_hours: float
    points: int  # soft points: continuity and preferred specialisations
    reasons: tuple[Reason, ...]

    @property
    def summary(self) -> str:
        return f"takes {self.officer} from {self.utilisation_before:.0%} to {self.utilisation_after:.0%}"

    def to_dict(self) -> dict:
        return {
            "officer": self.officer,
            "rank": self.rank,
            **self._load_dict(),
            "status_after": utilisation_status(self.utilisation_after),
            "points": self.points,
            "summary": self.summary,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Recommendation:
    site: str
    case: str
    hours: float
    candidates: tuple[Candidate, ...]  # best first
    excluded: tuple[tuple[str, tuple[Reason, ...]], ...]  # officers the hard rules exclude, with why

    def to_dict(self) -> dict:
        return {
            "site": self.site,
            "case": self.case,
            "units": "hours per month",
            "hours": _round(self.hours, 3),
            "candidates": [c.to_dict() for c in self.candidates],
            "excluded": [{"officer": o, "reasons": [r.to_dict() for r in reasons]} for o, reasons in self.excluded],
            "unassignable": not self.candidates,
        }


def recommend_officers(workload: SiteWorkload, policy: Policy, case: Case | str) -> Recommendation:
    """Rank the officers who may take one new case (a Case, or the ref of a listed case).

    Hard rules exclude (listed with reasons); soft rules rank: most soft points first (continuity
    with a former officer CONTINUITY_POINTS, each preferred specialisation PREFERENCE_POINTS),
    then the smallest utilisation after taking the case, then the officer code. One exception,
    so that a preference never pushes a colleague into red needlessly: officers the case would
    take to red (110% or more) rank after those it would not.
    """
    if isinstance(case, str):
        case = next((c for c in workload.cases if c.ref == case), None) or _missing(case, workload)
    site = _Site(workload, policy, workload.period, frozenset())
    hours = site.hours(case)
    before = current_load_hours(workload, policy)
    if case.carrier is not None and workload.officer_position(case.carrier) >= 0 and case in workload.cases:
        before[workload.officer_position(case.carrier)] -= hours  # recommending anew for a listed case
    candidates, excluded = [], []
    for j, officer in enumerate(workload.officers):
        reasons = exclusions(workload, officer, case, policy, capacity=site.capacity[j], period=site.period)
        if reasons:
            excluded.append((officer.code, tuple(reasons)))
            continue
        candidates.append((officer, j, soft_points(case, officer, policy)))

    def key(entry):
        officer, j, points = entry
        after = (before[j] + hours) / site.capacity[j]
        return (after >= RED, -points, after, officer.code)

    ranked = sorted(candidates, key=key)
    return Recommendation(
        site=workload.site,
        case=case.ref,
        hours=hours,
        candidates=tuple(
            Candidate(
                officer=officer.code,
                rank=rank,
                capacity_hours=float(site.capacity[j]),
                load_before_hours=float(before[j]),
                load_after_hours=float(before[j] + hours),
                points=points,
                reasons=tuple(qualifications(case, officer, policy)),
            )
            for rank, (officer, j, points) in enumerate(ranked, start=1)
        ),
        excluded=tuple(excluded),
    )


def hard_rule_breaks(
    workload: SiteWorkload, policy: Policy, moves: Iterable[tuple[str, str]], *,
    period: tuple[dt.date, dt.date] | None, excluded: frozenset[str] = frozenset(),
) -> dict[str, tuple[str, tuple[Reason, ...]]]:  # fmt: skip
    """The moves (case ref, officer code) that would break a hard rule for the period, by case ref:
    (officer, reasons). For a plan coming back from outside (a page's form) before it is written;
    `excluded` are officers who may take nothing (the absent officer of a redistribution)."""
    cases = {c.ref: c for c in workload.cases}
    out = {}
    for ref, code in moves:
        if ref not in cases:
            continue  # the caller checks that the case is still where the plan found it
        position = workload.officer_position(code)
        if position < 0:
            out[ref] = (code, (Reason("no_capacity", "carries no caseload at this site"),))
            continue
        officer = workload.officers[position]
        reasons = exclusions(workload, officer, cases[ref], policy, capacity=capacity_hours(officer, policy), period=period)
        if code in excluded and not any(r.rule == "absent" for r in reasons):
            reasons.insert(0, Reason("absent", "the absent officer whose cases are redistributed"))
        if reasons:
            out[ref] = (code, tuple(reasons))
    return out


def _missing(ref: str, workload: SiteWorkload):
    raise KeyError(f"no case {ref!r} at site {workload.site}")
