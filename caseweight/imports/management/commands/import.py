"""`caseweight import PATH [--dry-run]`: import a folder of CSV files or an XLSX workbook."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from caseweight.audit.context import Actor, acting_as
from caseweight.imports.services import ImportRejected, import_path


def cli_actor() -> Actor:
    """The audit trail names the operating-system account that ran the command."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name, e.g. in a container without a passwd entry
        user = "unknown"
    return Actor(None, f"cli:{user}", "import")


class Command(BaseCommand):
    help = (
        "Import a folder of CSV files (regions.csv, sites.csv, officers.csv, cases.csv, absences.csv; "
        "any subset) or an XLSX workbook with one sheet per table. All or nothing: any error and "
        "nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder of CSV files, one CSV file, or an .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")

    def handle(self, *args, path, dry_run, **options):
        try:
            with acting_as(cli_actor()):
                report = import_path(path=path, dry_run=dry_run)
        except ImportRejected as rejected:
            for line in rejected.lines():
                self.stderr.write(line)
            raise CommandError(
                f"import rejected: {rejected.count} errors, nothing was written", returncode=1
            ) from None
        self.stdout.write(report.summary())
