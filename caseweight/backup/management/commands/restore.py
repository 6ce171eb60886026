"""`caseweight restore PATH [--noinput]`: put back a backup made by `caseweight backup`.

The archive is checked whole first (a backup, undamaged, of this database vendor, of no newer
migrations than this code); then the database's content and the users' policy folder are
replaced. A backup of older migrations is restored as it is: `caseweight migrate` then brings it
up to date, as after an upgrade, so each step can be seen to succeed on its own.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from caseweight.backup.services import BackupError, backup_read, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `caseweight backup`: replaces ALL the database's content and the "
        "users' policy folder. Asks for confirmation unless --noinput."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="restore without asking for confirmation",
        )  # fmt: skip

    def handle(self, *args, path, interactive, **options):
        try:
            with backup_read(path=path, progress=self.stdout.write) as backup:
                self.stdout.write(f"  {backup.manifest.summary()}")
                if interactive and not self.confirmed(backup.manifest.summary()):
                    self.stdout.write("Restore cancelled.")
                    return
                try:
                    missing = backup_restore(backup=backup, progress=self.stdout.write)
                except (BackupError, OSError) as error:
                    raise CommandError(f"restore failed: {error}") from None
        except (BackupError, OSError) as error:
            raise CommandError(f"nothing was restored: {error}") from None
        if missing:
            self.stdout.write(self.style.WARNING(
                f"This backup is from an older Caseweight: its database lacks {len(missing)} "
                f"migration{'s' if len(missing) != 1 else ''} of this "
                f"code ({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}). Run `caseweight migrate` now."
            ))  # fmt: skip

    def confirmed(self, summary: str) -> bool:
        if not sys.stdin.isatty():
            raise CommandError(
                "nothing was restored: no terminal to confirm on; pass --noinput to restore without asking"
            )
        answer = input(
            f"You have requested a restore of the database {connection.settings_dict['NAME']!r} and of the "
            f"policy folder {settings.POLICIES_DIR}.\n"
            f"This will IRREVERSIBLY DESTROY all data currently in them, replaced by the {summary}.\n"
            "Are you sure you want to do this?\n\n"
            "    Type 'yes' to continue, or 'no' to cancel: "
        )
        return answer == "yes"
