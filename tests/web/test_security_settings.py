"""Settings from the environment, run as a server would start: `caseweight` in a subprocess, with
only the variables each test gives (no tests.settings, no test key), on an empty data folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
KEY = "k3y-for-one-test-only-5b0e8d1c7a6f4e2d9c8b7a6f5e4d3c2b1a0"
SHOW_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'SECRET_KEY': s.SECRET_KEY, 'AXES_FAILURE_LIMIT': s.AXES_FAILURE_LIMIT,"
    "'AXES_COOLOFF_MINUTES': s.AXES_COOLOFF_TIME.total_seconds() / 60, 'SESSION_COOKIE_AGE': s.SESSION_COOKIE_AGE,"
    "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'SESSION_COOKIE_SECURE': s.SESSION_COOKIE_SECURE,"
    "'CSRF_COOKIE_SECURE': s.CSRF_COOKIE_SECURE, 'SECURE_HSTS_SECONDS': s.SECURE_HSTS_SECONDS,"
    "'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER, 'AXES_CLIENT_IP_CALLABLE': s.AXES_CLIENT_IP_CALLABLE}))"
)


def caseweight(*args, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ["PATH"], "CASEWEIGHT_DATA_DIR": str(data_dir), **env}
    return subprocess.run([sys.executable, "-m", "caseweight.cli", *args], env=environment, cwd=data_dir,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def settings_with(data_dir: Path, **env: str) -> dict:
    done = caseweight("shell", "--no-imports", "-c", SHOW_SETTINGS, data_dir=data_dir, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "command",
    [pytest.param(["-m", "caseweight.cli", "check"], id="caseweight"), pytest.param(["-c", "import caseweight.wsgi"], id="wsgi")],
)
def test_without_a_secret_key_caseweight_refuses_to_start_and_says_how_to_set_one(tmp_path, command):
    done = subprocess.run([sys.executable, *command], env={"PATH": os.environ["PATH"], "CASEWEIGHT_DATA_DIR": str(tmp_path)},
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert "No SECRET_KEY: Caseweight will not start without one." in done.stderr
    assert "Set the SECRET_KEY environment variable" in done.stderr
    assert f"or write one into {tmp_path / 'secret-key'}" in done.stderr


def test_the_key_file_in_the_data_folder_serves_when_no_secret_key_is_set(tmp_path):
    (tmp_path / "secret-key").write_text(KEY + "\n")
    assert settings_with(tmp_path)["SECRET_KEY"] == KEY


def test_the_secret_key_variable_comes_before_the_key_file(tmp_path):
    (tmp_path / "secret-key").write_text("the-file-s-key\n")
    assert settings_with(tmp_path, SECRET_KEY=KEY)["SECRET_KEY"] == KEY


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_creates_a_private_key_file_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "data" / "secret-key"
    make = ["make", "-s", "-C", str(CHECKOUT), f"CASEWEIGHT_DATA_DIR={key_file.parent}", str(key_file)]
    subprocess.run(make, check=True, capture_output=True, timeout=60)
    first = key_file.read_text()
    subprocess.run(make, check=True, capture_output=True, timeout=60)
    assert key_file.read_text() == first and len(first.strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_by_default_5_failures_lock_out_for_15_minutes_sessions_idle_out_after_30_and_https_is_off(tmp_path):
    shown = settings_with(tmp_path, SECRET_KEY=KEY)
    assert (shown["AXES_FAILURE_LIMIT"], shown["AXES_COOLOFF_MINUTES"], shown["SESSION_COOKIE_AGE"]) == (5, 15, 30 * 60)
    assert (shown["SECURE_SSL_REDIRECT"], shown["SESSION_COOKIE_SECURE"], shown["CSRF_COOKIE_SECURE"]) == (False, False, False)
    assert shown["SECURE_HSTS_SECONDS"] == 0 and shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["AXES_CLIENT_IP_CALLABLE"] is None


def test_one_setting_turns_on_the_https_redirect_secure_cookies_and_a_year_of_hsts(tmp_path):
    shown = settings_with(tmp_path, SECRET_KEY=KEY, CASEWEIGHT_HTTPS="1")
    assert (shown["SECURE_SSL_REDIRECT"], shown["SESSION_COOKIE_SECURE"], shown["CSRF_COOKIE_SECURE"]) == (True, True, True)
    assert shown["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert shown["SECURE_PROXY_SSL_HEADER"] is None  # a proxy's header is believed only when asked


def test_the_environment_sets_the_limits_and_trusts_the_proxys_headers(tmp_path):
    shown = settings_with(tmp_path, SECRET_KEY=KEY, CASEWEIGHT_LOCKOUT_FAILURES="3", CASEWEIGHT_LOCKOUT_MINUTES="60",
                          CASEWEIGHT_SESSION_IDLE_MINUTES="10", CASEWEIGHT_BEHIND_PROXY="1")  # fmt: skip
    assert (shown["AXES_FAILURE_LIMIT"], shown["AXES_COOLOFF_MINUTES"], shown["SESSION_COOKIE_AGE"]) == (3, 60, 10 * 60)
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["AXES_CLIENT_IP_CALLABLE"] == "caseweight.security.forwarded_client_address"


@pytest.mark.parametrize("name", ["CASEWEIGHT_SESSION_IDLE_MINUTES", "CASEWEIGHT_MAX_POLICY_KB", "CASEWEIGHT_MAX_IMPORT_MB",
                                  "CASEWEIGHT_MAX_IMPORT_ROWS"])
def test_a_limit_that_is_not_a_whole_number_is_refused_by_name(tmp_path, name):
    done = caseweight("check", data_dir=tmp_path, SECRET_KEY=KEY, **{name: "half an hour"})
    assert done.returncode == 1
    assert f"{name} must be a whole number, at least 1 (it is 'half an hour')" in done.stderr


def production_variables() -> dict[str, str]:
    """The `NAME=value` lines of the README's Production subsection."""
    readme = (CHECKOUT / "README.md").read_text()
    section = readme.split("### Production", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^    ([A-Z_]+)=(\S*)", section, flags=re.MULTILINE))


def test_the_deploy_check_passes_with_the_production_settings_the_readme_documents(tmp_path):
    variables = production_variables()
    assert set(variables) == {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CASEWEIGHT_HTTPS", "DATABASE_URL", "CASEWEIGHT_DATA_DIR"}
    assert variables["DATABASE_URL"].startswith("postgres://")
    # The README's placeholder key and server folder, made real for this run; the check does not connect to the database.
    variables.update(SECRET_KEY=KEY, CASEWEIGHT_DATA_DIR=str(tmp_path))
    done = caseweight("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path, **variables)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (1 silenced)." in done.stdout


def test_the_deploy_check_fails_without_https(tmp_path):
    variables = {**production_variables(), "SECRET_KEY": KEY, "CASEWEIGHT_DATA_DIR": str(tmp_path)}
    del variables["CASEWEIGHT_HTTPS"]
    done = caseweight("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path, **variables)
    assert done.returncode == 1
    assert "security.W008" in done.stderr and "security.W012" in done.stderr
