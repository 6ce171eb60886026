"""Import the tables of the file format (see tables.py) into the database: all or nothing.

The import runs in two passes inside one transaction:

1. check every row of every table and work out the state each record would have (in the
   shape of `audit.services.snapshot`: codes for foreign keys, ISO dates, fte as text);
   references resolve against the rows of the same import first, then the database;
2. if no row had an error, write the created and changed records in bulk, with one audit
   entry per written row (bulk writes bypass the audit signals).

Codes are the keys (absences: officer + start), so a second import of the same files finds
every row unchanged. Rows absent from a file, and columns absent from a header, are left alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _, ngettext

from caseweight import codes, database, rules
from caseweight.accounts import scope
from caseweight.audit.services import audit_entry, audit_record_many, snapshot
from caseweight.cases.models import Case
from caseweight.distribution.services import record_imported_assignments
from caseweight.imports import readers
from caseweight.imports.readers import ReadResult, Source
from caseweight.imports.report import ErrorList, ImportRejected, ImportReport, RowError, TableCounts
from caseweight.imports.tables import TABLE_ORDER, TABLES
from caseweight.organisation.models import Absence, Officer, Region, Site, cases_carried, officer_move_refusal

__all__ = [
    "ImportRejected",
    "ImportReport",
    "RowError",
    "TableCounts",
    "import_path",
    "import_tables",
    "import_uploads",
]

BATCH_SIZE = 2000
# An import waits this many seconds for another to finish; the key of its lock on PostgreSQL.
IMPORT_WAIT = 3.0
IMPORT_LOCK = 7_412_001
# Chunks for `__in` lookups: keeps well under SQLite's limit on query parameters.
LOOKUP_CHUNK = 2000

MODELS = {"regions": Region, "sites": Site, "officers": Officer, "cases": Case, "absences": Absence}
# The values of a record that does not exist yet, for the columns a file may leave out.
DEFAULTS = {
    "regions": {"name_fr": ""},
    "sites": {"security_levels": ""},
    "officers": {"specialisations": ""},
    "cases": {"security_level": "", "supervision_level": "", "factors": "", "officer": None, "closed": None},
    "absences": {},
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# A reference to a row of this import that has errors: its other checks are skipped, since
# that row is already reported and its values cannot be trusted.
BROKEN = object()


# ---------------------------------------------------------------------------------------------
# Public entry points


def import_tables(
    *,
    tables: dict[str, list[dict[str, str]]],
    file_names: dict[str, str] | None = None,
    dry_run: bool = False,
    allowed_site_codes: set[str] | None = None,
) -> ImportReport:
    """Import rows given as {table: [{column: cell text}]}, as read from CSV files.

    `file_names` names each table's file in error messages (default: "<table>.csv").
    `allowed_site_codes`: the sites whose rows may be written; None means every site and regions.
    Raises ImportRejected, writing nothing, if any row is wrong.
    """
    file_names = file_names or {}
    read = ReadResult()
    for table, rows in tables.items():
        file_name = file_names.get(table, f"{table}.csv")
        if table not in TABLES:
            read.errors.append(readers.unknown_table_error(file_name))
            continue
        header: list[str] = []
        for row in rows:
            header.extend(column for column in row if column not in header)
        source = Source(table=table, file_name=file_name, header=[readers.normalise_column(c) for c in header])
        for index, row in enumerate(rows):
            cells = {readers.normalise_column(column): _cell(value) for column, value in row.items()}
            if any(cells.values()):
                source.rows.append((index + 2, {column: cells.get(column, "") for column in source.header}))
        read.sources.append(source)
    return _import(read, dry_run=dry_run, allowed_site_codes=allowed_site_codes)


def import_path(*, path, dry_run: bool = False, allowed_site_codes: set[str] | None = None) -> ImportReport:
    """Import a folder of CSV files, one CSV file, or an XLSX workbook."""
    path = Path(path)
    if path.is_dir():
        read = readers.read_folder(path)
    elif path.is_file() and path.suffix.lower() == ".xlsx":
        read = readers.read_workbook(path, file_name=path.name)
    elif path.is_file() and path.suffix.lower() == ".csv":
        read = readers.read_csv_file(path)
    elif not path.exists():
        raise ImportRejected([RowError(str(path), None, None, None, _("no such file or folder"))])
    else:
        raise ImportRejected(
            [RowError(str(path), None, None, None, _("give a folder of CSV files, a CSV file or an XLSX workbook"))]
        )
    return _import(read, dry_run=dry_run, allowed_site_codes=allowed_site_codes)


def import_uploads(
    *, files: list[tuple[str, bytes]], dry_run: bool = False, allowed_site_codes: set[str] | None = None
) -> ImportReport:
    """Import uploaded files given as (file name, content): CSV files named after their table, or a workbook."""
    return _import(readers.read_uploads(files), dry_run=dry_run, allowed_site_codes=allowed_site_codes)


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _import(read: ReadResult, *, dry_run: bool, allowed_site_codes: set[str] | None) -> ImportReport:
    errors = ErrorList()
    errors.extend(read.errors)
    by_table = {source.table: source for source in read.sources}
    # One transaction for the checks and the writes: the database cannot change in between,
    # and any failure while writing leaves nothing behind. One import at a time: the second waits
    # a little, then is refused.
    busy = ImportRejected([RowError("", None, None, None, _(
        "Another import is running: nothing was written. Try again when it has finished."))])  # fmt: skip
    with database.one_at_a_time(IMPORT_LOCK, wait=IMPORT_WAIT, busy=busy):
        run = _ImportRun(errors=errors, allowed_site_codes=allowed_site_codes)
        for table in TABLE_ORDER:
            if table in by_table:
                run.check_table(by_table[table])
        run.check_consistency()
        if errors:
            raise errors.rejected()
        report = ImportReport(counts=run.counts(), dry_run=dry_run)
        if not dry_run:
            run.write()
    return report


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass
class _Planned:
    """A valid row of the import: its key, the record's state after the import and before it."""

    table: str
    file_name: str
    number: int
    key: object
    state: dict
    existing: object  # the model instance, or None for a new record
    before: dict | None

    @property
    def changed(self) -> bool:
        return self.before != self.state


