"""`caseweight staffing --data`: sizing straight from a CSV folder or an XLSX workbook, no database.

The data set, worked by hand:

- KIN, a hybrid medium/maximum institution in Ontario: 56 medium and 60 maximum open cases (and 5
  closed ones, not counted); 3 parole officers at 1.0 FTE and a MAI, who carries no caseload.
  csc-current (each case at its own level): 56/28 + 60/30 = 2 + 2 = 4.0 FTE, 4 positions, gap 1.0.
  usje-2021 (lowest ratio of the site's levels, 1:23): 116/23 = 5.043 FTE, 6 positions.
- HAV, a CCC in Quebec: 26 residents (level A); officers 1.0 + 1.0 + 0.5 = 2.5 FTE.
  csc-current 26/10 = 2.6 FTE → 3 positions, gap 0.1; usje-2021 26/8 = 3.25 → 4 positions.
- OTT, a parole office in Ontario: 30 cases at level B; 1 officer. No ratio for parole offices.
  Time standards, csc-current: a B case needs 2 contacts × 45 min + 1 collateral × 20 min + a plan
  update every 6 months × 180 min = 90 + 20 + 30 = 140 min a month; 30 cases → 70 h a month.
  Available time (52 × 37.5 − 423.75) / 12 = 127.1875 h a month, 10% on other duties:
  70 / (127.1875 × 0.9) = 0.6115 FTE → 1 position.

These tests take no `db` fixture: pytest-django would fail any that touched the database.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import CommandError, call_command

AWT_MONTH = (52 * 37.5 - (82.5 + 168.75 + 112.5 + 37.5 + 22.5)) / 12  # 127.1875 h

SITES = [
    ("KIN", "Kingston Institution", "ONT", "institution", "medium;maximum"),
    ("OTT", "Ottawa Parole Office", "ONT", "parole_office", ""),
    ("HAV", "Havre CCC", "QUE", "ccc", ""),
]
OFFICERS = [
    ("K1", "KIN", "po", "1"), ("K2", "KIN", "po", "1"), ("K3", "KIN", "po", "1"), ("KM", "KIN", "mai", "1"),
    ("O1", "OTT", "po", "1"),
    ("H1", "HAV", "po", "1"), ("H2", "HAV", "po", "1"), ("H3", "HAV", "po", "0.5"),
]  # fmt: skip


def case_rows():
    rows = [(f"KM{i}", "KIN", "medium", "", "") for i in range(56)]
    rows += [(f"KX{i}", "KIN", "maximum", "", "") for i in range(60)]
    rows += [(f"KC{i}", "KIN", "medium", "", "2025-03-01") for i in range(5)]  # closed: not counted
    rows += [(f"OB{i}", "OTT", "", "B", "") for i in range(30)]
    rows += [(f"HA{i}", "HAV", "", "A", "") for i in range(26)]
    return rows


def tables() -> dict[str, list[list[str]]]:
    return {
        "sites": [["code", "name", "region", "kind", "security_levels", "languages"]]
        + [[code, name, region, kind, levels, "en"] for code, name, region, kind, levels in SITES],
        "officers": [["code", "name", "site", "role", "fte", "languages", "specialisations"]]
        + [[code, f"Officer {code}", site, role, fte, "en", ""] for code, site, role, fte in OFFICERS],
        "cases": [["ref", "site", "security_level", "supervision_level", "language", "factors", "officer", "opened", "closed"]]
        + [[ref, site, sec, sup, "en", "", "", "2025-01-15", closed] for ref, site, sec, sup, closed in case_rows()],
    }


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    for name, rows in tables().items():
        with (path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def workbook(tmp_path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "data.xlsx"
    book.save(path)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("staffing", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report(*args) -> dict:
    return json.loads(run(*args, "--format", "json"))


def site(result: dict, code: str) -> dict:
    return next(s for s in result["sites"] if s["site"] == code)


# --- JSON: shape and numbers ----------------------------------------------------------------------


def test_the_json_report_has_the_policy_sites_regions_and_national_totals(folder):
    result = report("--data", str(folder))
    assert {"policy", "sites", "regions", "national"} <= set(result)
    assert result["policy"]["name"] == "csc-current"
    assert [s["site"] for s in result["sites"]] == ["KIN", "OTT", "HAV"]
    assert [r["region"] for r in result["regions"]] == ["ONT", "QUE"]
    for row in result["sites"]:
        assert {"site", "region", "kind", "cases", "actual_fte", "ratio", "time"} <= set(row)
        assert {"required_fte", "positions", "gap_fte"} <= set(row["time"])


def test_a_hybrid_institution_counts_each_case_at_its_own_level_under_csc_current(folder):
    kin = site(report("--data", str(folder)), "KIN")
    assert kin["cases"] == 116  # the 5 closed cases are left out
    assert kin["actual_fte"] == 3.0  # the MAI carries no caseload
    assert kin["ratio"]["required_fte"] == pytest.approx(56 / 28 + 60 / 30) == 4.0
    assert kin["ratio"]["positions"] == 4
    assert kin["ratio"]["gap_fte"] == pytest.approx(1.0)


def test_under_usje_2021_a_hybrid_institution_takes_its_lowest_ratio_for_all_cases(folder):
    kin = site(report("--data", str(folder), "--policy", "usje-2021"), "KIN")
    assert kin["ratio"]["required_fte"] == pytest.approx(116 / 23)  # 5.043
    assert kin["ratio"]["positions"] == 6


def test_a_ccc_is_sized_by_its_ratio_under_each_policy(folder):
    assert site(report("--data", str(folder)), "HAV")["ratio"] == pytest.approx(
        {"required_fte": 2.6, "positions": 3, "gap_fte": 0.1, "caseload_per_fte": 26 / 2.5}
    )
    usje = site(report("--data", str(folder), "--policy", "usje-2021"), "HAV")["ratio"]
    assert (usje["required_fte"], usje["positions"]) == (pytest.approx(3.25), 4)


def test_a_parole_office_has_no_ratio_figure_and_says_why(folder):
    ott = site(report("--data", str(folder)), "OTT")
    assert ott["ratio"] is None
    assert "parole offices" in ott["ratio_reason"]


def test_a_parole_office_is_sized_by_time_standards(folder):
    ott = site(report("--data", str(folder)), "OTT")
    minutes_per_case = 2 * 45 + 1 * 20 + 180 / 6
    required = 30 * minutes_per_case / 60 / (AWT_MONTH * 0.9)
    assert ott["time"]["required_fte"] == pytest.approx(required)  # 0.6115
    assert ott["time"]["positions"] == 1
    assert ott["time"]["gap_fte"] == pytest.approx(required - 1)


def test_the_national_ratio_line_adds_the_sites_where_the_ratio_applies(folder):
    national = report("--data", str(folder))["national"]
    assert national["ratio"]["required_fte"] == pytest.approx(4.0 + 2.6)
    assert national["ratio"]["positions"] == 4 + 3
    assert national["ratio"]["actual_fte"] == pytest.approx(3.0 + 2.5)
    assert national["ratio"]["sites_not_applicable"] == 1


def test_method_ratio_leaves_the_time_figures_out(folder):
    result = report("--data", str(folder), "--method", "ratio")
    assert result["methods"] == ["ratio"]
    assert "time" not in site(result, "KIN")


def test_a_workbook_gives_the_same_figures_as_the_csv_folder(folder, workbook):
    from_csv, from_xlsx = report("--data", str(folder)), report("--data", str(workbook))
    assert from_xlsx["sites"] == from_csv["sites"]
    assert from_xlsx["national"] == from_csv["national"]


# --- filters ------------------------------------------------------------------------------------


def test_a_region_filter_keeps_its_sites_and_the_national_line_adds_only_those(folder):
    result = report("--data", str(folder), "--region", "QUE")
    assert [s["site"] for s in result["sites"]] == ["HAV"]
    assert [r["region"] for r in result["regions"]] == ["QUE"]
    assert result["national"]["ratio"]["required_fte"] == pytest.approx(2.6)
    assert result["filter"] == {"region": "QUE", "sites": None}


def test_site_filters_may_be_repeated(folder):
    result = report("--data", str(folder), "--site", "KIN", "--site", "OTT")
    assert [s["site"] for s in result["sites"]] == ["KIN", "OTT"]
    assert result["national"]["cases"] == 116 + 30


# --- table, CSV and XLSX outputs ---------------------------------------------------------------------


def test_the_table_has_one_aligned_line_per_site_then_regions_and_national(folder):
    text = run("--data", str(folder))
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("site "))
    body = lines[lines.index(header) + 1 :]
    rows = [line for line in body if line.split() and line.split()[0] in ("KIN", "OTT", "HAV")]
    totals = [line for line in body if "region ONT" in line or "region QUE" in line or " national " in line]
    assert [row.split()[0] for row in rows] == ["KIN", "OTT", "HAV"]
    assert len(totals) == 3
    # Right-aligned figures: every line's ratio_fte value ends where its heading ends.
    end = header.index("ratio_fte") + len("ratio_fte")
    for line in rows + totals:
        assert line[end - 1] != " " and line[end] == " ", line
    kin = rows[0].split()
    assert kin[:5] == ["KIN", "ONT", "institution", "116", "3.00"]
    assert kin[5:8] == ["4.00", "4", "1.00"]


def test_the_table_marks_a_missing_ratio_and_gives_the_reason_under_it(folder):
    text = run("--data", str(folder))
    ott = next(line for line in text.splitlines() if line.startswith("OTT"))
    assert "n/a" in ott and "ratio n/a [1]" in ott
    assert "[1] ratio: no caseload ratio for parole offices" in text


def test_the_table_says_when_a_policy_holds_illustrative_numbers(folder):
    assert "illustrative defaults, not measured values" in run("--data", str(folder))


def test_the_csv_output_has_one_row_per_site_that_reads_back(folder, tmp_path):
    target = tmp_path / "out.csv"
    run("--data", str(folder), "--format", "csv", "--output", str(target))
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["site"] for row in rows] == ["KIN", "OTT", "HAV"]
    kin, ott = rows[0], rows[1]
    assert float(kin["ratio_required_fte"]) == 4.0 and kin["ratio_positions"] == "4"
    assert ott["ratio_required_fte"] == "" and "parole offices" in ott["ratio_reason"]
    assert float(ott["time_required_fte"]) == pytest.approx(70 / (AWT_MONTH * 0.9))


def test_the_csv_output_goes_to_the_terminal_without_output(folder):
    rows = list(csv.DictReader(io.StringIO(run("--data", str(folder), "--format", "csv"))))
    assert len(rows) == 3


def test_the_xlsx_output_has_a_sheet_per_level(folder, tmp_path):
    target = tmp_path / "staffing.xlsx"
    out = run("--data", str(folder), "--format", "xlsx", "--output", str(target), "--policy", "usje-2021")
    assert out.strip() == f"wrote {target}"
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames[:3] == ["sites", "regions", "national"]
    sites = list(book["sites"].iter_rows(values_only=True))
    header, kin = sites[0], dict(zip(sites[0], sites[1]))
    assert header[0] == "site" and kin["site"] == "KIN"
    assert kin["ratio_required_fte"] == pytest.approx(116 / 23) and kin["ratio_positions"] == 6
    national = list(book["national"].iter_rows(values_only=True))
    assert dict(zip(national[0], national[1]))["ratio_positions"] == 6 + 4
    assert [row[0] for row in list(book["regions"].iter_rows(values_only=True))[1:]] == ["ONT", "QUE"]


# --- errors: a message and exit status 1 --------------------------------------------------------------


def error_of(*args) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 1
    return str(caught.value)


def test_an_unknown_policy_is_an_error(folder):
    assert "no policy named 'nope'" in error_of("--data", str(folder), "--policy", "nope")


def test_an_invalid_policy_file_is_an_error_naming_the_key(folder, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "csc-current"\nversion = "1"\n[ratios.institution]\nminimum = -3\n', encoding="utf-8")
    message = error_of("--data", str(folder), "--policy", str(bad))
    assert "ratios.institution.minimum: must be a positive number, got -3" in message


def test_an_unknown_site_or_region_is_an_error(folder):
    assert "unknown site 'XYZ'" in error_of("--data", str(folder), "--site", "XYZ")
    assert "unknown region 'PAC'" in error_of("--data", str(folder), "--region", "PAC")
    assert "no site HAV in region ONT" in error_of("--data", str(folder), "--region", "ONT", "--site", "HAV")


def test_a_bad_data_file_is_an_error_naming_the_table_row_and_column(folder):
    with (folder / "cases.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(["BAD1", "KIN", "supermax", "", "en", "", "", "2025-01-15", ""])
    message = error_of("--data", str(folder))
    assert "cases row" in message and "security_level" in message and "supermax" in message


def test_a_missing_data_path_or_a_folder_without_sites_is_an_error(tmp_path):
    assert "no such file or folder" in error_of("--data", str(tmp_path / "nowhere"))
    assert "no sites.csv" in error_of("--data", str(tmp_path))


def test_xlsx_output_needs_a_file_name(folder):
    assert "--output" in error_of("--data", str(folder), "--format", "xlsx")


def test_on_the_command_line_an_error_goes_to_stderr_with_exit_status_1(folder):
    done = subprocess.run(
        [sys.executable, "-m", "caseweight.cli", "staffing", "--data", str(folder), "--policy", "nope"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no policy named 'nope'" in done.stderr
