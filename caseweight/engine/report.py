"""The staffing report: every site by each method run, with totals by region and nationally.

JSON shape (``StaffingReport.to_dict()``; numbers that do not exist are null, never NaN):

    {"policy": {"name", "version", "title_en", "title_fr", "hybrid", "digest"},
     "methods": ["ratio", "time"],
     "sites": [{"site", "region", "kind", "security_levels", "cases", "cases_by_level",
                "officers", "actual_fte",
                "ratio": {"required_fte", "positions", "gap_fte", "caseload_per_fte"} | null,
                "ratio_reason": null | "no caseload ratio for parole offices: ...",
                "time": {"required_fte", "positions", "gap_fte", "wisn_ratio", "case_hours",
                         "activity_hours", "factor_hours", "extra_hours", "addon_hours"},
                "time_reason": null}, ...],
     "regions": [{"region", "sites", "cases", "officers", "actual_fte",
                  "ratio": {"sites", "sites_not_applicable", "cases", "required_fte", "positions",
                            "actual_fte", "gap_fte"},
                  "time": {"sites", "cases", "required_fte", "positions", "actual_fte", "gap_fte",
                           "wisn_ratio", "case_hours", "addon_hours"}}, ...],
     "national": {same keys as a region, without "region"}}

A method's key is present only when it was run. Totals add the sites where the method applies:
required FTE, actual FTE and gap over those sites; positions are the sum of each site's positions
(a site is staffed on its own, so 0.5 + 0.5 needs 2 positions, not 1).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import LEVELS, StaffingInputs, security_levels_of
from caseweight.engine.policy import Policy
from caseweight.engine.ratio import RatioResult, ratio_staffing
from caseweight.engine.time_standard import TimeStandardResult, time_standard_staffing

METHODS = ("ratio", "time")


def _num(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _nums(array: np.ndarray) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in np.asarray(array, dtype=np.float64).tolist()]


@dataclass(frozen=True, eq=False)
class StaffingReport:
    policy: Policy
    inputs: StaffingInputs
    ratio: RatioResult | None
    time: TimeStandardResult | None

    @property
    def methods(self) -> list[str]:
        return [m for m in METHODS if getattr(self, m) is not None]

    # --- sites ----------------------------------------------------------------------------
    def sites(self) -> list[dict]:
        inputs, sites = self.inputs, self.inputs.sites
        n = len(sites)
        counts = inputs.case_counts.tolist()
        cases = inputs.cases_per_site.tolist()
        officers = inputs.counted_officers.tolist()
        actual = inputs.actual_fte.tolist()
        regions = [sites.regions[r] for r in sites.region.tolist()]
        kinds = [codes.SITE_KINDS[k] for k in sites.kind.tolist()]
        masks = sites.security_levels.tolist()
        rows = []
        for i in range(n):
            rows.append(
                {
                    "site": sites.codes[i],
                    "region": regions[i],
                    "kind": kinds[i],
                    "security_levels": security_levels_of(masks[i]) if kinds[i] == "institution" else [],
                    "cases": cases[i],
                    "cases_by_level": {LEVELS[j]: c for j, c in enumerate(counts[i]) if c},
                    "officers": officers[i],
                    "actual_fte": actual[i],
                }
            )
        if self.ratio is not None:
            r = self.ratio
            required, gap, caseload = _nums(r.required_fte), _nums(r.gap_fte), _nums(r.caseload_per_fte)
            positions, applies = r.positions.tolist(), r.applies.tolist()
            for i, row in enumerate(rows):
                row["ratio"] = (
                    {"required_fte": required[i], "positions": positions[i], "gap_fte": gap[i], "caseload_per_fte": caseload[i]}
                    if applies[i]
                    else None
                )
                row["ratio_reason"] = r.reasons[i]
        if self.time is not None:
            t = self.time
            columns = {
                "required_fte": _nums(t.required_fte),
                "positions": t.positions.tolist(),
                "gap_fte": _nums(t.gap_fte),
                "wisn_ratio": _nums(t.wisn_ratio),
                "case_hours": _nums(t.case_hours),
                "activity_hours": _nums(t.activity_hours),
                "factor_hours": _nums(t.factor_hours),
                "extra_hours": _nums(t.extra_hours),
                "addon_hours": _nums(t.addon_hours),
            }
            for i, row in enumerate(rows):
                row["time"] = {name: values[i] for name, values in columns.items()}
                row["time_reason"] = None
        return rows

    def site(self, code: str) -> dict:
        """One site's object, as in ``sites()``."""
        s = self.inputs.site_index(code)
        return self.sites()[s]

    # --- totals ---------------------------------------------------------------------------
    def _totals(self, group: np.ndarray, n_groups: int) -> list[dict]:
        inputs = self.inputs

        def add(values, where=None) -> list:
            weights = np.asarray(values, dtype=np.float64)
            if where is not None:
                weights = np.where(where, weights, 0.0)
            return np.bincount(group, weights=weights, minlength=n_groups).tolist()

        ones = np.ones(len(group))
        out = [dict() for _ in range(n_groups)]
        for name, values in (
            ("sites", add(ones)),
            ("cases", add(inputs.cases_per_site)),
            ("officers", add(inputs.counted_officers)),
            ("actual_fte", add(inputs.actual_fte)),
        ):
            for g in range(n_groups):
                out[g][name] = int(round(values[g])) if name != "actual_fte" else values[g]
        if self.ratio is not None:
            r = self.ratio
            applies = r.applies
            sites_ = add(ones, applies)
            columns = {
                "cases": add(inputs.cases_per_site, applies),
                "required_fte": add(np.nan_to_num(r.required_fte), applies),
                "positions": add(r.positions, applies),
                "actual_fte": add(r.actual_fte, applies),
            }
            for g in range(n_groups):
                out[g]["ratio"] = {
                    "sites": int(round(sites_[g])),
                    "sites_not_applicable": out[g]["sites"] - int(round(sites_[g])),
                    "cases": int(round(columns["cases"][g])),
                    "required_fte": columns["required_fte"][g],
                    "positions": int(round(columns["positions"][g])),
                    "actual_fte": columns["actual_fte"][g],
                    "gap_fte": columns["required_fte"][g] - columns["actual_fte"][g],
                }
        if self.time is not None:
            t = self.time
            columns = {
                "required_fte": add(t.required_fte),
                "positions": add(t.positions),
                "actual_fte": add(t.actual_fte),
                "case_hours": add(t.case_hours),
                "addon_hours": add(t.addon_hours),
            }
            for g in range(n_groups):
                required, actual = columns["required_fte"][g], columns["actual_fte"][g]
                out[g]["time"] = {
                    "sites": out[g]["sites"],
                    "cases": out[g]["cases"],
                    "required_fte": required,
                    "positions": int(round(columns["positions"][g])),
                    "actual_fte": actual,
                    "gap_fte": required - actual,
                    "wisn_ratio": actual / required if required > 0 else None,
                    "case_hours": columns["case_hours"][g],
                    "addon_hours": columns["addon_hours"][g],
                }
        return out

    def regions(self) -> list[dict]:
        sites = self.inputs.sites
        totals = self._totals(sites.region.astype(np.intp), len(sites.regions))
        return [{"region": code, **total} for code, total in zip(sites.regions, totals)]

    def national(self) -> dict:
        return self._totals(np.zeros(len(self.inputs.sites), dtype=np.intp), 1)[0]

    # --- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "policy": self.policy.summary(),
            "methods": self.methods,
            "sites": self.sites(),
            "regions": self.regions(),
            "national": self.national(),
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **kwargs)


def staffing_report(inputs: StaffingInputs, policy: Policy, *, methods: tuple[str, ...] = METHODS) -> StaffingReport:
    """Run the chosen methods ("ratio", "time") for every site."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method {unknown[0]!r}; expected any of: {', '.join(METHODS)}")
    return StaffingReport(
        policy=policy,
        inputs=inputs,
        ratio=ratio_staffing(inputs, policy) if "ratio" in methods else None,
        time=time_standard_staffing(inputs, policy) if "time" in methods else None,
    )

