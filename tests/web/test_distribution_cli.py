"""The assign, rebalance and redistribute commands on the shared `org` fixture."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, Cover

PLAN_KEYS = {"solver", "status", "lower_bound", "max_utilisation", "officers", "assignments", "unassignable"}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def new_cases(org):
    ott = org["sites"]["OTT"]
    return [
        Case.objects.create(ref=f"C-OTT-N{i}", site=ott, supervision_level="B", language="en", opened=dt.date(2025, 6, 1))
        for i in range(3)
    ]


def test_assign_prints_the_engines_plan_as_json(org, new_cases):
    plan = json.loads(run("assign", "--site", "OTT", "--format", "json"))
    assert PLAN_KEYS <= plan.keys()
    assert {a["case"] for a in plan["assignments"]} == {"C-OTT-N0", "C-OTT-N1", "C-OTT-N2"}
    assert {"officer", "capacity_hours", "load_before_hours", "load_after_hours"} <= plan["officers"][0].keys()
    assert all({"case", "officer", "hours", "reasons"} <= a.keys() for a in plan["assignments"])


def test_assign_writes_nothing_without_apply(org, new_cases):
    run("assign", "--site", "OTT")
    assert Case.objects.filter(site__code="OTT", officer__isnull=True).count() == 3
    assert not Assignment.objects.exists()


def test_assign_apply_records_the_assignments_and_audits_them(org, new_cases):
    run("assign", "--site", "OTT", "--apply")
    assert not Case.objects.filter(site__code="OTT", officer__isnull=True).exists()
    assert Assignment.objects.filter(method="batch").count() == 3
    assert AuditEntry.objects.filter(entity="assignment", actor_label__startswith="cli:").count() == 3


def test_assign_reads_a_csv_folder_in_the_import_format(tmp_path, db):
    tables = {
        "sites": [{"code": "X1", "name": "X", "region": "ONT", "kind": "parole_office", "security_levels": "", "languages": "en"}],
        "officers": [{"code": f"PO-{n}", "name": n, "site": "X1", "role": "po", "fte": "1", "languages": "en",
                      "specialisations": ""} for n in ("A", "B")],  # fmt: skip
        "cases": [{"ref": f"K{i}", "site": "X1", "security_level": "", "supervision_level": "B", "language": "en",
                   "factors": "", "officer": "", "opened": "2025-01-01", "closed": ""} for i in range(4)],  # fmt: skip
    }
    for name, rows in tables.items():
        with open(tmp_path / f"{name}.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    plan = json.loads(run("assign", "--site", "X1", "--data", str(tmp_path), "--format", "json"))
    assert sorted(a["officer"] for a in plan["assignments"]) == ["PO-A", "PO-A", "PO-B", "PO-B"]


def test_assign_refuses_an_unknown_site(org):
    with pytest.raises(CommandError):
        run("assign", "--site", "NOPE")


def test_rebalance_prints_json(org):
    plan = json.loads(run("rebalance", "--site", "OTT", "--format", "json"))
    assert PLAN_KEYS <= plan.keys() and plan["kind"] == "rebalance"


def test_redistribution_conserves_the_absent_officers_cases(org):
    absence = org["absence"]  # Ben, July 2026
    bens = set(Case.objects.filter(officer__code="PO-BEN").values_list("ref", flat=True))
    total = Case.objects.count()
    plan = json.loads(run("redistribute", "--absence", str(absence.pk), "--format", "json"))
    planned = [a["case"] for a in plan["assignments"]] + [u["case"] for u in plan["unassignable"]]
    assert sorted(planned) == sorted(bens)  # each of Ben's cases once, nobody else's
    run("redistribute", "--absence", str(absence.pk), "--apply")
    assert Case.objects.count() == total
    covered = {a["case"]: a["officer"] for a in plan["assignments"]}
    # Covers of the absence, not reassignments: Ben keeps his cases.
    assert dict(Cover.objects.filter(absence=absence).values_list("case__ref", "officer__code")) == covered
    assert set(Case.objects.filter(ref__in=covered).values_list("officer__code", flat=True)) == {"PO-BEN"}
    assert not Assignment.objects.exists()


def test_redistribute_prints_the_backfill_the_absence_needs(org):
    # Ana (146.25 h a month of capacity, 13.25 h of cases) takes Ben's 1.58 h case with room to spare.
    out = run("redistribute", "--absence", str(org["absence"].pk))
    assert ("absence of PO-BEN from 2026-07-06 to 2026-07-17 (12 days): 0 cases already covered; backfill or overtime "
            "needed: 0.0 h a month, 0.0 h over the absence") in out