class _RowCheck:
    """The checks of one row, collecting its errors."""

    def __init__(self, run: "_ImportRun", source: Source, number: int, cells: dict[str, str]):
        self.run = run
        self.source = source
        self.number = number
        self.cells = cells
        self.ok = True

    def error(self, column: str | None, message: str, value: str | None = None) -> None:
        if value is None and column is not None:
            value = self.cells.get(column)
        self.run.errors.add(RowError(self.source.file_name, self.number, column, value, message))
        self.ok = False

    def given(self, column: str) -> bool:
        """Whether the file has this column; a column left out keeps the record's value."""
        return column in self.cells

    def text(self, column: str) -> str | None:
        """The cell, checked against the column's required flag and the field's length."""
        value = self.cells[column]
        if not value:
            if column in TABLES[self.source.table].required:
                self.error(column, _("this cell may not be empty"))
                return None
            return value
        if "\x00" in value:  # PostgreSQL refuses NUL in text: say so here, not with a crash on write
            self.error(column, _("contains a NUL character"))
            return None
        max_length = getattr(MODELS[self.source.table]._meta.get_field(column), "max_length", None)
        if max_length and len(value) > max_length:
            self.error(column, _("too long: at most %(count)d characters") % {"count": max_length})
            return None
        return value

    def code(self, column: str, allowed: tuple[str, ...], what: str) -> str | None:
        value = self.text(column)
        if not value:
            return value
        try:
            return codes.parse_code(value, allowed, what=what)
        except codes.CodeError as error:
            self.error(column, error.render(_))
            return None

    def code_list(self, column: str, allowed: tuple[str, ...], what: str) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return codes.join_codes(codes.parse_code_list(value, allowed, what=what, required=column in self.required))
        except codes.CodeError as error:
            self.error(column, error.render(_))
            return None

    @property
    def required(self) -> tuple[str, ...]:
        return TABLES[self.source.table].required

    def date(self, column: str) -> str | None:
        value = self.text(column)
        if not value:
            return None  # an empty optional date is no date (e.g. a case still open)
        try:
            if not ISO_DATE.match(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            self.error(column, _("not a date: dates are written YYYY-MM-DD, e.g. 2025-03-31"))
            return None

    def rule(self, check) -> object:
        """Run a shared rule (caseweight.rules); its error names the column at fault."""
        try:
            return check()
        except rules.RuleError as error:
            self.error(error.column, error.render(_))
            return None


class _ImportRun:
    def __init__(self, *, errors: ErrorList, allowed_site_codes: set[str] | None):
        self.errors = errors
        self.allowed = allowed_site_codes
        # The small tables are read whole; cases and absences only for the keys in the files.
        self.regions = {r.code: r for r in Region.objects.all()}
        self.sites = {s.code: s for s in Site.objects.select_related("region")}
        self.officers = {o.code: o for o in Officer.objects.select_related("site")}
        self.planned: dict[str, dict[object, _Planned]] = {table: {} for table in TABLE_ORDER}
        self.broken: dict[str, set] = {table: set() for table in TABLE_ORDER}
        self.given_tables: set[str] = set()
        self.db_states: dict[tuple[str, str], dict | None] = {}  # snapshots of database records, by key
        self.existing_absences: dict[tuple[str, str], Absence] = {}

    # -- lookups: this import first, then the database

    def state_of(self, table: str, key):
        """The record's state after this import, BROKEN, or None if it exists nowhere."""
        if key in self.broken[table]:
            return BROKEN
        if key in self.planned[table]:
            return self.planned[table][key].state
        if (table, key) not in self.db_states:
            existing = {"regions": self.regions, "sites": self.sites, "officers": self.officers}[table].get(key)
            self.db_states[(table, key)] = None if existing is None else snapshot(existing)
        return self.db_states[(table, key)]

    def in_scope(self, site_code: str | None) -> bool:
        return self.allowed is None or site_code in self.allowed

    def officer_reference(self, check: "_RowCheck", column: str, code: str | None):
        """The state of the officer a row names (or BROKEN), or None with an error if there is no
        such officer, or, in a scoped import, the officer works outside the scope (now or after the
        import): one message for both, so that it tells nothing of an officer elsewhere."""
        if not code:
            return None
        officer = self.state_of("officers", code)
        stored = self.officers.get(code)
        outside = (stored is not None and not self.in_scope(stored.site.code)) or (
            officer not in (None, BROKEN) and not self.in_scope(officer["site"]))
        if officer is not None and not outside:
            return officer
        if self.allowed is None:
            check.error(column, _("unknown officer"))
        else:
            check.error(column, _("officer %(officer)s is unknown or outside your scope") % {"officer": code})
        return None

    # -- tables

    def check_table(self, source: Source) -> None:
        table = TABLES[source.table]
        self.given_tables.add(source.table)
        header_ok = self.check_header(source)
        key_columns = table.key
        seen: dict[tuple, int] = {}
        existing = self.load_existing(source)
        for number, cells in source.rows:
            key = tuple(cells.get(column, "") for column in key_columns)
            if not header_ok:
                # Rows of a file with a broken header are not checked: refer to them quietly.
                if all(key):
                    self.broken[source.table].add(key[0] if len(key) == 1 else key)
                continue
            check = _RowCheck(self, source, number, cells)
            if all(key) and key in seen:
                check.error(
                    key_columns[-1],
                    _("duplicate key: row %(row)d has the same %(key)s") % {"row": seen[key], "key": " + ".join(key_columns)},
                )
                continue
            if all(key):
                seen[key] = number
            planned = getattr(self, f"check_{source.table}")(check, existing)
            if planned is not None and check.ok:
                self.planned[source.table][planned.key] = planned
            elif all(key):
                self.broken[source.table].add(key[0] if len(key) == 1 else key)
        if source.table == "absences":
            self.check_absence_overlaps(source)

    def check_header(self, source: Source) -> bool:
        """Unknown and duplicate columns and missing required columns are errors."""
        table = TABLES[source.table]
        ok = True
        seen = set()
        for column in source.header:
            if not column:
                continue
            if column in seen:
                self.errors.add(RowError(source.file_name, 1, column, None, _("this column appears twice in the header")))
                ok = False
            seen.add(column)
            if column not in table.columns:
                self.errors.add(
                    RowError(
                        source.file_name, 1, column, None,
                        _("unknown column: the columns of %(table)s are %(columns)s")
                        % {"table": table.name, "columns": ", ".join(table.columns)},
                    )
                )
        for column in table.required:
            if column not in seen:
                self.errors.add(
                    RowError(source.file_name, 1, column, None, _("required column missing from the header"))
                )
                ok = False
        return ok

    def load_existing(self, source: Source) -> dict:
        """The database records that the file's keys name, by key."""
        if source.table in ("regions", "sites", "officers"):
            return {"regions": self.regions, "sites": self.sites, "officers": self.officers}[source.table]
        if source.table == "cases":
            refs = sorted({cells.get("ref", "") for _n, cells in source.rows} - {""})
            found = {}
            for chunk in _chunks(refs):
                found.update((c.ref, c) for c in Case.objects.filter(ref__in=chunk).select_related("site", "officer"))
            return found
        # Absences: every absence of the officers in the file, also to check overlaps.
        officer_codes = sorted({cells.get("officer", "") for _n, cells in source.rows} - {""})
        found = {}
        for chunk in _chunks(officer_codes):
            for absence in Absence.objects.filter(officer__code__in=chunk).select_related("officer__site"):
                found[(absence.officer.code, absence.start.isoformat())] = absence
        self.existing_absences = found
        return found

    def _state(self, table: str, existing) -> tuple[dict, dict | None]:
        """Start from the record's current state, or from defaults for a new one."""
        before = snapshot(existing) if existing is not None else None
        state = dict(before) if before is not None else dict(DEFAULTS[table])
        return state, before

    def _fill(self, check: _RowCheck, state: dict, values: dict) -> None:
        """Overlay the values of the columns the file gives."""
        for column, value in values.items():
            if check.given(column):
                state[column] = value

    def _keep_list_order(self, state: dict, before: dict | None, columns: tuple[str, ...]) -> None:
        """Lists are stored in canonical order; one stored otherwise (e.g. "fr;en") is left as it
        is when it holds the same codes, so that an import does not rewrite rows just to reorder them."""
        if before is None:
            return
        for column in columns:
            if state[column] is not None and _code_set(state[column]) == _code_set(before[column]):
                state[column] = before[column]

    def check_regions(self, check: _RowCheck, existing: dict) -> _Planned | None:
        code = check.text("code")
        region = existing.get(code)
        state, before = self._state("regions", region)
        self._fill(check, state, {
            "code": code,
            "name": check.text("name"),
            "name_fr": check.text("name_fr") if check.given("name_fr") else None,
        })
        if not check.ok:
            return None
        if self.allowed is not None and state != before:
            # A scoped import may carry the regions of its own export, unchanged.
            check.error("code", _("outside your scope: only a national import may create or change regions"))
            return None
        return _Planned("regions", check.source.file_name, check.number, code, state, region, before)

    def check_sites(self, check: _RowCheck, existing: dict) -> _Planned | None:
        code = check.text("code")
        if code and not self.in_scope(code):
            # Nothing more: the other checks would start from the stored site's values.
            check.error("code", _("site %(site)s is outside your scope") % {"site": code})
            return None
        site = existing.get(code)
        state, before = self._state("sites", site)
        region = check.text("region")
        if region and self.state_of("regions", region) is None:
            check.error("region", _("unknown region"))
        self._fill(check, state, {
            "code": code,
            "name": check.text("name"),
            "region": region,
            "kind": check.code("kind", codes.SITE_KINDS, codes.SITE_KIND),
            "languages": check.code_list("languages", codes.LANGUAGES, codes.LANGUAGE),
        })
        if check.given("security_levels"):
            state["security_levels"] = check.text("security_levels")
        if state.get("kind") and state.get("security_levels") is not None:
            levels = check.rule(lambda: rules.site_security_levels(kind=state["kind"], security_levels=state["security_levels"]))
            if levels is not None:
                state["security_levels"] = codes.join_codes(levels)
        self._keep_list_order(state, before, ("security_levels", "languages"))
        # A scoped import is never a national analyst's (scope.import_site_codes), the one role
        # that may move a site to another region (scope.can_move_sites_between_regions).
        if check.ok and before is not None and state["region"] != before["region"] and self.allowed is not None:
            check.error("region", str(scope.SITE_REGION_MOVE_REFUSED))
        if not check.ok:
            return None
        return _Planned("sites", check.source.file_name, check.number, code, state, site, before)

    def check_officers(self, check: _RowCheck, existing: dict) -> _Planned | None:
        code = check.text("code")
        officer = existing.get(code)
        if officer is not None and not self.in_scope(officer.site.code):
            # Neither where the officer works nor anything else of theirs.
            check.error("code", _("officer %(officer)s is outside your scope") % {"officer": code})
            return None
        state, before = self._state("officers", officer)
        site = check.text("site")
        if site and self.state_of("sites", site) is None:
            check.error("site", _("unknown site"))
            site = None  # one error for the cell: no "outside your scope" on top
        fte = None
        if check.given("fte") and check.text("fte"):
            fte = check.rule(lambda: str(rules.officer_fte(check.cells["fte"])))
        self._fill(check, state, {
            "code": code,
            "name": check.text("name"),
            "site": site,
            "role": check.code("role", codes.OFFICER_ROLES, codes.OFFICER_ROLE),
            "fte": fte,
            "languages": check.code_list("languages", codes.LANGUAGES, codes.LANGUAGE),
            "specialisations": check.code_list("specialisations", codes.SPECIALISATIONS, codes.SPECIALISATION)
            if check.given("specialisations") else None,
        })
        self._keep_list_order(state, before, ("languages", "specialisations"))
        if site and not self.in_scope(site):
            check.error("site", _("site %(site)s is outside your scope") % {"site": site})
        if not check.ok:
            return None
        return _Planned("officers", check.source.file_name, check.number, code, state, officer, before)

    def check_cases(self, check: _RowCheck, existing: dict) -> _Planned | None:
        ref = check.text("ref")
        case = existing.get(ref)
        if case is not None and not self.in_scope(case.site.code):
            # Neither where the case is nor anything else of it.
            check.error("ref", _("case %(case)s is outside your scope") % {"case": ref})
            return None
        state, before = self._state("cases", case)
        site_code = check.text("site")
        site = self.state_of("sites", site_code) if site_code else None
        site_outside = bool(site_code) and site is not None and not self.in_scope(site_code)
        if site_code and site is None:
            check.error("site", _("unknown site"))
        elif site_outside:
            check.error("site", _("site %(site)s is outside your scope") % {"site": site_code})
        officer_code = check.text("officer") if check.given("officer") else None
        if not site_outside:  # one error for a case outside the scope, not one about its officer too
            self.officer_reference(check, "officer", officer_code)
        self._fill(check, state, {
            "ref": ref,
            "site": site_code,
            "security_level": check.text("security_level") if check.given("security_level") else None,
            "supervision_level": check.text("supervision_level") if check.given("supervision_level") else None,
            "language": check.code("language", codes.LANGUAGES, codes.LANGUAGE),
            "factors": check.code_list("factors", codes.COMPLEXITY_FACTORS, codes.COMPLEXITY_FACTOR)
            if check.given("factors") else None,
            "officer": officer_code or None,
            "opened": check.date("opened"),
            "closed": check.date("closed") if check.given("closed") else None,
        })
        if not check.ok:
            return None
        self._keep_list_order(state, before, ("factors",))
        # Cross-column rules, on the state after the import (a column left out keeps its value).
        site = self.state_of("sites", state["site"])
        if site is not BROKEN and site is not None:
            levels = check.rule(lambda: rules.case_levels(
                site_kind=site["kind"],
                site_levels=[c for c in site["security_levels"].split(codes.LIST_SEPARATOR) if c],
                security_level=state["security_level"],
                supervision_level=state["supervision_level"],
            ))
            if levels is not None:
                state["security_level"], state["supervision_level"] = levels
        officer = self.state_of("officers", state["officer"]) if state["officer"] else None
        if officer not in (None, BROKEN) and site is not BROKEN and officer["site"] != state["site"]:
            check.error("officer", _("officer %(officer)s works at site %(officer_site)s, not at the case's site %(site)s")
                        % {"officer": state["officer"], "officer_site": officer["site"], "site": state["site"]},
                        value=state["officer"])
        check.rule(lambda: rules.date_order(
            start=_date(state["opened"]), end=_date(state["closed"]), start_column="opened", end_column="closed"))
        if not check.ok:
            return None
        return _Planned("cases", check.source.file_name, check.number, ref, state, case, before)

    def check_absences(self, check: _RowCheck, existing: dict) -> _Planned | None:
        officer_code = check.text("officer")
        start = check.date("start")
        officer = self.officer_reference(check, "officer", officer_code)
        # Not a stored absence of an officer outside the scope: its values are not theirs to see.
        absence = existing.get((officer_code, start)) if officer is not None else None
        state, before = self._state("absences", absence)
        self._fill(check, state, {
            "officer": officer_code,
            "kind": check.code("kind", codes.ABSENCE_KINDS, codes.ABSENCE_KIND),
            "start": start,
            "end": check.date("end"),
        })
        if not check.ok:
            return None
        check.rule(lambda: rules.date_order(
            start=_date(state["start"]), end=_date(state["end"]), start_column="start", end_column="end"))
        if not check.ok:
            return None
        return _Planned("absences", check.source.file_name, check.number, (officer_code, start), state, absence, before)

    def check_absence_overlaps(self, source: Source) -> None:
        """No two absences of one officer may overlap, counting those already in the database."""
        by_officer: dict[str, dict] = {}
        for key, absence in self.existing_absences.items():
            by_officer.setdefault(key[0], {})[key] = (absence.start, absence.end, None)
        for key, planned in self.planned["absences"].items():
            by_officer.setdefault(key[0], {})[key] = (_date(planned.state["start"]), _date(planned.state["end"]), planned)
        for officer_code in sorted(by_officer):
            spans = sorted(by_officer[officer_code].values(), key=lambda span: span[0])
            latest = None  # the span reaching furthest so far
            for span in spans:
                if latest is not None and span[0] <= latest[1] and (span[2] or latest[2]):
                    at_fault, other = (span, latest) if span[2] else (latest, span)
                    where = (_("row %(row)d") % {"row": other[2].number}) if other[2] else _("in the database")
                    self.errors.add(RowError(
                        source.file_name, at_fault[2].number, "start", at_fault[0].isoformat(),
                        _("overlaps the absence of %(officer)s from %(start)s to %(end)s (%(where)s)")
                        % {"officer": officer_code, "start": other[0].isoformat(), "end": other[1].isoformat(),
                           "where": where},
                    ))
                    self.broken["absences"].add(at_fault[2].key)
                if latest is None or span[1] > latest[1]:
                    latest = span

    def check_consistency(self) -> None:
        """Changes to sites and officers must not break the cases that this import leaves alone."""
        planned_cases = self.planned["cases"]
        changed_sites = {
            code: planned for code, planned in self.planned["sites"].items()
            if planned.before is not None
            and (planned.before["kind"], planned.before["security_levels"]) != (planned.state["kind"], planned.state["security_levels"])
        }
        for planned in changed_sites.values():
            levels = [c for c in planned.state["security_levels"].split(codes.LIST_SEPARATOR) if c]
            misfits = []
            for ref, security_level, supervision_level in (
                Case.objects.filter(site__code=planned.key).values_list("ref", "security_level", "supervision_level")
            ):
                if ref in planned_cases or ref in self.broken["cases"]:
                    continue
                try:
                    rules.case_levels(site_kind=planned.state["kind"], site_levels=levels,
                                      security_level=security_level, supervision_level=supervision_level)
                except rules.RuleError as error:
                    misfits.append((ref, error.render(_)))
            if misfits:
                self.errors.add(RowError(
                    planned.file_name, planned.number, "kind", planned.state["kind"],
                    ngettext("%(count)d case at this site would no longer fit the site, e.g. %(case)s: %(reason)s",
                             "%(count)d cases at this site would no longer fit the site, e.g. %(case)s: %(reason)s",
                             len(misfits))
                    % {"count": len(misfits), "case": misfits[0][0], "reason": misfits[0][1]},
                ))
        moved = {
            code: planned for code, planned in self.planned["officers"].items()
            if planned.before is not None and planned.before["site"] != planned.state["site"]
        }
        for chunk in _chunks(sorted(moved)):
            carried = cases_carried(officers=Officer.objects.filter(code__in=chunk))
            for officer_code in chunk:
                planned = moved[officer_code]
                left = []
                for ref, site, covered in carried.get(self.officers[officer_code].pk, []):
                    if ref in self.broken["cases"]:
                        continue
                    if ref in planned_cases:
                        if not covered:
                            continue  # its row checks its officer against its site
                        site = planned_cases[ref].state["site"]
                    if site != planned.state["site"] and ref not in left:
                        left.append(ref)
                refusal = officer_move_refusal(officer=officer_code, site=planned.state["site"],
                                               old_site=planned.before["site"], cases=left)
                if refusal:
                    self.errors.add(RowError(planned.file_name, planned.number, "site", planned.state["site"], refusal))

    def counts(self) -> dict[str, TableCounts]:
        result = {}
        for table in TABLE_ORDER:
            if table not in self.given_tables:
                continue
            counts = TableCounts()
            for planned in self.planned[table].values():
                if planned.existing is None:
                    counts.created += 1
                elif planned.changed:
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            result[table] = counts
        return result

    # -----------------------------------------------------------------------------------------
    # Writing

    def write(self) -> None:
        audit = []
        for table in TABLE_ORDER:
            model = MODELS[table]
            created, updated = [], []
            for planned in self.planned[table].values():
                if planned.existing is None:
                    instance = model()
                    self.apply(table, instance, planned.state)
                    created.append(instance)
                elif planned.changed:
                    self.apply(table, planned.existing, planned.state)
                    updated.append((planned.existing, planned.before, snapshot(planned.existing)))
            if created:
                model.objects.bulk_create(created, batch_size=BATCH_SIZE)
                _ensure_primary_keys(table, created)
                index = {"regions": self.regions, "sites": self.sites, "officers": self.officers}.get(table)
                if index is not None:
                    index.update((instance.code, instance) for instance in created)
            if updated:
                _update_changed_fields(table, updated)
            audit.extend(audit_entry(instance=i, action="create", before=None, after=snapshot(i)) for i in created)
            audit.extend(audit_entry(instance=i, action="update", before=b, after=a) for i, b, a in updated)
            if table == "cases":
                record_imported_assignments([
                    (case, self.officers.get(before["officer"]) if before["officer"] else None)
                    for case, before, after in updated
                    if after["officer"] != before["officer"]
                ])  # fmt: skip
        audit_record_many(audit)

    def apply(self, table: str, instance, state: dict) -> None:
        """Set a model instance's fields from a state; references point at the indexed instances."""
        for column, value in state.items():
            if column in ("region",):
                instance.region = self.regions[value]
            elif column == "site":
                instance.site = self.sites[value]
            elif column == "officer":
                instance.officer = self.officers[value] if value else None
            elif column in ("opened", "closed", "start", "end"):
                setattr(instance, column, _date(value))
            elif column == "fte":
                instance.fte = Decimal(value)
            else:
                setattr(instance, column, value)


# Fields written in one statement: the database checks closed >= opened after each UPDATE.
UPDATED_TOGETHER = {"cases": [("opened", "closed")]}


def _update_changed_fields(table: str, updated: list[tuple[object, dict, dict]]) -> None:
    """Write the changed fields as one UPDATE per field and new value, for up to 2000 rows at a time.

    Django's bulk_update builds a CASE WHEN per row and field: measured at 18 s for 3,000
    cases on SQLite. Updates from a file tend to share values (a new officer, a level,
    a language), so grouping the rows by new value takes few statements and milliseconds.
    """
    model = MODELS[table]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    together = UPDATED_TOGETHER.get(table, [])
    grouped = {name for group in together for name in group}
    groups = [tuple(model._meta.get_field(name) for name in group) for group in together]
    groups += [(field,) for field in fields if field.name not in grouped]
    for group in groups:
        by_values: dict[tuple, list[int]] = {}
        for instance, before, after in updated:
            if any(before[field.name] != after[field.name] for field in group):
                values = tuple(getattr(instance, field.attname) for field in group)
                by_values.setdefault(values, []).append(instance.pk)
        for values, pks in by_values.items():
            changes = {field.attname: value for field, value in zip(group, values)}
            for chunk in _chunks(pks, BATCH_SIZE):
                model.objects.filter(pk__in=chunk).update(**changes)


def _ensure_primary_keys(table: str, instances: list) -> None:
    """Backends that cannot return ids from a bulk insert: read them back by code."""
    if table not in ("regions", "sites", "officers") or all(i.pk is not None for i in instances):
        return
    model = MODELS[table]
    by_code = {i.code: i for i in instances}
    for chunk in _chunks(sorted(by_code)):
        for code, pk in model.objects.filter(code__in=chunk).values_list("code", "pk"):
            by_code[code].pk = pk


def _code_set(value: str | None) -> set[str]:
    return {code for code in (value or "").split(codes.LIST_SEPARATOR) if code}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]
