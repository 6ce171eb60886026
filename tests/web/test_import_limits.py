"""What one import may read (settings.IMPORT_LIMITS): the import page's upload size, Django's own
request limits on that page, and the workbook limits checked before a sheet's rows are read. A
refused or damaged file gets one clear message saying which limit or which sheet and how to import
it all the same, on the page and on the command line; never a server error, and nothing is written.

Workbooks too big or damaged are made here by hand with zipfile: a few hundred bytes each.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from caseweight.organisation.models import Officer

OFFICERS_HEADER = ["code", "name", "site", "role", "fte", "languages", "specialisations"]
NEW_OFFICER = ["PO-NEW", "Nadia Roy", "OTT", "po", "0.5", "fr", ""]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)


def hand_made_workbook(sheets: dict[str, str | bytes]) -> bytes:
    """A workbook of the given sheets, each its worksheet XML as written, with nothing else in it."""
    names = "".join(f'<sheet name="{title}" sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(sheets, start=1))
    links = "".join(
        f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        for i in range(1, len(sheets) + 1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{names}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}</Relationships>',
        )
        for i, xml in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()


def row_xml(number: int, cells: list[str], first_column: int = 1) -> str:
    def letter(column: int) -> str:
        return openpyxl.utils.get_column_letter(column)

    return f'<row r="{number}">' + "".join(
        f'<c r="{letter(first_column + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(cells)
    ) + "</row>"


def sheet_xml(rows: str, *, dimension: str | None = None, padding: int = 0) -> str:
    """Worksheet XML; `padding` spaces (which compress to almost nothing) make it decompress bigger."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{declared}'
            f'<sheetData>{rows}</sheetData>{" " * padding}</worksheet>')


def officers_sheet(**options) -> str:
    """The officers sheet: a header and one new officer, valid unless a limit refuses the sheet."""
    return sheet_xml(row_xml(1, OFFICERS_HEADER) + row_xml(2, NEW_OFFICER), **options)


def five_million_rows() -> bytes:
    """The header, a new officer, and a last row 5,000,000 that the sheet declares: 400 bytes zipped."""
    return hand_made_workbook(
        {"officers": officers_sheet(dimension="A1:G5000000").replace("</sheetData>", row_xml(5_000_000, ["x"]) + "</sheetData>")}
    )


@pytest.fixture
def page_limits(settings):
    """page_limits(rows=5, ...) sets some of the import page's limits for the test."""

    def change(**limits):
        settings.IMPORT_LIMITS = {**settings.IMPORT_LIMITS, "page": {**settings.IMPORT_LIMITS["page"], **limits}}

    return change


def upload(client, *files: tuple[str, bytes], **extra):
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files], **extra}
    return client.post(reverse("import_upload"), data)


def page_errors(response) -> list[str]:
    """The messages of a refused import: the form's error or the rejected import's errors."""
    context = response.context
    if context.get("form_error"):
        return [context["form_error"]]
    return context["rejected"].lines()


def command_errors(path) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def nothing_written() -> bool:
    return not Officer.objects.filter(code="PO-NEW").exists()


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode()


# --- the size of an upload ------------------------------------------------------------------------------


