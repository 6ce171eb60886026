"""Engine inputs: sites, officers and open cases as NumPy arrays of integer codes.

Arrays rather than objects because the engine must size a U.S.-scale system (3.7 million cases)
in seconds: every per-site figure is an ``np.bincount`` over these arrays.

Encodings (all shared with caseweight.codes, so they never drift from the import format):

- site kind: index into ``codes.SITE_KINDS``;
- a site's security levels: bitmask over ``codes.SECURITY_LEVELS`` (bit 0 minimum, 1 medium, 2 maximum);
- a case's level: index into ``LEVELS`` = security levels then supervision levels
  (0 minimum, 1 medium, 2 maximum, 3 intensive, 4 A, 5 B, 6 C, 7 D);
- a case's complexity factors: bitmask over ``codes.COMPLEXITY_FACTORS`` (11 bits);
- an officer's role: index into ``codes.OFFICER_ROLES``.

Three ways in: ``inputs_from_tables`` (row dicts shaped like the CSV import format, e.g. from the
database), ``inputs_from_csv_folder`` (a folder of import CSV files, streamed) and
``inputs_from_arrays`` (already-encoded arrays, the fast path).

Absence records (the import format's ``absences`` table: officer code, kind, start, end inclusive)
are optional: only the resilient method reads them (``caseweight.engine.absence``). They are kept
as arrays too: officer index (or -1 when given by site only), site index, kind index into
``codes.ABSENCE_KINDS``, start and end as ``datetime64[D]``.
"""

from __future__ import annotations

import csv
import datetime as dt
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path

import numpy as np

from caseweight import codes

LEVELS: tuple[str, ...] = codes.SECURITY_LEVELS + codes.SUPERVISION_LEVELS
N_LEVELS = len(LEVELS)
N_SECURITY = len(codes.SECURITY_LEVELS)
N_FACTORS = len(codes.COMPLEXITY_FACTORS)
INSTITUTION, PAROLE_OFFICE, CCC = (codes.SITE_KINDS.index(k) for k in ("institution", "parole_office", "ccc"))

# Only parole officers carry caseloads: MAIs and POSs supervise them, CMAs and ALOs support them,
# and the ratios and time standards are stated per parole officer. So "actual FTE" counts role po.
COUNTED_ROLES: tuple[str, ...] = ("po",)


class InputError(ValueError):
    """Bad input data; the message names the table, the row (1 = first data row) and the column."""

    def __init__(self, table: str, row: int | None, column: str, message: str):
        self.table, self.row, self.column, self.message = table, row, column, message
        where = f"{table} row {row}" if row is not None else table
        super().__init__(f"{where}, column {column}: {message}")


# --- code helpers ----------------------------------------------------------------------------


def level_code(level: str) -> int:
    return LEVELS.index(level)


def security_mask(levels: Iterable[str]) -> int:
    return sum(1 << codes.SECURITY_LEVELS.index(level) for level in levels)


def security_levels_of(mask: int) -> list[str]:
    return [level for i, level in enumerate(codes.SECURITY_LEVELS) if mask >> i & 1]


def factor_mask(factors: Iterable[str]) -> int:
    return sum(1 << codes.COMPLEXITY_FACTORS.index(f) for f in set(factors))


def factors_of(mask: int) -> list[str]:
    return [f for i, f in enumerate(codes.COMPLEXITY_FACTORS) if mask >> i & 1]


# --- the inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Sites:
    codes: tuple[str, ...]
    regions: tuple[str, ...]  # region codes; `region` indexes into it
    region: np.ndarray  # int32
    kind: np.ndarray  # int8, index into codes.SITE_KINDS
    security_levels: np.ndarray  # uint8 bitmask over codes.SECURITY_LEVELS
    addon_hours: np.ndarray  # float64: add-on tasks (not PO work) in hours a month, 0 by default

    def __len__(self) -> int:
        return len(self.codes)

    @cached_property
    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def kind_name(self, i: int) -> str:
        return codes.SITE_KINDS[int(self.kind[i])]


@dataclass(frozen=True, eq=False)
class Officers:
    site: np.ndarray  # int32 site index
    fte: np.ndarray  # float64, 0 < fte <= 1
    role: np.ndarray  # int8, index into codes.OFFICER_ROLES
    codes: tuple[str, ...] | None = None  # officer codes, when known (absences refer to them)

    def __len__(self) -> int:
        return len(self.site)


@dataclass(frozen=True, eq=False)
class Absences:
    """Absence records, one per spell away, start and end inclusive."""

    officer: np.ndarray  # int32 officer index, -1 when the record names only a site
    site: np.ndarray  # int32 site index (the officer's site today)
    kind: np.ndarray  # int8, index into codes.ABSENCE_KINDS
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D], the last day away

    def __len__(self) -> int:
        return len(self.site)


def no_absences() -> Absences:
    return Absences(
        np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int8),
        np.zeros(0, "datetime64[D]"), np.zeros(0, "datetime64[D]"),
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Cases:
    """Open cases only: one entry per case counted in the staffing figures."""

    site: np.ndarray  # int32 site index
    level: np.ndarray  # int8, index into LEVELS
    factors: np.ndarray  # uint16 bitmask over codes.COMPLEXITY_FACTORS
    extra_hours: np.ndarray | None  # float64 approved intensive-supervision hours a month, or None (all 0)

    def __len__(self) -> int:
        return len(self.site)


@dataclass(frozen=True, eq=False)
class StaffingInputs:
    sites: Sites
    officers: Officers
    cases: Cases
    counted_roles: tuple[str, ...] = COUNTED_ROLES
    absences: Absences | None = None  # None: no absence records were given (policy rates apply)
    as_of: dt.date | None = None  # the day the inputs describe, when given

    @cached_property
    def case_counts(self) -> np.ndarray:
        """Open cases per site and level, shape (sites, len(LEVELS)), int64."""
        n = len(self.sites)
        flat = self.cases.site.astype(np.int64) * N_LEVELS + self.cases.level
        return np.bincount(flat, minlength=n * N_LEVELS).reshape(n, N_LEVELS)

    @cached_property
    def cases_per_site(self) -> np.ndarray:
        return self.case_counts.sum(axis=1)

    @cached_property
    def actual_fte(self) -> np.ndarray:
        """FTE of the officers whose role carries a caseload (counted_roles), per site."""
        counted = np.isin(self.officers.role, [codes.OFFICER_ROLES.index(r) for r in self.counted_roles])
        return np.bincount(
            self.officers.site[counted], weights=self.officers.fte[counted], minlength=len(self.sites)
        ).astype(np.float64)

    @cached_property
    def counted_officers(self) -> np.ndarray:
        counted = np.isin(self.officers.role, [codes.OFFICER_ROLES.index(r) for r in self.counted_roles])
        return np.bincount(self.officers.site[counted], minlength=len(self.sites))

    @cached_property
    def counted_officer_mask(self) -> np.ndarray:
        """True for officers whose role carries a caseload (counted_roles)."""
        return np.isin(self.officers.role, [codes.OFFICER_ROLES.index(r) for r in self.counted_roles])

    def site_case_indexes(self, site: int) -> np.ndarray:
        """Indexes of one site's cases (for explanations, computed on demand)."""
        return np.flatnonzero(self.cases.site == site)

    def site_index(self, code: str) -> int:
        try:
            return self.sites.index[code]
        except KeyError:
            raise KeyError(f"unknown site {code!r}") from None


# --- from arrays (the fast path) -------------------------------------------------------------


