"""A supervisor opens the recommendation page for a new case in Chromium and confirms an officer."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment

pytestmark = pytest.mark.e2e


def test_a_supervisor_opens_the_recommendation_page_and_confirms_an_officer(page, live_server, users, org, sign_in):
    case = Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                               opened=dt.date(2025, 6, 1))  # fmt: skip
    sign_in("supervisor")
    page.click("nav.mainnav >> text=Distribution")
    page.wait_for_url(f"{live_server.url}/distribution/")
    page.click("tr[data-region=ONT] >> text=OTT")
    assert page.locator("svg#utilisation-chart rect.bar").count() == 2
    page.click("nav.distribution-subnav >> text=New cases")
    page.click("tr[data-case=C-OTT-NEW] a.recommend-link")
    candidates = page.locator("li.candidate")
    assert candidates.count() == 2
    assert "takes" in candidates.first.inner_text() and "%" in candidates.first.inner_text()
    chosen = candidates.nth(1).get_attribute("data-officer")
    candidates.nth(1).locator("input[type=radio]").check()
    page.click("#confirm-officer")
    page.wait_for_url(f"{live_server.url}/distribution/sites/OTT/recommend/")
    assert "assigned to" in page.locator("ul.messages").inner_text()
    case.refresh_from_db()
    assert case.officer.code == chosen
    record = Assignment.objects.get(case=case)
    assert (record.assigned_by, record.method) == (users["supervisor"], "manual")


def test_a_supervisor_shares_out_an_absent_officers_cases_until_he_is_back(page, live_server, org, sign_in):
    from caseweight.distribution.models import Cover
    from caseweight.organisation.models import Absence

    today = dt.date.today()
    absence = Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=today,
                                     end=today + dt.timedelta(days=9))  # fmt: skip
    sign_in("supervisor")
    page.goto(f"{live_server.url}/distribution/sites/OTT/")
    page.click(f"ul.absence-list a[href='/distribution/absences/{absence.pk}/redistribute/']")
    assert page.locator("table.plan-assignments tr[data-case=C-OTT-3]").count() == 1
    assert "h over the absence" in page.locator("table.redistribution-summary").inner_text()
    page.click("form.apply-plan button[type=submit]")
    page.wait_for_url(f"{live_server.url}/distribution/sites/OTT/")
    assert "1 case covered until" in page.locator("ul.messages").inner_text()
    assert "1 case covered" in page.locator("ul.absence-list").inner_text()
    page.goto(f"{live_server.url}/distribution/officers/PO-ANA/")
    assert "Ben Clark" in page.locator("table.officer-covering tr[data-covering=C-OTT-3]").inner_text()
    assert Cover.objects.get().absence == absence
