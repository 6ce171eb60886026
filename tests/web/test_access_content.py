"""What each role must never see, on every route, checked by what the response contains.

Every route Django serves (tests/web/routes.py) is opened by every role on an object of each site
(OTT: the officer's and the supervisor's site; KIN: elsewhere in Ontario; MTL: Quebec), pages,
downloads and the admin alike. Whatever the status, the answer (body, file members, redirect
target) must hold nothing the role may never see (DESIGN.md, "Roles and what each may see"):

- an officer: a colleague's name, case, absence, flag or reduction; anything of another site;
- a supervisor: anything of another site (KIN, MTL);
- a regional manager: anything of another region (MTL);
- a union analyst: any row about one officer (name, code, load, presence, absence, reduction) or
  one case (reference, flag);
- a national analyst sees everything: their answers are checked for server errors only.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import parse_qsl, urlsplit

import pytest

from routes import NOT_DATA, all_routes, served_route_names

ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")

NAMES = {"PO-ANA": "Ana Tremblay", "PO-BEN": "Ben Clark", "PO-CAM": "Camille Roy", "PO-KIM": "Kim Nguyen",
         "PO-ELO": "Éloïse Gagné"}  # fmt: skip


# An absence as a row: "(sick 2026-11-30–...)" on the cover page, "Sick leave | <date>" in a table.
# (The word alone is no leak: the resilient explanation gives the site's absence rate by kind.)
ABSENCE_ROW = [r"\((annual|sick|secondment|training|other) \d{4}-\d\d-\d\d", r"Sick leave</td>\s*<td>"]


def _officer_strings(*codes: str) -> list[str]:
    return [re.escape(text) for code in codes for text in (code, NAMES[code], f"Flag reason of {code}")]


KIN = [*_officer_strings("PO-KIM"), "C-KIN-", "Kingston", "Assessment note at KIN"]
MTL = [*_officer_strings("PO-ELO"), "C-MTL-", "Montréal", "Assessment note at MTL"]
COLLEAGUES = [*_officer_strings("PO-BEN", "PO-CAM"), "C-OTT-3", "C-OTT-4", *ABSENCE_ROW, "Mentoring"]

NEVER = {
    "officer": [*COLLEAGUES, *KIN, *MTL, "Assessment note at OTT"],
    "supervisor": [*KIN, *MTL],
    "regional_manager": MTL,
    "national_analyst": [],
    # Every officer, every case, every absence and reduction, by any of the strings that name them.
    "union_analyst": [*_officer_strings(*NAMES), "C-OTT-", "C-KIN-", "C-MTL-", *ABSENCE_ROW, "Mentoring",
                      "Phased return", "phased_return", "Assessment note at"],
}  # fmt: skip


def _answer(response) -> str:
    """Everything the response says: its body (every member of a zip or workbook) and its redirect."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(member) for member in archive.namelist())
    return content.decode("utf-8", errors="replace") + " " + response.get("Location", "")


def leaks(role: str, text: str, *, asked: str) -> list[str]:
    """The patterns of NEVER[role] found in `text`, once the codes the request itself gives are
    taken out: a page may repeat what the user typed (a 403 page's language switch, a filter's box)."""
    url = urlsplit(asked)
    for typed in [*url.path.split("/"), *(value for _key, value in parse_qsl(url.query))]:
        if len(typed) >= 3:
            text = text.replace(typed, "")
    return [secret for secret in NEVER[role] if re.search(secret, text)]


ROUTES = all_routes()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_no_route_shows_a_role_what_it_must_never_see(client_as, world, role, route):
    client = client_as(role)
    for method, url in route.requests(world):
        response = getattr(client, method)(url)
        assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        found = leaks(role, _answer(response), asked=url)
        assert not found, f"{method.upper()} {url} ({response.status_code}) shows the {role}: {found}"


# Rows about other sites' cases and officers, as a supervisor might send them: the refusal may say
# a row is outside the user's scope, never where it is (its site) nor whose it is.
HOSTILE_IMPORT = {
    "officers.csv": "code,name,site,role,fte,languages\nPO-KIM,Someone Else,OTT,po,1,en\n",
    "cases.csv": "ref,site,supervision_level,language,officer,opened\nC-KIN-1,OTT,B,en,,2025-01-01\n"
                 "C-MTL-1,OTT,B,en,,2025-01-01\nC-OTT-9,OTT,B,en,PO-ELO,2025-01-01\n",
    "absences.csv": "officer,kind,start,end\nPO-ELO,sick,2026-01-05,2026-01-06\nPO-KIM,sick,2026-01-05,2026-01-06\n",
}
SITE_CODES = {"supervisor": [r"\bKIN\b", r"\bMTL\b"], "regional_manager": [r"\bMTL\b"]}


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_import_tells_no_role_where_another_sites_rows_are(client_as, world, role, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(name, text.encode()) for name, text in HOSTILE_IMPORT.items()]
    response = client_as(role).post("/data/import/", {"files": files})
    assert response.status_code < 500
    typed = "/data/import/?" + "&".join(f"cell={cell}" for text in HOSTILE_IMPORT.values()
                                        for line in text.splitlines() for cell in line.split(","))  # fmt: skip
    monkeypatch.setitem(NEVER, role, [*NEVER[role], *SITE_CODES.get(role, [])])
    assert leaks(role, _answer(response), asked=typed) == []


def test_every_route_the_app_serves_is_in_the_access_tests():
    missing = served_route_names() - {route.name for route in ROUTES} - NOT_DATA
    assert sorted(missing) == []


# --- the tests have teeth: the national analyst sees what the others must not ----------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("/sites/OTT/", ["Ben Clark", "Camille Roy", "Sick leave"]),
    ("/distribution/sites/OTT/", ["Ben Clark", "PO-CAM"]),
    ("/distribution/officers/PO-ANA/", ["Phased return", "C-OTT-2"]),
    ("/distribution/officers/PO-CAM/", ["C-OTT-3", "Ben Clark"]),
    ("/distribution/cases/C-OTT-3/flags/", ["Flag reason of PO-BEN"]),
])  # fmt: skip
def test_the_national_analyst_sees_the_rows_the_others_may_not(client_as, world, url, expected):
    body = _answer(client_as("national_analyst").get(url))
    for text in expected:
        assert text in body, f"{text} not on {url}"


def test_the_coverage_page_names_the_absent_officer_and_the_kind_to_a_supervisor(client_as, world):
    body = _answer(client_as("supervisor").get("/staffing/sites/OTT/coverage/"))
    assert "Ben Clark" in body and "(sick " in body and "C-OTT-3" in body
