"""Engine inputs read from the database: open cases only, the chosen sites only, few queries.

The shared fixture (tests/conftest.py): KIN (ONT, medium;maximum) has Kim (1.0 FTE) and one medium
and one maximum case; OTT (ONT, parole office) has Ana (1.0) and Ben (0.8) and cases at levels A,
intensive (mental_health;trauma) and C; MTL (QUE, parole office) has Éloïse (1.0) and one B case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseweight.cases.models import Case
from caseweight.engine import factor_mask, load_policy, staffing_report
from caseweight.organisation.models import Officer, Site
from caseweight.staffing.selectors import policy_search_dirs, staffing_inputs

AWT_MONTH = 1526.25 / 12  # csc-current's available working time, hours a month


def by_site(inputs) -> dict[str, dict]:
    report = staffing_report(inputs, load_policy("csc-current")).to_dict()
    return {row["site"]: row for row in report["sites"]}


def test_inputs_hold_every_site_with_its_open_cases_by_level_and_its_parole_officers_fte(org):
    sites = by_site(staffing_inputs())
    assert list(sites) == ["KIN", "MTL", "OTT"]
    assert sites["KIN"]["cases_by_level"] == {"medium": 1, "maximum": 1}
    assert sites["OTT"]["cases_by_level"] == {"intensive": 1, "A": 1, "C": 1}
    assert sites["MTL"]["cases_by_level"] == {"B": 1}
    assert {code: row["actual_fte"] for code, row in sites.items()} == {"KIN": 1.0, "MTL": 1.0, "OTT": 1.8}
    assert (sites["KIN"]["region"], sites["MTL"]["region"]) == ("ONT", "QUE")


def test_every_region_is_listed_even_without_a_site(org):
    assert staffing_inputs().sites.regions == ("ATL", "ONT", "PAC", "PRA", "QUE")


def test_closed_cases_and_officers_who_carry_no_caseload_are_not_counted(org):
    kin = org["sites"]["KIN"]
    Case.objects.create(ref="C-KIN-OLD", site=kin, security_level="medium", opened=dt.date(2024, 1, 1),
                        closed=dt.date(2024, 6, 1))  # fmt: skip
    Officer.objects.create(code="MAI-KIN", name="A manager", site=kin, role="mai", fte=Decimal("1"))
    sites = by_site(staffing_inputs())
    assert sites["KIN"]["cases"] == 2
    assert sites["KIN"]["actual_fte"] == 1.0


def test_complexity_factors_reach_the_time_standard_figures(org):
    inputs = staffing_inputs()
    ott_factors = inputs.cases.factors[inputs.cases.site == inputs.site_index("OTT")]
    assert sorted(ott_factors.tolist()) == [0, 0, factor_mask(["mental_health", "trauma"])]
    # OTT: A 4.1667 h + intensive 7.8333 h + C 1.5833 h of activities, plus 45 + 30 min of factors.
    hours = (45 * 4 + 20 * 2 + 30) / 60 + (45 * 8 + 20 * 4 + 30) / 60 + (45 + 20 + 30) / 60 + (45 + 30) / 60
    ott = by_site(inputs)["OTT"]
    assert ott["time"]["case_hours"] == pytest.approx(hours)
    assert ott["time"]["required_fte"] == pytest.approx(hours / (AWT_MONTH * 0.9))


def test_inputs_may_be_limited_to_some_sites_and_their_regions(org):
    inputs = staffing_inputs(sites=Site.objects.filter(code__in=["KIN", "OTT"]))
    assert inputs.sites.codes == ("KIN", "OTT")
    assert inputs.sites.regions == ("ONT",)
    assert len(inputs.cases) == 5 and len(inputs.officers) == 3


def test_reading_the_inputs_takes_four_queries_whatever_the_number_of_cases(org):
    kin = org["sites"]["KIN"]
    Case.objects.bulk_create(
        [Case(ref=f"X{i}", site=kin, security_level="maximum", opened=dt.date(2025, 1, 1)) for i in range(200)]
    )
    with CaptureQueriesContext(connection) as queries:
        inputs = staffing_inputs()
    assert len(queries) == 4
    assert len(inputs.cases) == 206


def test_no_user_policy_folder_is_searched_until_it_exists(settings, tmp_path):
    settings.POLICIES_DIR = tmp_path / "policies"
    assert policy_search_dirs() == []
    (tmp_path / "policies").mkdir()
    assert policy_search_dirs() == [tmp_path / "policies"]


def test_a_case_left_at_a_level_its_institution_no_longer_holds_still_counts_at_that_level(org):
    Site.objects.filter(code="KIN").update(security_levels="maximum")  # the medium case stays open
    kin = by_site(staffing_inputs())["KIN"]
    assert kin["cases_by_level"] == {"medium": 1, "maximum": 1}
    assert kin["ratio"]["required_fte"] == pytest.approx(1 / 28 + 1 / 30)
