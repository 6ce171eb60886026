"""`caseweight staffing --method resilient`: from a CSV folder, no database, figures worked by hand.

The data set: OTT, a parole office in Ontario, 90 open cases at supervision level B and 3 parole
officers at 1.0 FTE; no absences.csv, so the policy's absence rates apply ("policy").

csc-current, worked by hand:
- A B case needs 2 contacts × 45 min + 1 collateral × 20 min + a plan update every 6 months ×
  180 min = 140 min a month; 90 cases → 210 h a month.
- Weekly workload W = 210 h × 12 months / (1 − 0.10 other related duties) / 49.8 working weeks
  (52 − 82.5 h of holidays / 37.5 h) = 2,800 / 49.8 = 56.22 h a week.
- Officers needed at work: ceil(56.22 / 37.5) = 2; minimum FTE = W / 37.5 = 1.499.
- Absence rate p = 0.0865 + 0.0577 + 0.02 + 0.0192 + 0.0115 = 0.1949; relief factor FTE =
  1.499 / (1 − 0.1949) = 1.862.
- With N = 3, the officers at work K ~ Binomial(3, 0.8051): P(overload) = P(K ≤ 1) = 0.0992.
  Uncovered hours a year = 49.8 × (P(K=0) × W + P(K=1) × (W − 37.5)).
- Resilient N at alpha 5%: N = 4 (P(K ≤ 1) = 0.0253); at alpha 10%: N = 3 (0.0992).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from scipy.stats import binom

P_AWAY = 0.0865 + 0.0577 + 0.02 + 0.0192 + 0.0115
WORKING_WEEKS = 52 - 82.5 / 37.5
W = 90 * (2 * 45 + 20 + 180 / 6) / 60 * 12 / (1 - 0.10) / WORKING_WEEKS
RESILIENT_KEYS = {
    "weekly_workload_hours", "absence_rate", "absence_rate_source", "officers_now", "p_overload_now",
    "uncovered_hours_year_now", "required_fte", "relief_factor_fte", "minimum_fte", "cost_uncovered_now",
    "cost_resilient_extra",
}  # fmt: skip


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    tables = {
        "sites": [["code", "name", "region", "kind", "security_levels", "languages"],
                  ["OTT", "Ottawa Parole Office", "ONT", "parole_office", "", "en"]],
        "officers": [["code", "name", "site", "role", "fte", "languages", "specialisations"]]
        + [[f"O{i}", f"Officer {i}", "OTT", "po", "1", "en", ""] for i in range(3)],
        "cases": [["ref", "site", "security_level", "supervision_level", "language", "factors", "officer", "opened", "closed"]]
        + [[f"B{i}", "OTT", "", "B", "en", "", "", "2025-01-15", ""] for i in range(90)],
    }  # fmt: skip
    for name, rows in tables.items():
        with (path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("staffing", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def resilient(folder, *args) -> dict:
    result = json.loads(run("--data", str(folder), "--method", "resilient", "--format", "json", *args))
    return result["sites"][0]["resilient"]


def test_each_site_carries_the_engines_resilient_object(folder):
    figures = resilient(folder)
    assert RESILIENT_KEYS <= set(figures)


def test_the_weekly_workload_and_the_absence_rate_are_worked_by_hand(folder):
    figures = resilient(folder)
    assert figures["weekly_workload_hours"] == pytest.approx(W)
    assert W == pytest.approx(56.22, abs=0.01)
    assert figures["absence_rate"] == pytest.approx(P_AWAY)
    assert figures["absence_rate_source"] == "policy"  # no absence records
    assert figures["officers_now"] == 3


def test_the_minimum_and_relief_factor_fte_follow_the_workload(folder):
    figures = resilient(folder)
    assert figures["minimum_fte"] == pytest.approx(W / 37.5)
    assert figures["relief_factor_fte"] == pytest.approx(W / 37.5 / (1 - P_AWAY))


def test_the_chance_of_an_overloaded_week_now_is_the_binomial_one(folder):
    figures = resilient(folder)
    # Overload when fewer than 2 of the 3 officers are at work.
    assert figures["p_overload_now"] == pytest.approx(binom.cdf(1, 3, 1 - P_AWAY))
    assert figures["p_overload_now"] == pytest.approx(0.0992, abs=1e-4)


def test_the_uncovered_hours_a_year_are_the_expected_shortfall(folder):
    figures = resilient(folder)
    expected = WORKING_WEEKS * (binom.pmf(0, 3, 1 - P_AWAY) * W + binom.pmf(1, 3, 1 - P_AWAY) * (W - 37.5))
    assert figures["uncovered_hours_year_now"] == pytest.approx(expected)


def test_the_resilient_n_is_the_smallest_staff_under_alpha(folder):
    assert resilient(folder)["required_fte"] == 4  # binom.cdf(1, 4, .8051) = 0.0253 <= 5%
    assert binom.cdf(1, 3, 1 - P_AWAY) > 0.05 >= binom.cdf(1, 4, 1 - P_AWAY)


def test_a_looser_alpha_needs_fewer_officers(folder):
    assert resilient(folder, "--alpha", "0.10")["required_fte"] == 3


def test_method_all_includes_the_resilient_method(folder):
    result = json.loads(run("--data", str(folder), "--format", "json"))
    assert result["methods"] == ["ratio", "time", "resilient"]
    assert "resilient" in result["sites"][0] and "resilience" in result


def test_the_table_shows_the_three_fte_figures_side_by_side(folder):
    text = run("--data", str(folder), "--method", "all")
    header = next(line for line in text.splitlines() if line.startswith("site"))
    for column in ("time_fte", "min_fte", "relief_fte", "resil_fte", "p_over_now", "uncov_h_yr"):
        assert column in header
    ott = next(line for line in text.splitlines() if line.startswith("OTT"))
    assert " 1.50 " in ott and " 1.86 " in ott and " 4.00 " in ott and "9.9%" in ott


def test_monte_carlo_simulations_agree_with_the_binomial_model(folder):
    figures = resilient(folder, "--simulations", "4000", "--seed", "7")
    assert figures["model"] == "monte_carlo"
    assert figures["binomial"]["p_overload_now"] == pytest.approx(binom.cdf(1, 3, 1 - P_AWAY))


@pytest.mark.parametrize("alpha", ["0", "1", "1.5", "-0.1", "five"])
def test_an_alpha_outside_zero_to_one_is_refused(folder, alpha):
    with pytest.raises(CommandError, match="--alpha"):
        run("--data", str(folder), "--method", "resilient", "--alpha", alpha)


def test_a_negative_number_of_simulations_is_refused(folder):
    with pytest.raises(CommandError, match="--simulations must be 0 or more"):
        run("--data", str(folder), "--method", "resilient", "--simulations", "-1")


def test_a_bad_as_of_date_is_refused(folder):
    with pytest.raises(CommandError, match="--as-of"):
        run("--data", str(folder), "--method", "resilient", "--as-of", "2026-13-01")


def test_a_refused_alpha_exits_with_status_1_and_says_why(folder):
    done = subprocess.run(
        [sys.executable, "-m", "caseweight.cli", "staffing", "--data", str(folder), "--method", "resilient", "--alpha", "2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--alpha must be between 0 and 1" in done.stderr


def test_the_csv_export_has_the_resilient_columns(folder):
    rows = list(csv.DictReader(io.StringIO(run("--data", str(folder), "--method", "resilient", "--format", "csv"))))
    assert float(rows[0]["resilient_required_fte"]) == 4
    assert float(rows[0]["resilient_p_overload_now"]) == pytest.approx(binom.cdf(1, 3, 1 - P_AWAY))
    assert rows[0]["resilient_absence_rate_source"] == "policy"


def test_the_workbook_has_the_resilient_columns_on_every_sheet(folder, tmp_path):
    import openpyxl

    target = tmp_path / "out.xlsx"
    run("--data", str(folder), "--format", "xlsx", "--output", str(target))
    book = openpyxl.load_workbook(target)
    for sheet in ("sites", "regions", "national"):
        header = [cell.value for cell in book[sheet][1]]
        assert "resilient_required_fte" in header and "resilient_uncovered_hours_year_now" in header


def test_the_resilient_table_alone_keeps_the_time_standard_beside_it(folder):
    text = run("--data", str(folder), "--method", "resilient")
    header = next(line for line in text.splitlines() if line.startswith("site"))
    assert header.split()[:10] == ["site", "region", "kind", "cases", "actual_fte", "time_fte", "min_fte", "relief_fte",
                                   "resil_fte", "resil_gap"]  # fmt: skip
