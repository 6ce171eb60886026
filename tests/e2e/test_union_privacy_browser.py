"""A union analyst clicks through every page they can reach and never meets an officer's name.

The world fixture (tests/conftest.py) has, this week, absent officers, covers, flags and
reductions at every site: whatever a page shows of one officer would name them somewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

NAMES = ("Ana Tremblay", "Ben Clark", "Camille Roy", "Kim Nguyen", "Éloïse Gagné")
CODES = ("PO-ANA", "PO-BEN", "PO-CAM", "PO-KIM", "PO-ELO")
# Links not to follow: signing out, the language switch, the admin (not theirs), and downloads.
SKIP = ("/logout/", "/i18n/", "/admin/", ".xlsx", ".zip", ".csv", "format=xlsx")
MAX_PAGES = 80


def test_a_union_analysts_pages_name_no_officer(page, live_server, world, sign_in):
    sign_in("union")
    to_visit, seen, leaks = ["/"], set(), []
    while to_visit and len(seen) < MAX_PAGES:
        path = to_visit.pop(0)
        if urlsplit(path).path in seen:
            continue  # each page once: its sort orders and policy choices show the same rows
        seen.add(urlsplit(path).path)
        response = page.goto(f"{live_server.url}{path}")
        if response.status != 200:
            continue  # a 403 or 404 page: the access tests check what those hold
        html = page.content()  # the DOM, SVG titles and attributes included
        leaks += [(path, secret) for secret in (*NAMES, *CODES) if secret in html]
        for href in page.eval_on_selector_all(
                "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"  # SVG links too
            ):
            url = urlsplit(href)
            if url.netloc == urlsplit(live_server.url).netloc and not any(s in href for s in SKIP):
                to_visit.append(url.path + (f"?{url.query}" if url.query else ""))
    assert len(seen) > 30, f"only {len(seen)} pages reached"
    assert {"/sites/OTT/", "/distribution/sites/OTT/", "/staffing/sites/OTT/coverage/"} <= seen
    assert leaks == []
