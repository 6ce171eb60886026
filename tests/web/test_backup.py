"""`caseweight backup` and `caseweight restore`: everything comes back as it was, and a backup that
does not fit is refused with nothing changed.

The backups need committed rows (pg_dump reads the database from another connection), hence
transactional tests; serialized_rollback keeps the regions the migrations made across their flush.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import stat
import tarfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, CaseFlag, Cover, Reduction
from caseweight.organisation.models import Officer

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}
DUMP_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None,
    reason="backups of PostgreSQL need its client tools (apt-get install postgresql-client)",
)


def database_rows() -> dict[str, list[dict]]:
    """Every row of every table, by model, in key order (the migrations' record included)."""
    models = [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models}


def policy_files() -> dict[str, bytes]:
    folder = settings.POLICIES_DIR
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def everything() -> tuple[dict, dict]:
    return database_rows(), policy_files()


def restore(path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(path), interactive=False, stdout=out, **options)
    return out.getvalue()


def repack(source, target, *, manifest=None, member=None) -> None:
    """Copy a backup, passing its manifest (a dict) through `manifest` and each other member's
    (name, bytes) through `member`, each returning the new one."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif info.name != "manifest.json" and member:
                info.name, data = member(info.name, data)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture
def recorded(org, users):
    """The shared organisation and accounts, plus a flag, a reduction, an assignment, a cover (each
    audited as it is saved) and a user policy file."""
    ana, ben = org["officers"]["PO-ANA"], org["officers"]["PO-BEN"]
    supervisor = users["supervisor"]
    CaseFlag.objects.create(case=org["cases"]["C-OTT-2"], raised_by=users["officer"], hours_requested=Decimal("2.50"),
                            reason="Weekly crisis calls", state="changed", approved_hours=Decimal("1.75"),
                            decided_by=supervisor, decided_at=timezone.now())  # fmt: skip
    Reduction.objects.create(officer=ana, hours_per_week=Decimal("7.50"), reason="phased_return",
                             start=dt.date(2026, 3, 2), recorded_by=supervisor)  # fmt: skip
    Assignment.objects.create(case=org["cases"]["C-OTT-1"], officer=ana, from_officer=ben, assigned_by=supervisor,
                              method="manual")  # fmt: skip
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=ana, absence=org["absence"], assigned_by=supervisor)
    settings.POLICIES_DIR.mkdir(parents=True)
    (settings.POLICIES_DIR / "ottawa-2026.toml").write_text('name = "ottawa-2026"\ntitle_fr = "Ottawa, révisé"\n')
    return org


@pytest.fixture
def backup(recorded, tmp_path):
    path = tmp_path / "caseweight-backup.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def change_everything(org, users) -> None:
    """Edits, deletions and additions in every kind of record, and in the policy folder."""
    Case.objects.get(ref="C-OTT-1").delete()  # with its assignment history
    Officer.objects.filter(code="PO-BEN").update(name="Benjamin Clark")
    users["union_analyst"].delete()
    Reduction.objects.update(hours_per_week=Decimal("1.00"))
    Cover.objects.all().delete()
    CaseFlag.objects.create(case=org["cases"]["C-KIN-1"], raised_by=None, hours_requested=Decimal("3"), reason="new")
    (settings.POLICIES_DIR / "ottawa-2026.toml").write_text('name = "ottawa-2026"\ntitle_fr = "changed"\n')
    (settings.POLICIES_DIR / "later.toml").write_text('name = "later"\n')


@committed
def test_a_restore_puts_back_every_row_and_policy_file_as_they_were_at_the_backup(recorded, users, backup):
    before = everything()
    assert {AuditEntry.objects.filter(entity=e).count() > 0 for e in ("reduction", "cover", "assignment")} == {True}
    change_everything(recorded, users)
    assert everything() != before

    restore(backup)

    rows, files = everything()
    assert files == before[1] == {"ottawa-2026.toml": 'name = "ottawa-2026"\ntitle_fr = "Ottawa, révisé"\n'.encode()}
    assert rows == before[0]
    assert rows["distribution.Cover"] and rows["distribution.CaseFlag"] and rows["audit.AuditEntry"]


@committed
def test_rows_created_after_a_restore_get_new_keys(recorded, backup):
    highest = Case.objects.order_by("-pk").first().pk
    restore(backup)
    case = Case.objects.create(ref="C-OTT-NEW", site=recorded["sites"]["OTT"], supervision_level="B",
                               opened=dt.date(2026, 1, 5))  # fmt: skip
    assert case.pk > highest


@committed
def test_a_backup_is_readable_by_its_owner_only_and_its_manifest_says_what_it_holds(recorded, backup):
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with tarfile.open(backup, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    dump = DUMP_FILE[connection.vendor]
    assert names == ["manifest.json", dump, "policies/ottawa-2026.toml"]
    assert (manifest["format"], manifest["format_version"], manifest["database"]) == ("caseweight-backup", 1,
                                                                                       connection.vendor)
    assert manifest["caseweight_version"] == "0.1.0"
    assert manifest["tables"]["cases_case"] == 6 and manifest["tables"]["distribution_cover"] == 1
    assert manifest["tables"]["accounts_user"] == 5
    assert manifest["tables"]["audit_auditentry"] == AuditEntry.objects.count()
    assert manifest["migrations"]["distribution"] == distribution_migrations()
    assert sorted(manifest["files"]) == [dump, "policies/ottawa-2026.toml"]


@committed
def test_a_backup_holds_no_session_so_its_holder_can_take_over_no_one(recorded, users, tmp_path):
    session = SessionStore()
    session["_auth_user_id"] = str(users["supervisor"].pk)
    session.create()
    path = tmp_path / "caseweight-backup.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    with tarfile.open(path, "r:gz") as tar:
        assert not any(session.session_key.encode() in tar.extractfile(name).read() for name in tar.getnames())
        assert json.loads(tar.extractfile("manifest.json").read())["tables"]["django_session"] == 0
    restore(path)
    assert Session.objects.count() == 0


def test_a_backup_refuses_to_replace_an_existing_file_without_force(tmp_path):
    path = tmp_path / "caseweight-backup.tar.gz"
    path.write_bytes(b"last week's backup")
    with pytest.raises(CommandError, match="exists: choose another name, or pass --force"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"last week's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caseweight-backup.tar.gz"]  # no leftovers


@committed
def test_a_backup_with_force_replaces_an_existing_file(recorded, tmp_path):
    path = tmp_path / "caseweight-backup.tar.gz"
    path.write_bytes(b"last week's backup")
    call_command("backup", str(path), force=True, stdout=io.StringIO())
    with tarfile.open(path, "r:gz") as tar:
        assert tar.getnames()[0] == "manifest.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caseweight-backup.tar.gz", "policies"]


def refused(path, message: str) -> None:
    """restore(path) fails with `message` and changes no row and no policy file."""
    before = everything()
    with pytest.raises(CommandError, match=message) as error:
        restore(path)
    assert str(error.value).startswith("nothing was restored: ")
    assert everything() == before


@committed
@pytest.mark.parametrize("content", [b"regions,name\nONT,Ontario\n", b"PK\x03\x04 a zip file"])
def test_a_file_that_is_not_a_backup_is_refused(recorded, tmp_path, content):
    path = tmp_path / "not-a-backup.tar.gz"
    path.write_bytes(content)
    refused(path, "is not a Caseweight backup")


@committed
def test_an_archive_without_a_manifest_is_refused(recorded, tmp_path):
    path = tmp_path / "policies.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(settings.POLICIES_DIR, arcname="policies")
    refused(path, r"is not a Caseweight backup \(no manifest.json first\)")


@committed
def test_a_truncated_backup_is_refused(recorded, users, backup):
    change_everything(recorded, users)  # so that a restore would show
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    refused(backup, "is damaged or truncated")


def flipped(data: bytes) -> bytes:
    """One bit changed in the middle of `data`."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]


@committed
def test_a_backup_whose_database_dump_was_altered_is_refused(recorded, users, backup, tmp_path):
    change_everything(recorded, users)  # so that a restore would show
    altered = tmp_path / "altered.tar.gz"
    repack(backup, altered, member=lambda name, data: (name, flipped(data) if name.startswith("database") else data))
    refused(altered, r"is damaged: database\.\w+ differs from what was backed up")


@committed
def test_a_backup_of_the_other_database_vendor_is_refused(recorded, users, backup, tmp_path):
    change_everything(recorded, users)  # so that a restore would show
    other, vendor = tmp_path / "other.tar.gz", OTHER_VENDOR[connection.vendor]
    dump, other_dump = DUMP_FILE[connection.vendor], DUMP_FILE[vendor]
    repack(backup, other, member=lambda name, data: (other_dump if name == dump else name, data),
           manifest=lambda m: {**m, "database": vendor,
                               "files": {other_dump if name == dump else name: d for name, d in m["files"].items()}})
    refused(other, "this is a backup of a (SQLite|PostgreSQL) database, and this Caseweight uses")


@committed
def test_a_backup_from_newer_migrations_is_refused(recorded, users, backup, tmp_path):
    change_everything(recorded, users)  # so that a restore would show
    newer = tmp_path / "newer.tar.gz"
    repack(backup, newer, manifest=lambda m: {
        **m, "migrations": {**m["migrations"], "cases": [*m["migrations"]["cases"], "0099_future"]}})
    refused(newer, r"made by a newer Caseweight \(0\.1\.0\): .* \(cases\.0099_future\); upgrade Caseweight")


def distribution_migrations() -> list[str]:
    """The distribution app's migrations in this code, in order."""
    return sorted(name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
                  if app == "distribution")  # fmt: skip


@pytest.fixture
def distribution_migrated_back():
    """The database one distribution migration behind this code (as a backup of last year's
    Caseweight would be); migrated forward again afterwards, whatever happens."""
    *earlier, latest = distribution_migrations()
    call_command("migrate", "distribution", earlier[-1], verbosity=0)
    yield latest
    call_command("migrate", verbosity=0)


@committed
def test_a_backup_from_older_migrations_is_restored_and_migrate_then_brings_it_up_to_date(
    org, distribution_migrated_back, tmp_path
):
    older = tmp_path / "older.tar.gz"
    call_command("backup", str(older), stdout=io.StringIO())
    call_command("migrate", verbosity=0)  # this code's tables and foreign keys, which the backup lacks
    Case.objects.get(ref="C-OTT-1").delete()

    output = restore(older)

    assert (f"its database lacks 1 migration of this code (distribution.{distribution_migrated_back}). "
            "Run `caseweight migrate` now.") in output  # fmt: skip
    call_command("migrate", verbosity=0)
    assert Case.objects.filter(ref="C-OTT-1").exists()
    assert MigrationRecorder.Migration.objects.filter(app="distribution", name=distribution_migrated_back).exists()
    assert Cover.objects.count() == 0


class Terminal(io.StringIO):
    def isatty(self):
        return True


@committed
def test_answering_no_to_the_confirmation_restores_nothing(recorded, users, backup, monkeypatch):
    change_everything(recorded, users)  # so that a restore would show
    before = everything()
    monkeypatch.setattr("sys.stdin", Terminal())
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)
    assert "This will IRREVERSIBLY DESTROY all data currently in them" in questions[0]
    assert "Restore cancelled." in out.getvalue()
    assert everything() == before


