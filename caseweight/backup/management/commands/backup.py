"""`caseweight backup PATH [--force]`: the whole database and the users' policy files in one archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from caseweight.backup.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database (SQLite or PostgreSQL) and the users' policy files into one "
        "archive, readable by its owner only. It holds personal data: store it encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write, e.g. caseweight-2026-05-01.tar.gz")
        parser.add_argument("--force", action="store_true", help="replace PATH if it exists")

    def handle(self, *args, path, force, **options):
        try:
            backup_create(path=path, force=force, progress=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(f"no backup written: {error}") from None
        self.stdout.write(
            "It holds personal data about officers and offenders: keep it encrypted, access-controlled "
            "and off this server, no longer than your retention policy says."
        )