def inputs_from_arrays(
    *,
    site_codes: Sequence[str],
    site_regions: Sequence[str],
    site_kinds: Sequence[str] | np.ndarray,
    site_security_levels: Sequence[str] | np.ndarray | None = None,
    site_addon_hours: np.ndarray | Sequence[float] | None = None,
    officer_site: np.ndarray,
    officer_fte: np.ndarray,
    officer_role: np.ndarray | None = None,
    case_site: np.ndarray,
    case_level: np.ndarray,
    case_factors: np.ndarray | None = None,
    case_extra_hours: np.ndarray | None = None,
    regions: Sequence[str] | None = None,
    counted_roles: tuple[str, ...] = COUNTED_ROLES,
    officer_codes: Sequence[str] | None = None,
    absence_officer: np.ndarray | None = None,
    absence_site: np.ndarray | None = None,
    absence_kind: np.ndarray | Sequence[str] | None = None,
    absence_start: np.ndarray | Sequence[str] | None = None,
    absence_end: np.ndarray | Sequence[str] | None = None,
    as_of: dt.date | None = None,
) -> StaffingInputs:
    """Build inputs from arrays, checking them with whole-array operations.

    Sites (a few thousand) may be given as strings: site_kinds as kind codes or their indexes,
    site_security_levels as ';'-joined codes ("medium;maximum") or bitmasks. Officers and cases
    (millions) must be encoded: site indexes, LEVELS indexes, factor bitmasks, role indexes
    (officer_role None: all are parole officers). `regions` fixes the order of region totals
    (default: sorted region codes).

    Absences (optional, for the resilient method): absence_kind (kind codes or their indexes),
    absence_start and absence_end (inclusive; datetime64[D] or ISO text), and either
    absence_officer (officer indexes; the site is the officer's) or absence_site (site indexes,
    when officers are not listed one by one, e.g. grouped by the database).
    """
    n = len(site_codes)
    site_codes = tuple(str(c) for c in site_codes)
    if len(set(site_codes)) != n:
        raise InputError("sites", None, "code", "site codes are not unique")
    region_names = tuple(regions) if regions is not None else tuple(sorted(set(site_regions)))
    region_index = {r: i for i, r in enumerate(region_names)}
    unknown = [r for r in site_regions if r not in region_index]
    if unknown:
        raise InputError("sites", None, "region", f"unknown region {unknown[0]!r}")
    region = np.fromiter((region_index[r] for r in site_regions), dtype=np.int32, count=n)

    kind = _codes_array(site_kinds, codes.SITE_KINDS, "sites", "kind", np.int8)
    if site_security_levels is None:
        mask = np.zeros(n, dtype=np.uint8)
    elif isinstance(site_security_levels, np.ndarray) and site_security_levels.dtype.kind in "iu":
        mask = site_security_levels.astype(np.uint8)
    else:
        mask = np.array(
            [security_mask(codes.parse_code_list(v, codes.SECURITY_LEVELS, what=codes.SECURITY_LEVEL)) for v in site_security_levels],
            dtype=np.uint8,
        )
    addon = np.zeros(n) if site_addon_hours is None else np.asarray(site_addon_hours, dtype=np.float64)
    sites = Sites(site_codes, region_names, region, kind, mask, addon)
    _check_sites(sites)

    officer_site = np.asarray(officer_site, dtype=np.int32)
    officer_fte = np.asarray(officer_fte, dtype=np.float64)
    role = (
        np.zeros(len(officer_site), dtype=np.int8)
        if officer_role is None
        else _codes_array(officer_role, codes.OFFICER_ROLES, "officers", "role", np.int8)
    )
    if officer_codes is not None:
        officer_codes = tuple(str(c) for c in officer_codes)
        if len(officer_codes) != len(officer_site):
            raise InputError("officers", None, "code", f"{len(officer_codes)} codes for {len(officer_site)} officers")
    officers = Officers(officer_site, officer_fte, role, officer_codes)
    _check_officers(officers, n)

    cases = Cases(
        np.asarray(case_site, dtype=np.int32),
        np.asarray(case_level, dtype=np.int8),
        np.zeros(len(case_site), dtype=np.uint16) if case_factors is None else np.asarray(case_factors, dtype=np.uint16),
        None if case_extra_hours is None else np.asarray(case_extra_hours, dtype=np.float64),
    )
    _check_cases(cases, sites)
    absences = None
    if absence_kind is not None:
        absences = _absences_from_arrays(officers, n, absence_officer, absence_site, absence_kind, absence_start, absence_end)
    return StaffingInputs(sites, officers, cases, tuple(counted_roles), absences, as_of)


def _absences_from_arrays(officers: Officers, n_sites: int, officer, site, kind, start, end) -> Absences:
    kind = _codes_array(kind, codes.ABSENCE_KINDS, "absences", "kind", np.int8)
    m = len(kind)
    if start is None or end is None:
        raise InputError("absences", None, "start", "absence_start and absence_end are needed with absence_kind")
    start, end = _dates(start, "start"), _dates(end, "end")
    if officer is not None:
        officer = np.asarray(officer, dtype=np.int32)
        bad = (officer < 0) | (officer >= len(officers))
        if bad.any():
            raise InputError("absences", _first(bad), "officer", "officer index out of range")
        site = officers.site[officer]
    elif site is not None:
        site = np.asarray(site, dtype=np.int32)
        officer = np.full(len(site), -1, dtype=np.int32)
        bad = (site < 0) | (site >= n_sites)
        if bad.any():
            raise InputError("absences", _first(bad), "site", "site index out of range")
    else:
        raise InputError("absences", None, "officer", "give absence_officer or absence_site")
    for name, arr in (("officer", officer), ("start", start), ("end", end)):
        if len(arr) != m:
            raise InputError("absences", None, name, f"{len(arr)} values for {m} absences")
    bad = end < start
    if bad.any():
        raise InputError("absences", _first(bad), "end", "the last day away is before the first")
    return Absences(officer, site.astype(np.int32), kind, start, end)


