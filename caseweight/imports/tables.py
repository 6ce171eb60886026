"""The tables of the import / export format: one CSV file or XLSX sheet each.

Codes are the stable keys, so importing the same files twice changes nothing and a changed row
updates the existing record. Lists inside a cell are ';'-separated codes. Dates are ISO (YYYY-MM-DD).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]  # columns whose cells may not be empty
    key: tuple[str, ...]  # the columns that identify a row
    description: str


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "regions",
            ("code", "name", "name_fr"),
            ("code", "name"),
            ("code",),
            "Regions. The five CSC regions (ATL, QUE, ONT, PRA, PAC) exist from the start.",
        ),
        Table(
            "sites",
            ("code", "name", "region", "kind", "security_levels", "languages"),
            ("code", "name", "region", "kind", "languages"),
            ("code",),
            "Institutions, parole offices and CCCs. security_levels: institutions only, e.g. minimum;medium.",
        ),
        Table(
            "officers",
            ("code", "name", "site", "role", "fte", "languages", "specialisations"),
            ("code", "name", "site", "role", "fte", "languages"),
            ("code",),
            "Officers. role: po, mai, pos, cma, alo, ccc_manager; 0 < fte <= 1.",
        ),
        Table(
            "cases",
            ("ref", "site", "security_level", "supervision_level", "language", "factors", "officer", "opened", "closed"),
            ("ref", "site", "language", "opened"),
            ("ref",),
            "Cases, by pseudonymous reference (never a name). The officer, if any, works at the case's site.",
        ),
        Table(
            "absences",
            ("officer", "kind", "start", "end"),
            ("officer", "kind", "start", "end"),
            ("officer", "start"),
            "Absences from start to end inclusive. kind: annual, sick, secondment, training, other.",
        ),
    )
}

# Referenced tables first, so a row can point at a row created by the same import.
TABLE_ORDER: tuple[str, ...] = ("regions", "sites", "officers", "cases", "absences")
