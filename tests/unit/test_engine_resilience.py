"""The resilient method: the exact binomial model against scipy, its monotonicity, the Monte Carlo
model against it, the relief factor, costs by hand, and the report's resilient objects."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from caseweight.engine import (
    AbsenceModel,
    OvertimeRules,
    binomial_overload,
    expected_overload,
    explain_site,
    inputs_from_tables,
    load_policy,
    overload_curve,
    relief_factor_fte,
    resilient_officers,
    resilient_staffing,
    simulate_site,
    staffing_report,
    weekly_load_history,
    weekly_workload_hours,
)
from caseweight.engine.absence import absence_rates, policy_season
from caseweight.engine.resilience import simulate_resilient
from caseweight.engine.time_standard import time_standard_staffing

CSC = load_policy("csc-current")
AS_OF = dt.date(2025, 12, 1)
CASES = [(2, 0.5, 50.0), (10, 0.1, 300.0), (20, 0.2, 600.0), (5, 0.5, 100.0), (40, 0.05, 1400.0), (12, 0.3, 260.0), (3, 0.0, 112.5)]


def scipy_figures(n: int, p: float, w: float, capacity: float = 37.5) -> tuple[float, float]:
    """P(W / K > capacity) and E[max(0, W − capacity·K)] for K ~ Binomial(n, 1 − p), from scipy."""
    k = np.arange(n + 1)
    pmf = binom.pmf(k, n, 1 - p)
    overloaded = capacity * k < w
    return float(pmf[overloaded].sum()), float((pmf * np.maximum(w - capacity * k, 0)).sum())


# --- the exact binomial model ------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p", "w"), CASES)
def test_the_exact_figures_match_binomial_tails_computed_by_scipy(n, p, w):
    figures = binomial_overload(n, p, w)
    p_scipy, uncovered_scipy = scipy_figures(n, p, w)
    assert math.isclose(float(figures.p_overload), p_scipy, rel_tol=1e-10, abs_tol=1e-14)
    assert math.isclose(float(figures.uncovered_hours), uncovered_scipy, rel_tol=1e-10, abs_tol=1e-12)


def test_the_exact_figures_are_vectorised_over_sites():
    n, p, w = (np.array(column) for column in zip(*CASES))
    figures = binomial_overload(n, p, w)
    for i, (ni, pi, wi) in enumerate(CASES):
        assert math.isclose(figures.p_overload[i], scipy_figures(ni, pi, wi)[0], rel_tol=1e-10, abs_tol=1e-14)


def test_with_nobody_present_any_work_is_an_overloaded_week_and_no_work_never_is():
    assert float(binomial_overload(0, 0.1, 10.0).p_overload) == 1.0
    assert float(binomial_overload(0, 0.1, 10.0).uncovered_hours) == 10.0
    assert float(binomial_overload(4, 0.3, 0.0).p_overload) == 0.0
    assert float(binomial_overload(3, 0.2, 150.0).p_overload) == 1.0  # 3 × 37.5 < 150: every week


def test_exactly_37_5_hours_each_is_not_overload():
    assert float(binomial_overload(2, 0.0, 75.0).p_overload) == 0.0
    assert float(binomial_overload(2, 0.0, 75.000001).p_overload) == 1.0


@pytest.mark.parametrize(("n", "p", "w"), CASES)
def test_the_resilient_n_is_the_smallest_that_keeps_overload_within_alpha(n, p, w):
    alpha = 0.05
    found = int(resilient_officers(w, p, alpha)[0])
    assert scipy_figures(found, p, w)[0] <= alpha
    if found > 0:
        assert scipy_figures(found - 1, p, w)[0] > alpha


def test_with_nobody_ever_away_the_resilient_n_is_the_minimum_rounded_up():
    workload = np.array([0.0, 37.5, 100.0, 600.0, 1234.5])
    assert resilient_officers(workload, 0.0, 0.05).tolist() == [0, 1, 3, 16, 33]


def test_an_absence_rate_of_one_has_no_resilient_n():
    assert resilient_officers([100.0, 100.0], [1.0, 0.2], 0.05).tolist()[0] == -1


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 60),
    p=st.floats(0.0, 0.9),
    w=st.floats(0.0, 2500.0),
    capacity=st.sampled_from([37.5, 30.0, 18.75]),
)
def test_more_officers_never_raise_the_chance_of_overload(n, p, w, capacity):
    figures = binomial_overload(np.array([n, n + 1]), p, w, capacity_hours=capacity)
    assert figures.p_overload[1] <= figures.p_overload[0] + 1e-12
    assert figures.uncovered_hours[1] <= figures.uncovered_hours[0] + 1e-9


@settings(max_examples=60, deadline=None)
@given(
    p=st.floats(0.0, 0.6),
    w=st.floats(0.0, 3000.0),
    alphas=st.lists(st.floats(0.001, 0.5), min_size=2, max_size=2),
)
def test_a_smaller_alpha_never_lowers_the_resilient_n(p, w, alphas):
    small, large = sorted(alphas)
    assert resilient_officers(w, p, small)[0] >= resilient_officers(w, p, large)[0]


# --- weekly workload, relief factor and the time standard ---------------------------------------


def office(cases: int = 150, officers: int = 6, absences: list[dict] | None = None) -> dict:
    tables = {
        "sites": [
            {"code": "OTT", "region": "ONT", "kind": "parole_office"},
            {"code": "KIN", "region": "ONT", "kind": "institution", "security_levels": "medium"},
            {"code": "VAN", "region": "PAC", "kind": "parole_office"},
        ],
        "officers": [{"code": f"P{i}", "site": "OTT", "role": "po", "fte": "1"} for i in range(officers)]
        + [{"code": "K1", "site": "KIN", "role": "po", "fte": "1"}, {"code": "K2", "site": "KIN", "role": "po", "fte": "0.5"},
           {"code": "V1", "site": "VAN", "role": "po", "fte": "1"}],
        "cases": [{"ref": f"c{i}", "site": "OTT", "supervision_level": "A"} for i in range(cases)]
        + [{"ref": f"k{i}", "site": "KIN", "security_level": "medium"} for i in range(60)]
        + [{"ref": f"v{i}", "site": "VAN", "supervision_level": "B"} for i in range(10)],
    }  # fmt: skip
    if absences is not None:
        tables["absences"] = absences
    return tables


def test_the_weekly_workload_is_the_time_standards_year_over_the_working_weeks():
    inputs = inputs_from_tables(office())
    time = time_standard_staffing(inputs, CSC)
    share = CSC.other_duties_share.value
    w = weekly_workload_hours(time, CSC)
    working_weeks = 52 - 82.5 / 37.5  # holidays close the office: 49.8 weeks
    assert math.isclose(CSC.working_weeks_per_year, working_weeks)
    assert np.allclose(w, 12 * (time.case_hours / (1 - share) + time.addon_hours) / working_weeks)


def test_with_the_rate_the_allowances_imply_the_relief_factor_gives_back_the_time_standard_fte():
    inputs = inputs_from_tables(office())
    time = time_standard_staffing(inputs, CSC)
    minimum = weekly_workload_hours(time, CSC) / 37.5
    # Leave, sick, training and other absence over the year less holidays: 341.25 h / 1867.5 h.
    rate = (168.75 + 112.5 + 37.5 + 22.5) / (1950 - 82.5)
    assert np.allclose(relief_factor_fte(minimum, rate), time.required_fte)


def test_the_relief_factor_by_hand():
    assert math.isclose(float(relief_factor_fte(8.0, 0.2)), 10.0)
    assert math.isnan(float(relief_factor_fte(8.0, 1.0)))


# --- costs -----------------------------------------------------------------------------------------


def test_uncovered_hours_are_valued_at_overtime_rates_by_hand():
    # 2 officers away half the time, 50 h a week: K = 0 (1/4), 1 (1/2), 2 (1/4).
    # Uncovered: 50 h with nobody there, 12.5 h with one. E = 50/4 + 12.5/2 = 18.75 h a week.
    # Paid: nobody there -> all at double time: 100; one there -> 7.5 × 1.5 + 5 × 2 = 21.25.
    # E = 100/4 + 21.25/2 = 35.625 straight-time hours a week.
    rules = OvertimeRules(rate=1.5, double_rate=2.0, double_after=7.5)
    figures = binomial_overload(2, 0.5, 50.0, overtime=rules)
    assert math.isclose(float(figures.p_overload), 0.75)
    assert math.isclose(float(figures.uncovered_hours), 18.75)
    assert math.isclose(float(figures.paid_hours), 35.625)
    assert OvertimeRules.of(CSC) == rules


def test_the_report_costs_are_the_paid_hours_times_the_hourly_rate_and_the_extra_officers_times_the_salary():
    inputs = inputs_from_tables(office())
    result = resilient_staffing(inputs, CSC, rates=absence_rates(inputs, CSC, as_of=AS_OF))
    f = result.binomial
    costs = result.costs()
    s = 0  # OTT: 6 officers today
    assert math.isclose(costs["cost_uncovered_now"][s], f.paid_hours_year_now[s] * 46.0)
    assert math.isclose(costs["cost_resilient_extra"][s], (f.required_fte[s] - 6) * 90_000)
    assert math.isclose(costs["cost_net"][s], costs["cost_resilient_extra"][s] - costs["cost_uncovered_now"][s]
                        + costs["cost_uncovered_required"][s])  # fmt: skip


def test_without_pay_figures_the_costs_are_null():
    data = load_policy("csc-current")
    no_pay = type(data)(**{**data.__dict__, "pay": {}})
    report = staffing_report(inputs_from_tables(office()), no_pay, methods=("resilient",)).to_dict()
    assert report["sites"][0]["resilient"]["cost_uncovered_now"] is None
    assert report["national"]["resilient"]["cost_resilient_extra"] is None


# --- part-time officers ------------------------------------------------------------------------------


def test_todays_staff_counts_each_officer_at_the_sites_mean_fte():
    # KIN: 2 officers, 1.5 FTE: each present officer covers 37.5 × 0.75 = 28.125 h.
    inputs = inputs_from_tables(office())
    result = resilient_staffing(inputs, CSC, rates=absence_rates(inputs, CSC, as_of=AS_OF))
    k = 1
    assert result.officers_now[k] == 2 and math.isclose(result.capacity_now[k], 28.125)
    w, p = result.weekly_workload_hours[k], result.rates.rate[k]
    expected = scipy_figures(2, p, w, capacity=28.125)[0]
    assert math.isclose(result.binomial.p_overload_now[k], expected, rel_tol=1e-12)


# --- Monte Carlo ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "p", "w"), [(10, 0.1, 300.0), (20, 0.2, 600.0), (5, 0.5, 100.0), (40, 0.05, 1400.0), (12, 0.3, 260.0)])
def test_monte_carlo_agrees_with_the_exact_binomial_within_four_standard_errors(n, p, w):
    curve = simulate_site(workload_hours=w, absence_rate=p, capacity_hours=37.5, first_officers=n, last_officers=n,
                          model=AbsenceModel.flat(), runs=3000, rng=np.random.default_rng(n), working_weeks=52.0)  # fmt: skip
    simulated = curve.at(n)
    exact_p, exact_uncovered = scipy_figures(n, p, w)
    assert abs(simulated["p_overload"] - exact_p) <= 4 * simulated["p_overload_se"]
    assert abs(simulated["uncovered_hours_year"] - exact_uncovered * 52) <= 4 * simulated["uncovered_hours_year_se"]


def test_the_simulated_curve_agrees_with_the_exact_one_at_every_n_and_never_rises():
    w, p = 600.0, 0.2
    curve = simulate_site(workload_hours=w, absence_rate=p, capacity_hours=37.5, first_officers=16, last_officers=40,
                          model=AbsenceModel.flat(), runs=2000, rng=np.random.default_rng(7), working_weeks=52.0)  # fmt: skip
    assert np.all(np.diff(curve.p_overload) <= 0)
    for n, simulated, se in zip(curve.officers.tolist(), curve.p_overload, curve.p_overload_se):
        exact = scipy_figures(n, p, w)[0]
        # Far in the tail no simulated week may be overloaded (p = 0, se = 0): allow one week in the runs.
        assert abs(simulated - exact) <= 4 * se + 1 / (2000 * 52)


def full_model() -> AbsenceModel:
    return AbsenceModel(season=tuple(policy_season(CSC)), long_share=0.2, long_mean_weeks=8, correlation=0.05)


@pytest.mark.parametrize("n", [18, 22, 26])
def test_monte_carlo_agrees_with_the_full_models_exact_weekly_means(n):
    # Season, long spells and correlated weeks: the expected weekly figures are exact week by week.
    model = full_model()
    exact = expected_overload(n, 0.195, 600.0, model=model, working_weeks=49.8)
    simulated = simulate_site(workload_hours=600.0, absence_rate=0.195, capacity_hours=37.5, first_officers=n,
                              last_officers=n, model=model, runs=3000, rng=np.random.default_rng(n),
                              working_weeks=49.8).at(n)  # fmt: skip
    assert abs(simulated["p_overload"] - exact["p_overload"]) <= 4 * simulated["p_overload_se"]
    assert abs(simulated["uncovered_hours_year"] - exact["uncovered_hours_year"]) <= 4 * simulated["uncovered_hours_year_se"]


def test_the_exact_weekly_means_of_the_flat_model_are_the_binomial():
    exact = expected_overload(20, 0.2, 600.0)
    assert math.isclose(exact["p_overload"], scipy_figures(20, 0.2, 600.0)[0], rel_tol=1e-9)


def test_correlated_weeks_and_seasons_need_more_officers_than_independent_ones():
    flat = expected_overload(24, 0.195, 600.0)["p_overload"]
    seasonal = expected_overload(24, 0.195, 600.0, model=AbsenceModel(season=tuple(policy_season(CSC))))["p_overload"]
    correlated = expected_overload(24, 0.195, 600.0, model=AbsenceModel(correlation=0.1))["p_overload"]
    assert seasonal > flat and correlated > flat


def test_long_spells_keep_the_mean_but_widen_the_spread_between_years():
    common = dict(workload_hours=600.0, absence_rate=0.195, capacity_hours=37.5, first_officers=22, last_officers=22,
                  runs=3000, working_weeks=52.0)  # fmt: skip
    short = simulate_site(model=AbsenceModel.flat(), rng=np.random.default_rng(1), **common).at(22)
    long = simulate_site(model=AbsenceModel(long_share=0.5, long_mean_weeks=10), rng=np.random.default_rng(1), **common).at(22)
    assert abs(short["p_overload"] - long["p_overload"]) <= 4 * math.hypot(short["p_overload_se"], long["p_overload_se"])
    assert long["p_overload_se"] > 1.5 * short["p_overload_se"]


def site_figures(seed: int, code: str = "OTT") -> dict:
    return simulate_resilient(site_code=code, workload_hours=600.0, absence_rate=0.195, officers_now=20, capacity_now=37.5,
                              alpha=0.05, model=full_model(), runs=500, seed=seed, working_weeks=49.8)[0]  # fmt: skip


def test_monte_carlo_is_reproducible_with_a_seed():
    assert site_figures(11) == site_figures(11)
    assert site_figures(11)["now"] != site_figures(12)["now"]


def test_a_sites_simulated_figures_do_not_depend_on_the_other_sites():
    tables = office()
    alone = {**tables, "sites": tables["sites"][:1], "officers": tables["officers"][:6], "cases": tables["cases"][:150]}
    together = resilient_staffing(inputs_from_tables(tables), CSC, simulations=300, seed=5, workers=2)
    by_itself = resilient_staffing(inputs_from_tables(alone), CSC, simulations=300, seed=5, workers=1,
                                   absence_model=together.absence_model)  # fmt: skip
    assert together.monte_carlo.p_overload_now[0] == by_itself.monte_carlo.p_overload_now[0]
    assert together.monte_carlo.required_fte[0] == by_itself.monte_carlo.required_fte[0]


def test_the_simulated_resilient_n_is_near_the_exact_one_for_the_same_model():
    figures = site_figures(3)
    exact = resilient_officers(600.0, 0.195, 0.05)[0]
    assert abs(figures["required_fte"] - exact) <= 4  # the season and correlation add a few officers
    assert figures["required"]["p_overload"] <= 0.05


# --- the report -------------------------------------------------------------------------------------


def report(**options) -> dict:
    return json.loads(staffing_report(inputs_from_tables(office()), CSC, methods=("ratio", "time", "resilient"), **options).to_json())


def test_the_report_puts_the_time_standard_relief_factor_and_resilient_fte_side_by_side():
    data = report()
    assert data["methods"] == ["ratio", "time", "resilient"]
    ott = data["sites"][0]["resilient"]
    for key in ("weekly_workload_hours", "absence_rate", "absence_rate_source", "officers_now", "p_overload_now",
                "uncovered_hours_year_now", "required_fte", "positions", "gap_fte", "relief_factor_fte",
                "cost_uncovered_now", "cost_resilient_extra", "model", "minimum_fte", "time_required_fte"):  # fmt: skip
        assert key in ott, key
    assert ott["model"] == "binomial" and ott["monte_carlo"] is None
    assert ott["minimum_fte"] < ott["time_required_fte"] < ott["relief_factor_fte"] < ott["required_fte"]
    assert math.isclose(ott["time_required_fte"], data["sites"][0]["time"]["required_fte"])
    assert ott["positions"] == ott["required_fte"] and ott["gap_fte"] == ott["required_fte"] - 6
    assert ott["p_overload_required"] <= 0.05 < ott["p_overload_now"]
    assert data["resilience"]["alpha"] == 0.05 and data["resilience"]["model"] == "binomial"
    assert data["sites"][0]["resilient_reason"] is None


def test_region_and_national_resilient_totals_add_up_the_sites():
    data = report()
    sites = [site["resilient"] for site in data["sites"]]
    ont = data["regions"][0]["resilient"]
    assert ont["sites"] == 2 and data["national"]["resilient"]["sites"] == 3
    assert ont["required_fte"] == sites[0]["required_fte"] + sites[1]["required_fte"]
    assert ont["positions"] == sites[0]["positions"] + sites[1]["positions"]
    assert math.isclose(data["national"]["resilient"]["cost_resilient_extra"], sum(s["cost_resilient_extra"] for s in sites))
    assert data["national"]["resilient"]["sites_over_alpha_now"] == sum(s["p_overload_now"] > 0.05 for s in sites)


def test_a_smaller_alpha_in_the_run_asks_for_at_least_as_many_officers():
    loose, strict = report(alpha=0.2), report(alpha=0.01)
    for a, b in zip(loose["sites"], strict["sites"]):
        assert b["resilient"]["required_fte"] >= a["resilient"]["required_fte"]
    assert strict["resilience"]["alpha"] == 0.01


def test_with_simulations_the_headline_figures_are_monte_carlo_with_standard_errors():
    data = report(simulations=300, seed=1)
    ott = data["sites"][0]["resilient"]
    assert ott["model"] == "monte_carlo" and data["resilience"]["model"] == "monte_carlo"
    assert ott["monte_carlo"]["runs"] == 300 and ott["monte_carlo"]["seed"] == 1
    assert ott["p_overload_now"] == ott["monte_carlo"]["p_overload_now"]
    assert ott["monte_carlo"]["p_overload_now_se"] > 0
    assert ott["binomial"]["required_fte"] > 0  # the exact model's figures stay beside them
    assert "uncovered_hours_year_now_se" in data["national"]["resilient"]


def test_the_report_uses_each_sites_absence_records():
    absences = [{"officer": f"P{i}", "kind": "annual", "start": "2025-01-06", "end": "2025-01-17"} for i in range(6)]
    inputs = inputs_from_tables(office(absences=absences), as_of=AS_OF)
    data = staffing_report(inputs, CSC, methods=("resilient",)).to_dict()
    ott = data["sites"][0]["resilient"]
    assert ott["absence_rate_source"] == "records"
    # Records begin with the earliest absence (6 January): the days before it are not observed.
    assert data["resilience"]["absences"]["observed_start"] == "2025-01-06"
    working_days = int(np.busday_count(np.datetime64("2025-01-06"), np.datetime64("2025-12-01")))
    assert math.isclose(ott["absence_rate"], 6 * 10 / (6 * working_days), rel_tol=1e-12)
    assert data["sites"][1]["resilient"]["absence_rate_source"] == "policy"


def test_the_default_report_is_unchanged():
    data = staffing_report(inputs_from_tables(office()), CSC).to_dict()
    assert list(data) == ["policy", "methods", "sites", "regions", "national"]
    assert "resilient" not in data["sites"][0] and "resilient" not in data["national"]


def test_a_site_where_everyone_is_always_away_gets_a_reason_not_a_number():
    inputs = inputs_from_tables(office())
    rates = absence_rates(inputs, CSC, as_of=AS_OF)
    rates.rate[0] = 1.0
    data = staffing_report(inputs, CSC, methods=("resilient",), rates=rates).to_dict()
    assert data["sites"][0]["resilient"]["required_fte"] is None
    assert data["sites"][0]["resilient_reason"].startswith("no number of officers")
    assert data["national"]["resilient"]["sites_without_answer"] == 1
    json.dumps(data, allow_nan=False)


# --- explanation and charts ------------------------------------------------------------------------


def test_the_resilient_explanation_adds_up_and_names_its_policy_keys():
    inputs = inputs_from_tables(office())
    explanation = explain_site(inputs, CSC, "OTT", method="resilient", rates=absence_rates(inputs, CSC, as_of=AS_OF))
    root = explanation.total
    assert root.value == report()["sites"][0]["resilient"]["required_fte"]
    for line in explanation.lines:
        for node in line.walk():
            if node.children:
                assert math.isclose(sum(c.value for c in node.children), node.value, rel_tol=1e-9, abs_tol=1e-6), node.label
    keys = {key for line in explanation.lines for node in line.walk() for key in node.keys}
    assert {"resilience.alpha", "absence_rates.annual", "other_duties.share", "pay.annual_salary"} <= keys
    assert all(key in CSC.cited for key in keys)


def test_the_overload_curve_crosses_alpha_at_the_resilient_n():
    curve = overload_curve(inputs_from_tables(office()), CSC, "OTT")
    points = {p["officers"]: p for p in curve["points"]}
    n = curve["required_fte"]
    assert points[n]["p_overload"] <= 0.05 < points[n - 1]["p_overload"]
    assert [p["p_overload"] for p in curve["points"]] == sorted((p["p_overload"] for p in curve["points"]), reverse=True)
    assert curve["officers_now"] == 6 and 6 in points


def test_the_weekly_load_history_spreads_absences_over_the_weeks():
    absences = [{"officer": "P0", "kind": "annual", "start": "2025-07-07", "end": "2025-07-18"},
                {"officer": "P1", "kind": "sick", "start": "2025-07-09", "end": "2025-07-09"}]  # fmt: skip
    inputs = inputs_from_tables(office(absences=absences), as_of=AS_OF)
    history = weekly_load_history(inputs, CSC, "OTT")
    assert len(history["weeks"]) == 52 and history["weeks"][-1]["week_start"] == "2025-11-24"
    week = {w["week_start"]: w for w in history["weeks"]}
    assert math.isclose(week["2025-07-07"]["fte_away"], 1.2)  # 5 days + 1 day, over 5
    assert math.isclose(week["2025-07-07"]["load_per_fte_at_work"], history["weekly_workload_hours"] / 4.8)
    assert week["2025-06-30"]["fte_away"] == 0 and week["2025-06-30"]["fte_at_work"] == 6


# --- the policy's resilience and pay keys ---------------------------------------------------------


def test_the_shipped_policies_give_illustrative_pay_and_resilience_numbers_with_their_sources():
    for name in ("csc-current", "usje-2021"):
        policy = load_policy(name)
        assert policy.annual_salary == 90_000 and policy.hourly_rate == 46.0
        for key in ("pay.annual_salary", "pay.hourly_rate", "resilience.season_summer", "resilience.correlation"):
            assert policy.number(key).status == "illustrative" and policy.number(key).source
        assert "verify" in policy.number("pay.annual_salary").source.lower()


def test_a_policy_that_says_nothing_about_season_spells_or_pay_gets_the_binomial_assumptions_and_no_costs():
    import copy
    import tomllib

    from caseweight.engine.policy import SHIPPED_DIR, parse_policy

    data = tomllib.loads((SHIPPED_DIR / "csc-current.toml").read_text(encoding="utf-8"))
    data["resilience"] = {"alpha": 0.1}
    del data["pay"]
    policy = parse_policy(copy.deepcopy(data), name="csc-current")
    assert policy.resilience_value("correlation") == 0 and policy.resilience_value("long_share") == 0
    assert np.allclose(policy_season(policy), 1.0)
    assert policy.hourly_rate is None and policy.annual_salary is None
    data = staffing_report(inputs_from_tables(office()), policy, methods=("resilient",)).to_dict()
    assert data["resilience"]["alpha"] == 0.1 and data["sites"][0]["resilient"]["cost_net"] is None


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        ("resilience", {"season_summer": 5.5}, "resilience: the seasonal peaks take 53.5 of the year's 52 week-shares"),
        ("resilience", {"long_mean_weeks": 0.5}, "resilience.long_mean_weeks: must be a multiplier of at least 1"),
        ("resilience", {"correlation": 1.0}, "resilience.correlation: must be a share"),
        ("resilience", {"sesaon_summer": 1.2}, "unknown key 'sesaon_summer'"),
        ("pay", {"annual_salary": -1}, "pay.annual_salary: must be a positive number"),
    ],
)
def test_bad_resilience_or_pay_numbers_are_refused_naming_the_key(section, values, message):
    import copy
    import tomllib

    from caseweight.engine.policy import SHIPPED_DIR, PolicyError, parse_policy

    data = tomllib.loads((SHIPPED_DIR / "csc-current.toml").read_text(encoding="utf-8"))
    data[section].update(values)
    data["resilience"]["season_december"] = 2.0
    with pytest.raises(PolicyError, match=message.replace("(", r"\(")):
        parse_policy(copy.deepcopy(data), name="csc-current")
