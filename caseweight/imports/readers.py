"""Reading CSV files and XLSX workbooks into plain rows of text cells, one Source per table.

Nothing here knows the meaning of a column: the readers only turn bytes into
(row number, {column: text}) and report what they could not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from caseweight.imports.cells import unescaped
from caseweight.imports.report import RowError
from caseweight.imports.tables import TABLE_ORDER, TABLES

# A workbook made from our template or export carries a README sheet: it is not a table.
README_SHEET = "readme"


@dataclass
class Source:
    """One table as read from one file or sheet. Row numbers are spreadsheet rows (header = 1)."""

    table: str
    file_name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class ReadResult:
    sources: list[Source] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def merge(self, other: "ReadResult") -> None:
        self.sources.extend(other.sources)
        self.errors.extend(other.errors)


def table_names() -> str:
    return ", ".join(TABLE_ORDER)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what Excel writes on Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def normalise_column(name) -> str:
    # Forgive spaces and capitals in a header typed by hand ("Code " is "code").
    return str(name if name is not None else "").strip().lower()


def rows_to_source(table: str, file_name: str, records) -> tuple[Source | None, list[RowError]]:
    """Turn an iterable of (row number, list of cell texts) into a Source; the first is the header."""
    errors: list[RowError] = []
    records = iter(records)
    header_record = next(records, None)
    while header_record is not None and not any(cell.strip() for cell in header_record[1]):
        header_record = next(records, None)  # leading blank lines before the header
    if header_record is None:
        errors.append(RowError(file_name, None, None, None, _("the file is empty: it needs a header row")))
        return None, errors
    header = [normalise_column(name) for name in header_record[1]]
    source = Source(table=table, file_name=file_name, header=header)
    for number, cells in records:
        # A cell escaped against formulas by an export (cells.py) reads back as it was stored.
        cells = [unescaped(cell.strip()) for cell in cells]
        if not any(cells):
            continue  # blank rows, e.g. at the end of a sheet
        row = {}
        for position, value in enumerate(cells):
            name = header[position] if position < len(header) else ""
            if name:
                row[name] = value
            elif value:
                errors.append(
                    RowError(file_name, number, None, value, _("this cell is in a column that has no name in the header"))
                )
        for name in header[len(cells):]:
            if name:
                row[name] = ""
        source.rows.append((number, row))
    return source, errors


def read_csv_bytes(data: bytes, *, table: str, file_name: str) -> ReadResult:
    result = ReadResult()
    try:
        text = decode(data)
    except UnicodeDecodeError:
        result.errors.append(
            RowError(file_name, None, None, None, _("the file is neither UTF-8 nor Windows-1252 text"))
        )
        return result
    # Excel in a French locale writes ';' between cells. Our lists use ';' inside cells, but
    # never in a header, so a header with ';' and no ',' tells the delimiter.
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        # Row numbers count records, as a spreadsheet shows them, blank lines included.
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
    except csv.Error as error:
        result.errors.append(
            RowError(file_name, len(records) + 1, None, None, _("the CSV file cannot be read: %(reason)s") % {"reason": error})
        )
        return result
    source, errors = rows_to_source(table, file_name, records)
    result.errors.extend(errors)
    if source is not None:
        result.sources.append(source)
    return result


def table_of_file_name(name: str) -> str | None:
    stem = Path(name).stem.strip().lower()
    return stem if stem in TABLES else None


def unknown_table_error(file_name: str) -> RowError:
    return RowError(
        file_name, None, None, None,
        _("unknown table: a file must be named after its table (%(tables)s), e.g. sites.csv")
        % {"tables": table_names()},
    )


def read_csv_file(path: Path) -> ReadResult:
    table = table_of_file_name(path.name)
    if table is None:
        return ReadResult(errors=[unknown_table_error(path.name)])
    return read_csv_bytes(path.read_bytes(), table=table, file_name=path.name)


def read_folder(path: Path) -> ReadResult:
    """Every *.csv file of the folder; other files (a README, an editor's lock file) are ignored."""
    result = ReadResult()
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith("."))
    if not files:
        result.errors.append(RowError(path.name or str(path), None, None, None, _("the folder holds no CSV file")))
    for file in files:
        result.merge(read_csv_file(file))
    return _refuse_duplicate_tables(result)


def cell_text(value) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel stores dates as date-times at midnight; a real time of day is kept so it is refused.
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Shortest text that reads back as the same number: 0.8, not 0.80000000000000004.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_workbook(file, *, file_name: str) -> ReadResult:
    """One sheet per table, named like the table. `file` is a path or a binary file object."""
    import openpyxl  # imported here: only imports and exports of workbooks need it

    result = ReadResult()
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        result.errors.append(
            RowError(file_name, None, None, None, _("not a readable XLSX workbook (%(reason)s)") % {"reason": error})
        )
        return result
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower()
            sheet_label = _("%(workbook)s, sheet %(sheet)s") % {"workbook": file_name, "sheet": sheet.title}
            if name == README_SHEET:
                continue
            sheet.reset_dimensions()  # some writers store wrong dimensions; read every row
            records = [
                (number, [cell_text(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            if name not in TABLES:
                # Excel's untouched "Sheet1" is no mistake worth refusing an import for.
                if any(any(cells) for _number, cells in records):
                    result.errors.append(
                        RowError(
                            sheet_label, None, None, None,
                            _("unknown sheet: sheets must be named after their table (%(tables)s)")
                            % {"tables": table_names()},
                        )
                    )
                continue
            source, errors = rows_to_source(name, sheet_label, records)
            result.errors.extend(errors)
            if source is not None:
                result.sources.append(source)
    finally:
        workbook.close()
    if not result.sources and not result.errors:
        result.errors.append(RowError(file_name, None, None, None, _("the workbook holds no table sheet")))
    return _refuse_duplicate_tables(result)


def read_uploads(files: list[tuple[str, bytes]]) -> ReadResult:
    """Uploaded files: CSV files named after their table, or XLSX workbooks."""
    result = ReadResult()
    if not files:
        result.errors.append(RowError("", None, None, None, _("no file was given")))
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix == ".xlsx":
            result.merge(read_workbook(io.BytesIO(data), file_name=name))
        elif suffix == ".csv":
            table = table_of_file_name(name)
            if table is None:
                result.errors.append(unknown_table_error(name))
            else:
                result.merge(read_csv_bytes(data, table=table, file_name=name))
        else:
            result.errors.append(
                RowError(name, None, None, None, _("unknown kind of file: give CSV files or an XLSX workbook"))
            )
    return _refuse_duplicate_tables(result)


def _refuse_duplicate_tables(result: ReadResult) -> ReadResult:
    """Two files for one table would make the import's outcome depend on their order."""
    first: dict[str, Source] = {}
    kept = []
    for source in result.sources:
        if source.table in first:
            result.errors.append(
                RowError(
                    source.file_name, None, None, None,
                    _("table %(table)s is already given by %(other)s") % {"table": source.table, "other": first[source.table].file_name},
                )
            )
        else:
            first[source.table] = source
            kept.append(source)
    result.sources = kept
    return result
