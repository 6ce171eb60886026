"""No page or command shows a server path or a file the user did not give; `extends` and
?policy= name a policy, never a file; hostile policy files get a message, never a server error
(issue 9, items 5 and 9)."""

from __future__ import annotations

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from caseweight.engine.policy import SHIPPED_DIR

BROKEN = b'extends = "csc-current"\nversion = "1"\n[ratios.institution]\nminimum = -3\n'


@pytest.fixture
def policies_dir(settings):
    folder = settings.POLICIES_DIR  # tests/conftest.py: a fresh folder per test
    folder.mkdir()
    return folder


@pytest.fixture
def secret(tmp_path):
    """A TOML file elsewhere on the server, which no policy may read."""
    path = tmp_path / "elsewhere" / "settings.toml"
    path.parent.mkdir()
    path.write_text('version = "1"\ndatabase_password = "hunter2"\n', encoding="utf-8")
    return path


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def assert_no_server_path(text: str, *folders) -> None:
    for folder in (SHIPPED_DIR, SHIPPED_DIR.parent.parent, *folders):
        assert str(folder) not in text, f"{folder} shown"


# --- ?policy= on the staffing pages ------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["nope", "../../etc/passwd", "/etc/ssl/openssl.toml", "x" * 500])
@pytest.mark.parametrize("route", ["staffing_dashboard", "staffing_exposure", "staffing_site", "staffing_explain",
                                   "staffing_resilience", "staffing_coverage"])  # fmt: skip
def test_an_unknown_policy_on_a_staffing_page_is_named_without_any_folder(client_as, org, policies_dir, route, asked):
    url = reverse(route) if route in ("staffing_dashboard", "staffing_exposure") else reverse(route, args=["OTT"])
    body = page(client_as("national_analyst"), f"{url}?policy={asked}")
    assert f"Policy {asked[:64]} cannot be used (name: no policy " in body
    assert "showing csc-current instead" in body
    assert_no_server_path(body, policies_dir)


def test_an_unknown_policy_on_the_compare_page_is_named_without_any_folder(client_as, org, policies_dir):
    body = page(client_as("union_analyst"), reverse("staffing_compare") + "?a=nope&b=../secret")
    assert "Policy nope cannot be used (name: no policy named 'nope'): showing csc-current instead." in body
    assert "Policy ../secret cannot be used (name: no policy named '../secret')" in body
    assert_no_server_path(body, policies_dir)


# --- the policies pages show invalid files' errors, path-free -----------------------------------------


def test_the_policies_pages_show_invalid_files_without_a_folder_or_a_parents_content(client_as, policies_dir, secret):
    (policies_dir / "broken.toml").write_bytes(BROKEN)
    (policies_dir / "usje-2021.toml").write_bytes(BROKEN)  # shadowed by the shipped one
    (policies_dir / "child.toml").write_bytes(b'extends = "broken"\nversion = "1"\n')
    (policies_dir / "reader.toml").write_text(f'extends = "{secret.with_suffix("")}"\nversion = "1"\n')
    client = client_as("union_analyst")
    listing = page(client, reverse("staffing_policies"))
    assert "name 'usje-2021' is already used by a shipped policy" in listing
    assert "extends: the policy 'broken' does not validate: choose another or fix it first" in listing
    assert "extends: must be the name of a policy (letters, digits, '-' and '_' only, 64 at most)" in listing
    assert_no_server_path(listing, policies_dir)
    assert "hunter2" not in listing and "database_password" not in listing
    for name in ("broken", "child", "reader"):
        detail = page(client, reverse("staffing_policy_detail", args=[name]))
        assert "does not validate" in detail
        assert_no_server_path(detail, policies_dir, secret.parent)
        assert "hunter2" not in detail


def test_an_upload_extending_a_file_by_its_path_is_refused_without_reading_it(client_as, policies_dir, secret):
    content = f'extends = "{secret}"\nversion = "1"\n'.encode()
    response = client_as("national_analyst").post(reverse("staffing_policy_upload"),
                                                  {"file": SimpleUploadedFile("reader.toml", content)})  # fmt: skip
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Not saved: 1 problem" in body
    assert "extends</code>: must be the name of a policy" in body
    assert "hunter2" not in body and "database_password" not in body
    assert not (policies_dir / "reader.toml").exists()


def test_a_hostile_file_in_the_policies_folder_is_listed_with_its_message(client_as, org, policies_dir, hostile_policy):
    content, message = hostile_policy
    (policies_dir / "hostile.toml").write_bytes(content)
    client = client_as("national_analyst")
    assert message in page(client, reverse("staffing_policies"))
    assert message in page(client, reverse("staffing_policy_detail", args=["hostile"]))
    assert "Policy hostile cannot be used" in page(client, reverse("staffing_dashboard") + "?policy=hostile")


# --- the command line names only the file it was given --------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("command", [("policies",), ("staffing", "--method", "ratio", "--policy")])
def test_a_hostile_file_on_the_command_line_gets_its_message_not_a_traceback(tmp_path, db, command, hostile_policy):
    content, message = hostile_policy
    path = tmp_path / "hostile.toml"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        run(*command, str(path))
    assert str(caught.value).startswith(f"policy refused: {message}")


def test_the_policies_command_names_no_folder(policies_dir):
    (policies_dir / "broken.toml").write_bytes(BROKEN)
    (policies_dir / "mine.toml").write_bytes(b'extends = "csc-current"\nversion = "1"\n')
    listing = run("policies")
    assert "error: broken: ratios.institution.minimum: must be a positive number, got -3" in listing
    shown = run("policies", "mine") + run("policies", "csc-current")
    assert "origin: user" in shown and "origin: shipped" in shown
    assert_no_server_path(listing + shown, policies_dir)


def test_the_policies_command_names_a_file_as_it_was_given(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_bytes(b'extends = "csc-current"\nversion = "1"\n')
    monkeypatch.chdir(tmp_path)
    assert "file: mine.toml" in run("policies", "mine.toml").splitlines()
