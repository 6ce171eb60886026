"""The staffing pages: who sees what, the figures on them worked by hand, sorting, charts, XLSX.

The shared fixture (tests/conftest.py) plus, for figures worth reading (`staffed`):
- KIN (Ontario, hybrid medium/maximum): 56 medium + 60 maximum open cases, 3 parole officers at
  1.0 FTE. csc-current: 56/28 + 60/30 = 4.00 FTE, 4 positions, gap +1.00. usje-2021 (lowest ratio,
  1:23): 116/23 = 5.04 FTE, 6 positions, gap +2.04. A closed case is never counted.
- HAV (Quebec, a CCC): 26 residents, 1.0 + 1.0 + 0.5 = 2.5 FTE. csc-current 26/10 = 2.60 → 3
  positions, gap +0.10; usje-2021 26/8 = 3.25 → 4 positions, gap +0.75.
- OTT and MTL are parole offices: no ratio figure.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from caseweight.cases.models import Case
from caseweight.engine import load_policy
from caseweight.organisation.models import Officer, Region, Site

ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")
FIXTURE_CASE_REFS = ("C-OTT-1", "C-OTT-2", "C-OTT-3", "C-KIN-1", "C-KIN-2", "C-MTL-1")


@pytest.fixture
def staffed(org):
    kin = org["sites"]["KIN"]
    opened = dt.date(2025, 1, 15)
    Officer.objects.bulk_create(
        [Officer(code=f"PO-K{i}", name=f"Kingston officer {i}", site=kin, role="po", fte=Decimal("1")) for i in (2, 3)]
        + [Officer(code="MAI-K", name="Kingston MAI", site=kin, role="mai", fte=Decimal("1"))]
    )
    cases = [Case(ref=f"KM-{i}", site=kin, security_level="medium", opened=opened) for i in range(55)]
    cases += [Case(ref=f"KX-{i}", site=kin, security_level="maximum", opened=opened) for i in range(59)]
    cases.append(Case(ref="KC-1", site=kin, security_level="medium", opened=opened, closed=dt.date(2025, 3, 1)))
    hav = Site.objects.create(code="HAV", name="Havre CCC", region=org["regions"]["QUE"], kind="ccc", languages="fr")
    Officer.objects.bulk_create(
        [Officer(code=f"PO-H{i}", name=f"Havre officer {i}", site=hav, role="po", fte=Decimal(fte))
         for i, fte in enumerate(("1", "1", "0.5"))]
    )  # fmt: skip
    cases += [Case(ref=f"HA-{i}", site=hav, supervision_level="A", language="fr", opened=opened) for i in range(26)]
    Case.objects.bulk_create(cases)
    return org


def get(client, name, *args, query="", status=200) -> str:
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == status
    return response.content.decode()


def cells(body: str, attribute: str) -> list[str]:
    """The text of each cell of the row marked with `attribute` (e.g. data-site="KIN")."""
    row = re.search(rf"<tr[^>]*{re.escape(attribute)}[^>]*>(.*?)</tr>", body, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def cell(body: str, attribute: str, css_class: str) -> str:
    row = re.search(rf"<tr[^>]*{re.escape(attribute)}[^>]*>(.*?)</tr>", body, re.S).group(1)
    found = re.search(rf'<td[^>]* class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</td>', row, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def site_codes(body: str) -> list[str]:
    return re.findall(r'<tr data-site="([^"]+)"', body)


# --- who may see which page ------------------------------------------------------------------------

#               officer supervisor regional national union
ALL = (200, 200, 200, 200, 200)
ONT_KIN = (403, 403, 200, 200, 200)
QUEBEC = (403, 403, 403, 200, 200)
ANALYSTS = (403, 403, 403, 200, 200)

PAGES = [
    ("staffing_dashboard", (), ALL),
    ("staffing_region", ("ONT",), ALL),
    ("staffing_region", ("QUE",), QUEBEC),
    ("staffing_site", ("OTT",), ALL),
    ("staffing_site", ("KIN",), ONT_KIN),
    ("staffing_site", ("MTL",), QUEBEC),
    ("staffing_explain", ("OTT",), ALL),
    ("staffing_explain", ("KIN",), ONT_KIN),
    ("staffing_explain", ("MTL",), QUEBEC),
    ("staffing_compare", (), ALL),
    ("staffing_policies", (), ALL),
    ("staffing_policy_detail", ("usje-2021",), ALL),
    ("staffing_policy_upload", (), ANALYSTS),
]


def _cells():
    for name, args, statuses in PAGES:
        for role, status in zip(ROLES, statuses):
            yield pytest.param(name, args, role, status, id=f"{role}-{name}-{'-'.join(args) or 'page'}")


@pytest.mark.parametrize(("name", "args", "role", "expected"), list(_cells()))
def test_each_role_sees_the_staffing_of_its_own_sites_only(client_as, name, args, role, expected):
    response = client_as(role).get(reverse(name, args=args))
    assert response.status_code == expected


@pytest.mark.parametrize("name, args", [(name, args) for name, args, _statuses in PAGES])
def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(client, org, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_site_or_region_is_not_found(client_as):
    client = client_as("national_analyst")
    get(client, "staffing_site", "NOPE", status=404)
    get(client, "staffing_region", "NOPE", status=404)
    get(client, "staffing_explain", "NOPE", status=404)
    get(client, "staffing_policy_detail", "nope", status=404)


@pytest.mark.parametrize("role", ROLES)
def test_no_staffing_page_shows_a_case_reference(client_as, role):
    client = client_as(role)
    urls = [reverse("staffing_dashboard"), reverse("staffing_region", args=["ONT"]), reverse("staffing_site", args=["OTT"]),
            reverse("staffing_explain", args=["OTT"]) + "?method=time", reverse("staffing_compare")]  # fmt: skip
    for url in urls:
        body = client.get(url).content.decode()
        assert not [ref for ref in FIXTURE_CASE_REFS if ref in body], url


def test_the_dashboard_lists_only_the_sites_in_the_users_scope(client_as):
    assert site_codes(get(client_as("officer"), "staffing_dashboard")) == ["OTT"]
    assert site_codes(get(client_as("supervisor"), "staffing_dashboard")) == ["OTT"]
    assert site_codes(get(client_as("regional_manager"), "staffing_dashboard")) == ["KIN", "OTT"]
    assert site_codes(get(client_as("union_analyst"), "staffing_dashboard")) == ["KIN", "MTL", "OTT"]


def test_a_supervisor_reading_their_region_sees_its_total_over_their_site_only(client_as):
    body = get(client_as("supervisor"), "staffing_region", "ONT")
    assert site_codes(body) == ["OTT"]
    assert cells(body, 'data-total="ONT"')[1] == "3"  # OTT's 3 open cases, not KIN's


# --- the figures ---------------------------------------------------------------------------------------


def test_the_dashboard_shows_both_methods_side_by_side_per_site(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard")
    assert cell(body, 'data-site="KIN"', "cases") == "116"
    assert cell(body, 'data-site="KIN"', "actual") == "3.00"  # the MAI carries no caseload
    assert cell(body, 'data-site="KIN"', "ratio-required") == "4.00"
    assert cell(body, 'data-site="KIN"', "ratio-positions") == "4"
    assert cell(body, 'data-site="KIN"', "ratio-gap") == "+1.00"
    assert cell(body, 'data-site="KIN"', "ratio-caseload") == "38.67"  # 116 / 3
    assert cell(body, 'data-site="HAV"', "ratio-required") == "2.60"
    assert cell(body, 'data-site="HAV"', "ratio-positions") == "3"
    assert cell(body, 'data-site="HAV"', "ratio-gap") == "+0.10"
    assert "No ratio" in cell(body, 'data-site="OTT"', "ratio-required")
    assert cell(body, 'data-site="OTT"', "time-positions") == "1"


def test_the_national_line_adds_the_regions(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard")
    national = cells(body, 'data-total="national"')
    # Cases 116 + 3 + 1 + 26; actual FTE 3 + 1.8 + 1 + 2.5; ratio over KIN and HAV: 4 + 2.6 = 6.6, 4 + 3 positions.
    assert national[1:6] == ["146", "8.30", "6.60", "7", "+1.10"]
    assert cells(body, 'data-total="ONT"')[3:6] == ["4.00", "4", "+1.00"]


def test_the_policy_selector_resizes_every_site(client_as, staffed):
    client = client_as("national_analyst")
    body = get(client, "staffing_dashboard", query="?policy=usje-2021")
    assert cell(body, 'data-site="KIN"', "ratio-required") == "5.04"  # 116 / 23
    assert cell(body, 'data-site="KIN"', "ratio-positions") == "6"
    assert cell(body, 'data-site="HAV"', "ratio-required") == "3.25"
    assert cell(body, 'data-site="HAV"', "ratio-positions") == "4"
    assert '<option value="usje-2021" selected>' in body


def test_an_unknown_policy_falls_back_to_the_default_and_says_so(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard", query="?policy=nope")
    assert "Policy nope cannot be used" in body
    assert cell(body, 'data-site="KIN"', "ratio-required") == "4.00"


def test_a_policy_given_as_a_path_is_refused(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard", query="?policy=../../caseweight/policies/usje-2021.toml")
    assert "cannot be used" in body
    assert cell(body, 'data-site="KIN"', "ratio-required") == "4.00"  # csc-current, not the file


def test_the_dashboard_says_plainly_when_the_policy_has_illustrative_numbers(client_as):
    body = get(client_as("officer"), "staffing_dashboard")
    note = re.search(r'id="illustrative-note">(.*?)</div>', body, re.S).group(1)
    assert "Illustrative numbers" in note and "illustrative defaults, not measured values" in note


def test_the_site_page_shows_each_methods_figures_and_links_to_explanations(client_as, staffed):
    body = get(client_as("regional_manager"), "staffing_site", "KIN", query="?policy=usje-2021")
    assert cells(body, 'data-method="ratio"')[:5] == ["Ratio method", "5.04", "6", "3.00", "+2.04"]
    assert reverse("staffing_explain", args=["KIN"]) + "?policy=usje-2021&amp;method=time" in body


def test_a_parole_office_page_says_why_it_has_no_ratio(client_as):
    body = get(client_as("supervisor"), "staffing_site", "OTT")
    assert "parole offices are resourced by time standards (CPORF)" in cells(body, 'data-method="ratio"')[1]


# --- sorting and charts ------------------------------------------------------------------------------


def test_sites_sort_by_any_column_largest_first_then_the_other_way(client_as, staffed):
    client = client_as("national_analyst")
    assert site_codes(get(client, "staffing_dashboard", query="?sort=cases")) == ["KIN", "HAV", "OTT", "MTL"]
    assert site_codes(get(client, "staffing_dashboard", query="?sort=-cases")) == ["MTL", "OTT", "HAV", "KIN"]
    # Sites without a ratio figure come last whichever the direction.
    assert site_codes(get(client, "staffing_dashboard", query="?sort=ratio_gap"))[:2] == ["KIN", "HAV"]
    assert site_codes(get(client, "staffing_dashboard", query="?sort=-ratio_gap"))[:2] == ["HAV", "KIN"]
    assert site_codes(get(client, "staffing_dashboard", query="?sort=site")) == ["HAV", "KIN", "MTL", "OTT"]
    assert site_codes(get(client, "staffing_dashboard", query="?sort=bogus")) == ["HAV", "KIN", "MTL", "OTT"]


def test_the_column_headings_link_to_their_sort_and_say_which_is_active(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard", query="?sort=cases&policy=usje-2021")
    assert 'aria-sort="descending"><a href="?policy=usje-2021&amp;chart=ratio&amp;sort=-cases"' in body


def chart(body: str, chart_id: str) -> str:
    return re.search(rf'<svg class="gap-chart" id="{chart_id}".*?</svg>', body, re.S).group(0)


def test_the_gap_charts_are_inline_svg_with_the_tables_numbers(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard")
    by_region = chart(body, "gap-by-region")
    assert 'role="img"' in by_region and "<title" in by_region and 'aria-labelledby="gap-by-region-title' in by_region
    # One bar per region with a ratio figure, largest shortfall first: Ontario +1.00 (KIN), Quebec +0.10 (HAV).
    assert re.findall(r'class="value"[^>]*>([^<]+)<', by_region) == ["+1.00", "+0.10"]
    by_site = chart(body, "gap-by-site")
    assert re.findall(r'class="label"[^>]*>([^<]+)<', by_site) == ["KIN", "HAV"]
    assert re.findall(r'class="value"[^>]*>([^<]+)<', by_site) == ["+1.00", "+0.10"]
    assert '<line class="zero"' in by_site
    assert "2 sites have no figure by this method" in body  # the parole offices
    assert "<script" not in body and "http://" not in body.replace("http://www.w3.org/2000/svg", "")


def test_the_charts_may_show_the_time_standard_gap_instead(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_dashboard", query="?chart=time")
    labels = re.findall(r'class="label"[^>]*>([^<]+)<', chart(body, "gap-by-site"))
    assert sorted(labels) == ["HAV", "KIN", "MTL", "OTT"]


# --- XLSX export ------------------------------------------------------------------------------------------


def workbook(response) -> dict[str, list[dict]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="caseweight-staffing-')
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        sheets[sheet.title] = [dict(zip(rows[0], row)) for row in rows[1:]]
    return sheets


def test_the_dashboard_downloads_as_a_workbook_of_what_is_on_screen(client_as, staffed):
    sheets = workbook(client_as("national_analyst").get(reverse("staffing_dashboard") + "?policy=usje-2021&sort=cases&format=xlsx"))
    assert list(sheets)[:3] == ["sites", "regions", "national"]
    assert [row["site"] for row in sheets["sites"]] == ["KIN", "HAV", "OTT", "MTL"]  # in the page's order
    kin = sheets["sites"][0]
    assert kin["ratio_required_fte"] == pytest.approx(116 / 23) and kin["ratio_positions"] == 6
    assert sheets["national"][0]["ratio_positions"] == 6 + 4


def test_a_supervisors_workbook_holds_their_site_only(client_as, staffed):
    sheets = workbook(client_as("supervisor").get(reverse("staffing_dashboard") + "?format=xlsx"))
    assert [row["site"] for row in sheets["sites"]] == ["OTT"]


def test_a_region_workbook_has_the_region_line_and_no_national_line(client_as, staffed):
    sheets = workbook(client_as("regional_manager").get(reverse("staffing_region", args=["ONT"]) + "?format=xlsx"))
    assert [row["site"] for row in sheets["sites"]] == ["KIN", "OTT"]
    assert [row["region"] for row in sheets["regions"]] == ["ONT"]
    assert "national" not in sheets


# --- comparison of two policies -----------------------------------------------------------------------------


def test_the_comparison_shows_each_policys_figures_and_the_difference(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_compare", query="?a=csc-current&b=usje-2021")
    # KIN: 4.00 → 5.04 FTE (+1.04), 4 → 6 positions (+2). HAV: 2.60 → 3.25 (+0.65), 3 → 4 (+1).
    assert cells(body, 'data-site="KIN"')[1:] == ["116", "3.00", "4.00", "4", "+1.00", "5.04", "6", "+2.04", "+1.04", "+2"]
    assert cells(body, 'data-site="HAV"')[1:] == ["26", "2.50", "2.60", "3", "+0.10", "3.25", "4", "+0.75", "+0.65", "+1"]
    assert cells(body, 'data-region="ONT"')[3:] == ["4.00", "4", "+1.00", "5.04", "6", "+2.04", "+1.04", "+2"]
    # National: 6.60 → 8.29 FTE (+1.69), 7 → 10 positions (+3).
    assert cells(body, 'data-total="national"')[3:] == ["6.60", "7", "+1.10", "8.29", "10", "+2.79", "+1.69", "+3"]
    assert "no figure" in cells(body, 'data-site="OTT"')[3]


def test_the_comparison_by_time_standards_differs_by_the_other_duties_share(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_compare", query="?a=csc-current&b=usje-2021&method=time")
    # Same standards, other duties 10% vs 15%: B = A × 0.90 / 0.85.
    kin = cells(body, 'data-site="KIN"')
    a, b = float(kin[3]), float(kin[6])
    assert b == pytest.approx(a * 0.90 / 0.85, abs=0.01)


def test_the_comparison_defaults_to_csc_current_against_another_policy(client_as):
    body = get(client_as("union_analyst"), "staffing_compare")
    assert '<select name="a" id="id_a"><option value="csc-current" selected>' in body
    assert re.search(r'<select name="b" id="id_b">.*<option value="usje-2021" selected>', body, re.S)


# --- the explanation --------------------------------------------------------------------------------------


def explanation_rows(body: str) -> list[dict]:
    rows = re.findall(r'<tr id="[^"]+" data-line="([^"]+)" data-parent="([^"]*)" data-value="([^"]+)"[^>]*>(.*?)</tr>', body, re.S)
    out = []
    for ident, parent, value, inner in rows:
        shown = re.search(r'<td class="num value">([^<]+)</td>', inner).group(1)
        out.append({"id": ident, "parent": parent, "value": float(value), "shown": float(shown), "html": inner})
    return out


def assert_lines_add_up(rows: list[dict]) -> int:
    """Every line with children equals their sum, in full and in the figures shown (3 decimals)."""
    checked = 0
    for row in rows:
        children = [r for r in rows if r["parent"] == row["id"]]
        if children:
            assert sum(c["value"] for c in children) == pytest.approx(row["value"], abs=1e-9), row["id"]
            assert sum(c["shown"] for c in children) == pytest.approx(row["shown"], abs=0.0005 * len(children) + 1e-9)
            checked += 1
    return checked


def test_the_ratio_explanation_starts_with_the_total_and_its_lines_add_up(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_explain", "KIN", query="?method=ratio")
    rows = explanation_rows(body)
    assert rows[0]["shown"] == 4.0 and "Required FTE by caseload ratio" in rows[0]["html"]
    levels = [r for r in rows if r["parent"] == rows[0]["id"]]
    assert [r["shown"] for r in levels] == [2.0, 2.0]  # 56 / 28 and 60 / 30
    assert "ratios.institution.medium" in levels[0]["html"] and "cited" in levels[0]["html"]
    assert "USJE 2021 consultation report" in levels[0]["html"]  # the source of the key
    assert assert_lines_add_up(rows) >= 2  # the total and the gap (required − actual)


def test_under_usje_2021_the_hybrid_explanation_names_the_lowest_ratio_used(client_as, staffed):
    body = get(client_as("national_analyst"), "staffing_explain", "KIN", query="?method=ratio&policy=usje-2021")
    rows = explanation_rows(body)
    levels = [r for r in rows if r["parent"] == rows[0]["id"]]
    assert [round(r["value"], 6) for r in levels] == [round(56 / 23, 6), round(60 / 23, 6)]
    assert "ratios.institution.medium" in levels[1]["html"]  # the maximum cases at the medium (lowest) ratio
    assert_lines_add_up(rows)


def test_the_time_explanation_of_a_parole_office_adds_up_to_its_dashboard_figure(client_as):
    client = client_as("supervisor")
    body = get(client, "staffing_explain", "OTT", query="?method=time")
    rows = explanation_rows(body)
    assert assert_lines_add_up(rows) >= 5
    dashboard = get(client, "staffing_site", "OTT")
    assert f"{rows[0]['value']:.2f}" == cells(dashboard, 'data-method="time"')[1]
    # Every policy key on the page shows its status.
    assert "activities.community_contact.frequency.intensive" in body and "complexity_factors.trauma.minutes" in body
    assert body.count('class="status status-') >= body.count('<div class="citation">')


def test_a_parole_office_has_no_ratio_explanation_and_says_why(client_as):
    body = get(client_as("officer"), "staffing_explain", "OTT", query="?method=ratio")
    assert 'id="not-applicable"' in body and "time standards (CPORF)" in body
    assert explanation_rows(body) == []


# --- policies (reading) ------------------------------------------------------------------------------------


def test_the_policies_page_lists_the_shipped_policies(client_as):
    body = get(client_as("officer"), "staffing_policies")
    assert cells(body, 'data-policy="csc-current"')[1:4] == ["2025.1", "CSC today: ratios 1:25 / 1:28 / 1:30, CCC 1:10", "shipped"]
    assert 'data-policy="usje-2021"' in body
    assert reverse("staffing_policy_upload") not in body  # officers do not upload


def test_a_policy_page_shows_every_number_with_its_status_and_source(client_as):
    body = get(client_as("officer"), "staffing_policy_detail", "usje-2021")
    assert cells(body, 'data-key="ratios.institution.medium"')[:3] == ["ratios.institution.medium", "23", "cited"]
    assert "Medium security institution: 1:23" in cells(body, 'data-key="ratios.institution.medium"')[3]
    assert cells(body, 'data-key="other_duties.share"')[1:3] == ["0.15", "illustrative"]
    assert cells(body, 'data-key="activities.release_report.frequency.medium"')[1] == "0.1667"  # every 6 months
    assert body.count("<tr data-key=") == len(load_policy("usje-2021").cited)  # every number


# --- edge cases and languages ------------------------------------------------------------------------------


def test_an_account_linked_to_no_site_sees_an_empty_dashboard(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_user("loose", role="officer"))
    body = get(client, "staffing_dashboard")
    assert site_codes(body) == [] and "No site." in body


def test_a_region_without_a_site_has_an_empty_staffing_page(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_user("pac", role="regional_manager", region=Region.objects.get(code="PAC")))
    body = get(client, "staffing_region", "PAC")
    assert site_codes(body) == []
    get(client, "staffing_region", "ONT", status=403)


def test_the_explanation_speaks_the_readers_language(client_as, staffed, settings):
    client = client_as("national_analyst")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = get(client, "staffing_explain", "KIN", query="?method=ratio")
    assert "ETP requis selon le ratio de cas" in body
    assert "moyenne : 56 cas ÷ 28 par agent" in body
    assert re.search(r'data-value="4.0"[^>]*>\s*<td class="label">ETP requis', body)
    assert '<td class="num value">4,000</td>' in body  # French decimals


def test_data_the_engine_refuses_gives_a_page_naming_the_fault_not_a_crash(client_as):
    # A parole office turned into an institution in the database, its community cases still open.
    Site.objects.filter(code="OTT").update(kind="institution", security_levels="maximum")
    body = get(client_as("national_analyst"), "staffing_dashboard", status=409)
    assert "Staffing cannot be computed" in body and "a case in an institution needs a security level" in body
