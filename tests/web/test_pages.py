"""The figures on the pages, checked by hand against the fixture (tests/conftest.py).

OTT (parole office): Ana (1.000 FTE, en;fr, indigenous) holds C-OTT-1 (A, en) and C-OTT-2
(intensive, fr, mental_health;trauma); Ben (0.800 FTE, en) holds C-OTT-3 (C) and is on annual
leave from Monday 6 to Friday 17 July 2026. KIN (hybrid medium/maximum): Kim holds C-KIN-1
(maximum) and C-KIN-2 (medium). MTL (Quebec): Éloïse holds C-MTL-1 (B). No case is closed.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer, Site


def freeze_today(monkeypatch, day: dt.date) -> None:
    """Make timezone.now() (hence "today" and "this week") fall at noon on `day`."""
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def level_counts(body: str) -> dict[str, int]:
    rows = re.findall(r'data-level="([^"]+)"><td>[^<]*</td><td class="num">(\d+)</td>', body)
    return {level: int(count) for level, count in rows}


def caseloads(body: str) -> dict[str, int]:
    rows = re.findall(r'data-officer="([^"]+)">.*?class="num caseload">(\d+)<', body, re.S)
    return {code: int(count) for code, count in rows}


def card(body: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}">(\d+)<', body).group(1))


def row_cells(body: str, text: str) -> list[str]:
    """The cells of the first table row containing `text`, tags stripped."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", body, re.S):
        if text in row:
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row with {text!r}")


def page(client, name, *args, query="") -> str:
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return response.content.decode()


# --- Site page ---------------------------------------------------------------------------------


def test_the_site_page_counts_open_cases_by_supervision_level(client_as):
    body = page(client_as("supervisor"), "site_detail", "OTT")
    assert card(body, "open-cases") == 3
    assert level_counts(body) == {"intensive": 1, "A": 1, "B": 0, "C": 1, "D": 0}


def test_an_institution_page_counts_open_cases_by_its_own_security_levels(client_as):
    body = page(client_as("regional_manager"), "site_detail", "KIN")
    assert level_counts(body) == {"medium": 1, "maximum": 1}
    assert "hybrid" in body


def test_each_officer_row_shows_role_fte_languages_specialisations_and_open_caseload(client_as):
    body = page(client_as("supervisor"), "site_detail", "OTT")
    assert caseloads(body) == {"PO-ANA": 2, "PO-BEN": 1}
    assert row_cells(body, 'data-officer="PO-ANA"')[1:] == ["Parole officer", "1.00", "English, French", "Indigenous", "2"]
    assert row_cells(body, 'data-officer="PO-BEN"')[1:] == ["Parole officer", "0.80", "English", "—", "1"]


def test_the_site_totals_add_up_officers_and_fte(client_as):
    body = page(client_as("supervisor"), "site_detail", "OTT")
    assert '<div class="value">2</div><div class="label">officers</div>' in body
    assert '<div class="value">1.80</div><div class="label">FTE</div>' in body


def test_a_closed_case_leaves_the_counts_but_one_closing_later_still_counts(client_as, org, monkeypatch):
    freeze_today(monkeypatch, dt.date(2026, 7, 8))
    Case.objects.filter(ref="C-OTT-1").update(closed=dt.date(2026, 6, 30))
    Case.objects.filter(ref="C-OTT-3").update(closed=dt.date(2026, 8, 31))
    body = page(client_as("supervisor"), "site_detail", "OTT")
    assert card(body, "open-cases") == 2
    assert level_counts(body)["A"] == 0 and level_counts(body)["C"] == 1
    assert caseloads(body) == {"PO-ANA": 1, "PO-BEN": 1}


@pytest.mark.parametrize(
    ("any_day_of_the_week", "absent"),
    [
        ("2026-07-05", 0),  # the week before: the leave starts on the Monday after this Sunday
        ("2026-07-06", 1),  # the Monday the leave starts
        ("2026-07-12", 1),  # the Sunday of that same week
        ("2026-07-15", 1),  # the second week: the leave ends on Friday 17
        ("2026-07-20", 0),  # back at work
    ],
)
def test_officers_absent_are_those_whose_leave_overlaps_monday_to_sunday(client_as, any_day_of_the_week, absent):
    body = page(client_as("supervisor"), "site_detail", "OTT", query=f"?week={any_day_of_the_week}")
    assert card(body, "absent-count") == absent
    assert ("Ben Clark" in body.split("Absent from")[1]) == bool(absent)


def test_this_week_is_the_week_containing_today(client_as, monkeypatch):
    freeze_today(monkeypatch, dt.date(2026, 7, 16))
    body = page(client_as("supervisor"), "site_detail", "OTT")
    assert card(body, "absent-count") == 1
    assert "officers absent this week" in body
    assert "Absent from July 13, 2026 to July 19, 2026" in body


@pytest.mark.parametrize(("week", "reason"), [
    ("next-tuesday", "next-tuesday is not a date (for example 2026-07-08): showing this week."),
    ("9999-12-31", "9999-12-31 is outside the years 1900 to 2999: showing this week."),
    ("0001-01-01", "0001-01-01 is outside the years 1900 to 2999: showing this week."),
])  # fmt: skip
def test_an_unreadable_or_out_of_range_week_falls_back_to_this_week_and_says_why(client_as, monkeypatch, week, reason):
    freeze_today(monkeypatch, dt.date(2026, 7, 8))
    body = page(client_as("supervisor"), "site_detail", "OTT", query=f"?week={week}")
    assert card(body, "absent-count") == 1
    assert reason in body


def test_a_week_shown_says_no_reason(client_as):
    assert 'id="week-error"' not in page(client_as("supervisor"), "site_detail", "OTT", query="?week=2026-07-08")


def test_an_officer_who_is_away_twice_in_a_week_counts_once(client_as, org):
    Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=dt.date(2026, 7, 3), end=dt.date(2026, 7, 6))
    Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="training", start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 2))
    body = page(client_as("supervisor"), "site_detail", "OTT", query="?week=2026-07-01")
    assert card(body, "absent-count") == 2  # Ana (training) and Ben (sick, into Monday 6)
    body = page(client_as("supervisor"), "site_detail", "OTT", query="?week=2026-07-06")
    assert card(body, "absent-count") == 1  # Ben, on sick then annual leave


def test_an_officer_sees_their_sites_totals_but_only_their_own_row(client_as):
    body = page(client_as("officer"), "site_detail", "OTT", query="?week=2026-07-08")
    assert card(body, "open-cases") == 3 and card(body, "absent-count") == 1
    assert caseloads(body) == {"PO-ANA": 2}
    assert "Ben Clark" not in body


def test_a_union_analyst_sees_the_sites_counts_and_fte_but_no_officer(client_as):
    body = page(client_as("union_analyst"), "site_detail", "OTT", query="?week=2026-07-08")
    assert '<div class="value">2</div><div class="label">officers</div>' in body
    assert '<div class="value">1.80</div><div class="label">FTE</div>' in body
    assert card(body, "absent-count") == 1 and 'id="officers-not-listed"' in body
    for secret in ("Ana Tremblay", "Ben Clark", "PO-ANA", "PO-BEN", "data-officer", "Indigenous", "0.80"):
        assert secret not in body


# --- Home pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["national_analyst", "union_analyst"])
def test_the_national_home_page_shows_national_totals_and_regions(client_as, role):
    body = page(client_as(role), "home")
    cards = dict((label, value) for value, label in re.findall(
        r'<div class="value">([^<]+)</div><div class="label">([^<]+)</div>', body))
    assert cards == {
        "institutions": "1",
        "parole offices": "2",
        "Community Correctional Centres": "0",
        "open cases in custody": "2",
        "open cases in the community": "4",
        "officers": "4",
        "FTE": "3.80",
    }
    assert row_cells(body, "/regions/ONT/") == ["Ontario ONT", "2", "5", "3", "2.80"]
    assert row_cells(body, "/regions/QUE/") == ["Quebec QUE", "1", "1", "1", "1.00"]
    assert row_cells(body, "/regions/PAC/") == ["Pacific PAC", "0", "0", "0", "0.00"]


def test_a_supervisors_home_page_summarises_their_site_and_links_to_it(client_as, monkeypatch):
    freeze_today(monkeypatch, dt.date(2026, 7, 8))
    body = page(client_as("supervisor"), "home")
    assert 'href="/sites/OTT/"' in body
    assert '<div class="value">3</div><div class="label">open cases</div>' in body
    assert '<div class="value">1</div><div class="label">officers absent this week</div>' in body


def test_a_regional_managers_home_page_lists_the_sites_of_their_region(client_as):
    body = page(client_as("regional_manager"), "home")
    assert row_cells(body, "/sites/KIN/") == ["Kingston Institution KIN", "Institution", "medium, maximum", "2", "1", "1.00"]
    assert row_cells(body, "/sites/OTT/") == ["Ottawa Parole Office OTT", "Parole office", "—", "3", "2", "1.80"]
    assert "MTL" not in body


