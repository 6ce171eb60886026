"""How much one import may read, checked before the data is read (settings.IMPORT_LIMITS).

The import page's limits are tighter than the command line's: a server shared by many users
must not spend minutes and gigabytes on one upload, and `caseweight import PATH` is how to
import a bigger file. The command line keeps a guard against workbooks that decompress to far
more than they weigh (zip and XML bombs) and the format's own bounds; CSV files have no limit there.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MB = 1024 * 1024
# No workbook holds more (the XLSX format's and Excel's own bounds): a sheet past them is damaged
# or hostile, whatever the settings say.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """None: no limit. Rows count as a spreadsheet numbers them, the header and blank rows included."""

    upload_megabytes: int | None  # the files of one upload together
    rows: int | None  # of one table: a CSV file or a sheet
    columns: int | None
    sheets: int | None  # of one workbook
    sheet_xml_megabytes: int | None  # one sheet, or any other part of a workbook, decompressed
    xml_megabytes: int | None  # a whole workbook, decompressed
    page: bool  # the import page's limits, else the command line's

    def for_sheets(self) -> "Limits":
        """The limits with the format's bounds on a sheet's rows and columns."""
        return dataclasses.replace(
            self, rows=min(self.rows or XLSX_MAX_ROWS, XLSX_MAX_ROWS), columns=min(self.columns or XLSX_MAX_COLUMNS, XLSX_MAX_COLUMNS)
        )

    def refusal(self, reason: str) -> str:
        """A refusal's message: which limit, then how to import the file all the same."""
        if self.page:
            hint = _("To import a bigger file, use the command line: caseweight import PATH.")
        else:
            hint = _("To import it, save each table as a CSV file and import the folder: caseweight import FOLDER.")
        return _("%(reason)s. %(hint)s") % {"reason": reason, "hint": hint}

    def upload_refusal(self) -> str:
        return self.refusal(
            _("The files of one upload may hold %(limit)d MB together and these hold more: nothing was imported")
            % {"limit": self.upload_megabytes}
        )


def megabytes(size: int) -> str:
    """A size in bytes as MB for a message, in the reader's language (1.5, 1,5)."""
    return number_format(size / MB, 1)


def _limits(name: str, *, page: bool) -> Limits:
    from django.conf import settings

    return Limits(**settings.IMPORT_LIMITS[name], page=page)


def page_limits() -> Limits:
    return _limits("page", page=True)


def command_limits() -> Limits:
    return _limits("command", page=False)
