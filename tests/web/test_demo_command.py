"""`caseweight demo`: loads the generated data set through the importer and makes the demo accounts.

A small scale (one site of each kind per region) keeps these tests to seconds; the full national
run is the command's default.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from caseweight.accounts.models import User
from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.demo.generator import generate_demo
from caseweight.demo.services import DEMO_PASSWORD
from caseweight.distribution.models import Cover
from caseweight.organisation.models import Absence, Officer, Site

pytestmark = pytest.mark.django_db

TODAY = "2026-11-23"
SCALE = "0.05"



def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--scale", SCALE, "--today", TODAY, *args, stdout=out)
    return out.getvalue()


def database_counts() -> dict[str, int]:
    return {
        "sites": Site.objects.count(),
        "officers": Officer.objects.count(),
        "cases": Case.objects.count(),
        "absences": Absence.objects.count(),
        "users": User.objects.count(),
    }


def test_the_demo_loads_every_generated_row():
    run_demo()
    tables = generate_demo(seed=2026, today=dt.date.fromisoformat(TODAY), scale=float(SCALE))
    counts = database_counts()
    for table in ("sites", "officers", "cases", "absences"):
        assert counts[table] == len(tables[table])
    case = tables["cases"][0]
    stored = Case.objects.select_related("site", "officer").get(ref=case["ref"])
    assert (stored.site.code, stored.officer.code if stored.officer else "", stored.opened.isoformat()) == (
        case["site"], case["officer"], case["opened"])


def test_the_demo_creates_one_account_per_role_with_the_documented_password():
    run_demo()
    users = {user.role: user for user in User.objects.select_related("officer__site", "site", "region")}
    assert set(users) == {"officer", "supervisor", "regional_manager", "national_analyst", "union_analyst"}
    assert User.objects.count() == 5
    assert users["officer"].officer.site.code == "ONT-P01"
    assert users["officer"].officer.role == "po"
    assert users["officer"].officer.cases.filter(closed__isnull=True).exists()
    assert users["supervisor"].site.code == "ONT-P01" and users["supervisor"].site.kind == "parole_office"
    assert users["regional_manager"].region.code == "ONT"
    assert {role for role, user in users.items() if user.is_staff} == {"supervisor", "regional_manager",
                                                                       "national_analyst"}
    assert not any(user.is_superuser for user in users.values())
    for user in users.values():
        assert authenticate(username=user.username, password=DEMO_PASSWORD) == user


def test_running_the_demo_twice_changes_nothing():
    run_demo()
    first = database_counts()
    audit_entries = AuditEntry.objects.count()
    output = run_demo()
    assert database_counts() == first
    assert AuditEntry.objects.count() == audit_entries
    assert "0 created, 0 updated" in output


def test_running_it_again_resets_a_changed_demo_password():
    run_demo()
    user = User.objects.get(username="demo-supervisor")
    user.set_password("something-else-entirely")
    user.site = None
    user.save()
    run_demo()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)
    assert user.site.code == "ONT-P01"


def test_a_demo_for_a_later_day_replaces_the_absences_that_left_the_year():
    run_demo()
    later = "2027-02-01"
    call_command("demo", "--scale", SCALE, "--today", later, stdout=StringIO())
    tables = generate_demo(seed=2026, today=dt.date.fromisoformat(later), scale=float(SCALE))
    stored = set(Absence.objects.values_list("officer__code", "kind", "start", "end"))
    expected = {(a["officer"], a["kind"], dt.date.fromisoformat(a["start"]), dt.date.fromisoformat(a["end"]))
                for a in tables["absences"]}
    assert stored == expected


def test_the_demo_s_writes_are_audited_as_the_demo():
    # The regions' migration leaves entries of its own: look at the ones after them.
    last_before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    run_demo()
    entries = AuditEntry.objects.filter(id__gt=last_before)
    rows = sum(database_counts()[table] for table in ("sites", "officers", "cases", "absences"))
    assert entries.count() == rows + Cover.objects.count()
    assert set(entries.values_list("actor_label", "source").distinct()) == {("demo", "demo")}


def test_the_command_reports_progress_and_prints_the_accounts_table():
    output = run_demo()
    assert "Generating" in output and "Importing" in output
    sites = Site.objects.count()
    assert f"{sites} sites" in output
    assert "Done in" in output
    for username in ("demo-officer", "demo-supervisor", "demo-regional", "demo-analyst", "demo-union"):
        line = next(line for line in output.splitlines() if line.strip().startswith(username))
        assert DEMO_PASSWORD in line


def test_a_scale_out_of_range_is_an_error():
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "2", stdout=StringIO())


def test_colleagues_cover_the_cases_of_the_demo_offices_officers_absent_this_week():
    from caseweight.distribution import selectors

    output = run_demo()
    site = Site.objects.get(code="ONT-P01")
    workload = selectors.site_workload(site=site, as_of=dt.date.fromisoformat(TODAY))
    absent = {o.code for o in workload.officers if not workload.is_present(o)}
    assert absent, "the demo office should have someone away this week"
    covers = Cover.objects.filter(absence__officer__site=site)
    covered = [c for c in workload.cases if c.officer in absent and c.covered_by]
    assert covers.count() == len(covered) > 0
    assert not {c.covered_by for c in covered} & absent  # covered by colleagues who are there
    assert f"ONT-P01: {covers.count()} cases of officers absent this week covered by colleagues" in output
    assert "ONT-P01: 0 cases" in run_demo()  # covered already: a second run adds none
    assert Cover.objects.count() == covers.count()
