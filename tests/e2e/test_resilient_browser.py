"""Resilient staffing in a real browser: from a site's staffing page to its resilience page, both charts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_supervisor_opens_the_resilience_page_and_sees_both_charts(page, live_server, users, sign_in):
    sign_in("supervisor")
    page.goto(f"{live_server.url}/staffing/sites/OTT/")
    page.click("#resilience-links >> text=Resilient staffing")
    page.wait_for_url(f"{live_server.url}/staffing/sites/OTT/resilience/**")

    curve = page.locator("svg#overload-curve")
    assert curve.is_visible()
    assert curve.get_attribute("role") == "img"
    # OTT: Ana and Ben today; p² = 3.8% <= 5%, so two officers are also the resilient number.
    assert curve.locator("g.marker-now").get_attribute("data-officers") == "2"
    assert curve.locator("g.marker-required").get_attribute("data-officers") == "2"
    assert curve.locator("circle.point").count() >= 3

    history = page.locator("svg#load-history")
    assert history.is_visible()
    assert history.locator("rect.bar").count() == 52
    assert history.locator("line.week-line").count() == 1

    assert page.locator("#resilient-fte").inner_text() == "2.00"
    page.select_option("#id_alpha", "0.2")
    page.click("form.alpha-bar button[type=submit]")
    page.wait_for_url("**alpha=0.2**")
    assert page.locator("svg#overload-curve g.marker-required").get_attribute("data-officers") == "1"