def test_an_officers_home_page_lists_their_open_cases_with_level_language_and_factors(client_as):
    body = page(client_as("officer"), "home")
    assert '<div class="value">2</div><div class="label">open cases</div>' in body
    assert row_cells(body, "C-OTT-1")[:4] == ["C-OTT-1", "A", "English", "—"]
    assert row_cells(body, "C-OTT-2")[:4] == ["C-OTT-2", "intensive", "French", "mental health, trauma"]
    assert "C-OTT-3" not in body


def test_an_officers_home_page_lists_their_absences(client_as, org):
    Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="sick", start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 3))
    body = page(client_as("officer"), "home")
    assert row_cells(body, "Sick leave") == ["Sick leave", "Feb. 2, 2026", "Feb. 3, 2026"]
    assert "Annual leave" not in body  # Ben's


def test_an_officer_account_not_linked_to_a_record_is_told_so(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_user("lost", role="officer"))
    assert "not linked to an officer record" in page(client, "home")


# --- Regions, officers, cases ------------------------------------------------------------------


def test_the_region_page_lists_its_sites_with_kind_levels_cases_officers_and_fte(client_as):
    body = page(client_as("national_analyst"), "region_detail", "ONT")
    assert row_cells(body, "/sites/KIN/") == ["Kingston Institution KIN", "Institution", "medium, maximum", "2", "1", "1.00"]
    assert row_cells(body, "/sites/OTT/") == ["Ottawa Parole Office OTT", "Parole office", "—", "3", "2", "1.80"]
    assert "MTL" not in body


def test_the_region_list_of_a_supervisor_counts_their_site_only(client_as):
    body = page(client_as("supervisor"), "region_list")
    assert row_cells(body, "/regions/ONT/") == ["Ontario ONT", "1", "3", "2", "1.80"]
    assert "/regions/QUE/" not in body


def test_a_regional_manager_sees_their_region_before_it_has_any_site(client, org, django_user_model):
    from caseweight.organisation.models import Region

    atlantic = Region.objects.get(code="ATL")
    client.force_login(django_user_model.objects.create_user("atl", role="regional_manager", region=atlantic))
    assert row_cells(page(client, "region_list"), "/regions/ATL/") == ["Atlantic ATL", "0", "0", "0", "0.00"]
    assert "No site." in page(client, "region_detail", "ATL")


def test_the_officer_page_lists_their_open_cases_and_absences(client_as):
    body = page(client_as("supervisor"), "officer_detail", "PO-BEN")
    assert row_cells(body, "C-OTT-3")[:3] == ["C-OTT-3", "C", "English"]
    assert row_cells(body, "Annual leave") == ["Annual leave", "July 6, 2026", "July 17, 2026"]
    assert "C-OTT-1" not in body


def test_breadcrumbs_lead_from_canada_to_region_site_and_officer(client_as):
    body = page(client_as("supervisor"), "case_detail", "C-OTT-2")
    crumbs = re.sub(r"<[^>]+>|\s+", " ", re.search(r'<nav class="breadcrumbs".*?</nav>', body, re.S).group(0)).split()
    assert " ".join(crumbs) == "Canada › Ontario › Ottawa Parole Office › Ana Tremblay › C-OTT-2"


def test_the_case_page_shows_level_language_factors_officer_and_dates(client_as):
    body = page(client_as("supervisor"), "case_detail", "C-OTT-2")
    assert row_cells(body, "Supervision level") == ["intensive"]
    assert row_cells(body, "Language") == ["French"]
    assert row_cells(body, "Complexity factors") == ["mental health, trauma"]
    assert row_cells(body, "<th>Officer") == ["Ana Tremblay"]
    assert row_cells(body, "Opened") == ["Jan. 15, 2025"]
    assert row_cells(body, "<th>Closed") == ["—"]


def _refs(body: str) -> list[str]:
    return re.findall(r'href="/cases/([^/"]+)/"', body)


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("", ["C-OTT-1", "C-OTT-2", "C-OTT-3"]),
        ("?level=intensive", ["C-OTT-2"]),
        ("?officer=PO-BEN", ["C-OTT-3"]),
        ("?officer=PO-ANA&level=A", ["C-OTT-1"]),
        ("?officer=-", []),
        ("?status=closed", []),
    ],
)
def test_the_site_cases_list_filters_by_level_officer_and_status(client_as, query, refs):
    assert _refs(page(client_as("supervisor"), "site_cases", "OTT", query=query)) == refs


