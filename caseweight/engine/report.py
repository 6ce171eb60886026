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

The resilient method (``methods=(..., "resilient")``, see caseweight.engine.resilience) adds:

    "resilience": {"alpha", "model", "simulations", "seed", "week_hours", "working_weeks_per_year",
                   "hourly_rate", "annual_salary", "overtime": {"rate", "double_rate", "double_after_hours"},
                   "absences": {"as_of", "window_start", "window_end", "observed_start",
                                "min_officer_years", "sites_records", "sites_policy", "season",
                                "season_source", "long_share", "long_mean_weeks", "long_source"},
                   "absence_model": {"season", "long_share", "long_mean_weeks", "correlation"}}
    each site: "resilient": {
        "model",                       "binomial" or "monte_carlo": the model of the figures below
        "alpha", "weekly_workload_hours", "minimum_fte", "time_required_fte", "relief_factor_fte",
        "absence_rate", "absence_rate_source" ("records" | "policy"), "absence_rates_by_kind",
        "absence_officer_years", "officers_now" (headcount), "fte_now",
        "p_overload_now", "uncovered_hours_year_now",
        "required_fte" (the resilient N, full-time officers), "positions", "gap_fte",
        "p_overload_required", "uncovered_hours_year_required",
        "cost_uncovered_now", "cost_uncovered_required", "cost_resilient_extra", "cost_net",
        "binomial": {the model's figures: p_overload_now ... cost_net},
        "monte_carlo": null | {the same, with "*_se" standard errors, "runs", "seed"}}
    "resilient_reason": null | why no number of officers will do
    each region and the nation: "resilient": {"model", "sites", "sites_records", "sites_policy",
        "sites_over_alpha_now", "sites_without_answer", "weekly_workload_hours", "minimum_fte",
        "time_required_fte", "relief_factor_fte", "officers_now", "fte_now", "required_fte",
        "positions", "gap_fte", "uncovered_hours_year_now", "uncovered_hours_year_required",
        "cost_uncovered_now", "cost_uncovered_required", "cost_resilient_extra", "cost_net"
        [, "uncovered_hours_year_now_se", "uncovered_hours_year_required_se" with Monte Carlo]}
Costs are null when the policy has no pay figures. Region totals of required FTE, positions, gap
and costs add the sites that have a resilient N.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import LEVELS, StaffingInputs, security_levels_of
from caseweight.engine.policy import Policy
from caseweight.engine.absence import AbsenceRates
from caseweight.engine.ratio import RatioResult, ratio_staffing
from caseweight.engine.resilience import AbsenceModel, ModelFigures, ResilienceResult, resilient_staffing
from caseweight.engine.time_standard import TimeStandardResult, time_standard_staffing

METHODS = ("ratio", "time")  # the default: the resilient method is asked for by name
ALL_METHODS = ("ratio", "time", "resilient")
NO_RESILIENT_N = "no number of officers keeps overload under alpha: the absence rate is (nearly) 1"


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
    resilient: ResilienceResult | None = None

    @property
    def methods(self) -> list[str]:
        return [m for m in ALL_METHODS if getattr(self, m) is not None]

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
        if self.resilient is not None:
            for row, resilient, reason in zip(rows, _resilient_sites(self.resilient), _resilient_reasons(self.resilient)):
                row["resilient"] = resilient
                row["resilient_reason"] = reason
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
        if self.resilient is not None:
            for g, total in enumerate(_resilient_totals(self.resilient, group, n_groups)):
                out[g]["resilient"] = total
        return out

    def regions(self) -> list[dict]:
        sites = self.inputs.sites
        totals = self._totals(sites.region.astype(np.intp), len(sites.regions))
        return [{"region": code, **total} for code, total in zip(sites.regions, totals)]

    def national(self) -> dict:
        return self._totals(np.zeros(len(self.inputs.sites), dtype=np.intp), 1)[0]

    # --- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = {
            "policy": self.policy.summary(),
            "methods": self.methods,
            "sites": self.sites(),
            "regions": self.regions(),
            "national": self.national(),
        }
        if self.resilient is not None:
            data["resilience"] = resilience_summary(self.resilient)
        return data

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **kwargs)


