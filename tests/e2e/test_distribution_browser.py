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