def test_the_site_cases_list_shows_closed_and_unassigned_cases_when_asked(client_as, org):
    Case.objects.create(ref="C-OTT-9", site=org["sites"]["OTT"], supervision_level="D", language="en",
                        opened=dt.date(2024, 1, 1), closed=dt.date(2024, 12, 31))
    client = client_as("supervisor")
    assert _refs(page(client, "site_cases", "OTT", query="?status=closed")) == ["C-OTT-9"]
    assert _refs(page(client, "site_cases", "OTT", query="?status=all&officer=-")) == ["C-OTT-9"]
    assert "C-OTT-9" not in page(client, "site_cases", "OTT")


def test_the_site_cases_list_is_paginated_by_fifty(client_as, org):
    Case.objects.bulk_create(
        Case(ref=f"C-OTT-X{n:03}", site=org["sites"]["OTT"], supervision_level="B", language="en", opened=dt.date(2025, 3, 1))
        for n in range(57)
    )
    client = client_as("supervisor")
    first = page(client, "site_cases", "OTT")
    assert len(_refs(first)) == 50 and "60 cases" in first and "Page 1 of 2" in first
    second = page(client, "site_cases", "OTT", query="?page=2")
    assert len(_refs(second)) == 10 and set(_refs(first)).isdisjoint(_refs(second))
    assert 'href="?level=B&amp;page=2"' in page(client, "site_cases", "OTT", query="?level=B")


# --- Every page: base template, language, query count -----------------------------------------

NATIONAL_PAGES = [
    ("home", ()), ("region_list", ()), ("region_detail", ("ONT",)), ("site_detail", ("OTT",)),
    ("officer_detail", ("PO-ANA",)), ("site_cases", ("OTT",)), ("case_detail", ("C-OTT-1",)), ("audit_log", ()),
]


@pytest.mark.parametrize(("name", "args"), NATIONAL_PAGES)
def test_every_page_extends_the_base_template_with_its_header_and_language_switch(client_as, name, args):
    body = page(client_as("national_analyst"), name, *args)
    assert '<html lang="en">' in body
    assert 'class="topbar"' in body and 'name="language" value="fr"' in body


@pytest.mark.parametrize(("name", "args"), NATIONAL_PAGES)
def test_a_page_asked_for_in_french_is_rendered_in_french(client_as, name, args):
    response = client_as("national_analyst").get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in body


def test_the_language_cookie_set_by_the_switch_keeps_pages_in_french(client_as):
    client = client_as("supervisor")
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/sites/OTT/"})
    assert response.status_code == 302
    body = page(client, "site_detail", "OTT")
    assert '<html lang="fr">' in body
    assert 'value="en" lang="en">English</button>' in body


def test_region_names_follow_the_language(client_as):
    client = client_as("national_analyst")
    assert "Quebec" in page(client, "region_list")
    french = client.get(reverse("region_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Québec" in french and "Pacifique" in french


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(org, n: int) -> None:
    """Add n officers with a case and an absence each at OTT and KIN, and n more sites in Ontario."""
    for site in (org["sites"]["OTT"], org["sites"]["KIN"]):
        for i in range(n):
            officer = Officer.objects.create(code=f"PO-{site.code}-{i}", name=f"Officer {i}", site=site)
            level = {"security_level": "medium"} if site.kind == "institution" else {"supervision_level": "B"}
            Case.objects.create(ref=f"C-{site.code}-G{i}", site=site, language="en", officer=officer,
                                opened=dt.date(2025, 1, 1), **level)
            Absence.objects.create(officer=officer, kind="sick", start=dt.date(2026, 7, 7), end=dt.date(2026, 7, 8))
    for i in range(n):
        Site.objects.create(code=f"ONT-{i}", name=f"Site {i}", region=org["regions"]["ONT"], kind="parole_office")


BUSY_URLS = ["/", "/regions/", "/regions/ONT/", "/sites/OTT/?week=2026-07-08", "/sites/OTT/cases/", "/audit/",
             "/officers/PO-ANA/"]


@pytest.mark.parametrize(
    ("role", "url"),
    [("national_analyst", url) for url in [*BUSY_URLS, "/sites/KIN/"]] + [("supervisor", url) for url in BUSY_URLS],
)
def test_a_page_makes_as_many_queries_for_a_big_site_as_for_a_small_one(client_as, org, role, url):
    client = client_as(role)
    small = _query_count(client, url)
    _grow(org, 5)
    assert _query_count(client, url) == small
