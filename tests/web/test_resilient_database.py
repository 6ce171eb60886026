"""`caseweight staffing --method resilient` reading the database: the absence records reach the engine.

The shared fixture (tests/conftest.py): Ben (OTT, 0.8 FTE) is away 2026-07-06 to 2026-07-17 (10
working days). `recorded` adds RES, a parole office of 6 officers each away 5 working days (a
Monday-to-Sunday spell) in the 52 weeks before 2026-11-23, the first on the window's first day:
30 days / (6 officers × 260 days) = 1.923%, from the records (6 officer-years >= the policy's 5).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseweight.staffing.selectors import staffing_inputs

AS_OF = dt.date(2026, 11, 23)
P_AWAY = 0.0865 + 0.0577 + 0.02 + 0.0192 + 0.0115


@pytest.fixture
def recorded(recorded_site):
    return recorded_site(as_of=AS_OF, kind="sick")


def report(*args) -> dict:
    out = io.StringIO()
    call_command("staffing", "--method", "resilient", "--format", "json", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_selector_passes_the_absences_overlapping_the_window_by_site(org):
    inputs = staffing_inputs(absences=True, as_of=AS_OF)
    assert inputs.as_of == AS_OF
    assert len(inputs.absences) == 1
    assert inputs.sites.codes[int(inputs.absences.site[0])] == "OTT"
    assert str(inputs.absences.start[0]) == "2026-07-06" and str(inputs.absences.end[0]) == "2026-07-17"


def test_absences_before_the_window_are_left_out(org):
    assert len(staffing_inputs(absences=True, as_of=dt.date(2028, 1, 1)).absences) == 0


def test_the_absences_take_one_query_more(org):
    with CaptureQueriesContext(connection) as queries:
        staffing_inputs(absences=True, as_of=AS_OF)
    assert len(queries) == 5


def test_without_absences_the_inputs_carry_none(org):
    assert staffing_inputs().absences is None


def test_a_site_with_enough_records_uses_its_own_absence_rate(recorded):
    sites = {row["site"]: row["resilient"] for row in report("--as-of", AS_OF.isoformat())["sites"]}
    assert sites["RES"]["absence_rate_source"] == "records"
    assert sites["RES"]["absence_rate"] == pytest.approx(30 / (6 * 260))
    assert sites["RES"]["absence_rates_by_kind"]["sick"] == pytest.approx(30 / (6 * 260))


def test_a_site_with_too_few_records_uses_the_policys_rate(recorded):
    sites = {row["site"]: row["resilient"] for row in report("--as-of", AS_OF.isoformat())["sites"]}
    assert sites["OTT"]["absence_rate_source"] == "policy"
    assert sites["OTT"]["absence_rate"] == pytest.approx(P_AWAY)


def test_a_site_filter_keeps_its_absence_records(recorded):
    result = report("--as-of", AS_OF.isoformat(), "--site", "RES")
    assert [row["site"] for row in result["sites"]] == ["RES"]
    assert result["sites"][0]["resilient"]["absence_rate_source"] == "records"


def test_the_report_says_which_day_the_rates_are_as_of(org):
    assert report("--as-of", "2026-11-23")["resilience"]["absences"]["as_of"] == "2026-11-23"
