"""Reading CSV files and XLSX workbooks into plain rows of text cells, one Source per table.

Nothing here knows the meaning of a column: the readers only turn bytes into
(row number, {column: text}) and report what they could not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from caseweight.imports.cells import unescaped
from caseweight.imports.limits import MB, Limits, command_limits, megabytes, page_limits
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


def read_csv_bytes(data: bytes, *, table: str, file_name: str, limits: Limits | None = None) -> ReadResult:
    """One CSV file; limits: the command line's unless given."""
    limits = limits or command_limits()
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
    try:
        source, errors = rows_to_source(table, file_name, _limited(_csv_records(reader, file_name), file_name, limits))
    except _Unreadable as refused:
        result.errors.append(refused.error)
        return result
    result.errors.extend(errors)
    if source is not None:
        result.sources.append(source)
    return result


def _csv_records(reader, file_name: str):
    # Row numbers count records, as a spreadsheet shows them, blank lines included.
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as error:
        raise _Unreadable(
            RowError(file_name, number + 1, None, None, _("the CSV file cannot be read: %(reason)s") % {"reason": error})
        ) from None


def table_of_file_name(name: str) -> str | None:
    stem = Path(name).stem.strip().lower()
    return stem if stem in TABLES else None


def unknown_table_error(file_name: str) -> RowError:
    return RowError(
        file_name, None, None, None,
        _("unknown table: a file must be named after its table (%(tables)s), e.g. sites.csv")
        % {"tables": table_names()},
    )


def read_csv_file(path: Path, limits: Limits | None = None) -> ReadResult:
    table = table_of_file_name(path.name)
    if table is None:
        return ReadResult(errors=[unknown_table_error(path.name)])
    return read_csv_bytes(path.read_bytes(), table=table, file_name=path.name, limits=limits)


def read_folder(path: Path, limits: Limits | None = None) -> ReadResult:
    """Every *.csv file of the folder; other files (a README, an editor's lock file) are ignored."""
    result = ReadResult()
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith("."))
    if not files:
        result.errors.append(RowError(path.name or str(path), None, None, None, _("the folder holds no CSV file")))
    for file in files:
        result.merge(read_csv_file(file, limits))
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


def read_workbook(file, *, file_name: str, limits: Limits | None = None) -> ReadResult:
    """One sheet per table, named like the table. `file` is a path or a binary file object.
    Limits: the command line's unless given; a refused or damaged workbook or sheet is one error."""
    limits = (limits or command_limits()).for_sheets()
    result = ReadResult()
    try:
        workbook = _open_workbook(file, file_name, limits)
    except _Unreadable as refused:
        result.errors.append(refused.error)
        return result
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower()
            if name == README_SHEET:
                continue
            label = _sheet_label(file_name, sheet.title)
            records = _limited(_sheet_records(sheet, label), label, limits)
            try:
                if name not in TABLES:
                    # Excel's untouched "Sheet1" is no mistake worth refusing an import for.
                    if any(any(cells) for _number, cells in records):
                        result.errors.append(
                            RowError(
                                label, None, None, None,
                                _("unknown sheet: sheets must be named after their table (%(tables)s)")
                                % {"tables": table_names()},
                            )
                        )
                    continue
                source, errors = rows_to_source(name, label, records)
            except _Unreadable as refused:
                result.errors.append(refused.error)
                continue
            result.errors.extend(errors)
            if source is not None:
                result.sources.append(source)
    finally:
        workbook.close()
    if not result.sources and not result.errors:
        result.errors.append(RowError(file_name, None, None, None, _("the workbook holds no table sheet")))
    return _refuse_duplicate_tables(result)


# What openpyxl and zipfile raise on a damaged workbook: XML syntax errors (SyntaxError), bad
# numbers and references, missing or corrupt parts, compression they do not know.
DAMAGED = (SyntaxError, ValueError, LookupError, TypeError, AttributeError, EOFError, OSError, RuntimeError,
           zipfile.BadZipFile, zlib.error)