def padded_officers_csv(size: int) -> bytes:
    """A valid officers.csv of at least `size` bytes: the new officer, then rows of spaces (blank, so skipped)."""
    blank = b" " * 100_000 + b"\r\n"
    return csv_bytes([OFFICERS_HEADER, NEW_OFFICER]) + blank * (size // len(blank) + 1)


def test_an_upload_over_the_size_limit_is_refused_saying_the_limit_and_the_command_line(client_as, page_limits):
    page_limits(upload_megabytes=1)
    response = upload(client_as("national_analyst"), ("officers.csv", padded_officers_csv(1024 * 1024 + 1)))
    assert response.status_code == 413
    assert page_errors(response) == [
        "The files of one upload may hold 1 MB together and these hold more: nothing was imported. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_the_size_limit_counts_the_files_of_one_upload_together(client_as, page_limits):
    page_limits(upload_megabytes=1)
    half = padded_officers_csv(600 * 1024)
    response = upload(client_as("national_analyst"), ("officers.csv", half), ("cases.csv", half))
    assert response.status_code == 413 and nothing_written()


def test_a_file_under_the_size_limit_is_imported(client_as, page_limits):
    page_limits(upload_megabytes=2)
    response = upload(client_as("national_analyst"), ("officers.csv", padded_officers_csv(1024 * 1024 + 1)))
    assert response.status_code == 200 and "Import done" in response.content.decode()
    assert not nothing_written()


def test_the_size_refusal_is_told_in_french_to_a_french_reader(client_as, page_limits):
    page_limits(upload_megabytes=1)
    client = client_as("national_analyst")
    response = client.post(reverse("import_upload"), {"files": [SimpleUploadedFile("officers.csv", padded_officers_csv(2 * 1024 * 1024))]},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert page_errors(response) == [
        "Les fichiers d'un même envoi peuvent peser 1 Mo en tout et ceux-ci pèsent plus : rien n'a été importé. "
        "Pour importer un fichier plus gros, passez par la ligne de commande : caseweight import PATH."
    ]


def test_the_page_still_refuses_a_post_without_its_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["national_analyst"])
    response = upload(client, ("officers.csv", csv_bytes([OFFICERS_HEADER, NEW_OFFICER])))
    assert response.status_code == 403 and nothing_written()


def test_the_page_says_its_limits_and_where_to_import_a_bigger_file(client_as, page_limits):
    page_limits(upload_megabytes=7, rows=1234)
    html = client_as("supervisor").get(reverse("import_upload")).content.decode()
    assert ("This page takes up to 7 MB of files at once and 1234 rows a table. A bigger file is imported on the "
            "command line: <code>caseweight import PATH</code>.") in html


# --- Django's own limits on a request --------------------------------------------------------------------


def test_more_files_than_django_takes_get_a_message_on_the_page(client_as, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [("officers.csv", csv_bytes([OFFICERS_HEADER, NEW_OFFICER])), ("sites.csv", b"code\r\n"), ("cases.csv", b"ref\r\n")]
    response = upload(client_as("national_analyst"), *files)
    assert response.status_code == 400
    assert page_errors(response) == [
        "The import page takes at most 2 files at once: put the tables in one XLSX workbook. Nothing was imported. "
        "To import more or bigger files, use the command line: caseweight import PATH."
    ]
    assert 'name="files"' in response.content.decode()  # the page, with its form, not a bare error page
    assert nothing_written()


def test_form_fields_over_djangos_memory_limit_get_a_message_on_the_page(client_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = upload(client_as("national_analyst"), ("officers.csv", csv_bytes([OFFICERS_HEADER, NEW_OFFICER])),
                      dry_run="x" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert page_errors(response)[0].startswith("The form's fields other than files may hold at most 1.0 MB (the server's limit).")
    assert nothing_written()


def test_more_form_fields_than_django_takes_get_a_message_on_the_page(client_as, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = upload(client_as("national_analyst"), ("officers.csv", csv_bytes([OFFICERS_HEADER, NEW_OFFICER])),
                      **{f"field{i}": "x" for i in range(5)})
    assert response.status_code == 400
    assert page_errors(response)[0].startswith("The form may have at most 3 fields (the server's limit). Nothing was imported.")
    assert nothing_written()


def test_a_post_that_is_not_a_readable_form_gets_a_message_on_the_page(client_as):
    response = client_as("national_analyst").generic(
        "POST", reverse("import_upload"), b"--x\r\nnot a form", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert page_errors(response)[0].startswith("The upload could not be read: it was cut short or is not a form's upload.")


# --- workbooks: limits checked before the rows are read ---------------------------------------------------


def test_a_workbook_declaring_five_million_rows_is_refused_by_its_declaration(client_as):
    response = upload(client_as("national_analyst"), ("big.xlsx", five_million_rows()))
    assert page_errors(response) == [
        "big.xlsx, sheet officers: the sheet declares 5000000 rows, more than the 100000 allowed for one table. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_the_command_line_refuses_five_million_rows_too_past_what_a_workbook_can_hold(org, tmp_path):
    (tmp_path / "big.xlsx").write_bytes(five_million_rows())
    assert command_errors(tmp_path / "big.xlsx") == [
        "big.xlsx, sheet officers: the sheet declares 5000000 rows, more than the 1048576 allowed for one table. "
        "To import it, save each table as a CSV file and import the folder: caseweight import FOLDER."
    ]
    assert nothing_written()


@pytest.mark.parametrize("dimension", ["A1:G2", None], ids=["a wrong dimension", "no dimension"])
def test_rows_are_counted_as_they_are_read_when_the_dimension_lies_or_is_missing(client_as, page_limits, dimension):
    page_limits(rows=50)
    rows = row_xml(1, OFFICERS_HEADER) + row_xml(2, NEW_OFFICER) + row_xml(51, ["PO-X", "x"])
    response = upload(client_as("national_analyst"), ("staff.xlsx", hand_made_workbook({"officers": sheet_xml(rows, dimension=dimension)})))
    assert page_errors(response) == [
        "staff.xlsx, sheet officers: the table has more than 50 rows, the most allowed for one table. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_a_sheet_declaring_too_many_columns_is_refused(client_as):
    response = upload(client_as("national_analyst"), ("wide.xlsx", hand_made_workbook({"officers": officers_sheet(dimension="A1:BZ2")})))
    assert page_errors(response) == [
        "wide.xlsx, sheet officers: the sheet declares 78 columns, more than the 50 allowed for one table. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]


def test_a_cell_past_the_column_limit_is_refused_at_its_row(client_as, page_limits):
    page_limits(columns=10)
    rows = row_xml(1, OFFICERS_HEADER) + row_xml(2, NEW_OFFICER) + row_xml(3, ["far"], first_column=11)
    response = upload(client_as("national_analyst"), ("wide.xlsx", hand_made_workbook({"officers": sheet_xml(rows)})))
    assert page_errors(response) == [
        "wide.xlsx, sheet officers, row 3: a cell past the 10 columns allowed for one table. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_a_workbook_decompressing_past_the_limit_is_refused_before_it_is_parsed(client_as, page_limits):
    page_limits(xml_megabytes=1)
    bomb = hand_made_workbook({"officers": officers_sheet(padding=2 * 1024 * 1024)})
    assert len(bomb) < 10_000
    response = upload(client_as("national_analyst"), ("bomb.xlsx", bomb))
    assert page_errors(response) == [
        "bomb.xlsx: the workbook decompresses to 2.0 MB, more than the 1 MB allowed for a whole workbook. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_a_sheet_decompressing_past_the_limit_is_named(client_as, page_limits):
    page_limits(sheet_xml_megabytes=1)
    workbook = hand_made_workbook({"sites": sheet_xml(row_xml(1, ["code"])), "officers": officers_sheet(padding=2 * 1024 * 1024)})
    response = upload(client_as("national_analyst"), ("bomb.xlsx", workbook))
    assert page_errors(response) == [
        "bomb.xlsx, sheet officers: the sheet decompresses to 2.0 MB, more than the 1 MB allowed for one sheet or part. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]


def test_a_workbook_with_too_many_sheets_is_refused(client_as, page_limits):
    page_limits(sheets=2)
    workbook = hand_made_workbook({"officers": officers_sheet(), "Sheet2": sheet_xml(""), "Sheet3": sheet_xml("")})
    response = upload(client_as("national_analyst"), ("many.xlsx", workbook))
    assert page_errors(response) == [
        "many.xlsx: the workbook has 3 sheets, more than the 2 allowed. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_a_csv_file_over_the_row_limit_is_refused_on_the_page(client_as, page_limits):
    page_limits(rows=5)
    rows = [OFFICERS_HEADER, NEW_OFFICER] + [[f"PO-{i}", "x", "OTT", "po", "1", "en", ""] for i in range(5)]
    response = upload(client_as("national_analyst"), ("officers.csv", csv_bytes(rows)))
    assert page_errors(response) == [
        "officers.csv: the table has more than 5 rows, the most allowed for one table. "
        "To import a bigger file, use the command line: caseweight import PATH."
    ]
    assert nothing_written()


def test_the_command_line_imports_the_workbook_the_page_refuses_for_its_rows(client_as, page_limits, tmp_path):
    page_limits(rows=2)
    rows = row_xml(1, OFFICERS_HEADER) + row_xml(2, NEW_OFFICER) + row_xml(3, ["PO-TWO", "Tom Two", "OTT", "po", "1", "en", ""])
    workbook = hand_made_workbook({"officers": sheet_xml(rows, dimension="A1:G3")})
    assert "more than the 2 allowed" in page_errors(upload(client_as("national_analyst"), ("staff.xlsx", workbook)))[0]
    (tmp_path / "staff.xlsx").write_bytes(workbook)
    call_command("import", str(tmp_path / "staff.xlsx"), stdout=io.StringIO())
    assert set(Officer.objects.filter(code__in=["PO-NEW", "PO-TWO"]).values_list("code", flat=True)) == {"PO-NEW", "PO-TWO"}


# --- damaged workbooks: one message naming the file and the sheet, never a server error --------------------


def broken_zip(content: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DAMAGED = {
    "malformed sheet XML": (
        hand_made_workbook({"officers": officers_sheet(dimension="A1:G2").replace("</row></sheetData>", "</rw></sheetData>")}),
        "bad.xlsx, sheet officers: the sheet cannot be read: its XML is damaged (mismatched tag: line 1, column ",
    ),
    "malformed sheet XML, no dimension": (
        hand_made_workbook({"officers": officers_sheet().replace("</row></sheetData>", "</rw></sheetData>")}),
        "bad.xlsx, sheet officers: the sheet cannot be read: its XML is damaged (mismatched tag: line 1, column ",
    ),
    "a sheet that is not XML": (
        hand_made_workbook({"officers": b"code,name\r\nPO-NEW,Nadia Roy\r\n"}),
        "bad.xlsx, sheet officers: the sheet cannot be read: its XML is damaged (syntax error: line 1, column 0)",
    ),
    "a text pointing past the shared strings": (
        hand_made_workbook({"officers": sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')}),
        "bad.xlsx, sheet officers: the sheet cannot be read: its XML is damaged (list index out of range)",
    ),
    "a zip that is not a workbook": (
        broken_zip({"notes.txt": b"hello"}),
        "bad.xlsx: not a readable XLSX workbook (\"There is no item named '[Content_Types].xml' in the archive\")",
    ),
    "a file that is not a zip": (
        b"code,name\r\nPO-NEW,Nadia Roy\r\n",
        "bad.xlsx: not an XLSX workbook: the file is not a zip archive (nor is a workbook protected by a password: "
        "save it without one)",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_workbook_uploaded_gets_one_message_naming_the_file_and_sheet(client_as, damage):
    content, message = DAMAGED[damage]
    response = upload(client_as("national_analyst"), ("bad.xlsx", content))
    assert response.status_code == 200
    (error,) = page_errors(response)
    assert error.startswith(message)
    assert nothing_written()


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_workbook_on_the_command_line_gets_one_message_naming_the_file_and_sheet(org, tmp_path, damage):
    content, message = DAMAGED[damage]
    (tmp_path / "bad.xlsx").write_bytes(content)
    (error,) = command_errors(tmp_path / "bad.xlsx")
    assert error.startswith(message)
    assert nothing_written()


def test_staffing_from_a_damaged_workbook_fails_with_the_readers_message(org, tmp_path):
    content, message = DAMAGED["malformed sheet XML"]
    (tmp_path / "bad.xlsx").write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("staffing", "--data", str(tmp_path / "bad.xlsx"), stdout=io.StringIO())
    assert str(caught.value).startswith(message)
