"""Distribution inputs for one site: its officers and cases as plain dataclasses.

The distribution tools (officer load, assignment, redistribution, rebalance) work one site at a
time on a few hundred officers and tens of thousands of cases at most, so plain objects are
clear enough here; the staffing methods keep their NumPy arrays (``engine.inputs``).

Two ways in: build ``SiteWorkload`` directly (the Django layer, from its models), or
``site_workload_from_tables`` from row dicts shaped like the import format
(``caseweight.imports.tables``: tables ``sites``, ``officers``, ``cases``, ``absences``) plus the
things the import format does not hold (former officers, reductions, approved extra hours).

Presence is about a *period* (by default the Monday-to-Sunday week of ``as_of``): an officer is
present when ``present`` is true and no recorded absence overlaps the period by a single day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from caseweight import codes
from caseweight.engine.inputs import COUNTED_ROLES, LEVELS, InputError

# Why an officer's hours are reduced. Not yet in caseweight.codes (the Django models for
# reductions will want them there; until then they live here).
REDUCTION_REASONS = ("training", "union", "mentoring", "committee", "phased_return", "other")


@dataclass(frozen=True)
class Absence:
    """An absence from ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date
    kind: str = "other"  # one of codes.ABSENCE_KINDS

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and self.end >= start

    def describe(self) -> str:
        return f"absent {self.start.isoformat()} to {self.end.isoformat()} ({self.kind})"


@dataclass(frozen=True)
class Reduction:
    """Hours a week taken off an officer's case time for a reason (training, union duties,
    mentoring, committee work, phased return). Dates are optional: None = open-ended."""

    hours_per_week: float
    reason: str = "other"  # one of REDUCTION_REASONS
    start: dt.date | None = None
    end: dt.date | None = None

    def in_force(self, start: dt.date, end: dt.date) -> bool:
        """In force for the period when it overlaps it at all."""
        return (self.start is None or self.start <= end) and (self.end is None or self.end >= start)


@dataclass(frozen=True)
class Officer:
    code: str
    fte: float = 1.0
    languages: frozenset[str] = frozenset({"en"})
    specialisations: frozenset[str] = frozenset()
    present: bool = True  # False: absent for the period whatever the dated absences say
    absences: tuple[Absence, ...] = ()  # dated absences, checked against the period planned for
    reductions: tuple[Reduction, ...] = ()  # those in force for the period
    # Hours a month of cases this officer carries that are not listed among the site's cases
    # (e.g. a summary figure from elsewhere); the listed cases add to it.
    other_case_hours: float = 0.0

    @property
    def reduction_hours_per_week(self) -> float:
        return sum(r.hours_per_week for r in self.reductions)


@dataclass(frozen=True)
class Case:
    ref: str  # pseudonymous reference
    level: str  # a security level (institution) or a supervision level (community)
    factors: frozenset[str] = frozenset()  # complexity factor codes
    language: str = "en"
    extra_hours: float = 0.0  # approved intensive-supervision hours a month
    former_officers: tuple[str, ...] = ()  # officer codes, most recent first (continuity)
    officer: str | None = None  # current officer; None = a new case waiting for one
    covered_by: str | None = None  # a colleague carrying it while `officer` is absent
    # Specialisations this case would rather have (a soft rule); see rules.preferred_specialisations.
    preferred_specialisations: frozenset[str] = frozenset()

    @property
    def carrier(self) -> str | None:
        """Who carries the case now: the covering colleague, else its officer."""
        return self.covered_by or self.officer


@dataclass(frozen=True)
class SiteWorkload:
    site: str
    kind: str  # site kind (codes.SITE_KINDS): which policy activities apply
    officers: tuple[Officer, ...]
    cases: tuple[Case, ...] = ()
    period: tuple[dt.date, dt.date] | None = None  # planned-for period; None = ignore dated absences
    _officer_index: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        index = {}
        for i, officer in enumerate(self.officers):
            if officer.code in index:
                raise ValueError(f"officer {officer.code!r} appears twice at site {self.site}")
            index[officer.code] = i
        refs = set()
        for case in self.cases:
            if case.ref in refs:
                raise ValueError(f"case {case.ref!r} appears twice at site {self.site}")
            refs.add(case.ref)
        object.__setattr__(self, "_officer_index", index)

    def officer(self, code: str) -> Officer:
        try:
            return self.officers[self._officer_index[code]]
        except KeyError:
            raise KeyError(f"no officer {code!r} at site {self.site}") from None

    def officer_position(self, code: str | None) -> int:
        """Index of an officer in ``officers``, -1 when not one of this site's officers."""
        return self._officer_index.get(code, -1) if code is not None else -1

    def new_cases(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.officer is None)

    def absence_of(self, officer: Officer, period: tuple[dt.date, dt.date] | None = None) -> Absence | bool | None:
        """What makes the officer absent for the period: an Absence, True (``present`` is false),
        or None when present."""
        if not officer.present:
            return True
        period = period or self.period
        if period is None:
            return None
        for absence in officer.absences:
            if absence.overlaps(*period):
                return absence
        return None

    def is_present(self, officer: Officer, period: tuple[dt.date, dt.date] | None = None) -> bool:
        return self.absence_of(officer, period) is None

    def with_cases(self, cases: Iterable[Case]) -> SiteWorkload:
        return replace(self, cases=tuple(cases))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday-to-Sunday week holding ``day``; the calendar's last week stops at 9999-12-31."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=min(6, (dt.date.max - monday).days))


# --- from the import format ------------------------------------------------------------------