class _Unreadable(Exception):
    """A file or sheet refused whole (a limit, damage): its one error, and nothing more of it is read."""

    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def _sheet_label(file_name: str, title: str) -> str:
    return _("%(workbook)s, sheet %(sheet)s") % {"workbook": file_name, "sheet": title}


def _damaged(label: str, error: Exception, *, sheet: bool) -> _Unreadable:
    message = (_("the sheet cannot be read: its XML is damaged (%(reason)s)") if sheet
               else _("not a readable XLSX workbook (%(reason)s)"))
    return _Unreadable(RowError(label, None, None, None, message % {"reason": error}))


def _open_workbook(file, file_name: str, limits: Limits):
    """openpyxl's load_workbook(read_only=True, data_only=True), in its steps: the zip directory,
    then the workbook's index and the start of each sheet are checked against the limits before
    openpyxl opens a sheet or reads its shared strings."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(file, read_only=True, data_only=True)  # reads the zip directory only
    except DAMAGED as error:
        raise _Unreadable(RowError(file_name, None, None, None, _(
            "not an XLSX workbook: the file is not a zip archive (nor is a workbook protected by a password: "
            "save it without one)"))) from error
    try:
        return _load(reader, file_name, limits)
    except BaseException:
        reader.archive.close()
        raise


def _load(reader, file_name: str, limits: Limits):
    try:
        sheets = _check_workbook(reader, file_name, limits)
    except DAMAGED as error:
        raise _damaged(file_name, error, sheet=False) from None
    try:
        reader.read()
    except DAMAGED as error:
        # openpyxl wraps the parser's error in a long one of its own (the parser's says where),
        # and does not say which sheet: the first whose XML does not parse, if one does not.
        for title, part in sheets:
            try:
                _parse_all(reader.archive, part)
            except DAMAGED as sheet_error:
                raise _damaged(_sheet_label(file_name, title), sheet_error, sheet=True) from None
        raise _damaged(file_name, error.__cause__ or error, sheet=False) from None
    return reader.wb


def _parse_all(archive, part: str) -> None:
    from defusedxml.ElementTree import iterparse

    with archive.open(part) as source:
        for _event, element in iterparse(source):
            element.clear()


# Where writers put the sheets: these parts are checked once the index has given their titles.
SHEET_PART = re.compile(r"(^|/)worksheets/[^/]+\.xml$")


def _check_workbook(reader, file_name: str, limits: Limits) -> list[tuple[str, str]]:
    """The workbook's sheets, (title, part), once the zip directory and the sheets' starts are within the limits."""
    archive = reader.archive
    members = archive.infolist()
    # zipfile never gives more bytes than the directory declares, so these sizes bound every read.
    total = sum(member.file_size for member in members)
    if limits.xml_megabytes is not None and total > limits.xml_megabytes * MB:
        raise _over_limit(file_name, limits, _(
            "the workbook decompresses to %(size)s MB, more than the %(limit)d MB allowed for a whole workbook"
        ) % {"size": megabytes(total), "limit": limits.xml_megabytes})
    part_limit = None if limits.sheet_xml_megabytes is None else limits.sheet_xml_megabytes * MB

    def check_part(member) -> None:
        if part_limit is not None and member.file_size > part_limit:
            raise _over_limit(file_name, limits, _(
                "its part %(part)s decompresses to %(size)s MB, more than the %(limit)d MB allowed for one sheet or part"
            ) % {"part": member.filename, "size": megabytes(member.file_size), "limit": limits.sheet_xml_megabytes})

    for member in members:
        if not SHEET_PART.search(member.filename):
            check_part(member)  # the index among them, before it is read
    reader.read_manifest()
    reader.read_workbook()
    sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()]
    if limits.sheets is not None and len(sheets) > limits.sheets:
        raise _over_limit(file_name, limits, _("the workbook has %(count)d sheets, more than the %(limit)d allowed")
                          % {"count": len(sheets), "limit": limits.sheets})
    sheet_parts = {part for _title, part in sheets}
    for member in members:
        if SHEET_PART.search(member.filename) and member.filename not in sheet_parts:
            check_part(member)
    for title, part in sheets:
        label = _sheet_label(file_name, title)
        try:
            size = archive.getinfo(part).file_size
        except KeyError:
            continue  # named by the index but missing from the file: openpyxl leaves it out too
        if part_limit is not None and size > part_limit:
            raise _over_limit(label, limits, _(
                "the sheet decompresses to %(size)s MB, more than the %(limit)d MB allowed for one sheet or part"
            ) % {"size": megabytes(size), "limit": limits.sheet_xml_megabytes})
        if title.strip().lower() == README_SHEET:
            continue  # never read
        rows, columns = _declared_size(archive, part, label)
        if rows > limits.rows:
            raise _over_limit(label, limits, _("the sheet declares %(rows)d rows, more than the %(limit)d allowed for one table")
                              % {"rows": rows, "limit": limits.rows})
        if columns > limits.columns:
            raise _over_limit(label, limits, _(
                "the sheet declares %(columns)d columns, more than the %(limit)d allowed for one table"
            ) % {"columns": columns, "limit": limits.columns})
    return sheets


def _declared_size(archive, part: str, label: str) -> tuple[int, int]:
    """The rows and columns a sheet's <dimension ref="A1:I500"/> declares ((0, 0) if none), read from
    the start of its XML: the dimension comes before the rows."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    try:
        with archive.open(part) as source:
            for _event, element in iterparse(source, events=("start",)):
                name = element.tag.rpartition("}")[2]
                if name == "dimension":
                    _min_column, _min_row, max_column, max_row = range_boundaries(element.get("ref", ""))
                    return max_row or 0, max_column or 0
                if name == "sheetData":
                    break
    except DAMAGED as error:
        raise _damaged(label, error, sheet=True) from None
    return 0, 0


