"""Backups of everything Caseweight holds: the whole database and the users' policy files.

A backup is one gzip-compressed tar archive:

    manifest.json        first: format, when, Caseweight version, database vendor, applied
                         migrations per app, rows per table, and the SHA-256 of every other member
    database.sqlite3     or database.pgdump (pg_dump's custom format)
    policies/...         the files of settings.POLICIES_DIR

tar because the standard library writes and reads it as a stream (a large dump is never held in
memory) and any machine can list it (`tar tzf`); gzip's CRC and the manifest's checksums catch a
truncated or damaged file before anything is restored.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import caseweight
from caseweight.backup.databases import (
    DUMP_FILE, VENDORS, BackupError, database_dump, database_load, tools_missing, vendor,
)  # fmt: skip

FORMAT = "caseweight-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POLICIES = "policies"
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
# What a damaged gzip stream or tar raises while it is read.
READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)

Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


@dataclass(frozen=True)
class Manifest:
    created_at: str
    caseweight_version: str
    vendor: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]
    files: dict[str, str]  # member name → SHA-256

    @property
    def policy_files(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith(f"{POLICIES}/"))

    def summary(self) -> str:
        return (
            f"backup of {self.created_at} by Caseweight {self.caseweight_version}: "
            f"{VENDORS.get(self.vendor, self.vendor)} database, {_count(len(self.tables), 'table')}, "
            f"{_count(sum(self.tables.values()), 'row')}, {_count(len(self.policy_files), 'user policy file')}"
        )

    def to_json(self) -> bytes:
        document = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": self.created_at,
                    "caseweight_version": self.caseweight_version, "database": self.vendor,
                    "migrations": self.migrations, "tables": self.tables, "files": self.files}  # fmt: skip
        return json.dumps(document, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, *, source: Path) -> Manifest:
        try:
            document = json.loads(data.decode("utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError
        except (UnicodeDecodeError, ValueError, AttributeError):
            raise BackupError(f"{source} is not a Caseweight backup (its manifest.json is not one)") from None
        if not isinstance(document.get("format_version"), int) or document["format_version"] > FORMAT_VERSION:
            raise BackupError(
                f"{source} is a backup in format {document.get('format_version')!r}, made by a newer Caseweight; "
                f"this one reads format {FORMAT_VERSION}: upgrade Caseweight to restore it"
            )
        try:
            manifest = cls(
                created_at=str(document["created_at"]), caseweight_version=str(document["caseweight_version"]),
                vendor=str(document["database"]),
                migrations={str(app): [str(name) for name in names] for app, names in document["migrations"].items()},
                tables={str(table): int(rows) for table, rows in document["tables"].items()},
                files={str(name): str(digest) for name, digest in document["files"].items()},
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BackupError(f"{source} is damaged: its manifest.json lacks or garbles a field") from None
        unsafe = [name for name in manifest.files if not _member_name_ok(name, manifest.vendor)]
        if unsafe:
            raise BackupError(f"{source} is damaged: its manifest names unexpected files ({', '.join(unsafe[:3])})")
        return manifest


def _member_name_ok(name: str, backup_vendor: str) -> bool:
    if name == DUMP_FILE.get(backup_vendor):
        return True
    parts = PurePosixPath(name).parts
    return (str(PurePosixPath(name)) == name and len(parts) >= 2 and parts[0] == POLICIES
            and not any(part in ("", ".", "..") or "\\" in part for part in parts))  # fmt: skip


def _sha256(stream, *, copy_to=None) -> str:
    """The SHA-256 of what `stream` holds, read by blocks (a dump may be large), written on to `copy_to`."""
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
        if copy_to is not None:
            copy_to.write(block)
    return digest.hexdigest()


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _policy_files() -> dict[str, bytes]:
    """The policy folder's files by archive name, read once: a file replaced by an upload meanwhile
    is archived whole, old or new, and matches its checksum."""
    folder = Path(settings.POLICIES_DIR)
    if not folder.is_dir():
        return {}
    return {f"{POLICIES}/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}  # fmt: skip


def _add(tar: tarfile.TarFile, name: str, stream, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    tar.addfile(info, stream)


def _target_problem(target: Path, *, force: bool) -> str | None:
    if target.is_dir():
        return f"{target} is a folder: give the backup's file name, e.g. {target / 'caseweight-backup.tar.gz'}"
    if not target.parent.is_dir():
        return f"the folder {target.parent} does not exist"
    if target.exists() and not force:
        return f"{target} exists: choose another name, or pass --force to replace it"
    return None


def _write_archive(target: Path, *, manifest: Manifest, dump: Path, policies: dict[str, bytes], force: bool) -> None:
    """The archive, written under a temporary name beside `target` then renamed: `target` is never
    half a backup."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:  # 9 is slow for little gain
                document = manifest.to_json()
                _add(tar, MANIFEST, io.BytesIO(document), len(document))
                with dump.open("rb") as stream:
                    _add(tar, dump.name, stream, dump.stat().st_size)
                for name, data in policies.items():
                    _add(tar, name, io.BytesIO(data), len(data))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)  # mkstemp's mode already; said again because it matters
        problem = _target_problem(target, force=force)  # made while we worked?
        if problem:
            raise BackupError(problem)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def backup_create(*, path: str | Path, force: bool = False, progress: Progress = _silent) -> Manifest:
    """Write a backup of the database and the policy folder to `path`, readable by its owner
    only. Refuses to replace an existing file unless `force`."""
    target = Path(path).absolute()
    problem = _target_problem(target, force=force)
    if problem:
        raise BackupError(problem)
    backup_vendor = vendor()
    # Work beside the target, not in a shared /tmp: the dump holds personal data.
    with tempfile.TemporaryDirectory(prefix=".caseweight-backup-", dir=target.parent) as work:
        dump = Path(work) / DUMP_FILE[backup_vendor]
        progress(f"Backing up the {VENDORS[backup_vendor]} database...")
        contents = database_dump(target=dump)
        progress(f"  {_count(len(contents.tables), 'table')}, {_count(sum(contents.tables.values()), 'row')} "
                 f"({_megabytes(dump.stat().st_size)})")
        policies = _policy_files()
        progress(f"Reading the user policies in {settings.POLICIES_DIR}: {_count(len(policies), 'file')}")
        with dump.open("rb") as stream:
            files = {dump.name: _sha256(stream)}
        files.update({name: hashlib.sha256(data).hexdigest() for name, data in policies.items()})
        manifest = Manifest(
            created_at=timezone.now().isoformat(timespec="seconds"), caseweight_version=caseweight.__version__,
            vendor=backup_vendor, migrations=contents.migrations, tables=contents.tables, files=files,
        )  # fmt: skip
        progress(f"Writing {target}...")
        _write_archive(target, manifest=manifest, dump=dump, policies=policies, force=force)
    progress(f"Wrote {target} ({_megabytes(target.stat().st_size)})")
    return manifest


