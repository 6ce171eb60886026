"""The report helpers of the staffing pages and CLI, and the SVG gap chart (no database)."""

from __future__ import annotations

import re

import pytest

from caseweight.engine import inputs_from_tables, load_policy, staffing_report
from caseweight.staffing import charts, reports

CSC = load_policy("csc-current")


def inputs():
    cases = [{"ref": f"m{i}", "site": "KIN", "security_level": "medium"} for i in range(56)]
    cases += [{"ref": f"x{i}", "site": "KIN", "security_level": "maximum"} for i in range(60)]
    cases += [{"ref": f"o{i}", "site": "OTT", "supervision_level": "B"} for i in range(30)]
    cases += [{"ref": f"h{i}", "site": "HAV", "supervision_level": "A", "factors": "trauma"} for i in range(26)]
    return inputs_from_tables(
        {
            "sites": [
                {"code": "KIN", "region": "ONT", "kind": "institution", "security_levels": "medium;maximum"},
                {"code": "OTT", "region": "ONT", "kind": "parole_office"},
                {"code": "HAV", "region": "QUE", "kind": "ccc"},
            ],
            "officers": [
                {"site": "KIN", "role": "po", "fte": "1"}, {"site": "KIN", "role": "mai", "fte": "1"},
                {"site": "OTT", "role": "po", "fte": "0.5"}, {"site": "HAV", "role": "po", "fte": "1"},
            ],
            "cases": cases,
        }
    )  # fmt: skip


def test_a_subset_of_sites_keeps_each_sites_figures_and_totals_only_those_sites():
    full = staffing_report(inputs(), CSC).to_dict()
    part = staffing_report(reports.inputs_subset(inputs(), ["HAV", "KIN"]), CSC).to_dict()
    assert [s["site"] for s in part["sites"]] == ["KIN", "HAV"]
    assert part["sites"] == [s for s in full["sites"] if s["site"] in ("KIN", "HAV")]
    assert [r["region"] for r in part["regions"]] == ["ONT", "QUE"]
    assert part["national"]["cases"] == 116 + 26
    assert part["national"]["ratio"]["required_fte"] == pytest.approx(4.0 + 2.6)


def test_selecting_sites_by_region_and_code():
    assert reports.select_sites(inputs(), region="ONT") == ["KIN", "OTT"]
    assert reports.select_sites(inputs(), sites=["HAV"]) == ["HAV"]
    with pytest.raises(ValueError, match="unknown region 'PAC'"):
        reports.select_sites(inputs(), region="PAC")


def test_sorting_puts_rows_without_a_figure_last_in_both_directions():
    rows = staffing_report(inputs(), CSC).to_dict()["sites"]
    assert [r["site"] for r in reports.sort_rows(rows, "ratio_required")[0]] == ["KIN", "HAV", "OTT"]
    assert [r["site"] for r in reports.sort_rows(rows, "-ratio_required")[0]] == ["HAV", "KIN", "OTT"]
    assert [r["site"] for r in reports.sort_rows(rows, "site")[0]] == ["HAV", "KIN", "OTT"]
    assert reports.sort_rows(rows, "nonsense")[1] == "site"


def test_comparing_two_reports_gives_the_difference_where_both_have_a_figure():
    data = inputs()
    a = staffing_report(data, CSC).to_dict()["sites"]
    b = staffing_report(data, load_policy("usje-2021")).to_dict()["sites"]
    rows = {r["site"]: r for r in reports.compare_rows(a, b, method="ratio", name_key="site")}
    assert rows["KIN"]["difference_fte"] == pytest.approx(116 / 23 - 4.0)
    assert rows["KIN"]["difference_positions"] == 6 - 4
    assert rows["OTT"]["difference_fte"] is None and "parole offices" in rows["OTT"]["reason_a"]


def test_the_illustrative_numbers_of_a_policy_are_counted():
    counts = reports.status_counts(CSC)
    assert counts["illustrative"] > 0 and sum(counts.values()) == len(CSC.cited)


# --- the chart --------------------------------------------------------------------------------------


def bars(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(w)) for x, w in re.findall(r'<rect class="bar [a-z]+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]


def test_a_shortfall_runs_right_of_the_zero_line_and_a_surplus_left():
    svg = charts.gap_chart([charts.Bar("A", 2.0), charts.Bar("B", -1.0)], chart_id="c", title="Gap", description="d")
    zero = float(re.search(r'<line class="zero" x1="([\d.]+)"', svg).group(1))
    (xa, wa), (xb, wb) = bars(svg)
    assert xa == pytest.approx(zero) and wa > 0
    assert xb + wb == pytest.approx(zero, abs=0.11)
    assert wa == pytest.approx(2 * wb, abs=0.2)  # same scale both ways
    assert 'class="bar shortfall"' in svg and 'class="bar surplus"' in svg
    assert re.findall(r'class="value"[^>]*>([^<]+)<', svg) == ["+2.00", "-1.00"]


def test_the_chart_is_an_accessible_image_with_escaped_labels():
    svg = charts.gap_chart([charts.Bar("<b>&", 1.0, href="/x?a=1&b=2")], chart_id="c", title="T <1>", description="D")
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">T &lt;1&gt;</title>' in svg
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert '<a href="/x?a=1&amp;b=2">' in svg
    assert "<title>&lt;b&gt;&amp;: +1.00 FTE</title>" in svg


def test_an_empty_chart_still_draws_its_zero_line():
    svg = charts.gap_chart([], chart_id="c", title="T", description="D")
    assert '<line class="zero"' in svg and "<rect" not in svg
