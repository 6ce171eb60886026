"""The resilient staffing pages: a site's resilience page, the sites most exposed, the explanation.

The shared fixture (tests/conftest.py), csc-current, no site with enough absence records (Ben's two
weeks of leave are 0.8 officer-years of records at OTT, under the policy's 5): every site uses the
policy's absence rate p = 0.0865 + 0.0577 + 0.02 + 0.0192 + 0.0115 = 0.1949.
- KIN and MTL each have 1 officer and a workload well under 37.5 h a week: one officer at work is
  enough, so a week overloads when that officer is away: P(overload) = p = 19.49%. Resilient N = 2
  (p² = 3.8% <= 5%).
- OTT has Ana and Ben (2 officers): P(overload) = p² = 3.80%; resilient N = 2, today's staff.
Uncovered hours a year = P(nobody at work) × W × 49.8 weeks: KIN (2 cases, more hours) > OTT > MTL.

`recorded` adds RES, a parole office of 6 officers each away one week (5 working days) in the
52 weeks before today: 30 days / (6 × 260) = 1.92%, from the records (6 officer-years >= 5).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseweight.organisation.models import Officer, Region, Site

P_AWAY = 0.0865 + 0.0577 + 0.02 + 0.0192 + 0.0115
ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")


@pytest.fixture
def recorded(recorded_site):
    return recorded_site(as_of=timezone.localdate(), kind="annual")


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-site="([A-Z0-9-]+)">', html)


# --- who sees what -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("staffing_resilience", ["OTT"], (200, 200, 200, 200, 200)),
        ("staffing_resilience", ["MTL"], (403, 403, 403, 200, 200)),
        ("staffing_exposure", [], (200, 200, 200, 200, 200)),
    ],
)
@pytest.mark.parametrize("i, role", list(enumerate(ROLES)))
def test_each_role_sees_resilience_for_its_own_sites_only(client_as, name, args, expected, i, role):
    assert client_as(role).get(reverse(name, args=args)).status_code == expected[i]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("staffing_resilience", args=["OTT"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_site_is_not_found(client_as):
    assert client_as("national_analyst").get(reverse("staffing_resilience", args=["NOPE"])).status_code == 404


# --- the resilience page -------------------------------------------------------------------------

def test_the_site_page_links_to_the_resilience_and_cover_pages(client_as):
    html = client_as("supervisor").get(reverse("staffing_site", args=["OTT"])).content.decode()
    assert reverse("staffing_resilience", args=["OTT"]) in html
    assert reverse("staffing_coverage", args=["OTT"]) in html
    assert "method=resilient" in html


def test_the_overload_chart_marks_todays_staff_and_the_resilient_n(client_as):
    html = client_as("union_analyst").get(reverse("staffing_resilience", args=["KIN"])).content.decode()
    assert '<svg class="line-chart overload-chart" id="overload-curve"' in html
    assert 'class="marker marker-now" data-officers="1"' in html
    assert 'class="marker marker-required" data-officers="2"' in html  # p² = 3.8% <= 5%
    assert 'data-officers="1" cx=' in html  # a point at today's staff


def test_the_load_history_chart_has_52_weeks_and_the_paid_week_line(client_as):
    html = client_as("supervisor").get(reverse("staffing_resilience", args=["OTT"])).content.decode()
    chart = html[html.index('id="load-history"'):html.index("</svg>", html.index('id="load-history"'))]
    assert chart.count("<rect ") == 52
    assert 'class="week-line"' in chart and "37.5 h" in chart


def test_the_three_fte_figures_stand_side_by_side(client_as):
    html = client_as("regional_manager").get(reverse("staffing_resilience", args=["KIN"])).content.decode()
    minimum = float(re.search(r'id="minimum-fte" data-value="([0-9.e-]+)"', html)[1])
    relief = float(re.search(r'id="relief-fte" data-value="([0-9.e-]+)"', html)[1])
    resilient = float(re.search(r'id="resilient-fte" data-value="([0-9.e-]+)"', html)[1])
    assert relief == pytest.approx(minimum / (1 - P_AWAY))
    assert resilient == 2.0


def test_the_page_gives_the_chance_of_overload_and_the_absence_source(client_as):
    html = client_as("regional_manager").get(reverse("staffing_resilience", args=["KIN"])).content.decode()
    assert re.search(r'id="p-overload-now">19\.5%', html)  # one officer, away with p = 19.49%
    assert 'id="absence-source">from the policy' in html
    assert 'id="cost-resilient-extra">$' in html  # the policy has pay figures


def test_a_site_with_enough_records_uses_its_own_absence_rate(client_as, recorded):
    html = client_as("national_analyst").get(reverse("staffing_resilience", args=["RES"])).content.decode()
    assert 'source-records" id="absence-source">from this site' in html
    assert re.search(r'id="absence-rate">1\.9%', html)  # 30 / 1,560 = 1.92%


def test_alpha_is_chosen_in_the_query_string(client_as):
    # At 20% of weeks, one officer (away with p = 19.49%) is enough at KIN.
    html = client_as("national_analyst").get(reverse("staffing_resilience", args=["KIN"]) + "?alpha=0.2").content.decode()
    assert '<option value="0.2" selected>' in html
    assert 'class="marker marker-required" data-officers="1"' in html


@pytest.mark.parametrize("alpha", ["0", "150", "five"])
def test_an_alpha_outside_zero_to_one_falls_back_to_the_policys(client_as, alpha):
    html = client_as("national_analyst").get(reverse("staffing_resilience", args=["KIN"]) + f"?alpha={alpha}").content.decode()
    assert "Alpha must be a share of weeks" in html
    assert 'class="marker marker-required" data-officers="2"' in html


def test_the_resilient_explanation_opens_from_the_page(client_as):
    client = client_as("supervisor")
    html = client.get(reverse("staffing_resilience", args=["OTT"])).content.decode()
    link = re.search(r'id="explain-resilient" href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert "method=resilient" in link
    page = client.get(link)
    assert page.status_code == 200
    assert "resilient FTE (absences covered)" in page.content.decode()


# --- the sites most exposed ------------------------------------------------------------------------

def test_the_exposed_sites_are_sorted_by_chance_of_overload_then_uncovered_hours(client_as):
    html = client_as("national_analyst").get(reverse("staffing_exposure")).content.decode()
    # KIN and MTL tie at p = 19.49%; KIN has more uncovered hours. OTT: p² = 3.80%.
    assert rows_of(html) == ["KIN", "MTL", "OTT"]


def test_the_exposed_sites_may_be_sorted_by_uncovered_hours(client_as):
    html = client_as("national_analyst").get(reverse("staffing_exposure") + "?sort=uncovered").content.decode()
    values = [float(v) for v in re.findall(r'<td class="num" data-value="([0-9.e-]+)">[0-9,]+</td>', html)]
    assert values == sorted(values, reverse=True)
    assert rows_of(html)[0] == "KIN"


def test_the_exposed_sites_may_be_filtered_by_region(client_as):
    html = client_as("national_analyst").get(reverse("staffing_exposure") + "?region=QUE").content.decode()
    assert rows_of(html) == ["MTL"]


def test_a_scoped_role_sees_only_its_own_exposed_sites(client_as):
    html = client_as("regional_manager").get(reverse("staffing_exposure")).content.decode()
    assert rows_of(html) == ["KIN", "OTT"]


def test_the_exposure_table_stops_at_the_top_25(client_as, org):
    que = Region.objects.get(code="QUE")
    for i in range(30):
        site = Site.objects.create(code=f"X{i:02d}", name=f"Office {i}", region=que, kind="parole_office")
        Officer.objects.create(code=f"PO-X{i:02d}", name=f"X {i}", site=site)
    html = client_as("national_analyst").get(reverse("staffing_exposure")).content.decode()
    assert len(rows_of(html)) == 25


def test_in_french_the_alpha_choices_still_send_a_number_the_page_reads(client_as, settings):
    client = client_as("national_analyst")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("staffing_resilience", args=["KIN"]) + "?alpha=0.2").content.decode()
    assert '<option value="0.2" selected>' in html  # not "0,2", which the next request would refuse
    assert 'class="marker marker-required" data-officers="1"' in html
