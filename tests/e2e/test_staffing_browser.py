"""The staffing dashboard in a real browser: switch policy, see the gap chart, open an explanation."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from caseweight.cases.models import Case
from caseweight.organisation.models import Officer

pytestmark = pytest.mark.e2e


@pytest.fixture
def kingston(org):
    """KIN with 56 medium and 60 maximum cases and 3 parole officers (csc-current 4.00 FTE, usje-2021 5.04)."""
    kin = org["sites"]["KIN"]
    Officer.objects.bulk_create(
        [Officer(code=f"PO-K{i}", name=f"Kingston officer {i}", site=kin, role="po", fte=Decimal("1")) for i in (2, 3)]
    )
    opened = dt.date(2025, 1, 15)
    Case.objects.bulk_create(
        [Case(ref=f"KM-{i}", site=kin, security_level="medium", opened=opened) for i in range(55)]
        + [Case(ref=f"KX-{i}", site=kin, security_level="maximum", opened=opened) for i in range(59)]
    )
    return org


def test_a_regional_manager_switches_policy_and_reads_the_gap_chart_and_an_explanation(page, live_server, users, kingston, sign_in):
    sign_in("regional")
    page.click("nav.mainnav >> text=Staffing")
    page.wait_for_url(f"{live_server.url}/staffing/")
    kin_required = page.locator("tr[data-site=KIN] td.ratio-required")
    assert kin_required.inner_text() == "4.00"
    assert page.locator("#illustrative-note").is_visible()

    page.select_option("#id_policy", "usje-2021")
    page.click("form.policy-bar button[type=submit]")
    page.wait_for_url(re.compile(r".*policy=usje-2021.*"))
    assert kin_required.inner_text() == "5.04"
    assert page.locator("tr[data-site=KIN] td.ratio-positions").inner_text() == "6"

    chart = page.locator("svg#gap-by-site")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert chart.locator("rect.bar").count() == 1  # KIN; OTT is a parole office, without a ratio
    assert chart.locator("text.value").first.text_content() == "+2.04"
    page.screenshot(path="/tmp/caseweight-staffing.png", full_page=True)

    page.click("tr[data-site=KIN] td.explain-links >> text=ratio")
    page.wait_for_url(re.compile(r".*/staffing/sites/KIN/explain/\?policy=usje-2021&method=ratio"))
    assert page.locator("#total-fte").inner_text() == "5.04"
    first = page.locator("table.explanation tbody tr").first
    assert "Required FTE by caseload ratio" in first.inner_text()
    assert page.locator("table.explanation").inner_text().count("ratios.institution.medium") == 2
    page.screenshot(path="/tmp/caseweight-staffing-explain.png", full_page=True)