def staffing_report(
    inputs: StaffingInputs,
    policy: Policy,
    *,
    methods: tuple[str, ...] = METHODS,
    alpha: float | None = None,
    simulations: int = 0,
    seed: int = 0,
    rates: AbsenceRates | None = None,
    absence_model: AbsenceModel | None = None,
) -> StaffingReport:
    """Run the chosen methods ("ratio", "time", "resilient") for every site.

    The resilient method's options (see ``resilient_staffing``): alpha (default the policy's
    resilience.alpha), simulations (Monte Carlo runs per site; 0 = the exact binomial model only),
    seed, rates (default: absence records where there are enough, else the policy's rates) and
    absence_model (season, long spells, correlation for Monte Carlo).
    """
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        raise ValueError(f"unknown method {unknown[0]!r}; expected any of: {', '.join(ALL_METHODS)}")
    time = time_standard_staffing(inputs, policy) if "time" in methods or "resilient" in methods else None
    resilient = None
    if "resilient" in methods:
        resilient = resilient_staffing(
            inputs, policy, alpha=alpha, rates=rates, simulations=simulations, seed=seed,
            absence_model=absence_model, time=time,
        )  # fmt: skip
    return StaffingReport(
        policy=policy,
        inputs=inputs,
        ratio=ratio_staffing(inputs, policy) if "ratio" in methods else None,
        time=time if "time" in methods else None,
        resilient=resilient,
    )


# --- the resilient method's JSON ---------------------------------------------------------------

_FIGURES = ("p_overload_now", "uncovered_hours_year_now", "required_fte", "positions", "gap_fte",
            "p_overload_required", "uncovered_hours_year_required")  # fmt: skip
_COSTS = ("cost_uncovered_now", "cost_uncovered_required", "cost_resilient_extra", "cost_net")
_ERRORS = ("p_overload_now_se", "uncovered_hours_year_now_se", "p_overload_required_se", "uncovered_hours_year_required_se")


def _figure_columns(r: ResilienceResult, f: ModelFigures) -> dict[str, list]:
    found = np.isfinite(f.required_fte)
    columns = {
        "p_overload_now": _nums(f.p_overload_now),
        "uncovered_hours_year_now": _nums(f.uncovered_hours_year_now),
        "required_fte": _nums(f.required_fte),
        "positions": [p if ok else None for p, ok in zip(r.positions(f).tolist(), found.tolist())],
        "gap_fte": _nums(f.required_fte - r.fte_now),
        "p_overload_required": _nums(f.p_overload_required),
        "uncovered_hours_year_required": _nums(f.uncovered_hours_year_required),
    }
    columns.update({name: _nums(values) for name, values in r.costs(f).items()})
    if f.model == "monte_carlo":
        columns.update({name: _nums(getattr(f, name)) for name in _ERRORS})
    return columns


def _resilient_sites(r: ResilienceResult) -> list[dict]:
    n = len(r.weekly_workload_hours)
    shared = {
        "weekly_workload_hours": _nums(r.weekly_workload_hours),
        "minimum_fte": _nums(r.minimum_fte),
        "time_required_fte": _nums(r.time_required_fte),
        "relief_factor_fte": _nums(r.relief_factor_fte),
        "absence_rate": _nums(r.rates.rate),
        "absence_rate_source": list(r.rates.source),
        "absence_officer_years": _nums(r.rates.officer_years),
        "officers_now": r.officers_now.tolist(),
        "fte_now": _nums(r.fte_now),
    }
    kinds = codes.ABSENCE_KINDS
    by_kind = r.rates.by_kind.tolist()
    binomial = _figure_columns(r, r.binomial)
    monte_carlo = _figure_columns(r, r.monte_carlo) if r.monte_carlo is not None else None
    headline = monte_carlo if monte_carlo is not None else binomial
    rows = []
    for i in range(n):
        row = {"model": r.model, "alpha": r.alpha}
        row.update({name: values[i] for name, values in shared.items()})
        row["absence_rates_by_kind"] = dict(zip(kinds, by_kind[i]))
        row.update({name: headline[name][i] for name in (*_FIGURES, *_COSTS)})
        row["binomial"] = {name: values[i] for name, values in binomial.items()}
        if monte_carlo is not None:
            row["monte_carlo"] = {**{name: values[i] for name, values in monte_carlo.items()},
                                  "runs": r.monte_carlo.runs, "seed": r.monte_carlo.seed}  # fmt: skip
        else:
            row["monte_carlo"] = None
        rows.append(row)
    return rows