# --- restore -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedBackup:
    """A backup read whole into `folder` and found fit to restore here."""

    source: Path
    manifest: Manifest
    folder: Path


def _code_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _applied(manifest: Manifest) -> set[tuple[str, str]]:
    return {(app, name) for app, names in manifest.migrations.items() for name in names}


def _work_parent() -> Path:
    # The policy folder's parent: the restored folder is renamed into place from there.
    parent = Path(settings.POLICIES_DIR).absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _read_archive(source: Path, folder: Path) -> Manifest:
    """Unpack `source` into `folder`, member by member, refusing anything the manifest does not
    list or whose checksum differs."""
    try:
        tar = tarfile.open(source, "r:gz")
        first = tar.next()
    except READ_ERRORS:
        raise BackupError(f"{source} is not a Caseweight backup (not a .tar.gz archive)") from None
    with tar:
        if first is None or first.name != MANIFEST or not first.isfile() or first.size > MAX_MANIFEST_BYTES:
            raise BackupError(f"{source} is not a Caseweight backup (no manifest.json first)")
        try:
            manifest = Manifest.from_json(tar.extractfile(first).read(), source=source)
            digests = {}
            # tar.next(), not `for member in tar`: iterating would start again at the manifest.
            while (member := tar.next()) is not None:
                if member.name not in manifest.files or member.name in digests or not member.isfile():
                    raise BackupError(f"{source} is damaged: it holds {member.name!r}, not in its manifest")
                target = folder.joinpath(*PurePosixPath(member.name).parts)  # names checked by from_json
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as stream, target.open("wb") as out:
                    digests[member.name] = _sha256(stream, copy_to=out)
        except READ_ERRORS as error:
            raise BackupError(f"{source} is damaged or truncated ({error}): nothing was restored") from None
    missing = sorted(set(manifest.files) - set(digests))
    if missing:
        raise BackupError(f"{source} is truncated: {', '.join(missing[:3])} missing")
    changed = sorted(name for name, digest in digests.items() if digest != manifest.files[name])
    if changed:
        raise BackupError(f"{source} is damaged: {', '.join(changed[:3])} differs from what was backed up")
    return manifest


