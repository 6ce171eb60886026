"""A supervisor's day in a real browser: sign in, read the site page, switch language, import."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_supervisor_signs_in_and_sees_their_sites_summary(page, live_server, users, sign_in):
    sign_in("supervisor")
    assert page.locator("h1").inner_text() == "My site"
    assert page.locator("main h2 a").inner_text() == "Ottawa Parole Office"
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path="/tmp/caseweight-home.png", full_page=True)


def test_switching_to_french_renders_the_pages_in_french(page, live_server, users, sign_in):
    sign_in("supervisor")
    page.click("button[name=language][value=fr]")
    page.wait_for_selector("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("button[name=language]").inner_text() == "English"
    # The choice is kept in a cookie: the next page is in French too.
    page.goto(f"{live_server.url}/sites/OTT/")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_the_site_page_shows_each_officers_open_caseload(page, live_server, users, sign_in):
    sign_in("supervisor")
    page.click("text=Open the site page")
    page.wait_for_url(f"{live_server.url}/sites/OTT/")
    assert page.locator("#open-cases").inner_text() == "3"
    assert page.locator("tr[data-officer=PO-ANA] td.caseload").inner_text() == "2"
    assert page.locator("tr[data-officer=PO-BEN] td.caseload").inner_text() == "1"
    assert page.locator("table.officers tbody tr").count() == 2
    assert page.locator(".breadcrumbs").inner_text().split() == ["Canada", "›", "Ontario", "›", "Ottawa", "Parole", "Office"]
    page.goto(f"{live_server.url}/sites/OTT/?week=2026-07-08")
    assert page.locator("#absent-count").inner_text() == "1"
    assert "Ben Clark" in page.locator("table.absences").inner_text()
    page.screenshot(path="/tmp/caseweight-site.png", full_page=True)


def test_an_upload_with_a_wrong_cell_names_the_file_row_and_column(page, live_server, users, sign_in):
    sign_in("supervisor")
    page.click("nav.mainnav >> text=Import")
    page.wait_for_url(f"{live_server.url}/data/import/")
    csv = b"code,name,site,role,fte,languages,specialisations\nPO-NEW,New Officer,OTT,po,1.5,en,\n"
    page.set_input_files("input[type=file][name=files]", files=[{"name": "officers.csv", "mimeType": "text/csv", "buffer": csv}])
    page.click("main form button.primary")
    errors = page.locator(".errors").inner_text()
    assert "officers.csv" in errors and "row 2" in errors and "column fte" in errors
