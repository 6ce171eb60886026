"""Caseweight's computation core: plain Python and NumPy, no Django.

Public API (others wire the CLI and the web pages to these):

    policy = load_policy("csc-current", search_dirs=[user_dir])     # or a path to a .toml file
    list_policies([user_dir])                                       # shipped first, then user dirs
    inputs = inputs_from_tables(rows_by_table)                      # or inputs_from_csv_folder / inputs_from_arrays
    report = staffing_report(inputs, policy)                        # both methods, all sites
    report.to_dict() / report.to_json()
    explain_site(inputs, policy, "KIN", method="time")              # one site, on demand

The resilient method (absences: DESIGN.md §4 "Resilient FTE"):

    report = staffing_report(inputs, policy, methods=("ratio", "time", "resilient"),
                             alpha=0.05, simulations=0, seed=0)     # simulations > 0: Monte Carlo
    rates = absence_rates(inputs, policy, as_of=day)                # records or policy, per site
    resilient_staffing(inputs, policy, alpha=..., simulations=..., seed=...)   # the arrays behind it
    overload_curve(inputs, policy, "OTT")                           # chart: P(overload) against N
    weekly_load_history(inputs, policy, "OTT", as_of=day)           # chart: the past 52 weeks
    weekly_coverage(officers=[...], absences=[...], iso_year=2025, iso_week=10)   # one week, plain data
    explain_site(inputs, policy, "OTT", method="resilient")
    binomial_overload(n, p, w) / resilient_officers(w, p, alpha)    # the exact model on arrays
"""

from caseweight.engine.absence import AbsenceRates, absence_rates
from caseweight.engine.coverage import weekly_coverage
from caseweight.engine.explain import Explanation, Line, explain_ratio, explain_resilient, explain_site, explain_time
from caseweight.engine.inputs import (
    COUNTED_ROLES,
    LEVELS,
    Absences,
    InputError,
    StaffingInputs,
    factor_mask,
    inputs_from_arrays,
    inputs_from_csv_folder,
    inputs_from_tables,
    level_code,
    security_mask,
)
from caseweight.engine.policy import Cited, Policy, PolicyError, PolicyFile, list_policies, load_policy, parse_policy
from caseweight.engine.ratio import NO_PAROLE_OFFICE_RATIO, RatioResult, ratio_staffing
from caseweight.engine.report import ALL_METHODS, StaffingReport, staffing_report
from caseweight.engine.resilience import (
    AbsenceModel,
    OvertimeRules,
    ResilienceResult,
    binomial_overload,
    expected_overload,
    overload_curve,
    relief_factor_fte,
    resilient_officers,
    resilient_staffing,
    simulate_site,
    weekly_load_history,
    weekly_workload_hours,
)
from caseweight.engine.time_standard import TimeStandardResult, time_standard_staffing

__all__ = [
    "ALL_METHODS",
    "COUNTED_ROLES",
    "LEVELS",
    "NO_PAROLE_OFFICE_RATIO",
    "AbsenceModel",
    "AbsenceRates",
    "Absences",
    "Cited",
    "Explanation",
    "InputError",
    "Line",
    "Policy",
    "PolicyError",
    "PolicyFile",
    "OvertimeRules",
    "RatioResult",
    "ResilienceResult",
    "StaffingInputs",
    "StaffingReport",
    "TimeStandardResult",
    "absence_rates",
    "binomial_overload",
    "expected_overload",
    "explain_ratio",
    "explain_resilient",
    "explain_site",
    "explain_time",
    "factor_mask",
    "inputs_from_arrays",
    "inputs_from_csv_folder",
    "inputs_from_tables",
    "level_code",
    "list_policies",
    "load_policy",
    "overload_curve",
    "parse_policy",
    "ratio_staffing",
    "relief_factor_fte",
    "resilient_officers",
    "resilient_staffing",
    "security_mask",
    "simulate_site",
    "staffing_report",
    "time_standard_staffing",
    "weekly_coverage",
    "weekly_load_history",
    "weekly_workload_hours",
]