def _fit_problem(manifest: Manifest) -> str | None:
    here = vendor()
    if manifest.vendor != here:
        return (
            f"this is a backup of a {VENDORS.get(manifest.vendor, manifest.vendor)} database, and this Caseweight "
            f"uses {VENDORS[here]} (DATABASE_URL): restore it with DATABASE_URL set to a "
            f"{VENDORS.get(manifest.vendor, manifest.vendor)} database"
        )
    unknown = sorted(_applied(manifest) - _code_migrations())
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        return (
            f"this backup was made by a newer Caseweight ({manifest.caseweight_version}): its database has "
            f"migrations this code does not have ({names}); upgrade Caseweight, then restore"
        )
    return tools_missing()


@contextlib.contextmanager
def backup_read(*, path: str | Path, progress: Progress = _silent) -> Iterator[CheckedBackup]:
    """Read and check the backup at `path` into a private work folder (removed on leaving): a
    file that is not a backup, a damaged or truncated one, one of the other database vendor or
    of newer migrations raises BackupError. Nothing is changed."""
    source = Path(path).absolute()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    progress(f"Checking {source}...")
    folder = Path(tempfile.mkdtemp(prefix=".caseweight-restore-", dir=_work_parent()))
    try:
        manifest = _read_archive(source, folder)
        problem = _fit_problem(manifest)
        if problem:
            raise BackupError(f"{source}: {problem}")
        yield CheckedBackup(source=source, manifest=manifest, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def backup_migrations_missing(*, manifest: Manifest) -> list[str]:
    """Migrations of this code the backup's database had not applied ("app.name"), oldest first."""
    return [f"{app}.{name}" for app, name in sorted(_code_migrations() - _applied(manifest))]


def backup_restore(*, backup: CheckedBackup, progress: Progress = _silent) -> list[str]:
    """Replace the database's content and the policy folder by the checked backup's, all or
    nothing for each: the database in one transaction, the policy folder written beside the old
    one and swapped in by renames once the database is restored. Returns the migrations the
    backup lacks (run `caseweight migrate`)."""
    manifest = backup.manifest
    progress(f"Restoring the {VENDORS[manifest.vendor]} database...")
    database_load(source=backup.folder / DUMP_FILE[manifest.vendor], work_dir=backup.folder)
    target = Path(settings.POLICIES_DIR).absolute()
    progress(f"Restoring {_count(len(manifest.policy_files), 'user policy file')} into {target}...")
    restored = backup.folder / POLICIES
    restored.mkdir(exist_ok=True)  # a backup of no policy restores an empty folder
    previous = backup.folder / "previous-policies"
    try:
        if target.exists() or target.is_symlink():
            os.rename(target, previous)
        try:
            os.rename(restored, target)
        except OSError:
            if previous.exists() or previous.is_symlink():
                os.rename(previous, target)
            raise
    except OSError as error:
        raise BackupError(
            f"the database was restored, but the policy folder {target} could not be replaced "
            f"(it is as it was): {error}"
        ) from None
    progress(f"Restored the {manifest.summary()}")
    return backup_migrations_missing(manifest=manifest)
