"""Caseweight's computation core: plain Python and NumPy, no Django.

Public API (others wire the CLI and the web pages to these):

    policy = load_policy("csc-current", search_dirs=[user_dir])     # or a path to a .toml file
    list_policies([user_dir])                                       # shipped first, then user dirs
    inputs = inputs_from_tables(rows_by_table)                      # or inputs_from_csv_folder / inputs_from_arrays
    report = staffing_report(inputs, policy)                        # both methods, all sites
    report.to_dict() / report.to_json()
    explain_site(inputs, policy, "KIN", method="time")              # one site, on demand
"""

from caseweight.engine.explain import Explanation, Line, explain_ratio, explain_site, explain_time
from caseweight.engine.inputs import (
    COUNTED_ROLES,
    LEVELS,
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
from caseweight.engine.report import StaffingReport, staffing_report
from caseweight.engine.time_standard import TimeStandardResult, time_standard_staffing

__all__ = [
    "COUNTED_ROLES",
    "LEVELS",
    "NO_PAROLE_OFFICE_RATIO",
    "Cited",
    "Explanation",
    "InputError",
    "Line",
    "Policy",
    "PolicyError",
    "PolicyFile",
    "RatioResult",
    "StaffingInputs",
    "StaffingReport",
    "TimeStandardResult",
    "explain_ratio",
    "explain_site",
    "explain_time",
    "factor_mask",
    "inputs_from_arrays",
    "inputs_from_csv_folder",
    "inputs_from_tables",
    "level_code",
    "list_policies",
    "load_policy",
    "parse_policy",
    "ratio_staffing",
    "security_mask",
    "staffing_report",
    "time_standard_staffing",
]
