"""`caseweight import` and `caseweight export` on the command line."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from caseweight.audit.models import AuditEntry
from caseweight.organisation.models import Officer, Site

OFFICERS_HEADER = "code,name,site,role,fte,languages,specialisations"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_officers(folder, *rows: str) -> None:
    (folder / "officers.csv").write_text("\r\n".join([OFFICERS_HEADER, *rows]) + "\r\n", encoding="utf-8")


def test_import_prints_the_summary_and_records_the_os_user_in_the_audit_trail(org, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    write_officers(tmp_path, "PO-NEW,Nadia Roy,OTT,po,0.5,fr,", "PO-ANA,Ana Tremblay,OTT,po,1,en;fr,indigenous")
    out, err = run("import", str(tmp_path))
    assert out.splitlines() == ["Import done.", "officers: 1 created, 0 updated, 1 unchanged"]
    assert err == ""
    entry = AuditEntry.objects.get(entity_key="PO-NEW")
    assert (entry.actor_label, entry.source, entry.action, entry.actor_id) == ("cli:alice", "import", "create", None)


def test_import_dry_run_prints_the_counts_and_writes_nothing(org, tmp_path):
    write_officers(tmp_path, "PO-NEW,Nadia Roy,OTT,po,0.5,fr,")
    out, _err = run("import", str(tmp_path), "--dry-run")
    assert out.splitlines() == ["Dry run: nothing was written.", "officers: 1 to create, 0 to update, 0 unchanged"]
    assert not Officer.objects.filter(code="PO-NEW").exists()


def test_a_rejected_import_prints_each_error_on_its_own_line_to_stderr_and_fails(org, tmp_path):
    write_officers(tmp_path, "PO-NEW,Nadia Roy,XYZ,po,0.5,fr,", "PO-TWO,Tom Two,OTT,po,2,en,")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "nothing was written" in str(caught.value)
    assert err.getvalue().splitlines() == [
        "officers.csv, row 2, column site, value 'XYZ': unknown site",
        "officers.csv, row 3, column fte, value '2': fte '2' is out of range: it must be more than 0 and at most 1",
    ]
    assert not Officer.objects.filter(code__in=["PO-NEW", "PO-TWO"]).exists()


def test_import_of_a_path_that_does_not_exist_fails_with_a_message(org, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "missing"), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == f"{tmp_path / 'missing'}: no such file or folder"


def test_export_writes_a_folder_of_csv_files_with_a_bom_for_excel(org, tmp_path):
    out, _err = run("export", str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "absences.csv", "cases.csv", "officers.csv", "regions.csv", "sites.csv"
    ]
    assert len(out.splitlines()) == 5
    data = (tmp_path / "out" / "officers.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + OFFICERS_HEADER.encode() + b"\r\n")
    assert "PO-ELO,Éloïse Gagné,MTL,po,1.000,fr," in data.decode("utf-8-sig")


def test_export_of_some_tables_to_a_workbook(org, tmp_path):
    run("export", str(tmp_path / "data.xlsx"), "--tables", "sites,cases")
    workbook = openpyxl.load_workbook(tmp_path / "data.xlsx")
    assert workbook.sheetnames == ["sites", "cases", "README"]
    assert [c.value for c in workbook["cases"][1]][:3] == ["ref", "site", "security_level"]
    assert workbook["cases"].max_row == 7


def test_export_refuses_an_unknown_table(org, tmp_path):
    with pytest.raises(CommandError, match="unknown tables: staff"):
        run("export", str(tmp_path), "--tables", "sites,staff")


def test_export_then_import_of_a_workbook_by_the_command_changes_nothing(org, tmp_path):
    run("export", str(tmp_path / "data.xlsx"))
    out, _err = run("import", str(tmp_path / "data.xlsx"))
    lines = out.splitlines()
    assert len(lines) == 6 and all(": 0 created, 0 updated, " in line for line in lines[1:])
    assert Site.objects.get(code="KIN").security_levels == "medium;maximum"
    assert Officer.objects.get(code="PO-BEN").fte == Decimal("0.800")
