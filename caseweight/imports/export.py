"""Export the data in the import format: a folder (or zip) of CSV files, or one XLSX workbook.

An export imports back unchanged: same tables, same columns, codes for references, ISO dates.
Text a spreadsheet would take for a formula is escaped (see cells.py), and the importer reads
it back as it was; `raw=True` writes every cell exactly as stored.

CSV files are written in UTF-8 *with* a byte order mark: Excel on Windows opens a CSV file
without one as Windows-1252 and garbles every accent ("Ã‰loÃ¯se"), and our importer, like most
tools, reads the mark as UTF-8 and drops it. Lines end with CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from caseweight.audit.services import snapshot
from caseweight.cases.models import Case
from caseweight.imports.cells import escaped, xlsx_row
from caseweight.imports.tables import TABLE_ORDER, TABLES
from caseweight.organisation.models import Absence, Officer, Region, Site

CSV_ENCODING = "utf-8-sig"
README_SHEET = "README"
DATE_COLUMNS = {"opened", "closed", "start", "end"}


def column_notes() -> dict[tuple[str, str], str]:
    """What each column holds, for the README sheet (a function, so it follows the active language)."""
    return {
        ("regions", "code"): _("Region code, the key, e.g. ONT."),
        ("regions", "name"): _("Name in English."),
        ("regions", "name_fr"): _("Name in French (optional)."),
        ("sites", "code"): _("Site code, the key, e.g. KIN."),
        ("sites", "name"): _("Name of the site."),
        ("sites", "region"): _("Region code of the site."),
        ("sites", "kind"): _("institution, parole_office or ccc."),
        ("sites", "security_levels"): _(
            "Institutions only: their security levels, ';'-separated (minimum;medium;maximum). Empty for other sites."
        ),
        ("sites", "languages"): _("Languages served, ';'-separated: en, fr."),
        ("officers", "code"): _("Officer code, the key (an employee number or any stable code)."),
        ("officers", "name"): _("Name of the officer."),
        ("officers", "site"): _("Site code where the officer works."),
        ("officers", "role"): _("po, mai, pos, cma, alo or ccc_manager."),
        ("officers", "fte"): _("Full-time equivalent: more than 0 and at most 1, e.g. 0.8."),
        ("officers", "languages"): _("Languages spoken, ';'-separated: en, fr."),
        ("officers", "specialisations"): _("Optional, ';'-separated: indigenous, women, mental_health, siu."),
        ("cases", "ref"): _("Pseudonymous case reference, the key. Never an offender's name."),
        ("cases", "site"): _("Site code responsible for the case."),
        ("cases", "security_level"): _("Cases in an institution: minimum, medium or maximum, one of the site's levels."),
        ("cases", "supervision_level"): _("Community cases: intensive, A, B, C or D."),
        ("cases", "language"): _("Language of the case: en or fr."),
        ("cases", "factors"): _(
            "Optional complexity factors, ';'-separated: functioning, social_history, conditions_adherence, "
            "family_support, mental_health, trauma, indigenous_planning, siu, far_from_home, deportation, interpreter."
        ),
        ("cases", "officer"): _("Optional code of the assigned officer, who works at the case's site."),
        ("cases", "opened"): _("Date opened, YYYY-MM-DD."),
        ("cases", "closed"): _("Optional date closed, YYYY-MM-DD, not before opened."),
        ("absences", "officer"): _("Officer code. With start, the key."),
        ("absences", "kind"): _("annual, sick, secondment, training or other."),
        ("absences", "start"): _("First day away, YYYY-MM-DD."),
        ("absences", "end"): _("Last day away, YYYY-MM-DD, not before start. Absences of one officer may not overlap."),
    }


def _tables(tables) -> list[str]:
    """The asked tables in import order; unknown names are a caller's mistake."""
    if tables is None:
        return list(TABLE_ORDER)
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(_("unknown tables: %(tables)s") % {"tables": ", ".join(unknown)})
    return [name for name in TABLE_ORDER if name in tables]


def _queryset(table: str, site_codes: set[str] | None):
    """The rows of a table, limited to the given sites (None: every row)."""
    if table == "regions":
        queryset = Region.objects.order_by("code")
        return queryset if site_codes is None else queryset.filter(sites__code__in=site_codes).distinct()
    if table == "sites":
        queryset = Site.objects.select_related("region").order_by("code")
        return queryset if site_codes is None else queryset.filter(code__in=site_codes)
    if table == "officers":
        queryset = Officer.objects.select_related("site").order_by("code")
        return queryset if site_codes is None else queryset.filter(site__code__in=site_codes)
    if table == "cases":
        queryset = Case.objects.select_related("site", "officer").order_by("ref")
        return queryset if site_codes is None else queryset.filter(site__code__in=site_codes)
    queryset = Absence.objects.select_related("officer").order_by("officer__code", "start")
    return queryset if site_codes is None else queryset.filter(officer__site__code__in=site_codes)