def _resilient_reasons(r: ResilienceResult) -> list[str | None]:
    return [None if ok else NO_RESILIENT_N for ok in np.isfinite(r.figures.required_fte).tolist()]


def _resilient_totals(r: ResilienceResult, group: np.ndarray, n_groups: int) -> list[dict]:
    f = r.figures
    found = np.isfinite(f.required_fte)

    def add(values, where=None) -> list[float]:
        weights = np.nan_to_num(np.asarray(values, dtype=np.float64))
        if where is not None:
            weights = np.where(where, weights, 0.0)
        return np.bincount(group, weights=weights, minlength=n_groups).tolist()

    def count(mask) -> list[int]:
        return [int(round(v)) for v in add(np.asarray(mask, dtype=np.float64))]

    costs = r.costs(f)
    priced = r.hourly_rate is not None and r.annual_salary is not None
    columns = {
        "sites": count(np.ones(len(group))),
        "sites_records": count(np.array(r.rates.source) == "records"),
        "sites_policy": count(np.array(r.rates.source) == "policy"),
        "sites_over_alpha_now": count(f.p_overload_now > r.alpha),
        "sites_without_answer": count(~found),
        "weekly_workload_hours": add(r.weekly_workload_hours),
        "minimum_fte": add(r.minimum_fte),
        "time_required_fte": add(r.time_required_fte),
        "relief_factor_fte": add(r.relief_factor_fte),
        "officers_now": count(r.officers_now),
        "fte_now": add(r.fte_now),
        "required_fte": add(f.required_fte, found),
        "positions": count(np.where(found, r.positions(f), 0)),
        "gap_fte": add(f.required_fte - r.fte_now, found),
        "uncovered_hours_year_now": add(f.uncovered_hours_year_now),
        "uncovered_hours_year_required": add(f.uncovered_hours_year_required, found),
    }
    for name in _COSTS:
        values = add(costs[name], None if name == "cost_uncovered_now" else found)
        columns[name] = values if priced else [None] * n_groups
    if f.model == "monte_carlo":
        # Sites are simulated independently: their errors add in quadrature.
        for name in ("uncovered_hours_year_now_se", "uncovered_hours_year_required_se"):
            columns[name] = [math.sqrt(v) for v in add(np.square(getattr(f, name)), found if "required" in name else None)]
    return [{"model": r.model, **{name: values[g] for name, values in columns.items()}} for g in range(n_groups)]


def resilience_summary(r: ResilienceResult) -> dict:
    """The run's settings: alpha, model, pay, the absence window and model."""
    return {
        "alpha": r.alpha,
        "model": r.model,
        "simulations": r.monte_carlo.runs if r.monte_carlo is not None else 0,
        "seed": r.monte_carlo.seed if r.monte_carlo is not None else None,
        "week_hours": r.week_hours,
        "working_weeks_per_year": r.working_weeks,
        "hourly_rate": r.hourly_rate,
        "annual_salary": r.annual_salary,
        "overtime": {
            "rate": r.overtime.rate,
            "double_rate": r.overtime.double_rate,
            "double_after_hours": r.overtime.double_after if math.isfinite(r.overtime.double_after) else None,
        },
        "absences": r.rates.summary(),
        "absence_model": r.absence_model.to_dict(),
    }

