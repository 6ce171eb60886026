"""The database half of a backup, one pair of functions per vendor: dump the whole database to a
file with what it holds (row counts per table, applied migrations), and load such a file back in
place of the database's content, all or nothing.

SQLite uses its online backup API, which copies a consistent snapshot while the app serves and
writes the restored copy in one transaction. PostgreSQL uses the client tools pg_dump and
pg_restore; the dump shares a REPEATABLE READ snapshot with the counts, so both describe the same
moment.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.backends.postgresql.client import DatabaseClient

VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables kept empty in a backup. A session key signs its holder in: whoever held a backup could
# take over the sessions still open on the server. After a restore everyone signs in again.
ROWS_LEFT_OUT = ("django_session",)
DUMP_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore refused or failed, nothing changed; the message says why and what to do."""


@dataclass(frozen=True)
class Contents:
    tables: dict[str, int]  # table → rows
    migrations: dict[str, list[str]]  # app → applied migration names


def vendor() -> str:
    if connection.vendor not in VENDORS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def database_dump(*, target: Path) -> Contents:
    """Write the whole database to `target` (DUMP_FILE[vendor()] is its name in the archive)."""
    _outside_transaction()
    connection.ensure_connection()
    return _sqlite_dump(target) if vendor() == "sqlite" else _postgresql_dump(target)


def database_load(*, source: Path, work_dir: Path) -> None:
    """Replace the database's whole content by the dump `source` (work_dir: for temporary files)."""
    _outside_transaction()
    connection.ensure_connection()
    if vendor() == "sqlite":
        _sqlite_load(source)
    else:
        _postgresql_load(source, work_dir=work_dir)


def tools_missing() -> str | None:
    """What to install before a restore can run, or None."""
    if vendor() == "postgresql":
        for program in ("pg_restore", "psql"):
            if shutil.which(program) is None:
                return _not_installed(program)
    return None


def _outside_transaction() -> None:
    # A dump would miss (or a load fight) the caller's uncommitted writes.
    if connection.in_atomic_block:
        raise BackupError("a backup or restore cannot run inside a database transaction")


def _contents(cursor, tables: list[str]) -> Contents:
    counts = {}
    for table in sorted(tables):
        if table in ROWS_LEFT_OUT:  # empty in the dump, whatever the database holds
            counts[table] = 0
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return Contents(tables=counts, migrations=migrations)


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_dump(target: Path) -> Contents:
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a snapshot under a read lock, never restarted by the app's writes.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("PRAGMA secure_delete = ON")  # the deleted rows' bytes are overwritten, not left in the file
        for table in set(ROWS_LEFT_OUT) & set(tables):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        copy.commit()
        return _contents(cursor, tables)
    finally:
        copy.close()


def _sqlite_load(source: Path) -> None:
    backup = sqlite3.connect(source)
    try:
        # In one step the copy is one write transaction on the live database: committed whole, or
        # rolled back if it fails. Other connections wait on SQLite's lock, then see the new content.
        backup.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"the database could not be restored, nothing was changed: {error}") from None
    finally:
        backup.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


def _not_installed(program: str) -> str:
    return (
        f"{program} was not found on PATH: install the PostgreSQL client tools, of the server's major "
        f"version or newer (Debian and Ubuntu: apt-get install postgresql-client)"
    )


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_not_installed(name))
    return path


def _postgresql_command(program: str, *parameters: str) -> tuple[list[str], dict[str, str]]:
    """`program` connecting to this app's database, with the password in the environment, not in ps."""
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, list(parameters))
    return [_program(program), *args[1:]], {**os.environ, **(env or {})}


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"{Path(args[0]).name} failed: {detail}")


def _postgresql_dump(target: Path) -> Contents:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the same snapshot while this transaction stays open.
        left_out = [f"--exclude-table-data={table}" for table in ROWS_LEFT_OUT]
        _run(*_postgresql_command("pg_dump", "--format=custom", f"--file={target}", f"--snapshot={snapshot}",
                                  *left_out))  # fmt: skip
        return _contents(cursor, connection.introspection.table_names(cursor))


def _postgresql_load(source: Path, *, work_dir: Path) -> None:
    # pg_restore writes the restore as SQL; psql runs it in ONE transaction after dropping every
    # table there is now. --clean drops only what the backup holds: the tables of newer migrations,
    # or their foreign keys into tables the backup holds, would remain (and block the drop of those
    # tables' keys). pg_restore --single-transaction could not run that drop in its transaction.
    script = work_dir / "restore.sql"
    _run([_program("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--file={script}", str(source)])
    with connection.cursor() as cursor:
        present = connection.introspection.table_names(cursor)
    drops = [f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;" for table in present]
    args, env = _postgresql_command(
        "psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
        *(["--command", " ".join(drops)] if drops else []), f"--file={script}",
    )  # fmt: skip
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c client_min_messages=warning"  # no NOTICE per cascade
    connection.close()  # our own idle connection must hold no lock the restore waits for
    try:
        _run(args, env)
    except BackupError as error:
        raise BackupError(f"the database could not be restored, nothing was changed: {error}") from None