def _sheet_records(sheet, label: str):
    """(row number, cell texts) of a sheet as its XML holds them: its declared dimension is ignored
    here, since some writers store a wrong one (a lie is caught by `_limited`)."""
    sheet.reset_dimensions()
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except DAMAGED as error:
        raise _damaged(label, error, sheet=True) from None


def _limited(records, label: str, limits: Limits):
    """The records of one table, refused whole at the first row or cell past the limits."""
    for number, cells in records:
        if limits.rows is not None and number > limits.rows:
            raise _over_limit(label, limits, _("the table has more than %(limit)d rows, the most allowed for one table")
                              % {"limit": limits.rows})
        if limits.columns is not None and any(cell.strip() for cell in cells[limits.columns:]):
            raise _over_limit(label, limits, _("a cell past the %(limit)d columns allowed for one table")
                              % {"limit": limits.columns}, row=number)
        yield number, cells


def _over_limit(label: str, limits: Limits, reason: str, *, row: int | None = None) -> _Unreadable:
    return _Unreadable(RowError(label, row, None, None, limits.refusal(reason)))


def read_uploads(files: list[tuple[str, bytes]], limits: Limits | None = None) -> ReadResult:
    """Uploaded files: CSV files named after their table, or XLSX workbooks. Limits: the import page's unless given."""
    limits = limits or page_limits()
    result = ReadResult()
    if not files:
        result.errors.append(RowError("", None, None, None, _("no file was given")))
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix == ".xlsx":
            result.merge(read_workbook(io.BytesIO(data), file_name=name, limits=limits))
        elif suffix == ".csv":
            table = table_of_file_name(name)
            if table is None:
                result.errors.append(unknown_table_error(name))
            else:
                result.merge(read_csv_bytes(data, table=table, file_name=name, limits=limits))
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
