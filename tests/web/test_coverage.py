"""A site's week of cover: `caseweight coverage` and the page /staffing/sites/<code>/coverage/.

The shared fixture (tests/conftest.py): Ben (OTT, 0.8 FTE) is away on leave 2026-07-06 to
2026-07-17, so in week 2026-W28 (Monday 6 to Friday 10 July) he is away all five days and Ana
(1.0 FTE) is the only officer at work. csc-current, parole office, hours a month:
- C-OTT-1, level A: plan update 180 min / 6 + 4 contacts × 45 + 2 collaterals × 20 = 250 min = 4.1667 h
- C-OTT-2, intensive with mental_health (45 min) and trauma (30 min): 30 + 8 × 45 + 4 × 20 + 75
  = 545 min = 9.0833 h
- C-OTT-3 (Ben's), level C: 30 + 45 + 20 = 95 min = 1.5833 h
A week's hours = hours a month × 12 / 52 / (1 − 0.10 other related duties). Ana carries her own
13.25 h a month and Ben's 1.5833: 14.8333 × 12 / 52 / 0.9 = 3.8034 h, well under her 37.5 paid
hours: nothing over.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer

WEEK = 12 / 52 / 0.9  # hours a month → hours a week with the other-duties share
ANA_MONTH = 250 / 60 + 545 / 60
BEN_MONTH = 95 / 60
ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")


def coverage(*args) -> str:
    out = io.StringIO()
    call_command("coverage", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def coverage_json(*args) -> dict:
    return json.loads(coverage(*args, "--format", "json"))


# --- the command ---------------------------------------------------------------------------------

def test_in_week_28_ben_is_away_and_ana_is_at_work(org):
    result = coverage_json("--site", "OTT", "--week", "2026-W28")
    status = {row["code"]: row["status"] for row in result["officers"]}
    assert status == {"PO-ANA": "present", "PO-BEN": "away"}
    assert (result["present"], result["away"]) == (1, 1)
    assert result["week_start"] == "2026-07-06" and result["week_end"] == "2026-07-10"


def test_bens_case_needs_cover_with_its_weekly_hours(org):
    result = coverage_json("--site", "OTT", "--week", "2026-W28")
    assert [(c["ref"], c["officer"]) for c in result["absent_cases"]] == [("C-OTT-3", "PO-BEN")]
    assert result["absent_cases"][0]["hours"] == pytest.approx(BEN_MONTH * WEEK)
    assert result["hours_to_cover"] == pytest.approx(BEN_MONTH * WEEK)


def test_ana_carries_her_cases_and_bens(org):
    ana = coverage_json("--site", "OTT", "--week", "2026-W28")["officers"][0]
    assert ana["own_hours"] == pytest.approx(ANA_MONTH * WEEK)
    assert ana["cover_hours"] == pytest.approx(BEN_MONTH * WEEK)
    assert ana["load_hours"] == pytest.approx((ANA_MONTH + BEN_MONTH) * WEEK)
    assert ana["load_hours"] == pytest.approx(3.8034, abs=1e-4)
    assert ana["over_hours"] == 0.0


def test_hours_over_the_paid_week_are_counted_when_the_load_is_heavy(org):
    ben = org["officers"]["PO-BEN"]
    # 100 more level-C cases for Ben: 100 × 1.5833 h a month = 158.33 → 36.54 h a week to cover.
    Case.objects.bulk_create(
        [Case(ref=f"C-BEN-{i}", site=org["sites"]["OTT"], supervision_level="C", officer=ben, opened=dt.date(2025, 1, 1))
         for i in range(100)]
    )  # fmt: skip
    result = coverage_json("--site", "OTT", "--week", "2026-W28")
    load = (ANA_MONTH + 101 * BEN_MONTH) * WEEK
    assert result["load_per_officer_at_work"] == pytest.approx(load)
    assert result["over_hours"] == pytest.approx(load - 37.5)


def test_cover_is_shared_by_fte_among_the_officers_at_work(org):
    ott = org["sites"]["OTT"]
    Officer.objects.create(code="PO-CAL", name="Cal Roy", site=ott, fte=Decimal("0.500"))
    result = coverage_json("--site", "OTT", "--week", "2026-W28")
    cover = {row["code"]: row["cover_hours"] for row in result["officers"]}
    # Ana 1.0 and Cal 0.5 FTE: two thirds and one third of Ben's hours.
    assert cover["PO-ANA"] == pytest.approx(BEN_MONTH * WEEK * 2 / 3)
    assert cover["PO-CAL"] == pytest.approx(BEN_MONTH * WEEK / 3)


def test_in_a_week_without_absences_nobody_needs_cover(org):
    result = coverage_json("--site", "OTT", "--week", "2026-W30")
    assert result["away"] == 0 and result["absent_cases"] == [] and result["hours_to_cover"] == 0


def test_a_partly_absent_officer_hands_over_only_the_days_away(org):
    Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="sick", start=dt.date(2026, 7, 20), end=dt.date(2026, 7, 21))
    ana = coverage_json("--site", "OTT", "--week", "2026-W30")["officers"][0]
    assert ana["status"] == "partly_away" and ana["days_away"] == 2
    assert ana["own_hours_to_cover"] == pytest.approx(ANA_MONTH * WEEK * 2 / 5)


def test_the_table_names_the_cases_to_cover_and_the_unpaid_hours(org):
    text = coverage("--site", "OTT", "--week", "2026-W28")
    assert "C-OTT-3  PO-BEN" in text
    assert "Ana Tremblay" in text
    assert "Hours over the paid week, unpaid unless someone is backfilled: 0.00" in text


def test_the_week_defaults_to_this_week(org):
    from django.utils import timezone

    iso = timezone.localdate().isocalendar()
    assert coverage_json("--site", "OTT")["week"] == f"{iso[0]}-W{iso[1]:02d}"


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "W48"])
def test_a_week_that_is_not_an_iso_week_is_refused(org, week):
    with pytest.raises(CommandError, match="--week"):
        coverage("--site", "OTT", "--week", week)


def test_an_unknown_site_is_refused(org):
    with pytest.raises(CommandError, match="unknown site 'NOPE'"):
        coverage("--site", "NOPE")


# --- the page --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "code, expected",
    [("OTT", (200, 200, 200, 200, 200)), ("MTL", (403, 403, 403, 200, 200))],
)
@pytest.mark.parametrize("i, role", list(enumerate(ROLES)))
def test_each_role_sees_the_cover_of_its_own_sites_only(client_as, code, expected, i, role):
    assert client_as(role).get(reverse("staffing_coverage", args=[code])).status_code == expected[i]


def test_a_supervisor_sees_who_is_away_and_the_cases_to_cover(client_as):
    html = client_as("supervisor").get(reverse("staffing_coverage", args=["OTT"]) + "?week=2026-W28").content.decode()
    assert "C-OTT-3" in html and "Ben Clark" in html and "Ana Tremblay" in html
    load = float(re.search(r'id="load-per-officer" data-value="([0-9.e-]+)"', html)[1])
    assert load == pytest.approx((ANA_MONTH + BEN_MONTH) * WEEK)


def test_a_union_analyst_sees_counts_and_hours_but_no_name_or_case_ref(client_as, org):
    html = client_as("union_analyst").get(reverse("staffing_coverage", args=["OTT"]) + "?week=2026-W28").content.decode()
    for ref in ("C-OTT-1", "C-OTT-2", "C-OTT-3"):
        assert ref not in html
    for name in ("Ben Clark", "Ana Tremblay", "PO-BEN", "PO-ANA"):
        assert name not in html
    assert re.search(r'id="away-count">1<', html)
    assert re.search(r'id="absent-case-count">1<', html)
    hours = float(re.search(r'id="hours-to-cover" data-value="([0-9.e-]+)"', html)[1])
    assert hours == pytest.approx(BEN_MONTH * WEEK)
    assert 'id="aggregates-only"' in html


def test_an_officer_sees_their_own_row_and_the_sites_totals_but_no_colleague(client_as):
    html = client_as("officer").get(reverse("staffing_coverage", args=["OTT"]) + "?week=2026-W28").content.decode()
    assert 'data-officer="PO-ANA"' in html and 'id="own-row-only"' in html
    for secret in ("Ben Clark", "PO-BEN", "C-OTT-3", "(annual "):
        assert secret not in html
    # The site's totals still count Ben's absence and the hours his case needs.
    assert re.search(r'id="away-count">1<', html) and re.search(r'id="absent-case-count">1<', html)
    hours = float(re.search(r'id="hours-to-cover" data-value="([0-9.e-]+)"', html)[1])
    assert hours == pytest.approx(BEN_MONTH * WEEK)
    assert "Cases of the officers away" not in html  # none of them are hers


def test_an_officer_away_sees_their_own_cases_to_cover_and_their_own_absence(client_as, org):
    Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="sick", start=dt.date(2026, 7, 6),
                           end=dt.date(2026, 7, 7))  # fmt: skip
    html = client_as("officer").get(reverse("staffing_coverage", args=["OTT"]) + "?week=2026-W28").content.decode()
    cases = html[html.index('id="coverage-cases"'):]
    assert "C-OTT-1" in cases and "C-OTT-2" in cases and "C-OTT-3" not in cases
    assert "(sick 2026-07-06" in html and "(annual " not in html and "Ben Clark" not in html


def test_a_bad_week_on_the_page_shows_this_week_and_says_why(client_as):
    html = client_as("supervisor").get(reverse("staffing_coverage", args=["OTT"]) + "?week=nonsense").content.decode()
    assert "is not an ISO week" in html


def test_the_cover_page_links_to_the_weeks_before_and_after(client_as):
    html = client_as("supervisor").get(reverse("staffing_coverage", args=["OTT"]) + "?week=2026-W01").content.decode()
    assert "week=2025-W52" in html and "week=2026-W02" in html