def site_workload_from_tables(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    site: str,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    case_extra_hours: Mapping[str, float] | None = None,
    former_officers: Mapping[str, Sequence[str]] | None = None,
    reductions: Mapping[str, Sequence[Reduction]] | None = None,
    preferred_specialisations: Mapping[str, Iterable[str]] | None = None,
    counted_roles: tuple[str, ...] = COUNTED_ROLES,
) -> SiteWorkload:
    """One site's officers and open cases from import-format rows (``dict[table, list[row]]``).

    - officers: those of ``site`` whose role carries a caseload (``counted_roles``, parole
      officers by default), with their languages, specialisations and every recorded absence;
    - cases: those of ``site`` open on ``as_of`` (opened <= as_of, closed empty or later); a case
      with no officer is a new case to assign;
    - period: the planned-for period, by default the Monday-to-Sunday week of ``as_of``;
    - reductions: by officer code, kept when in force for the period (they may be dated);
    - case_extra_hours: approved intensive-supervision hours a month by case ref;
    - former_officers: officer codes by case ref, most recent first (assignment history is not
      in the import format);
    - preferred_specialisations: by case ref (a soft rule).
    """
    period = period or week_of(as_of)
    site_row = _site_row(tables, site)
    kind = _parse(site_row.get("kind"), codes.SITE_KINDS, codes.SITE_KIND, "sites", None, "kind")
    case_extra_hours = dict(case_extra_hours or {})
    former_officers = dict(former_officers or {})
    reductions = dict(reductions or {})
    preferred = dict(preferred_specialisations or {})

    absences: dict[str, list[Absence]] = {}
    for row_no, row in enumerate(tables.get("absences", ()), start=1):
        code = (row.get("officer") or "").strip()
        absences.setdefault(code, []).append(
            Absence(
                _date(row.get("start"), "absences", row_no, "start"),
                _date(row.get("end"), "absences", row_no, "end"),
                _parse(row.get("kind"), codes.ABSENCE_KINDS, codes.ABSENCE_KIND, "absences", row_no, "kind"),
            )
        )

    officers = []
    for row_no, row in enumerate(tables.get("officers", ()), start=1):
        if (row.get("site") or "").strip() != site or (row.get("role") or "").strip() not in counted_roles:
            continue
        code = (row.get("code") or "").strip()
        try:
            fte = float(row.get("fte") or "")
        except ValueError:
            raise InputError("officers", row_no, "fte", f"fte {row.get('fte')!r} is not a number") from None
        if not 0 < fte <= 1:
            raise InputError("officers", row_no, "fte", f"fte {row.get('fte')!r} is out of range: more than 0 and at most 1")
        officers.append(
            Officer(
                code=code,
                fte=fte,
                languages=frozenset(
                    _parse_list(row.get("languages"), codes.LANGUAGES, codes.LANGUAGE, "officers", row_no, "languages")
                ),
                specialisations=frozenset(
                    _parse_list(row.get("specialisations"), codes.SPECIALISATIONS, codes.SPECIALISATION, "officers", row_no,
                                "specialisations")
                ),
                absences=tuple(sorted(absences.get(code, ()), key=lambda a: a.start)),
                reductions=tuple(r for r in reductions.get(code, ()) if r.in_force(*period)),
            )
        )  # fmt: skip

    day = as_of.isoformat()
    cases = []
    for row_no, row in enumerate(tables.get("cases", ()), start=1):
        if (row.get("site") or "").strip() != site:
            continue
        opened, closed = (row.get("opened") or "").strip(), (row.get("closed") or "").strip()
        for column, text in (("opened", opened), ("closed", closed)):
            if text:
                _date(text, "cases", row_no, column)
        if (opened and opened > day) or (closed and closed <= day):
            continue
        ref = (row.get("ref") or "").strip()
        security, supervision = (row.get("security_level") or "").strip(), (row.get("supervision_level") or "").strip()
        if bool(security) == bool(supervision):
            raise InputError("cases", row_no, "supervision_level", "a case needs a security level or a supervision level, not both")
        level = _parse(security or supervision, LEVELS, codes.SECURITY_LEVEL if security else codes.SUPERVISION_LEVEL,
                       "cases", row_no, "security_level" if security else "supervision_level")  # fmt: skip
        cases.append(
            Case(
                ref=ref,
                level=level,
                factors=frozenset(_parse_list(row.get("factors"), codes.COMPLEXITY_FACTORS, codes.COMPLEXITY_FACTOR,
                                              "cases", row_no, "factors")),
                language=_parse(row.get("language") or "en", codes.LANGUAGES, codes.LANGUAGE, "cases", row_no, "language"),
                extra_hours=float(case_extra_hours.pop(ref, 0.0)),
                former_officers=tuple(former_officers.get(ref, ())),
                officer=(row.get("officer") or "").strip() or None,
                preferred_specialisations=frozenset(preferred.get(ref, ())),
            )
        )  # fmt: skip
    if case_extra_hours:
        raise InputError("case_extra_hours", None, "ref", f"no open case {next(iter(case_extra_hours))!r} at site {site}")
    return SiteWorkload(site=site, kind=kind, officers=tuple(officers), cases=tuple(cases), period=period)


def _site_row(tables, site: str) -> Mapping[str, str]:
    for row in tables.get("sites", ()):
        if (row.get("code") or "").strip() == site:
            return row
    raise InputError("sites", None, "code", f"unknown site {site!r}")


def _parse(value, allowed, what, table, row_no, column) -> str:
    try:
        return codes.parse_code(value or "", allowed, what=what)
    except codes.CodeError as error:
        raise InputError(table, row_no, column, str(error)) from None


def _parse_list(value, allowed, what, table, row_no, column) -> list[str]:
    try:
        return codes.parse_code_list(value or "", allowed, what=what)
    except codes.CodeError as error:
        raise InputError(table, row_no, column, str(error)) from None


def _date(value, table, row_no, column) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InputError(table, row_no, column, f"{value!r} is not a date (YYYY-MM-DD)") from None
