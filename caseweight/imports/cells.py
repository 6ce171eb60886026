"""The cells of every file a user may open in a spreadsheet (CSV and XLSX): none is a formula.

OWASP's rule against formula injection (https://owasp.org/www-community/attacks/CSV_Injection):
a spreadsheet takes text that begins with =, +, -, @, a tab or a carriage return for a formula,
so such text is written with a single quote before it ("=SUM(A1)" is written "'=SUM(A1)").
Only text: a number (a negative gap written as the number -1.25, a date, an fte) is a number to
the spreadsheet too, never a formula, and is written as it is. Text already beginning with
quotes before one of those characters gets one quote more, so that `unescaped` (the importer's
reading) takes exactly one quote off and every escaped cell reads back as it was stored.

Every CSV and XLSX writer calls `escaped` (XLSX writers through `xlsx_row`), and `raw=True`
(`caseweight export --raw`) writes the text as stored. In XLSX, text is stored as text in either
case: openpyxl would otherwise store any string beginning with "=" as a live formula.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'")[:1] in FORMULA_STARTS


def escaped(value, *, raw: bool = False):
    """The value as a spreadsheet cell should hold it: formula-like text behind a quote, the rest unchanged."""
    if raw or not isinstance(value, str) or not _needs_quote(value):
        return value
    return "'" + value


def unescaped(text: str) -> str:
    """A cell written by `escaped` back to the value it escaped (other text is left as it is)."""
    return text[1:] if text.startswith("'") and _needs_quote(text) else text


def xlsx_row(sheet, values, *, raw: bool = False, font=None) -> list:
    """Cells for `sheet.append` in a write-only workbook: text escaped (unless raw) and stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=escaped(value, raw=raw))
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells
