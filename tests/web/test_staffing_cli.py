"""`caseweight staffing` reading the database (the shared fixture, tests/conftest.py).

KIN, hybrid medium/maximum, holds 1 medium and 1 maximum case and Kim (1.0 FTE):
csc-current 1/28 + 1/30 = 0.0690 FTE → 1 position, gap 0.0690 − 1 = −0.9310;
usje-2021 (lowest ratio, 1:23) 2/23 = 0.0870 FTE → 1 position.
OTT and MTL are parole offices: no ratio. OTT's officers: 1.0 + 0.8 = 1.8 FTE.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = io.StringIO()
    call_command("staffing", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report(*args) -> dict:
    return json.loads(run(*args, "--format", "json"))


def test_from_the_database_every_site_is_sized(org):
    result = report()
    sites = {row["site"]: row for row in result["sites"]}
    assert list(sites) == ["KIN", "MTL", "OTT"]
    assert sites["KIN"]["ratio"]["required_fte"] == pytest.approx(1 / 28 + 1 / 30)
    assert sites["KIN"]["ratio"]["positions"] == 1
    assert sites["KIN"]["ratio"]["gap_fte"] == pytest.approx(1 / 28 + 1 / 30 - 1)
    assert sites["OTT"]["ratio"] is None and sites["MTL"]["ratio"] is None
    assert sites["OTT"]["actual_fte"] == pytest.approx(1.8)
    assert result["national"]["cases"] == 6


def test_from_the_database_under_usje_2021(org):
    kin = report("--policy", "usje-2021")["sites"][0]
    assert kin["site"] == "KIN" and kin["ratio"]["required_fte"] == pytest.approx(2 / 23)


def test_from_the_database_a_region_filter_keeps_its_sites(org):
    result = report("--region", "QUE")
    assert [row["site"] for row in result["sites"]] == ["MTL"]
    assert result["national"]["cases"] == 1


def test_from_the_database_an_unknown_site_is_an_error(org):
    with pytest.raises(CommandError, match="unknown site 'XYZ'"):
        run("--site", "XYZ")


def test_from_the_database_the_csv_output_reads_back(org):
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--method", "time"))))
    assert [row["site"] for row in rows] == ["KIN", "MTL", "OTT"]
    assert "ratio_required_fte" not in rows[0]
    assert float(rows[2]["time_wisn_ratio"]) == pytest.approx(1.8 / float(rows[2]["time_required_fte"]))


def test_a_user_policy_in_the_policies_folder_is_found_by_name(org, settings):
    settings.POLICIES_DIR.mkdir()
    (settings.POLICIES_DIR / "lower.toml").write_text(
        'extends = "csc-current"\nversion = "1"\n[ratios.institution]\nmedium = 10\nmaximum = 10\n', encoding="utf-8"
    )
    kin = report("--policy", "lower")["sites"][0]
    assert kin["ratio"]["required_fte"] == pytest.approx(2 / 10)


def test_data_the_engine_refuses_is_an_error_naming_the_fault(org):
    from caseweight.organisation.models import Site

    Site.objects.filter(code="OTT").update(kind="institution", security_levels="maximum")
    with pytest.raises(CommandError, match="a case in an institution needs a security level"):
        run()
