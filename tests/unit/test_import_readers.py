"""Reading CSV bytes and workbooks into rows, and how errors and reports read. No database."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from caseweight.imports import readers
from caseweight.imports.report import ErrorList, ImportRejected, ImportReport, RowError, TableCounts


def read(text: str | bytes, table: str = "sites", file_name: str = "sites.csv") -> readers.ReadResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return readers.read_csv_bytes(data, table=table, file_name=file_name)


def test_utf8_with_bom_utf8_and_windows_1252_decode_to_the_same_text():
    text = "name\r\nÉloïse Gagné, Trois-Rivières, Québec\r\n"
    assert {readers.decode(text.encode(e)) for e in ("utf-8", "utf-8-sig", "cp1252")} == {text}


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_an_error():
    result = read(b"code\r\n\x81\x8d\r\n")
    assert [str(e) for e in result.errors] == ["sites.csv: the file is neither UTF-8 nor Windows-1252 text"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_rows_are_skipped():
    result = read('code,name\r\nA,"Alpha, the first"\r\n\r\nB,Beta\r\n,\r\n')
    (source,) = result.sources
    assert source.rows == [(2, {"code": "A", "name": "Alpha, the first"}), (4, {"code": "B", "name": "Beta"})]


def test_header_names_are_trimmed_and_lowered():
    (source,) = read(" Code ,NAME\r\nA,Alpha\r\n").sources
    assert source.header == ["code", "name"]


def test_a_header_separated_by_semicolons_sets_the_delimiter():
    (source,) = read('code;languages\r\nA;"en;fr"\r\n').sources
    assert source.rows == [(2, {"code": "A", "languages": "en;fr"})]


def test_short_rows_are_padded_with_empty_cells():
    (source,) = read("code,name,kind\r\nA,Alpha\r\n").sources
    assert source.rows == [(2, {"code": "A", "name": "Alpha", "kind": ""})]


def test_a_value_beyond_the_header_is_an_error():
    result = read("code,name\r\nA,Alpha,surprise\r\n")
    assert [str(e) for e in result.errors] == [
        "sites.csv, row 2, value 'surprise': this cell is in a column that has no name in the header"
    ]


def test_an_empty_file_is_an_error():
    assert [str(e) for e in read(b"").errors] == ["sites.csv: the file is empty: it needs a header row"]


def test_a_file_name_gives_the_table():
    assert readers.table_of_file_name("Cases.CSV") == "cases"
    assert readers.table_of_file_name("staff.csv") is None


def test_workbook_cells_read_as_the_text_a_csv_file_would_hold():
    assert readers.cell_text(dt.datetime(2025, 1, 15)) == "2025-01-15"
    assert readers.cell_text(dt.date(2025, 1, 15)) == "2025-01-15"
    assert readers.cell_text(dt.datetime(2025, 1, 15, 9, 30)) == "2025-01-15 09:30:00"
    assert readers.cell_text(0.8) == "0.8"
    assert readers.cell_text(1.0) == "1"
    assert readers.cell_text(12345) == "12345"
    assert readers.cell_text(None) == ""


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_gives_one_source_per_table_sheet_and_skips_readme_and_empty_sheets():
    data = _workbook({
        "Officers": [["code", "fte", "start"], ["PO-1", 0.8, dt.date(2025, 1, 15)]],
        "README": [["anything at all"]],
        "Sheet1": [],
    })
    result = readers.read_workbook(io.BytesIO(data), file_name="data.xlsx")
    assert result.errors == []
    (source,) = result.sources
    assert (source.table, source.file_name) == ("officers", "data.xlsx, sheet Officers")
    assert source.rows == [(2, {"code": "PO-1", "fte": "0.8", "start": "2025-01-15"})]


def test_a_file_that_is_not_a_workbook_is_an_error():
    result = readers.read_uploads([("data.xlsx", b"not a zip")])
    assert len(result.errors) == 1 and result.errors[0].message.startswith("not an XLSX workbook: the file is not a zip archive")


def test_uploads_of_another_kind_or_twice_the_same_table_are_errors():
    result = readers.read_uploads([("sites.csv", b"code\r\nA\r\n"), ("Sites.csv", b"code\r\nB\r\n"), ("notes.pdf", b"")])
    assert [str(e) for e in result.errors] == [
        "notes.pdf: unknown kind of file: give CSV files or an XLSX workbook",
        "Sites.csv: table sites is already given by sites.csv",
    ]


def test_an_error_reads_file_row_column_value_and_message():
    assert str(RowError("cases.csv", 12, "site", "XYZ", "unknown site")) == "cases.csv, row 12, column site, value 'XYZ': unknown site"
    assert str(RowError("cases.csv", 1, "site", None, "required column missing from the header")) == (
        "cases.csv, row 1, column site: required column missing from the header"
    )


def test_errors_beyond_the_cap_are_counted():
    errors = ErrorList()
    for n in range(205):
        errors.add(RowError("f.csv", n, None, None, "bad"))
    rejected = errors.rejected()
    assert isinstance(rejected, ImportRejected)
    assert (len(rejected.errors), rejected.omitted) == (200, 5)
    assert rejected.lines()[-1] == "… and 5 more errors"


def test_a_report_summary_lists_tables_in_import_order():
    report = ImportReport(counts={"cases": TableCounts(1, 2, 3), "sites": TableCounts(0, 0, 4)})
    assert report.summary() == (
        "Import done.\nsites: 0 created, 0 updated, 4 unchanged\ncases: 1 created, 2 updated, 3 unchanged"
    )
