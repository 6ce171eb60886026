"""`caseweight export PATH [--tables sites,cases]`: export to a folder of CSV files or a workbook."""

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

    def handle(self, *args, path, tables, **options):
        names = [name.strip() for name in tables.split(",") if name.strip()]
        unknown = [name for name in names if name not in TABLE_ORDER]
        if unknown or not names:
            raise CommandError(f"unknown tables: {', '.join(unknown) or '(none given)'}; choose from {', '.join(TABLE_ORDER)}")
        for file in export_path(path=path, tables=names):
            self.stdout.write(f"wrote {file}")