def _dates(values, column: str) -> np.ndarray:
    """ISO dates (text or datetime64) as datetime64[D]; the message names the first bad row."""
    try:
        return np.asarray(values, dtype="datetime64[D]")
    except ValueError:
        for row_no, value in enumerate(values, start=1):
            try:
                np.datetime64(value, "D")
            except ValueError:
                raise InputError("absences", row_no, column, f"{value!r} is not a date (YYYY-MM-DD)") from None
        raise

def _codes_array(values, allowed: tuple[str, ...], table: str, column: str, dtype) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        out = values.astype(dtype)
        if len(out) and (out.min() < 0 or out.max() >= len(allowed)):
            raise InputError(table, None, column, f"codes must be 0 to {len(allowed) - 1} ({', '.join(allowed)})")
        return out
    index = {name: i for i, name in enumerate(allowed)}
    unknown = [v for v in values.tolist() if v not in index]
    if unknown:
        raise InputError(table, None, column, f"unknown {column} {unknown[0]!r}; expected one of: {', '.join(allowed)}")
    return np.array([index[v] for v in values.tolist()], dtype=dtype)


def _first(bad: np.ndarray) -> int:
    return int(np.flatnonzero(bad)[0]) + 1


def _check_sites(sites: Sites) -> None:
    n = len(sites)
    for name, arr in (("region", sites.region), ("kind", sites.kind), ("security_levels", sites.security_levels),
                      ("addon_hours", sites.addon_hours)):  # fmt: skip
        if len(arr) != n:
            raise InputError("sites", None, name, f"{len(arr)} values for {n} sites")
    institution = sites.kind == INSTITUTION
    bad = institution & ((sites.security_levels == 0) | (sites.security_levels >= 1 << N_SECURITY))
    if bad.any():
        raise InputError("sites", _first(bad), "security_levels", "an institution needs at least one security level")
    bad = ~institution & (sites.security_levels != 0)
    if bad.any():
        raise InputError("sites", _first(bad), "security_levels", "only institutions have security levels")
    bad = ~np.isfinite(sites.addon_hours) | (sites.addon_hours < 0)
    if bad.any():
        raise InputError("sites", _first(bad), "addon_hours", "add-on hours must be a number of at least 0")


def _check_officers(officers: Officers, n_sites: int) -> None:
    if not (len(officers.fte) == len(officers.site) == len(officers.role)):
        raise InputError("officers", None, "site", "officer arrays differ in length")
    bad = (officers.site < 0) | (officers.site >= n_sites)
    if bad.any():
        raise InputError("officers", _first(bad), "site", "site index out of range")
    bad = ~((officers.fte > 0) & (officers.fte <= 1))
    if bad.any():
        raise InputError("officers", _first(bad), "fte", "fte must be more than 0 and at most 1")


