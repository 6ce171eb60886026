"""The time-standard method (WISN): required FTE from the hours each case needs.

Per site, in hours a month:

    case hours  = Σ cases Σ activities frequency(level) × minutes / 60        (standard activities)
                + Σ cases Σ factors present × extra minutes / 60               (complexity)
                + Σ cases approved intensive-supervision hours                 (an input, 0 by default)
    AWT_month   = (weeks × week hours − holidays − annual − sick − training − other absence) / 12
    required    = case hours / (AWT_month × (1 − other-duties share)) + add-on hours / AWT_month

which is WISN's  Σ workload / standard workload × CAF + IAF  with CAF = 1 / (1 − share) (duties
everyone does) and IAF = add-on hours / AWT (tasks that are not case work). It applies to every
kind of site. The WISN ratio actual / required is reported beside the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import LEVELS, N_FACTORS, StaffingInputs
from caseweight.engine.policy import Policy
from caseweight.engine.ratio import positions_for


def case_hours_table(policy: Policy) -> np.ndarray:
    """Standard hours a month for one case, by site kind and level: shape (3 kinds, 8 levels)."""
    table = np.zeros((len(codes.SITE_KINDS), len(LEVELS)))
    for activity in policy.activities:
        for level, frequency in activity.frequency.items():
            for kind in activity.site_kinds:
                table[codes.SITE_KINDS.index(kind), LEVELS.index(level)] += frequency.value * activity.minutes.value / 60
    return table


def factor_minutes(policy: Policy) -> np.ndarray:
    """Extra minutes a month per complexity factor, in codes.COMPLEXITY_FACTORS (bit) order."""
    return np.array([policy.complexity_factors[f].minutes.value for f in codes.COMPLEXITY_FACTORS])


def factor_hours_table(policy: Policy) -> np.ndarray:
    """Extra hours a month for each of the 2^11 factor bitmasks, so a case's complexity is one lookup."""
    masks = np.arange(1 << N_FACTORS)
    bits = (masks[:, None] >> np.arange(N_FACTORS)) & 1
    return bits @ factor_minutes(policy) / 60


@dataclass(frozen=True, eq=False)
class TimeStandardResult:
    """Per-site arrays (index = site index); hours are per month."""

    policy: Policy
    awt_hours_per_month: float
    other_duties_share: float
    activity_hours: np.ndarray  # standard activities
    factor_hours: np.ndarray  # complexity factors
    extra_hours: np.ndarray  # approved intensive-supervision hours
    case_hours: np.ndarray  # the three above
    addon_hours: np.ndarray  # site tasks that are not case work
    required_fte: np.ndarray
    positions: np.ndarray  # int64
    actual_fte: np.ndarray
    gap_fte: np.ndarray  # required − actual
    wisn_ratio: np.ndarray  # actual / required; NaN when nothing is required

    @property
    def category_allowance_factor(self) -> float:
        return 1 / (1 - self.other_duties_share)


def time_standard_staffing(inputs: StaffingInputs, policy: Policy) -> TimeStandardResult:
    sites, cases = inputs.sites, inputs.cases
    n = len(sites)
    per_case = case_hours_table(policy)[sites.kind.astype(np.intp)]  # (sites, levels)
    activity = (inputs.case_counts * per_case).sum(axis=1)
    factor = np.bincount(cases.site, weights=factor_hours_table(policy)[cases.factors], minlength=n)
    extra = (
        np.zeros(n) if cases.extra_hours is None else np.bincount(cases.site, weights=cases.extra_hours, minlength=n)
    )
    case_hours = activity + factor + extra

    awt_month = policy.awt_hours_per_month
    share = policy.other_duties_share.value
    required = case_hours / (awt_month * (1 - share)) + sites.addon_hours / awt_month
    actual = inputs.actual_fte
    with np.errstate(divide="ignore", invalid="ignore"):
        wisn = np.where(required > 0, actual / required, np.nan)
    return TimeStandardResult(
        policy=policy,
        awt_hours_per_month=awt_month,
        other_duties_share=share,
        activity_hours=activity,
        factor_hours=factor,
        extra_hours=extra,
        case_hours=case_hours,
        addon_hours=sites.addon_hours.astype(np.float64),
        required_fte=required,
        positions=positions_for(required),
        actual_fte=actual,
        gap_fte=required - actual,
        wisn_ratio=wisn,
    )
