"""`caseweight export PATH [--tables sites,cases] [--raw]`: export to a folder of CSV files or a workbook."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from caseweight.imports.export import export_path
from caseweight.imports.tables import TABLE_ORDER


class Command(BaseCommand):
    help = (
        "Export the data in the import format: an XLSX workbook if PATH ends in .xlsx, "
        "else a folder of CSV files (UTF-8 with BOM, for Excel)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder to write CSV files into, or a file name ending in .xlsx")
        parser.add_argument(
            "--tables", default=",".join(TABLE_ORDER),
            help=f"comma-separated tables to export (default: all of {','.join(TABLE_ORDER)})",
        )
        parser.add_argument(
            "--raw", action="store_true",
            help="write every cell exactly as stored: no quote before text a spreadsheet would take for a formula "
            "(=, +, -, @, tab, carriage return); for other programs, not for opening in a spreadsheet",
        )

    def handle(self, *args, path, tables, raw=False, **options):
        names = [name.strip() for name in tables.split(",") if name.strip()]
        unknown = [name for name in names if name not in TABLE_ORDER]
        if unknown or not names:
            raise CommandError(f"unknown tables: {', '.join(unknown) or '(none given)'}; choose from {', '.join(TABLE_ORDER)}")
        for file in export_path(path=path, tables=names, raw=raw):
            self.stdout.write(f"wrote {file}")
