"""Who may open which page: every role × every page, and what each role must never see.

The fixture (tests/conftest.py): Ontario holds KIN (institution) and OTT (parole office), Quebec
holds MTL. The officer account is Ana (PO-ANA, OTT); the supervisor runs OTT; the regional
manager runs Ontario. Outside one's scope is 403, an unknown code 404, signed out a redirect to
the sign-in page (accounts/access.py).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import NoReverseMatch, reverse

ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")

# Expected status per role, in the order of ROLES:
#         officer supervisor regional national union
ALL_OK = (200, 200, 200, 200, 200)
ONT_OTT = (200, 200, 200, 200, 200)
ONT_KIN = (403, 403, 200, 200, 200)
QUEBEC = (403, 403, 403, 200, 200)
ROWS_OTT = (200, 200, 200, 200, 403)  # case rows: never for a union analyst
ROWS_OTT_COLLEAGUE = (403, 200, 200, 200, 403)
ROWS_KIN = (403, 403, 200, 200, 403)
ROWS_QUEBEC = (403, 403, 403, 200, 403)
MANAGERS = (403, 200, 200, 200, 200)  # audit log
IMPORTERS = (403, 200, 200, 200, 403)
EXPORTERS = (403, 200, 200, 200, 200)
STAFF = (302, 200, 200, 200, 302)  # the admin sends non-staff accounts to its own sign-in page

PAGES = [
    ("home", (), ALL_OK),
    ("region_list", (), ALL_OK),
    ("region_detail", ("ONT",), ONT_OTT),
    ("region_detail", ("QUE",), QUEBEC),
    ("site_detail", ("OTT",), ONT_OTT),
    ("site_detail", ("KIN",), ONT_KIN),
    ("site_detail", ("MTL",), QUEBEC),
    ("officer_detail", ("PO-ANA",), ROWS_OTT),
    ("officer_detail", ("PO-BEN",), ROWS_OTT_COLLEAGUE),
    ("officer_detail", ("PO-KIM",), ROWS_KIN),
    ("officer_detail", ("PO-ELO",), ROWS_QUEBEC),
    ("site_cases", ("OTT",), ROWS_OTT),
    ("site_cases", ("KIN",), ROWS_KIN),
    ("site_cases", ("MTL",), ROWS_QUEBEC),
    ("case_detail", ("C-OTT-1",), ROWS_OTT),
    ("case_detail", ("C-OTT-3",), ROWS_OTT_COLLEAGUE),
    ("case_detail", ("C-KIN-1",), ROWS_KIN),
    ("case_detail", ("C-MTL-1",), ROWS_QUEBEC),
    ("audit_log", (), MANAGERS),
    ("import_upload", (), IMPORTERS),
    ("export", (), EXPORTERS),
    ("admin:index", (), STAFF),
    ("admin:cases_case_changelist", (), STAFF),
    ("admin:organisation_officer_changelist", (), STAFF),
]

# The file downloads of the export page (imports app): an XLSX workbook and a zip of CSV files.
EXPORT_DOWNLOADS = ["export_xlsx", "export_zip"]

FIXTURE_CASE_REFS = ("C-OTT-1", "C-OTT-2", "C-OTT-3", "C-KIN-1", "C-KIN-2", "C-MTL-1")


def _url(name, args=()):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"url {name!r} is not routed yet (the imports app has not added it)")


def _cells():
    for name, args, statuses in PAGES:
        for role, status in zip(ROLES, statuses):
            yield pytest.param(name, args, role, status, id=f"{role}-{name}-{'-'.join(args) or 'page'}")


@pytest.mark.parametrize(("name", "args", "role", "expected"), list(_cells()))
def test_each_role_gets_the_expected_status_on_each_page(client_as, name, args, role, expected):
    response = client_as(role).get(_url(name, args))
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "args"), [pytest.param(name, args, id=f"{name}-{'-'.join(args) or 'page'}") for name, args, _ in PAGES])
def test_a_signed_out_visitor_is_sent_to_sign_in(client_as, name, args):
    url = _url(name, args)
    response = client_as("anonymous").get(url)
    assert response.status_code == 302
    login = reverse("admin:login") if name.startswith("admin:") else reverse("login")
    assert response["Location"].startswith(login)
    assert "next=" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_site_code_is_not_found_rather_than_forbidden(client_as, role):
    assert client_as(role).get(reverse("site_detail", args=["NOPE"])).status_code == 404


def test_an_unknown_case_reference_is_not_found(client_as):
    assert client_as("supervisor").get(reverse("case_detail", args=["C-NONE"])).status_code == 404


def test_the_forbidden_page_is_friendly_and_keeps_the_site_header(client_as):
    response = client_as("supervisor").get(reverse("site_detail", args=["MTL"]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You may not see this page" in body
    assert 'class="topbar"' in body and "Back to the home page" in body


def test_the_not_found_page_is_friendly_and_keeps_the_site_header(client_as):
    body = client_as("supervisor").get(reverse("officer_detail", args=["PO-NOBODY"])).content.decode()
    assert "Page not found" in body and 'class="topbar"' in body


@pytest.mark.parametrize("name", EXPORT_DOWNLOADS)
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, EXPORTERS)))
def test_export_downloads_follow_the_export_right(client_as, name, role, expected):
    response = client_as(role).get(_url(name))
    assert response.status_code == expected


@pytest.mark.parametrize("name", EXPORT_DOWNLOADS)
def test_a_union_analyst_may_not_ask_the_export_for_cases(client_as, name):
    assert client_as("union_analyst").get(_url(name) + "?tables=cases").status_code == 403


# --- What each role must never see -----------------------------------------------------------


def _union_pages():
    """Every page a union analyst may open, with filters that would reveal cases if anything leaked."""
    yield reverse("home")
    yield reverse("region_list")
    for code in ("ONT", "QUE"):
        yield reverse("region_detail", args=[code])
    for code in ("OTT", "KIN", "MTL"):
        yield reverse("site_detail", args=[code])
        yield reverse("site_detail", args=[code]) + "?week=2026-07-08"
    yield reverse("audit_log")
    yield reverse("audit_log") + "?entity=case"
    yield reverse("export")


def _bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _body(response) -> str:
    return _bytes(response).decode(errors="replace")


def test_a_union_analyst_never_sees_a_case_reference_anywhere(client_as):
    client = client_as("union_analyst")
    for url in _union_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        for ref in FIXTURE_CASE_REFS:
            assert ref not in body, f"{ref} leaked on {url}"


@pytest.mark.parametrize("name", EXPORT_DOWNLOADS)
def test_a_union_analyst_never_sees_a_case_reference_or_an_officer_in_an_export_file(client_as, name):
    response = client_as("union_analyst").get(_url(name))
    assert response.status_code == 200
    # Both downloads are zip archives (an XLSX workbook is one): read every member uncompressed.
    with zipfile.ZipFile(io.BytesIO(_bytes(response))) as archive:
        text = "".join(archive.read(member).decode("utf-8", errors="replace") for member in archive.namelist())
    assert "OTT" in text  # the sites are there...
    for secret in (*FIXTURE_CASE_REFS, "PO-ANA", "Ben Clark"):  # ...but no case, officer or absence row
        assert secret not in text, f"{secret} leaked in {name}"


def test_a_union_analyst_sees_how_many_officers_are_absent_but_not_who(client_as):
    body = client_as("union_analyst").get(reverse("site_detail", args=["OTT"]) + "?week=2026-07-08").content.decode()
    assert 'id="absent-count">1<' in body
    assert "Annual leave" not in body
    assert "July 17" not in body  # the last day of Ben's leave: no one's dates are shown


SUPERVISOR_PAGES = ["home", "region_list", ("region_detail", "ONT"), ("site_detail", "OTT"), ("site_cases", "OTT"),
                    "audit_log", "admin:cases_case_changelist", "admin:organisation_officer_changelist",
                    "admin:organisation_absence_changelist", "admin:organisation_site_changelist",
                    "admin:audit_auditentry_changelist"]


def _urls(pages):
    for page in pages:
        name, args = (page, []) if isinstance(page, str) else (page[0], [page[1]])
        yield reverse(name, args=args)


def test_a_supervisor_of_ottawa_sees_nothing_of_kingston_or_montreal(client_as):
    client = client_as("supervisor")
    for url in _urls(SUPERVISOR_PAGES):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in ("PO-KIM", "Kim Nguyen", "PO-ELO", "Éloïse", "C-KIN-", "C-MTL-", "Kingston", "Montréal"):
            assert secret not in body, f"{secret} on {url}"


def test_a_regional_manager_of_ontario_sees_nothing_of_montreal(client_as):
    client = client_as("regional_manager")
    pages = [*SUPERVISOR_PAGES, ("site_detail", "KIN"), ("site_cases", "KIN"), "admin:organisation_region_changelist"]
    for url in _urls(pages):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in ("MTL", "Montréal", "PO-ELO", "Éloïse", "Québec", "Quebec"):
            assert secret not in body, f"{secret} on {url}"


def test_an_officer_sees_none_of_a_colleagues_cases_or_absences(client_as):
    client = client_as("officer")
    for url in _urls(["home", ("site_detail", "OTT"), ("site_cases", "OTT"), ("officer_detail", "PO-ANA")]):
        body = client.get(url + "?week=2026-07-08").content.decode()
        assert "C-OTT-3" not in body, url
        assert "Ben Clark" not in body, url
    assert client.get(reverse("site_cases", args=["OTT"]) + "?officer=PO-BEN").content.decode().count("C-OTT-") == 0