def table_rows(table: str, site_codes: set[str] | None = None):
    """Each row as a list of values in column order (snapshot form: codes, ISO dates, text)."""
    columns = TABLES[table].columns
    for instance in _queryset(table, site_codes).iterator(chunk_size=2000):
        state = snapshot(instance)
        yield [state[column] for column in columns]


# ---------------------------------------------------------------------------------------------
# CSV


def _csv_bytes(header, rows, *, raw: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else escaped(value, raw=raw) for value in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def table_csv(table: str, site_codes: set[str] | None = None, *, raw: bool = False) -> bytes:
    return _csv_bytes(TABLES[table].columns, table_rows(table, site_codes), raw=raw)


def template_csv(table: str) -> bytes:
    """A blank CSV file for the table: the header row only."""
    if table not in TABLES:
        raise ValueError(_("unknown tables: %(tables)s") % {"tables": table})
    return _csv_bytes(TABLES[table].columns, [])


def export_csv_zip_bytes(*, tables=None, site_codes: set[str] | None = None) -> bytes:
    """A zip of one CSV file per table, as a folder export would hold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in _tables(tables):
            archive.writestr(f"{table}.csv", table_csv(table, site_codes))
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# XLSX


def _xlsx_value(column: str, value):
    """Dates as real dates and fte as a number, so Excel sorts and filters them; text stays text."""
    if value is None or value == "":
        return None
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(value)
    if column == "fte":
        return float(Decimal(value))
    return value


def _write_workbook(target, tables: list[str], site_codes: set[str] | None, *, with_rows: bool, raw: bool = False) -> None:
    import openpyxl
    from openpyxl.styles import Font

    # Write-only mode streams rows to the file: a national export stays small in memory.
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)

    for table in tables:
        sheet = workbook.create_sheet(table)
        sheet.freeze_panes = "A2"
        columns = TABLES[table].columns
        for letter_index, column in enumerate(columns):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(letter_index + 1)].width = max(12, len(column) + 4)
        sheet.append(xlsx_row(sheet, columns, font=bold))
        if not with_rows:
            continue
        for row in table_rows(table, site_codes):
            sheet.append(xlsx_row(sheet, [_xlsx_value(column, value) for column, value in zip(columns, row)], raw=raw))

    readme = workbook.create_sheet(README_SHEET)
    readme.column_dimensions["A"].width = 12
    readme.column_dimensions["B"].width = 18
    readme.column_dimensions["C"].width = 10
    readme.column_dimensions["D"].width = 100
    readme.append(xlsx_row(readme, [_("Caseweight data: one sheet per table, named after the table. This sheet is ignored on import.")]))
    readme.append(xlsx_row(readme, [_("Dates are YYYY-MM-DD. Lists are codes separated by ';'. Codes are the keys: importing a row "
                                      "with an existing code updates it; rows left out of a sheet are left alone.")]))
    readme.append([])
    readme.append(xlsx_row(readme, [_("table"), _("column"), _("required"), _("what it holds")], font=bold))
    notes = column_notes()
    for table in tables:
        definition = TABLES[table]
        readme.append(xlsx_row(readme, [table, "", "", definition.description]))
        for column in definition.columns:
            readme.append(xlsx_row(readme, ["", column, _("yes") if column in definition.required else _("no"),
                                            notes.get((table, column), "")]))
    workbook.save(target)


def export_xlsx_bytes(*, tables=None, site_codes: set[str] | None = None) -> bytes:
    """The web download: always escaped (raw files are for the command line)."""
    buffer = io.BytesIO()
    _write_workbook(buffer, _tables(tables), site_codes, with_rows=True)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """A blank workbook: one sheet per table with its header row, and a README sheet."""
    buffer = io.BytesIO()
    _write_workbook(buffer, list(TABLE_ORDER), None, with_rows=False)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Files


def export_path(*, path, tables=None, site_codes: set[str] | None = None, raw: bool = False) -> list[Path]:
    """Write an XLSX workbook if `path` ends in .xlsx, else a folder of CSV files. Returns the files written.

    raw: every cell exactly as stored, formula-like text included (see cells.py)."""
    path = Path(path)
    names = _tables(tables)
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_workbook(path, names, site_codes, with_rows=True, raw=raw)
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for table in names:
        file = path / f"{table}.csv"
        file.write_bytes(table_csv(table, site_codes, raw=raw))
        written.append(file)
    return written
