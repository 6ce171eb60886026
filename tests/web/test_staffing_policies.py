"""Uploading a policy: analysts only; the engine validates it; a valid file is listed and usable."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

SCENARIO = b"""extends = "csc-current"
version = "2025.1"
title_en = "Scenario: minimum-security ratio 1:15"

[ratios.institution]
minimum = { value = 15, status = "illustrative", source = "what-if" }
"""
BROKEN = b"""name = "broken"
extends = "csc-current"
version = "1"

[ratios.institution]
minimum = -3
medium = "lots"
"""


@pytest.fixture(autouse=True)
def policies_dir(settings, tmp_path):
    folder = tmp_path / "policies"  # does not exist yet: the first upload makes it
    settings.POLICIES_DIR = folder
    return folder


def upload(client, content: bytes, name: str = "scenario.toml", **data):
    return client.post(reverse("staffing_policy_upload"), {"file": SimpleUploadedFile(name, content), **data})


def problems(response) -> list[str]:
    body = response.content.decode()
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", "", item).split())) for item in re.findall(r'<li data-key="[^"]*">(.*?)</li>', body, re.S)]


@pytest.mark.parametrize("role", ["national_analyst", "union_analyst"])
def test_an_analyst_uploads_a_valid_policy_and_finds_it_listed(client_as, policies_dir, role):
    client = client_as(role)
    response = upload(client, SCENARIO)
    assert response.status_code == 302
    assert response.url == reverse("staffing_policy_detail", args=["scenario"])
    assert (policies_dir / "scenario.toml").read_bytes() == SCENARIO
    page = client.get(response.url).content.decode()
    assert "Policy scenario saved." in page
    assert re.search(r'data-key="ratios.institution.minimum">.*?<td class="num">15</td>', page, re.S)
    listing = client.get(reverse("staffing_policies")).content.decode()
    assert re.search(r'data-policy="scenario">.*?Scenario: minimum-security ratio 1:15.*?user.*?valid', listing, re.S)


def test_an_uploaded_policy_can_be_chosen_on_the_dashboard(client_as, org):
    client = client_as("national_analyst")
    upload(client, SCENARIO)
    body = client.get(reverse("staffing_dashboard") + "?policy=scenario").content.decode()
    assert '<option value="scenario" selected>' in body
    assert "cannot be used" not in body


def test_an_invalid_policy_is_not_saved_and_each_problem_names_its_key(client_as, policies_dir):
    response = upload(client_as("national_analyst"), BROKEN, "broken.toml")
    assert response.status_code == 200
    assert problems(response) == [
        "ratios.institution.minimum: must be a positive number, got -3",
        "ratios.institution.medium: must be a number, got 'lots'",
    ]
    assert "Not saved: 2 problems" in response.content.decode()
    assert not (policies_dir / "broken.toml").exists()


def test_a_file_that_is_not_toml_is_refused(client_as):
    response = upload(client_as("national_analyst"), b"ratios = [unclosed", "x.toml")
    assert problems(response)[0].startswith("(file): not valid TOML")


def test_the_name_of_a_shipped_policy_is_refused(client_as, policies_dir):
    response = upload(client_as("national_analyst"), SCENARIO, "csc-current.toml")
    assert problems(response) == ["name: 'csc-current' is the name of a shipped policy: choose another name"]
    assert not policies_dir.exists()


@pytest.mark.parametrize("name", ["../evil", "sub/dir", ".hidden", "a b", "upload"])
def test_a_name_with_path_characters_or_a_reserved_name_is_refused(client_as, policies_dir, name):
    content = f'name = "{name}"\n'.encode() + SCENARIO
    response = upload(client_as("national_analyst"), content)
    assert response.status_code == 200
    assert problems(response)[0].startswith("name: ")
    assert not policies_dir.exists() or list(policies_dir.iterdir()) == []


def test_a_file_over_256_kb_is_refused_saying_the_limit_and_the_way_round_it(client_as, policies_dir):
    big = SCENARIO + b"# " + b"x" * (256 * 1024) + b"\n"
    (problem,) = problems(upload(client_as("national_analyst"), big))
    assert problem.startswith("(file): the file is larger than the upload limit of 256 KB (CASEWEIGHT_MAX_POLICY_KB)")
    assert "CASEWEIGHT_POLICIES_DIR" in problem and "caseweight staffing --policy FILE" in problem
    assert not policies_dir.exists()


def test_a_user_policy_is_replaced_only_when_asked(client_as, policies_dir):
    client = client_as("national_analyst")
    upload(client, SCENARIO)
    changed = SCENARIO.replace(b"value = 15", b"value = 18")
    assert problems(upload(client, changed))[0].startswith("name: a user policy named 'scenario' exists")
    assert upload(client, changed, replace="on").status_code == 302
    assert b"value = 18" in (policies_dir / "scenario.toml").read_bytes()


@pytest.mark.parametrize("role", ["officer", "supervisor", "regional_manager"])
def test_officers_supervisors_and_managers_may_not_upload(client_as, policies_dir, role):
    client = client_as(role)
    assert client.get(reverse("staffing_policy_upload")).status_code == 403
    assert upload(client, SCENARIO).status_code == 403
    assert not policies_dir.exists()


def test_an_invalid_user_file_is_listed_with_its_error(client_as, policies_dir):
    policies_dir.mkdir()
    (policies_dir / "broken.toml").write_bytes(BROKEN)
    client = client_as("union_analyst")
    listing = client.get(reverse("staffing_policies")).content.decode()
    assert re.search(r'data-policy="broken">.*?invalid:.*?ratios.institution.minimum', listing, re.S)
    page = client.get(reverse("staffing_policy_detail", args=["broken"])).content.decode()
    assert "does not validate" in page and "ratios.institution.minimum: must be a positive number" in page
    dashboard = client.get(reverse("staffing_dashboard")).content.decode()
    assert 'value="broken"' not in dashboard  # not offered in the selector


# --- `caseweight policies` ------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("policies", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_policies_command_lists_shipped_and_user_policies_with_errors(policies_dir):
    policies_dir.mkdir()
    (policies_dir / "scenario.toml").write_bytes(SCENARIO)
    (policies_dir / "broken.toml").write_bytes(BROKEN)
    lines = run().splitlines()
    assert lines[0].split() == ["name", "version", "origin", "title"]
    assert lines[1].split()[:3] == ["csc-current", "2025.1", "shipped"]
    assert lines[2].split()[:3] == ["usje-2021", "2025.1", "shipped"]
    assert lines[3].split()[:3] == ["broken", "1", "user"] or lines[3].split()[:3] == ["broken", "-", "user"]
    assert lines[4].split()[:3] == ["scenario", "2025.1", "user"]
    assert any(line.startswith("error: broken") and "ratios.institution.minimum" in line for line in lines)


def test_the_policies_command_prints_every_number_with_its_status_and_source():
    text = run("usje-2021")
    assert text.startswith("usje-2021 2025.1: USJE 2021 proposal")
    row = next(line for line in text.splitlines() if line.startswith("ratios.institution.medium "))
    assert row.split()[1:3] == ["23", "cited"]
    assert "Medium security institution: 1:23" in row
    assert "hybrid institutions: lowest_ratio" in text
    share = next(line for line in text.splitlines() if line.startswith("other_duties.share "))
    assert share.split()[1:3] == ["0.15", "illustrative"]


def test_the_policies_command_fails_on_an_unknown_policy():
    with pytest.raises(CommandError, match="no policy named 'nope'"):
        run("nope")
