"""Absurd input (weeks and dates at the ends of the calendar, admin drill-downs into year 99999)
gets a page that says what was wrong, never a server error."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from caseweight.admin_dates import DateDrillDownAdmin
from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, ComplexityAssessment
from caseweight.organisation.models import Absence


@pytest.fixture
def quiet_client(users):
    """A national analyst whose client answers a server error with its 500 page, as a browser would see it."""
    client = Client(raise_request_exception=False)
    client.force_login(users["national_analyst"])
    return client


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "1899-W52", "3000-W01"])
def test_a_coverage_week_at_the_ends_of_the_calendar_shows_this_week_and_says_why(quiet_client, org, week):
    response = quiet_client.get("/staffing/sites/OTT/coverage/", {"week": week})
    assert response.status_code == 200
    assert f"{week} is outside the years 1900 to 2999: showing this week." in response.content.decode()
    this_week = timezone.localdate().isocalendar()
    assert response.context["week"] == f"{this_week[0]}-W{this_week[1]:02d}"


def test_the_first_and_last_weeks_shown_link_to_their_neighbours(quiet_client, org):
    first = quiet_client.get("/staffing/sites/OTT/coverage/", {"week": "1900-W01"})
    last = quiet_client.get("/staffing/sites/OTT/coverage/", {"week": "2999-W52"})
    assert first.context["week"] == "1900-W01" and "week=1899-W52" in first.context["previous_query"]
    assert last.context["week"] == "2999-W52" and "week=3000-W01" in last.context["next_query"]


@pytest.mark.parametrize("start, end", [
    (dt.date(1, 1, 1), dt.date(1, 1, 12)),
    (dt.date(1, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(9999, 12, 27), dt.date(9999, 12, 31)),
], ids=["year-1", "year-1-to-now", "last-days-of-9999"])  # fmt: skip
def test_an_absence_at_the_ends_of_the_calendar_has_its_redistribution_page_and_is_listed(client_as, org, start, end):
    Case.objects.filter(ref="C-OTT-3").update(opened=dt.date(1, 1, 1))  # Ben's case, open since year 1
    absence = Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="secondment", start=start, end=end)
    client = client_as("supervisor")
    page = client.get(f"/distribution/absences/{absence.pk}/redistribute/")
    assert page.status_code == 200
    assert "Share out Ben Clark&#x27;s cases while absent" in page.content.decode()
    assert page.context["plan"]["period"] == [start.isoformat(), end.isoformat()]
    posted = client.post(f"/distribution/absences/{absence.pk}/redistribute/", {"plan": page.context["plan_json"]},
                         follow=True)  # fmt: skip
    assert posted.status_code == 200
    if end >= timezone.localdate():  # listed on the site page while it lasts
        assert f"/distribution/absences/{absence.pk}/redistribute/" in client.get("/distribution/sites/OTT/").content.decode()


def test_every_admin_with_a_date_drill_down_refuses_the_dates_it_cannot_show():
    with_drill_down = [type(model_admin) for model_admin in admin.site._registry.values() if model_admin.date_hierarchy]
    assert with_drill_down and all(issubclass(cls, DateDrillDownAdmin) for cls in with_drill_down), with_drill_down


DRILL_DOWNS = [(f"/admin/{m._meta.app_label}/{m._meta.model_name}/", a.date_hierarchy)
               for m, a in admin.site._registry.items() if a.date_hierarchy]  # fmt: skip


@pytest.fixture
def superuser_client(django_user_model):
    """A superuser, who may open every admin, django-axes' sign-in records included."""
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("root", password="a-long-test-password-1"))
    return client


@pytest.mark.parametrize("url, field", DRILL_DOWNS, ids=[url.split("/")[-2] for url, _field in DRILL_DOWNS])
@pytest.mark.parametrize("asked", [
    {"year": "99999"}, {"year": "9999"}, {"year": "9999", "month": "12"}, {"year": "9999", "month": "12", "day": "31"},
    {"year": "2026", "month": "13"}, {"year": "2026", "month": "2", "day": "31"}, {"year": "0"}, {"year": "-5"},
    {"year": "9" * 30}, {"year": "9" * 5000}, {"year": "abc"}, {"year": ""},
], ids=lambda asked: "-".join(v[:8] for v in asked.values()) or "empty")  # fmt: skip
def test_an_admin_date_drill_down_into_a_date_it_cannot_show_says_so_and_lists_every_date(superuser_client, org, url,
                                                                                           field, asked):
    response = superuser_client.get(url, {f"{field}__{part}": value for part, value in asked.items()}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    shown = "-".join(asked.values())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    assert f"&quot;{shown}&quot; is not a date this list can show: showing every date." in page
    assert response.redirect_chain[-1][0] == url + "?"


def test_an_admin_date_drill_down_into_a_real_date_still_filters(quiet_client, org):
    response = quiet_client.get("/admin/organisation/absence/", {"start__year": "2026", "start__month": "7"})
    assert response.status_code == 200 and list(response.context["cl"].queryset) == [org["absence"]]
    response = quiet_client.get("/admin/organisation/absence/", {"start__year": "2025"})
    assert response.status_code == 200 and list(response.context["cl"].queryset) == []


@pytest.mark.parametrize("method, url, data, place", [
    ("get", "/audit/", {"key": "C-OTT\x00"}, "The field “key” holds a NUL character"),
    ("get", "/sites/OTT/cases/", {"officer": "\x00"}, "The field “officer” holds a NUL character"),
    ("get", "/sites/OT%00T/", {}, "The address holds a NUL character"),
    ("get", "/cases/C-OTT-1%00/", {}, "The address holds a NUL character"),
    ("post", "/distribution/sites/OTT/recommend/C-OTT-1/", {"officer": "PO-BEN\x00"}, "The field “officer” holds"),
    ("post", "/distribution/cases/C-OTT-1/complexity/", {"factors": "trauma", "note": "a\x00b"}, "The field “note” holds"),
], ids=["query", "filter", "path", "case-path", "choice", "note"])  # fmt: skip
def test_a_nul_character_anywhere_in_a_request_is_refused_with_where_it_is(client_as, org, method, url, data, place):
    """PostgreSQL can neither store nor compare a NUL: refused at the door, the same on both databases."""
    client = client_as("supervisor")
    if method == "get":
        response = client.get(url, data)
    else:  # as a browser posts a form
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.content.decode()
    assert place in page and "nothing was read or written" in page
    assert not Assignment.objects.exists() and not ComplexityAssessment.objects.exists()


@pytest.mark.parametrize("url, data", [
    ("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN\x00", "rank": "2"}),
    ("/distribution/sites/OTT/reductions/", {"officer": "PO-ANA\x00", "hours_per_week": "2", "reason": "training",
                                              "start": "2026-01-05"}),
], ids=["choice", "form"])  # fmt: skip
def test_a_nul_character_in_a_multipart_form_writes_nothing_and_gets_no_server_error(org, users, url, data):
    """Upload forms are not read before their view: there PostgreSQL's refusal gets the page (400)
    and SQLite the view's own answer (nobody of that code, or the form's error)."""
    Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                        opened=dt.date(2025, 6, 1))  # fmt: skip
    client = Client(raise_request_exception=False)
    client.force_login(users["supervisor"])
    response = client.post(url, data)  # the test client posts multipart
    assert response.status_code in (200, 302, 400) and not Assignment.objects.exists()
    if response.status_code == 400:
        assert "The form holds a NUL character (code 0)" in response.content.decode()


def test_a_plan_naming_a_case_with_a_nul_character_gets_the_plan_message(client_as, org):
    forged = '{"assignments": [{"case": "C-OTT-1\\u0000", "officer": "PO-BEN", "from_officer": "PO-ANA"}]}'
    response = client_as("supervisor").post("/distribution/sites/OTT/rebalance/", {"plan": forged}, follow=True)
    assert "The plan could not be read. Make it again." in response.content.decode()
    assert not Assignment.objects.exists()
