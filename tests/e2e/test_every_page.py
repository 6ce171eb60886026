"""Every page opens in a real browser, in English and in French, without a script error or
anything blocked by the Content Security Policy.

The feature tests go deeper; this one catches a page that only breaks in a browser or in French
(a template error behind a translation, an unescaped string, a broken static file).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/regions/",
    "/regions/ONT/",
    "/sites/OTT/",
    "/officers/PO-ANA/",
    "/sites/OTT/cases/",
    "/cases/C-OTT-1/",
    "/audit/",
    "/data/import/",
    "/data/export/",
    "/staffing/",
    "/staffing/regions/ONT/",
    "/staffing/sites/KIN/",
    "/staffing/sites/KIN/explain/?method=time",
    "/staffing/sites/OTT/resilience/",
    "/staffing/sites/OTT/coverage/?week=2026-W28",
    "/staffing/exposure/",
    "/staffing/compare/?a=csc-current&b=usje-2021",
    "/staffing/policies/",
    "/staffing/policies/usje-2021/",
    "/staffing/policies/upload/",
    "/distribution/",
    "/distribution/sites/OTT/",
    "/distribution/sites/OTT/recommend/",
    "/distribution/sites/OTT/assign/",
    "/distribution/sites/OTT/rebalance/",
    "/distribution/sites/OTT/flags/",
    "/distribution/sites/OTT/reductions/",
    "/distribution/officers/PO-ANA/",
    "/distribution/cases/C-OTT-1/flags/",
    "/distribution/cases/C-OTT-1/complexity/",
    "/admin/",
]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_opens_for_a_national_analyst_in_both_languages(page, live_server, org, sign_in, csp_violations,
                                                                   language):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in("analyst")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    redistribute = f"/distribution/absences/{org['absence'].pk}/redistribute/"
    for path in [*PAGES, redistribute]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language, path
        assert page.locator("h1").first.is_visible(), path
    assert script_errors == []
    assert csp_violations == []
