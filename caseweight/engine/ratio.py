"""The ratio method: required FTE = Σ over levels of cases / cases-per-officer ratio.

Institutions use the policy's ratio for each security level; a hybrid institution follows the
policy's ``ratios.hybrid`` rule (``own_level``: each case at its own level's ratio;
``lowest_ratio``: the lowest ratio among the site's levels for all its cases). CCCs use the CCC
ratio for all residents. Parole offices have no ratio unless a policy gives one: they are
resourced by time standards (CPORF).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import CCC, INSTITUTION, N_SECURITY, PAROLE_OFFICE, StaffingInputs
from caseweight.engine.policy import Policy

NO_PAROLE_OFFICE_RATIO = "no caseload ratio for parole offices: CPORF uses time standards"
NO_CCC_RATIO = "the policy has no CCC ratio"

# Dividing exact integers by ratios can land a hair above a whole number (e.g. 3.0000000000000004);
# that must not cost a position.
CEIL_TOLERANCE = 1e-9


def positions_for(required_fte: np.ndarray) -> np.ndarray:
    """Whole positions to fill a required FTE: the ceiling, ignoring float noise."""
    return np.maximum(np.ceil(np.asarray(required_fte, dtype=np.float64) - CEIL_TOLERANCE), 0).astype(np.int64)


@dataclass(frozen=True, eq=False)
class RatioResult:
    """Per-site arrays (index = site index). Where the method does not apply, `applies` is False,
    required_fte / gap_fte are NaN, positions is 0 and `reasons[i]` says why."""

    policy: Policy
    applies: np.ndarray  # bool
    reasons: tuple[str | None, ...]
    ratio_by_level: np.ndarray  # (sites, 3): the ratio used for each security level at institutions
    required_fte: np.ndarray
    positions: np.ndarray  # int64
    actual_fte: np.ndarray
    gap_fte: np.ndarray  # required − actual
    cases: np.ndarray  # open cases per site
    caseload_per_fte: np.ndarray  # cases / actual FTE; NaN with no officer


def institution_ratios(policy: Policy, security_masks: np.ndarray) -> np.ndarray:
    """The ratio applied to each security level at each site, shape (sites, 3).

    With ``lowest_ratio`` the smallest ratio among the site's declared levels (not only the levels
    that have cases today) applies to every level.
    """
    own = np.array([policy.institution_ratios[level].value for level in codes.SECURITY_LEVELS])
    n = len(security_masks)
    if policy.hybrid.value == "own_level":
        return np.broadcast_to(own, (n, N_SECURITY)).copy()
    held = (security_masks[:, None].astype(np.int64) >> np.arange(N_SECURITY)) & 1 == 1
    lowest = np.where(held, own, np.inf).min(axis=1)
    lowest = np.where(np.isfinite(lowest), lowest, own.min())  # a site without levels has no cases
    return np.repeat(lowest[:, None], N_SECURITY, axis=1)


def ratio_staffing(inputs: StaffingInputs, policy: Policy) -> RatioResult:
    sites = inputs.sites
    counts = inputs.case_counts
    cases = inputs.cases_per_site
    n = len(sites)

    by_level = institution_ratios(policy, sites.security_levels)
    required = np.full(n, np.nan)
    institution = sites.kind == INSTITUTION
    required[institution] = (counts[institution, :N_SECURITY] / by_level[institution]).sum(axis=1)

    applies = institution.copy()
    reasons: list[str | None] = [None] * n
    for kind, ratio, reason in (
        (CCC, policy.ccc_ratio, NO_CCC_RATIO),
        (PAROLE_OFFICE, policy.parole_office_ratio, NO_PAROLE_OFFICE_RATIO),
    ):
        of_kind = sites.kind == kind
        if ratio is not None:
            required[of_kind] = cases[of_kind] / ratio.value
            applies |= of_kind
        else:
            for i in np.flatnonzero(of_kind).tolist():
                reasons[i] = reason

    actual = inputs.actual_fte
    positions = np.where(applies, positions_for(np.nan_to_num(required)), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        caseload = np.where(actual > 0, cases / actual, np.nan)
    return RatioResult(
        policy=policy,
        applies=applies,
        reasons=tuple(reasons),
        ratio_by_level=by_level,
        required_fte=required,
        positions=positions,
        actual_fte=actual,
        gap_fte=required - actual,
        cases=cases,
        caseload_per_fte=caseload,
    )


def required_fte_for_counts(policy: Policy, *, kind: str, security_levels: list[str], counts: dict[str, int]) -> float | None:
    """One site's ratio FTE from its case counts by level (a convenience for forms and tests);
    None where the policy gives no ratio for the kind."""
    if kind == "institution":
        own = {level: policy.institution_ratios[level].value for level in codes.SECURITY_LEVELS}
        if policy.hybrid.value == "lowest_ratio":
            lowest = min(own[level] for level in security_levels)
            own = dict.fromkeys(own, lowest)
        return math.fsum(counts.get(level, 0) / own[level] for level in codes.SECURITY_LEVELS)
    ratio = policy.ccc_ratio if kind == "ccc" else policy.parole_office_ratio
    return None if ratio is None else sum(counts.values()) / ratio.value
