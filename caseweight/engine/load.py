"""Officer load: each officer's case hours against their capacity.

Units: **hours per month** throughout, because the policy's time standards are per month
(``time_standard.case_hours_table``). Weekly figures (the 37.5-hour week, reductions in hours a
week) are converted with ``WEEKS_PER_MONTH = 52 / 12`` (4.333 weeks a month).

    case hours     = policy activities for the case's level at its kind of site
                   + extra minutes of each complexity factor present / 60
                   + approved intensive-supervision hours (an input per case)
    capacity       = (week hours × FTE × (1 − other-duties share) − reductions per week) × 52 / 12
                     floored at 0
    load           = hours of the officer's own cases (not covered by a colleague)
                   + hours of the cases they cover for absent colleagues
                   + other_case_hours (cases carried but not listed)
    utilisation    = load / capacity        (None when capacity is 0)

Capacity does not deduct leave, holidays or sickness (the yearly allowances that the staffing
methods use): an absent officer is handled as absent (excluded from assignment, their cases
redistributed), so a present officer's week is a whole working week less other duties and
reductions. Utilisation is amber from 100% ("overtime in waiting") and red from 110%; an officer
red for 4 weeks in a row is in *sustained overload*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import LEVELS, factor_mask
from caseweight.engine.policy import Policy
from caseweight.engine.time_standard import case_hours_table, factor_hours_table
from caseweight.engine.workload import Case, Officer, SiteWorkload

WEEKS_PER_MONTH = 52 / 12
AMBER = 1.00  # utilisation from which an officer is amber
RED = 1.10  # ... and red
SUSTAINED_WEEKS = 4  # red weeks in a row that make a sustained overload


# --- case hours --------------------------------------------------------------------------------


class CaseHours:
    """Hours a month of a case under a policy at one kind of site (the policy tables, looked up)."""

    def __init__(self, policy: Policy, site_kind: str):
        self.policy = policy
        self.site_kind = site_kind
        self._by_level = case_hours_table(policy)[codes.SITE_KINDS.index(site_kind)]
        self._by_factors = factor_hours_table(policy)

    def activities(self, case: Case) -> float:
        return float(self._by_level[LEVELS.index(case.level)])

    def factors(self, case: Case) -> float:
        return float(self._by_factors[factor_mask(case.factors)]) if case.factors else 0.0

    def __call__(self, case: Case) -> float:
        return self.activities(case) + self.factors(case) + case.extra_hours

    def breakdown(self, case: Case) -> dict:
        return {
            "activities_hours": self.activities(case),
            "factors_hours": self.factors(case),
            "extra_hours": case.extra_hours,
            "hours": self(case),
        }


# --- capacity and utilisation ------------------------------------------------------------------


def capacity_hours(officer: Officer, policy: Policy) -> float:
    """Hours a month the officer has for cases (see the module docstring)."""
    week = policy.week_hours.value * officer.fte * (1 - policy.other_duties_share.value)
    return max(0.0, week - officer.reduction_hours_per_week) * WEEKS_PER_MONTH


def capacity_breakdown(officer: Officer, policy: Policy) -> dict:
    """The capacity formula with its terms, in hours a week and a month, for an explanation."""
    week = policy.week_hours.value * officer.fte
    other = week * policy.other_duties_share.value
    reductions = [{"reason": r.reason, "hours_per_week": r.hours_per_week} for r in officer.reductions]
    per_week = max(0.0, week - other - officer.reduction_hours_per_week)
    return {
        "week_hours": policy.week_hours.value,
        "fte": officer.fte,
        "other_duties_share": policy.other_duties_share.value,
        "other_duties_hours_per_week": other,
        "reductions": reductions,
        "capacity_hours_per_week": per_week,
        "weeks_per_month": WEEKS_PER_MONTH,
        "capacity_hours": per_week * WEEKS_PER_MONTH,
    }


def utilisation(load: float, capacity: float) -> float | None:
    """load / capacity; None when the officer has no capacity (it would be infinite)."""
    return load / capacity if capacity > 0 else None


def utilisation_status(value: float | None) -> str:
    """"ok" below 100%, "amber" from 100%, "red" from 110%; "no_capacity" when undefined."""
    if value is None:
        return "no_capacity"
    if value >= RED:
        return "red"
    if value >= AMBER:
        return "amber"
    return "ok"


def red_weeks_in_a_row(weekly_utilisation: Sequence[float | None]) -> int:
    """How many of the latest weeks (the end of the history) were red, in a row."""
    run = 0
    for value in reversed(weekly_utilisation):
        if utilisation_status(value) != "red":
            break
        run += 1
    return run


def sustained_overload(weekly_utilisation: Sequence[float | None], *, weeks: int = SUSTAINED_WEEKS) -> bool:
    """True when the history (oldest first, one utilisation a week) holds ``weeks`` red weeks in a
    row anywhere; use ``red_weeks_in_a_row`` to ask about the latest weeks only. A week without a
    figure (None: no capacity, e.g. on leave) breaks the run."""
    run = 0
    for value in weekly_utilisation:
        run = run + 1 if utilisation_status(value) == "red" else 0
        if run >= weeks:
            return True
    return False


# --- every officer's load at a site ------------------------------------------------------------


@dataclass(frozen=True)
class CaseLoad:
    ref: str
    hours: float
    covering_for: str | None = None  # the absent colleague whose case this is

    def to_dict(self) -> dict:
        out = {"case": self.ref, "hours": self.hours}
        if self.covering_for:
            out["covering_for"] = self.covering_for
        return out


@dataclass(frozen=True)
class OfficerLoad:
    officer: str
    present: bool
    capacity_hours: float
    cases: tuple[CaseLoad, ...]  # own cases they carry
    covering: tuple[CaseLoad, ...]  # cases they cover for absent colleagues
    other_case_hours: float
    capacity: dict  # capacity_breakdown

    @property
    def load_hours(self) -> float:
        return self.other_case_hours + sum(c.hours for c in self.cases) + sum(c.hours for c in self.covering)

    @property
    def utilisation(self) -> float | None:
        return utilisation(self.load_hours, self.capacity_hours)

    @property
    def status(self) -> str:
        return utilisation_status(self.utilisation)

    def to_dict(self) -> dict:
        return {
            "officer": self.officer,
            "present": self.present,
            "capacity_hours": self.capacity_hours,
            "load_hours": self.load_hours,
            "utilisation": self.utilisation,
            "status": self.status,
            "other_case_hours": self.other_case_hours,
            "cases": [c.to_dict() for c in self.cases],
            "covering": [c.to_dict() for c in self.covering],
            "capacity": self.capacity,
        }


def officer_loads(workload: SiteWorkload, policy: Policy) -> list[OfficerLoad]:
    """Each officer of the site with their cases (hours a month each), the cases they cover,
    their load, capacity and utilisation. A case whose carrier is not one of the site's officers
    counts for nobody."""
    hours = CaseHours(policy, workload.kind)
    own: dict[str, list[CaseLoad]] = {o.code: [] for o in workload.officers}
    covering: dict[str, list[CaseLoad]] = {o.code: [] for o in workload.officers}
    for case in workload.cases:
        if case.covered_by in covering:
            covering[case.covered_by].append(CaseLoad(case.ref, hours(case), case.officer))
        elif case.covered_by is None and case.officer in own:
            own[case.officer].append(CaseLoad(case.ref, hours(case)))
    return [
        OfficerLoad(
            officer=o.code,
            present=workload.is_present(o),
            capacity_hours=capacity_hours(o, policy),
            cases=tuple(own[o.code]),
            covering=tuple(covering[o.code]),
            other_case_hours=o.other_case_hours,
            capacity=capacity_breakdown(o, policy),
        )
        for o in workload.officers
    ]


def current_load_hours(workload: SiteWorkload, policy: Policy) -> np.ndarray:
    """Load in hours a month per officer, in ``workload.officers`` order (a fast path for the planners)."""
    hours = CaseHours(policy, workload.kind)
    load = np.array([o.other_case_hours for o in workload.officers], dtype=np.float64)
    for case in workload.cases:
        j = workload.officer_position(case.carrier)
        if j >= 0:
            load[j] += hours(case)
    return load