@pytest.fixture
def server_failing_on_creating_covers():
    """An event trigger (PostgreSQL) that fails any statement creating the table of covers, as a
    full disk would: the restore fails after its drops and its first tables."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION fail_on_covers() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands()
                           WHERE object_identity = 'public.distribution_cover') THEN
                    RAISE EXCEPTION 'could not extend file: No space left on device';
                END IF;
            END $$;
            CREATE EVENT TRIGGER fail_halfway ON ddl_command_end EXECUTE FUNCTION fail_on_covers();
        """)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP EVENT TRIGGER fail_halfway; DROP FUNCTION fail_on_covers();")


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite restores in one backup step: no halfway")
def test_a_restore_that_fails_halfway_leaves_the_database_and_the_policies_as_they_were(
    recorded, users, backup, server_failing_on_creating_covers
):
    change_everything(recorded, users)  # so that a restore would show
    before = everything()
    with pytest.raises(CommandError, match="restore failed: the database could not be restored, nothing was changed: "
                                           ".*No space left on device"):  # fmt: skip
        restore(backup)
    assert everything() == before


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite needs no tool")
def test_a_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH: install the PostgreSQL client tools"):
        call_command("backup", str(tmp_path / "caseweight-backup.tar.gz"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite needs no tool")
def test_a_postgresql_restore_without_its_client_tools_says_what_to_install(recorded, users, backup, monkeypatch):
    change_everything(recorded, users)  # so that a restore would show
    monkeypatch.setenv("PATH", str(backup.parent / "nowhere"))
    refused(backup, "pg_restore was not found on PATH: install the PostgreSQL client tools")
