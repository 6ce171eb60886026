"""Uploading a policy: analysts only; the engine validates it; a valid file is listed and usable."""

from __future__ import annotations

import hashlib
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models.signals import pre_save
from django.urls import reverse

from caseweight.audit.models import AuditEntry
from caseweight.staffing.models import UserPolicy

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


# --- who may replace a user policy (issue 9, item 5) --------------------------------------------------

CHANGED = SCENARIO.replace(b"value = 15", b"value = 18")


def uploaded_by(role: str, client_as, content: bytes = SCENARIO):
    response = upload(client_as(role), content)
    assert response.status_code == 302, problems(response)


def test_a_union_analyst_cannot_replace_a_national_analysts_policy(client_as, policies_dir):
    uploaded_by("national_analyst", client_as)
    response = upload(client_as("union_analyst"), CHANGED, replace="on")
    assert response.status_code == 200
    assert problems(response) == [
        "name: 'scenario' was uploaded by analyst: only they or a national analyst may replace it; "
        "upload yours under another name"
    ]
    assert (policies_dir / "scenario.toml").read_bytes() == SCENARIO
    assert list(policies_dir.iterdir()) == [policies_dir / "scenario.toml"]  # no temporary copy left
    assert UserPolicy.objects.get(name="scenario").uploaded_by.username == "analyst"


def test_an_analyst_replaces_a_policy_they_uploaded(client_as, users, policies_dir):
    uploaded_by("union_analyst", client_as)
    assert upload(client_as("union_analyst"), CHANGED, replace="on").status_code == 302
    assert (policies_dir / "scenario.toml").read_bytes() == CHANGED
    record = UserPolicy.objects.get(name="scenario")
    assert record.uploaded_by == users["union_analyst"] and record.digest == hashlib.sha256(CHANGED).hexdigest()


def test_a_national_analyst_replaces_anyones_policy_and_becomes_its_uploader(client_as, users, policies_dir):
    uploaded_by("union_analyst", client_as)
    assert upload(client_as("national_analyst"), CHANGED, replace="on").status_code == 302
    assert (policies_dir / "scenario.toml").read_bytes() == CHANGED
    assert UserPolicy.objects.get(name="scenario").uploaded_by == users["national_analyst"]


def test_one_union_analyst_cannot_replace_another_union_analysts_policy(client_as, client, django_user_model, policies_dir):
    uploaded_by("union_analyst", client_as)
    client.force_login(django_user_model.objects.create_user("union-2", role="union_analyst"))
    assert problems(upload(client, CHANGED, replace="on"))[0].startswith("name: 'scenario' was uploaded by union:")
    assert (policies_dir / "scenario.toml").read_bytes() == SCENARIO


def test_a_policy_placed_in_the_folder_by_hand_is_replaced_by_a_national_analyst_only(client_as, policies_dir):
    policies_dir.mkdir()
    (policies_dir / "scenario.toml").write_bytes(SCENARIO)
    assert problems(upload(client_as("union_analyst"), CHANGED, replace="on")) == [
        "name: 'scenario' is a policy placed on the server by hand: only a national analyst may replace it; "
        "upload yours under another name"
    ]
    assert (policies_dir / "scenario.toml").read_bytes() == SCENARIO
    assert upload(client_as("national_analyst"), CHANGED, replace="on").status_code == 302
    assert (policies_dir / "scenario.toml").read_bytes() == CHANGED


def test_a_policy_whose_uploader_was_deleted_is_replaced_by_a_national_analyst_only(client_as, users, policies_dir):
    uploaded_by("union_analyst", client_as)
    users["union_analyst"].delete()
    client = client_as("national_analyst")
    client.force_login(get_user_model().objects.create_user("union-2", role="union_analyst"))
    assert problems(upload(client, CHANGED, replace="on"))[0].startswith("name: 'scenario' is a policy placed on the server by hand")
    assert (policies_dir / "scenario.toml").read_bytes() == SCENARIO


def test_an_upload_is_audited_with_its_uploader(client_as):
    uploaded_by("union_analyst", client_as)
    entry = AuditEntry.objects.get(entity="user_policy")
    assert (entry.action, entry.entity_key, entry.actor_label) == ("create", "scenario", "union")


def test_those_who_may_upload_see_who_uploaded_a_user_policy(client_as):
    uploaded_by("union_analyst", client_as)
    listing = client_as("national_analyst").get(reverse("staffing_policies")).content.decode()
    assert re.search(r'data-policy="scenario">.*?uploaded by union, ', listing, re.S)
    detail = client_as("national_analyst").get(reverse("staffing_policy_detail", args=["scenario"])).content.decode()
    assert "uploaded by union, " in detail


def test_those_who_may_not_upload_see_only_that_a_user_uploaded_it(client_as):
    uploaded_by("union_analyst", client_as)
    client = client_as("supervisor")
    for page in (reverse("staffing_policies"), reverse("staffing_policy_detail", args=["scenario"])):
        body = client.get(page).content.decode()
        assert "uploaded by union" not in body
    assert "uploaded by a user" in body


# --- the size limit and hostile files (issue 9, item 9) ------------------------------------------------


def test_the_size_limit_is_a_setting_and_the_refusal_says_it_in_french(client_as, settings, policies_dir):
    settings.MAX_POLICY_KB = 1
    client = client_as("national_analyst")
    big = SCENARIO + b"#" * 1024
    response = client.post(reverse("staffing_policy_upload"), {"file": SimpleUploadedFile("scenario.toml", big)},
                           HTTP_ACCEPT_LANGUAGE="fr")  # fmt: skip
    (problem,) = problems(response)
    assert problem.startswith("(file): le fichier dépasse la limite de téléversement de 1 Ko (CASEWEIGHT_MAX_POLICY_KB)")
    assert "CASEWEIGHT_POLICIES_DIR" in problem and "caseweight staffing --policy FICHIER" in problem
    assert not policies_dir.exists()
    assert upload(client, SCENARIO).status_code == 302  # under the limit: saved


def test_a_hostile_policy_upload_gets_its_message_and_saves_nothing(client_as, policies_dir, hostile_policy):
    content, message = hostile_policy
    response = upload(client_as("national_analyst"), content, "hostile.toml")
    assert response.status_code == 200
    (problem,) = problems(response)
    assert problem.startswith(message)
    assert not policies_dir.exists() and not UserPolicy.objects.exists()


def test_of_two_first_uploads_of_one_name_at_once_the_second_is_told_and_writes_nothing(client_as, users, policies_dir):
    def the_other_upload_lands_first(sender, instance, **kwargs):
        if instance.pk is None:  # just before this upload's record is inserted
            UserPolicy.objects.bulk_create([UserPolicy(name=instance.name, uploaded_by=users["national_analyst"],
                                                       uploaded_at=instance.uploaded_at, digest="0" * 64)])  # fmt: skip

    pre_save.connect(the_other_upload_lands_first, sender=UserPolicy)
    try:
        response = upload(client_as("union_analyst"), SCENARIO)
    finally:
        pre_save.disconnect(the_other_upload_lands_first, sender=UserPolicy)
    assert problems(response) == [
        "name: another upload of 'scenario' was saved at the same moment: nothing was written, try again"
    ]
    assert list(policies_dir.iterdir()) == []  # neither the file nor its temporary copy