def _check_cases(cases: Cases, sites: Sites) -> None:
    m = len(cases.site)
    if len(cases.level) != m or len(cases.factors) != m or (cases.extra_hours is not None and len(cases.extra_hours) != m):
        raise InputError("cases", None, "site", "case arrays differ in length")
    if m == 0:
        return
    bad = (cases.site < 0) | (cases.site >= len(sites))
    if bad.any():
        raise InputError("cases", _first(bad), "site", "site index out of range")
    bad = (cases.level < 0) | (cases.level >= N_LEVELS)
    if bad.any():
        raise InputError("cases", _first(bad), "level", f"level codes must be 0 to {N_LEVELS - 1} ({', '.join(LEVELS)})")
    if int(cases.factors.max()) >= 1 << N_FACTORS:
        raise InputError("cases", _first(cases.factors >= 1 << N_FACTORS), "factors", "factor bitmask has unknown bits")
    in_institution = sites.kind[cases.site] == INSTITUTION
    security = cases.level < N_SECURITY
    bad = in_institution & ~security
    if bad.any():
        raise InputError("cases", _first(bad), "security_level", "a case in an institution needs a security level")
    bad = ~in_institution & security
    if bad.any():
        raise InputError("cases", _first(bad), "supervision_level", "a community case needs a supervision level")
    # A security level the institution does not hold (bit not set in the site's mask).
    site_mask = sites.security_levels[cases.site].astype(np.int64)
    bad = in_institution & ((site_mask >> np.minimum(cases.level, N_SECURITY - 1)) & 1 == 0)
    if bad.any():
        i = _first(bad) - 1
        raise InputError("cases", i + 1, "security_level",
                         f"security level {LEVELS[cases.level[i]]!r} is not one of site {sites.codes[cases.site[i]]}'s levels")  # fmt: skip
    if cases.extra_hours is not None:
        bad = ~np.isfinite(cases.extra_hours) | (cases.extra_hours < 0)
        if bad.any():
            raise InputError("cases", _first(bad), "extra_hours", "extra hours must be a number of at least 0")


# --- from row dicts (the import format) ------------------------------------------------------


def inputs_from_tables(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    as_of: dt.date | None = None,
    site_addon_hours: Mapping[str, float] | None = None,
    case_extra_hours: Mapping[str, float] | None = None,
    counted_roles: tuple[str, ...] = COUNTED_ROLES,
) -> StaffingInputs:
    """Build inputs from rows shaped like the import tables (``caseweight.imports.tables``).

    ``tables`` maps a table name to its rows, each a dict of column -> text, as csv.DictReader
    gives. Uses regions (optional: fixes the order of region totals), sites, officers, cases and,
    when present, absences (officer, kind, start, end; read for the resilient method only; an
    absence of an officer who is not in the officers table is refused).

    A case counts when it is open: without ``as_of``, when its ``closed`` cell is empty; with
    ``as_of``, when opened <= as_of and (closed is empty or closed > as_of).
    ``site_addon_hours``: add-on task hours a month by site code. ``case_extra_hours``: approved
    intensive-supervision hours a month by case ref.
    """
    regions = [row.get("code", "").strip() for row in tables.get("regions", ())]
    builder = _Builder(
        tables.get("sites", ()),
        regions=regions or None,
        site_addon_hours=site_addon_hours,
        case_extra_hours=case_extra_hours,
        as_of=as_of,
        counted_roles=counted_roles,
    )
    builder.add_officers(_pick(tables.get("officers", ()), _OFFICER_COLUMNS))
    builder.add_cases(_pick(tables.get("cases", ()), _CASE_COLUMNS))
    if "absences" in tables:
        builder.add_absences(_pick(tables["absences"], _ABSENCE_COLUMNS))
    return builder.build()


_OFFICER_COLUMNS = ("code", "site", "role", "fte")
_CASE_COLUMNS = ("ref", "site", "security_level", "supervision_level", "factors", "opened", "closed")
_ABSENCE_COLUMNS = ("officer", "kind", "start", "end")


def _pick(rows: Iterable[Mapping[str, str]], columns: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for row in rows:
        yield tuple((row.get(c) or "") for c in columns)


def inputs_from_csv_folder(
    folder: str | Path,
    *,
    as_of: dt.date | None = None,
    site_addon_hours: Mapping[str, float] | None = None,
    case_extra_hours: Mapping[str, float] | None = None,
    counted_roles: tuple[str, ...] = COUNTED_ROLES,
) -> StaffingInputs:
    """Build inputs straight from a folder of import CSV files (regions.csv optional, sites.csv,
    officers.csv, cases.csv, absences.csv optional), streaming rows without making a dict per row,
    so that millions of cases fit in memory. Same rules as ``inputs_from_tables``.
    """
    folder = Path(folder)
    regions_path = folder / "regions.csv"
    regions = None
    if regions_path.is_file():
        with regions_path.open(newline="", encoding="utf-8-sig") as f:
            regions = [row.get("code", "").strip() for row in csv.DictReader(f)]
    with (folder / "sites.csv").open(newline="", encoding="utf-8-sig") as f:
        site_rows = list(csv.DictReader(f))
    builder = _Builder(
        site_rows,
        regions=regions,
        site_addon_hours=site_addon_hours,
        case_extra_hours=case_extra_hours,
        as_of=as_of,
        counted_roles=counted_roles,
    )
    for name, columns, required, add in (
        ("officers", _OFFICER_COLUMNS, ("site", "role", "fte"), builder.add_officers),
        ("cases", _CASE_COLUMNS, ("site",), builder.add_cases),
        ("absences", _ABSENCE_COLUMNS, _ABSENCE_COLUMNS, builder.add_absences),
    ):
        if not (folder / f"{name}.csv").is_file():
            continue  # an export may leave out an empty table
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(name, None, missing[0], "column missing from the header")
            found = [header.index(c) if c in header else None for c in columns]
            if None in found:
                # An optional column left out of the file reads as empty cells (the slow path).
                add((tuple(row[p] if p is not None else "" for p in found) for row in reader), range(len(columns)))
            else:
                add(reader, found)
    return builder.build()


class _Builder:
    """Turns text rows into arrays, checking each code once per distinct value (values repeat)."""

    def __init__(self, site_rows, *, regions, site_addon_hours, case_extra_hours, as_of, counted_roles):
        self.as_of = as_of
        self.case_extra_hours = {ref: _hours(h, "case_extra_hours", ref) for ref, h in (case_extra_hours or {}).items()}
        self.counted_roles = tuple(counted_roles)
        codes_, region_codes, kinds, masks = [], [], [], []
        seen: set[str] = set()
        for row_no, row in enumerate(site_rows, start=1):
            code = (row.get("code") or "").strip()
            if not code:
                raise InputError("sites", row_no, "code", "missing")
            if code in seen:
                raise InputError("sites", row_no, "code", f"site {code!r} appears twice")
            seen.add(code)
            region = (row.get("region") or "").strip()
            if not region:
                raise InputError("sites", row_no, "region", "missing")
            if regions is not None and region not in regions:
                raise InputError("sites", row_no, "region", f"unknown region {region!r}")
            kind = _code(row.get("kind"), codes.SITE_KINDS, "site kind", "sites", row_no, "kind")
            try:
                levels = codes.parse_code_list(row.get("security_levels") or "", codes.SECURITY_LEVELS, what=codes.SECURITY_LEVEL)
            except codes.CodeError as error:
                raise InputError("sites", row_no, "security_levels", str(error)) from None
            if kind == "institution" and not levels:
                raise InputError("sites", row_no, "security_levels", "an institution needs at least one security level")
            if kind != "institution" and levels:
                raise InputError("sites", row_no, "security_levels", f"only institutions have security levels, not a {kind}")
            codes_.append(code)
            region_codes.append(region)
            kinds.append(codes.SITE_KINDS.index(kind))
            masks.append(security_mask(levels))
        self.site_codes = tuple(codes_)
        self.site_index = {c: i for i, c in enumerate(codes_)}
        self.kinds = kinds
        self.masks = masks
        self.regions = tuple(regions) if regions is not None else tuple(sorted(set(region_codes)))
        region_index = {r: i for i, r in enumerate(self.regions)}
        self.region = np.array([region_index[r] for r in region_codes], dtype=np.int32)
        addon = np.zeros(len(codes_))
        for code, hours in (site_addon_hours or {}).items():
            if code not in self.site_index:
                raise InputError("site_addon_hours", None, "site", f"unknown site {code!r}")
            addon[self.site_index[code]] = _hours(hours, "site_addon_hours", code)
        self.addon = addon
        self.officers = None
        self.cases = None
        self.absences = None
        self._dates: set[str] = {""}
        self._as_of_text = as_of.isoformat() if as_of else ""

    def add_officers(self, rows: Iterable[Sequence[str]], positions: Sequence[int] = tuple(range(4))) -> None:
        """Rows hold (code, site, role, fte) at `positions`."""
        sites, ftes, roles = array("i"), array("d"), array("b")
        officer_codes: list[str] = []
        keep_code = officer_codes.append
        role_index = {r: i for i, r in enumerate(codes.OFFICER_ROLES)}
        fte_cache: dict[str, float] = {}
        for row_no, (code, site, role, fte) in enumerate(map(itemgetter(*positions), rows), start=1):
            keep_code(code.strip())
            s = self.site_index.get(site)
            if s is None:
                s = self._site(site.strip(), "officers", row_no)
            r = role_index.get(role)
            if r is None:
                r = codes.OFFICER_ROLES.index(_code(role, codes.OFFICER_ROLES, "role", "officers", row_no, "role"))
            f = fte_cache.get(fte)
            if f is None:
                try:
                    f = float(fte)
                except ValueError:
                    raise InputError("officers", row_no, "fte", f"fte {fte!r} is not a number") from None
                if not 0 < f <= 1:
                    raise InputError("officers", row_no, "fte", f"fte {fte!r} is out of range: more than 0 and at most 1")
                fte_cache[fte] = f
            sites.append(s)
            ftes.append(f)
            roles.append(r)
        self.officers = Officers(
            np.frombuffer(sites, dtype=np.int32).copy() if sites else np.zeros(0, np.int32),
            np.frombuffer(ftes, dtype=np.float64).copy() if ftes else np.zeros(0),
            np.frombuffer(roles, dtype=np.int8).copy() if roles else np.zeros(0, np.int8),
            tuple(officer_codes),
        )

    def add_absences(self, rows: Iterable[Sequence[str]], positions: Sequence[int] = tuple(range(4))) -> None:
        """Rows hold (officer code, kind, start, end) at `positions`; start and end inclusive."""
        officer_codes = self.officers.codes if self.officers is not None else ()
        officer_index = {code: i for i, code in enumerate(officer_codes) if code}
        kind_index = {k: i for i, k in enumerate(codes.ABSENCE_KINDS)}
        officers, kinds, starts, ends = array("i"), array("b"), [], []
        for row_no, (officer, kind, start, end) in enumerate(map(itemgetter(*positions), rows), start=1):
            o = officer_index.get(officer.strip())
            if o is None:
                raise InputError("absences", row_no, "officer", f"unknown officer {officer.strip()!r}")
            k = kind_index.get(kind)
            if k is None:
                k = codes.ABSENCE_KINDS.index(_code(kind, codes.ABSENCE_KINDS, "absence kind", "absences", row_no, "kind"))
            officers.append(o)
            kinds.append(k)
            starts.append(start.strip())
            ends.append(end.strip())
        officer_array = np.frombuffer(officers, dtype=np.int32).copy() if officers else np.zeros(0, np.int32)
        start_array, end_array = _dates(starts, "start"), _dates(ends, "end")
        bad = end_array < start_array
        if bad.any():
            raise InputError("absences", _first(bad), "end", "the last day away is before the first")
        self.absences = Absences(
            officer_array,
            self.officers.site[officer_array] if len(officer_array) else np.zeros(0, np.int32),
            np.frombuffer(kinds, dtype=np.int8).copy() if kinds else np.zeros(0, np.int8),
            start_array,
            end_array,
        )

    def add_cases(self, rows: Iterable[Sequence[str]], positions: Sequence[int] = tuple(range(7))) -> None:
        """Rows hold (ref, site, security_level, supervision_level, factors, opened, closed) at
        `positions`. A plain loop with each distinct code combination checked once: measured
        faster than column-wise chunking, which spends more on building tuples than it saves.
        """
        i_ref, i_site, i_security, i_supervision, i_factors, i_opened, i_closed = positions
        placed, factor_masks = array("i"), array("H")
        place, mark = placed.append, factor_masks.append
        extra_hours = self.case_extra_hours
        extra = array("d") if extra_hours else None
        seen_refs: set[str] = set()
        # (site, security level, supervision level) -> site index × N_LEVELS + level
        placements: dict[tuple[str, str, str], int] = {}
        masks: dict[str, int] = {"": 0}
        as_of = self.as_of
        row_no = 0
        try:
            for row_no, row in enumerate(rows, start=1):
                closed = row[i_closed]
                if as_of is None:
                    if closed:
                        continue
                elif not self._open_on(row[i_opened], closed, row_no):
                    continue
                key = (row[i_site], row[i_security], row[i_supervision])
                code = placements.get(key)
                if code is None:
                    site_index, level = self._placement(*key, row_no)
                    code = placements[key] = site_index * N_LEVELS + level
                text = row[i_factors]
                mask = masks.get(text)
                if mask is None:
                    mask = masks[text] = self._factors(text, row_no)
                place(code)
                mark(mask)
                if extra is not None:
                    ref = row[i_ref]
                    hours = extra_hours.get(ref)
                    if hours is None:
                        extra.append(0.0)
                    else:
                        extra.append(float(hours))
                        seen_refs.add(ref)
        except IndexError:
            raise InputError("cases", row_no, "(row)", "the row has fewer cells than the header") from None
        if extra_hours:
            unknown = [ref for ref in extra_hours if ref not in seen_refs]
            if unknown:
                raise InputError("case_extra_hours", None, "ref", f"no open case {unknown[0]!r}")
        placed_array = np.frombuffer(placed, dtype=np.int32) if placed else np.zeros(0, np.int32)
        self.cases = Cases(
            (placed_array // N_LEVELS).astype(np.int32),
            (placed_array % N_LEVELS).astype(np.int8),
            np.frombuffer(factor_masks, dtype=np.uint16).copy() if factor_masks else np.zeros(0, np.uint16),
            None if extra is None else (np.frombuffer(extra, dtype=np.float64).copy() if extra else np.zeros(0)),
        )

    def _open_on(self, opened: str, closed: str, row_no: int) -> bool:
        """Open on as_of: opened <= as_of and (no closed date or closed > as_of). ISO dates
        compare as text once each distinct value is known to be a date."""
        opened, closed = opened.strip(), closed.strip()
        for column, text in (("opened", opened), ("closed", closed)):
            if text not in self._dates:
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    raise InputError("cases", row_no, column, f"{text!r} is not a date (YYYY-MM-DD)") from None
                self._dates.add(text)
        day = self._as_of_text
        return (not opened or opened <= day) and (not closed or closed > day)

    def _site(self, code: str, table: str, row_no: int) -> int:
        if code not in self.site_index:
            raise InputError(table, row_no, "site", f"unknown site {code!r}")
        return self.site_index[code]

    def _placement(self, site: str, security: str, supervision: str, row_no: int) -> tuple[int, int]:
        s = self._site(site.strip(), "cases", row_no)
        security, supervision = security.strip(), supervision.strip()
        if security and supervision:
            raise InputError("cases", row_no, "supervision_level", "a case has a security level or a supervision level, not both")
        if self.kinds[s] == INSTITUTION:
            if not security:
                raise InputError("cases", row_no, "security_level", "a case in an institution needs a security level")
            level = _code(security, codes.SECURITY_LEVELS, "security level", "cases", row_no, "security_level")
            if not self.masks[s] >> codes.SECURITY_LEVELS.index(level) & 1:
                raise InputError("cases", row_no, "security_level",
                                 f"security level {level!r} is not one of site {self.site_codes[s]}'s levels "
                                 f"({';'.join(security_levels_of(self.masks[s]))})")  # fmt: skip
        else:
            if not supervision:
                raise InputError("cases", row_no, "supervision_level", "a community case needs a supervision level")
            level = _code(supervision, codes.SUPERVISION_LEVELS, "supervision level", "cases", row_no, "supervision_level")
        return s, LEVELS.index(level)

    @staticmethod
    def _factors(text: str, row_no: int) -> int:
        try:
            return factor_mask(codes.parse_code_list(text, codes.COMPLEXITY_FACTORS, what=codes.COMPLEXITY_FACTOR))
        except codes.CodeError as error:
            raise InputError("cases", row_no, "factors", str(error)) from None

    def build(self) -> StaffingInputs:
        sites = Sites(
            self.site_codes,
            self.regions,
            self.region,
            np.array(self.kinds, dtype=np.int8),
            np.array(self.masks, dtype=np.uint8),
            self.addon,
        )
        officers = self.officers or Officers(np.zeros(0, np.int32), np.zeros(0), np.zeros(0, np.int8), ())
        cases = self.cases or Cases(np.zeros(0, np.int32), np.zeros(0, np.int8), np.zeros(0, np.uint16), None)
        return StaffingInputs(sites, officers, cases, self.counted_roles, self.absences, self.as_of)


def _hours(value, table: str, key: str) -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        hours = float("nan")
    if not (hours >= 0 and np.isfinite(hours)):
        raise InputError(table, None, key, f"hours a month must be a number of at least 0, got {value!r}")
    return hours


def _code(value: str | None, allowed: tuple[str, ...], what: str, table: str, row_no: int, column: str) -> str:
    try:
        return codes.parse_code(value or "", allowed, what=what)
    except codes.CodeError as error:
        raise InputError(table, row_no, column, str(error)) from None
