"""Policies: versioned, cited TOML files that hold every number the staffing methods use.

A policy file is validated on load; a file that breaks the schema is refused with one message per
problem, each naming the dotted key at fault (``ratios.institution.minimum: must be a positive
number, got -3``).

Every number is a *cited number*: either an inline table ``{ value = 25, status = "cited",
source = "..." }`` (``note`` optional) or, in user files, a bare number (status ``unsourced``).
Frequencies may be written ``{ every_months = 6, ... }`` instead of a value, so "every six
months" is stored exactly rather than as 0.1666....

Schema (keys in brackets are optional; see caseweight/policies/csc-current.toml for a full file):

    [name] [version] [title_en] [title_fr] [description_en] [description_fr] [extends]
    ratios.hybrid              "own_level" | "lowest_ratio"
    ratios.institution.<security level>   cases per officer, all three levels
    [ratios.ccc] [ratios.parole_office]   cases per officer; absent = method does not apply
    time.week_hours  time.day_hours  time.weeks_per_year
    allowances.holidays  .annual_leave  .sick_leave  .training  .other_absence   (h per FTE-year)
    other_duties.share                    0 <= share < 1
    activities.<code>: [label_en] [label_fr] [site_kinds] minutes  frequency.<level> (per month)
    complexity_factors.<factor code>: [label_en] [label_fr] minutes (extra per month) [specialisation]
    absence_rates.<absence kind>          share of weeks, every kind
    resilience.alpha                      0 < alpha < 1
    [resilience.min_officer_years]        officer-years of absence records a site needs before its own
                                          rates replace absence_rates (default 5)
    [resilience.season_summer]            multiplier of the short-absence rate in ISO weeks 27-35
    [resilience.season_december]          multiplier in ISO weeks 51-52 (both default 1: no season;
                                          the other weeks are scaled so the year averages 1)
    [resilience.long_share]               share of the absence rate taken in long spells (default 0)
    [resilience.long_mean_weeks]          mean length of a long spell in weeks, >= 1 (default 1)
    [resilience.long_min_days]            working days from which a recorded absence is long (default 15)
    [resilience.correlation]              intra-class correlation of officers' absences in a week (default 0)
    [overtime.rate] [overtime.double_rate] [overtime.double_after_hours]
    [pay.annual_salary] [pay.hourly_rate] a parole officer's pay (costs are null without them)

``extends = "<policy name>"`` starts from another policy and overrides only the keys given (a cited
number is replaced whole; tables are merged), so a scenario file can be three lines long. It names
a policy (NAME_PATTERN), never a path: shipped ones first, then the users' folders.

Every number must lie in the range of its kind (BOUNDS: e.g. at most 1,000 cases per officer, 2,400
minutes an activity, 300 times a month); refusals name the key and never echo a server path.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseweight import codes

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "policies"

# How sure a number is, shown by the UI next to it.
STATUSES = (
    "cited",  # taken from the named public source or seed document
    "derived",  # arithmetic on cited figures (the note or the file's comment shows it)
    "assumption",  # a reading of a source that is not confirmed (e.g. the A/B/C/D letter mapping)
    "verify",  # cited, but the exact clause must be checked before the figure is relied on
    "illustrative",  # no public figure: a placeholder default to replace with measured values
    "unsourced",  # a bare number in a user's file
)
HYBRID_RULES = ("own_level", "lowest_ratio")
ALLOWANCES = ("holidays", "annual_leave", "sick_leave", "training", "other_absence")
LEVELS = codes.SECURITY_LEVELS + codes.SUPERVISION_LEVELS
OVERTIME_KEYS = ("rate", "double_rate", "double_after_hours")
# Optional resilience keys besides alpha, with the value used when a policy leaves one out. The
# defaults switch the Monte Carlo extras off (no season, no long spells, no correlation), so a
# policy that says nothing about them gets the plain binomial model, not invented numbers.
RESILIENCE_DEFAULTS = {
    "min_officer_years": 5.0,
    "season_summer": 1.0,
    "season_december": 1.0,
    "long_share": 0.0,
    "long_mean_weeks": 1.0,
    "long_min_days": 15.0,
    "correlation": 0.0,
}
_RESILIENCE_CHECKS = {  # the kind of each (BOUNDS)
    "min_officer_years": "officer_years",
    "season_summer": "season",
    "season_december": "season",
    "long_share": "share",
    "long_mean_weeks": "spell_weeks",  # at least 1 week
    "long_min_days": "days",
    "correlation": "share",
}
PAY_KEYS = ("annual_salary", "hourly_rate")
# ISO weeks of the seasonal peaks (resilience.season_summer / season_december).
SUMMER_WEEKS = tuple(range(27, 36))  # July and August
DECEMBER_WEEKS = (51, 52)


class PolicyError(ValueError):
    """A refused policy. ``problems`` lists (key, problem); the message names each key.

    Pages show these messages, so they never hold a server path nor anything read from a file the
    user did not give (a parent named by ``extends`` is reported by its name only)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{key}: {problem}" for key, problem in self.problems))


@dataclass(frozen=True)
class Cited:
    """A number (or code) with where it comes from."""

    value: Any
    source: str = ""
    status: str = "unsourced"
    note: str = ""

    def to_dict(self) -> dict:
        return {"value": self.value, "source": self.source, "status": self.status, "note": self.note}


@dataclass(frozen=True)
class Activity:
    code: str
    label_en: str
    label_fr: str
    minutes: Cited
    frequency: Mapping[str, Cited]  # occurrences per month, by level; a missing level is 0
    site_kinds: tuple[str, ...]  # the site kinds whose cases have this activity

    def label(self, language: str = "en") -> str:
        return self.label_fr if language == "fr" and self.label_fr else self.label_en


@dataclass(frozen=True)
class ComplexityFactor:
    code: str
    label_en: str
    label_fr: str
    minutes: Cited  # extra minutes a month for a case with this factor
    specialisation: str | None

    def label(self, language: str = "en") -> str:
        return self.label_fr if language == "fr" and self.label_fr else self.label_en


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    hybrid: Cited  # value: "own_level" or "lowest_ratio"
    institution_ratios: Mapping[str, Cited]  # security level -> cases per officer
    ccc_ratio: Cited | None
    parole_office_ratio: Cited | None
    week_hours: Cited
    day_hours: Cited
    weeks_per_year: Cited
    allowances: Mapping[str, Cited]  # hours per FTE-year, keys ALLOWANCES
    other_duties_share: Cited
    activities: tuple[Activity, ...]
    complexity_factors: Mapping[str, ComplexityFactor]  # every code of codes.COMPLEXITY_FACTORS
    absence_rates: Mapping[str, Cited]  # share of weeks, keys codes.ABSENCE_KINDS
    alpha: Cited
    overtime: Mapping[str, Cited]
    cited: Mapping[str, Cited] = field(repr=False)  # every cited number by its dotted key
    path: Path | None = None
    digest: str = ""  # sha256 of the file(s) it was read from, to tell versions apart
    resilience: Mapping[str, Cited] = field(default_factory=dict)  # optional resilience.* keys given
    pay: Mapping[str, Cited] = field(default_factory=dict)  # keys PAY_KEYS given

    def resilience_value(self, key: str) -> float:
        """An optional resilience number (RESILIENCE_DEFAULTS names them), or its default."""
        cited = self.resilience.get(key)
        return float(cited.value) if cited is not None else RESILIENCE_DEFAULTS[key]

    @property
    def annual_salary(self) -> float | None:
        cited = self.pay.get("annual_salary")
        return float(cited.value) if cited is not None else None

    @property
    def hourly_rate(self) -> float | None:
        """pay.hourly_rate, else the annual salary over weeks × week hours; None without pay."""
        cited = self.pay.get("hourly_rate")
        if cited is not None:
            return float(cited.value)
        annual = self.annual_salary
        return None if annual is None else annual / (self.weeks_per_year.value * self.week_hours.value)

    @property
    def working_weeks_per_year(self) -> float:
        """Weeks the office is open: weeks less the designated holidays (they close it for everyone)."""
        return self.weeks_per_year.value - self.allowances["holidays"].value / self.week_hours.value

    # --- derived figures, used by the time-standard method -------------------------------
    @property
    def awt_hours_per_year(self) -> float:
        """WISN available working time: weeks × week hours − the yearly allowances."""
        return self.weeks_per_year.value * self.week_hours.value - sum(a.value for a in self.allowances.values())

    @property
    def awt_hours_per_month(self) -> float:
        return self.awt_hours_per_year / 12

    def title(self, language: str = "en") -> str:
        return self.title_fr if language == "fr" and self.title_fr else self.title_en

    def number(self, key: str) -> Cited:
        """The cited number at a dotted key, e.g. ``activities.community_contact.frequency.A``."""
        return self.cited[key]

    def summary(self) -> dict:
        """What a report says about the policy it used."""
        return {
            "name": self.name,
            "version": self.version,
            "title_en": self.title_en,
            "title_fr": self.title_fr,
            "hybrid": self.hybrid.value,
            "awt_hours_per_year": self.awt_hours_per_year,
            "other_duties_share": self.other_duties_share.value,
            "digest": self.digest,
        }

    def sources(self) -> list[dict]:
        """Every cited number with its key, value, status, source and note (for a sources page)."""
        return [{"key": key, **cited.to_dict()} for key, cited in self.cited.items()]


# ------------------------------------------------------------------------------------------
# Loading and finding policy files
# ------------------------------------------------------------------------------------------

# A policy's name is also its file's name (<name>.toml): letters, digits, '-' and '_', so no '/',
# '\\', '..' nor hidden file, and no name can reach outside the policy folders. The one rule for
# `extends`, the names pages accept, and the names of uploaded files.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
NAME_RULE = "letters, digits, '-' and '_' only, 64 at most"


def is_policy_name(text: Any) -> bool:
    return isinstance(text, str) and NAME_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True)
class PolicyFile:
    """One entry of list_policies: a loadable policy, or a file refused with its error."""

    name: str
    path: Path
    shipped: bool
    version: str = ""
    title_en: str = ""
    title_fr: str = ""
    error: str | None = None


def _dirs(search_dirs: Iterable[str | Path]) -> list[Path]:
    # The shipped directory always comes first, so a user file cannot redefine "csc-current".
    dirs = [SHIPPED_DIR]
    for d in search_dirs:
        p = Path(d).resolve()
        if p not in dirs:
            dirs.append(p)
    return dirs


def find_policy_file(name: str, *, search_dirs: Iterable[str | Path] = ()) -> Path:
    """The file of the policy called `name`. The refusal names no folder: it may reach a page."""
    if is_policy_name(name):
        for d in _dirs(search_dirs):
            candidate = d / f"{name}.toml"
            if candidate.is_file():
                return candidate
    raise PolicyError([("name", f"no policy named {_show(name)}")])


def load_policy(path_or_name: str | Path, *, search_dirs: Iterable[str | Path] = ()) -> Policy:
    """Load and validate a policy by name (shipped directory first, then search_dirs) or by path.

    A path is for the command line and tests only (the user names their own file); pages pass a
    name, which never reaches outside the policy folders."""
    search_dirs = list(search_dirs)
    text = str(path_or_name)
    if isinstance(path_or_name, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(path_or_name)
        if not path.is_file():
            raise PolicyError([("name", f"no policy file at {path}")])
    else:
        path = find_policy_file(text, search_dirs=search_dirs)
    data, digest = _read_with_parents(path, search_dirs, seen=())
    return parse_policy(data, name=path.stem, path=path, digest=digest)


def list_policies(search_dirs: Iterable[str | Path] = ()) -> list[PolicyFile]:
    """Every policy file: shipped ones first (by name), then each user directory's, in order.

    A file that does not validate is listed with its error rather than hidden, so the user sees
    why it is missing from the choices; so is a user file whose name an earlier file already uses,
    or whose name is not a policy name. Errors name no folder: the list is shown on a page.
    """
    search_dirs = list(search_dirs)
    shipped_names: set[str] = set()
    seen: set[str] = set()
    entries: list[PolicyFile] = []
    for d in _dirs(search_dirs):
        if not d.is_dir():
            continue
        shipped = d == SHIPPED_DIR
        for path in sorted(d.glob("*.toml")):
            name = path.stem
            error = None
            if not is_policy_name(name):
                error = f"name {_show(name)} is not a policy name ({NAME_RULE})"
            elif name in seen:
                used_by = "a shipped policy" if name in shipped_names else "a policy in an earlier folder"
                error = f"name {name!r} is already used by {used_by}"
            if error:
                entries.append(PolicyFile(name, path, shipped, error=error))
                continue
            seen.add(name)
            if shipped:
                shipped_names.add(name)
            try:
                policy = load_policy(path, search_dirs=search_dirs)
            except PolicyError as error:
                entries.append(PolicyFile(name, path, shipped, error=str(error)))
            else:
                entries.append(PolicyFile(name, path, shipped, policy.version, policy.title_en, policy.title_fr))
    return entries


def read_policy_text(raw: bytes) -> dict:
    """A policy file's bytes as TOML data, or PolicyError saying why not (the one reader of the
    format: the loader and the upload both use it). Hostile files are refused with a message,
    not a Python error: a number past Python's 4,300-digit limit (ValueError inside tomllib),
    arrays or tables nested thousands deep (RecursionError)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise PolicyError([("(file)", f"not UTF-8 text (byte 0x{raw[error.start]:02x} on line {line})")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError([("(file)", f"not valid TOML: {error}")]) from None
    except RecursionError:
        raise PolicyError([("(file)", "not a policy: arrays or tables nested too deeply")]) from None
    except ValueError:  # tomllib's int() refuses more than sys.get_int_max_str_digits() digits
        long_number = re.search(r"[0-9_]{%d,}" % (sys.get_int_max_str_digits() + 1), text)
        where = f" on line {text.count(chr(10), 0, long_number.start()) + 1}" if long_number else ""
        raise PolicyError([("(file)", f"a number{where} has too many digits (more than "
                                      f"{sys.get_int_max_str_digits()})")]) from None  # fmt: skip


class _CircularExtends(PolicyError):
    """A circle of `extends`: reported as it is, not as a parent that does not validate."""


def _read_with_parents(path: Path, search_dirs: list, seen: tuple[str, ...]) -> tuple[dict, str]:
    raw = path.read_bytes()
    data = read_policy_text(raw)
    digest = hashlib.sha256(raw)
    parent = data.get("extends")
    if parent is None:
        return data, digest.hexdigest()
    if not is_policy_name(parent):
        raise PolicyError([("extends", f"must be the name of a policy ({NAME_RULE}), got {_show(parent)}")])
    chain = (*seen, path.stem)
    if parent in chain:
        raise _CircularExtends([("extends", f"circular: {' -> '.join((*chain, parent))}")])
    try:
        parent_path = find_policy_file(parent, search_dirs=search_dirs)
    except PolicyError:
        raise PolicyError([("extends", f"no policy named {parent!r}")]) from None
    # The parent is validated alone first, and its own problems are not repeated here: they are
    # its file's, not the user's (its page lists them).
    try:
        base, base_digest = _read_with_parents(parent_path, search_dirs, chain)
        parse_policy(base, name=parent)
    except _CircularExtends:
        raise
    except PolicyError:
        raise PolicyError([("extends", f"the policy {parent!r} does not validate: choose another or fix it first")]) from None
    digest.update(base_digest.encode())
    merged = _merge(base, data)
    # Descriptive keys belong to the file that says them, not to its parent.
    for key in ("name", "version", "title_en", "title_fr", "description_en", "description_fr", "extends"):
        merged.pop(key, None)
        if key in data and key != "extends":
            merged[key] = data[key]
    return merged, digest.hexdigest()


def _is_cited_table(value: Any) -> bool:
    return isinstance(value, dict) and ("value" in value or "every_months" in value)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and not _is_cited_table(value) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


# ------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------


class _Checker:
    """Walks the TOML data, collecting (key, problem) pairs instead of stopping at the first."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []
        self.cited: dict[str, Cited] = {}

    def problem(self, key: str, text: str) -> None:
        self.problems.append((key, text))

    def table(self, data: Mapping, key: str, *, required: bool = True) -> dict | None:
        value = _get(data, key)
        if value is _MISSING:
            if required:
                self.problem(key, "missing")
            return None
        if not isinstance(value, dict) or _is_cited_table(value):
            self.problem(key, f"must be a table, got {_show(value)}")
            return None
        return value

    def text(self, data: Mapping, key: str, default: str = "") -> str:
        value = _get(data, key)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.problem(key, f"must be text, got {_show(value)}")
            return default
        return value

    def known_keys(self, table: Mapping, prefix: str, allowed: Iterable[str], what: str = "key") -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                self.problem(_join(prefix, key), f"unknown {what} {_show(key)}; expected one of: {', '.join(allowed)}")

    def number(
        self,
        data: Mapping,
        key: str,
        *,
        check: str,
        required: bool = True,
        frequency: bool = False,
    ) -> Cited | None:
        """Read a cited number at the dotted key; `check` names its kind in BOUNDS."""
        raw = _get(data, key)
        if raw is _MISSING:
            if required:
                self.problem(key, "missing")
            return None
        source, status, note = "", "unsourced", ""
        if isinstance(raw, dict):
            allowed = ("value", "every_months", "source", "status", "note") if frequency else ("value", "source", "status", "note")
            self.known_keys(raw, key, allowed)
            if "every_months" in raw and frequency:
                months = raw["every_months"]
                if "value" in raw:
                    self.problem(key, "give either value or every_months, not both")
                    return None
                wrong = self.out_of_bounds(months, "every_months")
                if wrong:
                    self.problem(_join(key, "every_months"), wrong)
                    return None
                value = 1 / months
            elif "value" in raw:
                value = raw["value"]
            else:
                self.problem(_join(key, "value"), "missing")
                return None
            source = raw.get("source", "")
            status = raw.get("status", "cited" if source else "unsourced")
            note = raw.get("note", "")
            for part, text in (("source", source), ("status", status), ("note", note)):
                if not isinstance(text, str):
                    self.problem(_join(key, part), f"must be text, got {_show(text)}")
                    return None
            if status not in STATUSES:
                self.problem(_join(key, "status"), f"unknown status {_show(status)}; expected one of: {', '.join(STATUSES)}")
                return None
        else:
            value = raw
        wrong = self.out_of_bounds(value, check)
        if wrong:
            self.problem(key, wrong)
            return None
        cited = Cited(float(value), source, status, note)
        self.cited[key] = cited
        return cited

    @staticmethod
    def out_of_bounds(value: Any, kind: str) -> str | None:
        """Why `value` is not a number of this kind (BOUNDS), or None."""
        if not _is_number(value):
            return f"must be a number, got {_show(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"must be a finite number, got {_show(value)}"
        return BOUNDS[kind].problem(value)

    def choice(self, data: Mapping, key: str, allowed: tuple[str, ...]) -> Cited | None:
        raw = _get(data, key)
        if raw is _MISSING:
            self.problem(key, "missing")
            return None
        source, status, note = "", "unsourced", ""
        if isinstance(raw, dict):
            self.known_keys(raw, key, ("value", "source", "status", "note"))
            value = raw.get("value")
            source = raw.get("source", "")
            status = raw.get("status", "cited" if source else "unsourced")
            note = raw.get("note", "")
            if status not in STATUSES:
                self.problem(_join(key, "status"), f"unknown status {_show(status)}; expected one of: {', '.join(STATUSES)}")
                return None
        else:
            value = raw
        if value not in allowed:
            self.problem(key, f"must be one of {', '.join(allowed)}, got {_show(value)}")
            return None
        cited = Cited(value, str(source), str(status), str(note))
        self.cited[key] = cited
        return cited


_MISSING = object()

@dataclass(frozen=True)
class Bound:
    """The range one kind of policy number must fall in. Below it the refusal says what is wanted;
    above it, "too large: at most <high><unit>". A share's upper end is open (1 would mean every
    week), so a share of 1 or more is refused with what is wanted, too."""

    wanted: str
    low: float
    low_open: bool
    high: float
    unit: str = ""
    high_open: bool = False

    def problem(self, value: float) -> str | None:
        if value < self.low or (self.low_open and value == self.low) or (self.high_open and value >= self.high):
            return f"must be {self.wanted}, got {_show(value)}"
        if value > self.high:
            high = f"{int(self.high):,}" if float(self.high).is_integer() else f"{self.high:g}"
            return f"too large: at most {high}{self.unit}, got {_show(value)}"
        return None


_POSITIVE, _AT_LEAST_0, _MULTIPLIER = "a positive number", "a number of at least 0", "a multiplier of at least 1"
# Every kind of number a policy holds, with its range: the one place the bounds are decided. The
# upper ends are far past any real policy, but keep every figure the engine derives finite and
# meaningful (a 1e308-minute activity times a frequency is inf, then nan in every total; a huge
# integer does not even convert to a float).
BOUNDS = {
    "ratio": Bound(_POSITIVE, 0, True, 1000, " cases per officer"),
    "week_hours": Bound(_POSITIVE, 0, True, 168, " hours (a whole week)"),
    "day_hours": Bound(_POSITIVE, 0, True, 24, " hours (a whole day)"),
    "weeks_per_year": Bound(_POSITIVE, 0, True, 53, " weeks"),
    "hours_per_year": Bound(_AT_LEAST_0, 0, False, 8784, " hours (a whole leap year)"),
    "minutes": Bound(_AT_LEAST_0, 0, False, 2400, " minutes (a 40-hour week) each time"),
    "frequency": Bound(_AT_LEAST_0, 0, False, 300, " times a month (ten a day)"),
    "every_months": Bound(_POSITIVE, 0, True, 1200, " months (a century)"),
    "minutes_per_month": Bound(_AT_LEAST_0, 0, False, 10000, " minutes a month (a full-time officer's month)"),
    "share": Bound("a share of at least 0 and less than 1", 0, False, 1, high_open=True),
    "alpha": Bound("a share more than 0 and less than 1", 0, True, 1, high_open=True),
    "officer_years": Bound(_POSITIVE, 0, True, 1000, " officer-years"),
    "season": Bound(_POSITIVE, 0, True, 10, " times the average week"),
    "spell_weeks": Bound(_MULTIPLIER, 1, False, 52, " weeks"),
    "days": Bound(_POSITIVE, 0, True, 366, " days"),
    "pay_rate": Bound(_MULTIPLIER, 1, False, 10, " times the hourly rate"),
    "annual_salary": Bound(_POSITIVE, 0, True, 10_000_000, " a year"),
    "hourly_rate": Bound(_POSITIVE, 0, True, 10_000, " an hour"),
}


def _get(data: Mapping, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _is_number(value: Any) -> bool:
    # TOML booleans are Python ints; "true" is not a caseload ratio.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A value for a refusal, short: the user's own text, cut, and never a 4,000-digit echo."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"a number of {math.floor(math.log10(abs(value))) + 1} digits"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:60]) + "…"
    return type(value).__name__


def _show_list(value: Any) -> str:
    if not isinstance(value, list):
        return _show(value)
    return "[" + ", ".join(_show(item) for item in value[:10]) + (", …]" if len(value) > 10 else "]")


_TOP_KEYS = (
    "name", "version", "title_en", "title_fr", "description_en", "description_fr", "extends",
    "ratios", "time", "allowances", "other_duties", "activities", "complexity_factors",
    "absence_rates", "resilience", "overtime", "pay",
)  # fmt: skip


def parse_policy(data: Mapping, *, name: str | None = None, path: Path | None = None, digest: str = "") -> Policy:
    """Validate parsed TOML data and build a Policy, or raise PolicyError listing every problem."""
    c = _Checker()
    c.known_keys(data, "", _TOP_KEYS)

    file_name = name
    name = c.text(data, "name", default=file_name or "")
    if not name:
        c.problem("name", "missing")
    elif file_name and name != file_name:
        c.problem("name", f"must match the file name {file_name!r}, got {_show(name)}")
    version = c.text(data, "version")
    if not version:
        c.problem("version", "missing")

    # Ratios.
    ratios = c.table(data, "ratios")
    hybrid = institution_ratios = ccc_ratio = parole_office_ratio = None
    if ratios is not None:
        c.known_keys(ratios, "ratios", ("hybrid", "institution", "ccc", "parole_office"))
        hybrid = c.choice(data, "ratios.hybrid", HYBRID_RULES)
        institution = c.table(data, "ratios.institution")
        if institution is not None:
            c.known_keys(institution, "ratios.institution", codes.SECURITY_LEVELS, "security level")
            institution_ratios = {
                level: c.number(data, f"ratios.institution.{level}", check="ratio") for level in codes.SECURITY_LEVELS
            }
        ccc_ratio = c.number(data, "ratios.ccc", check="ratio", required=False)
        parole_office_ratio = c.number(data, "ratios.parole_office", check="ratio", required=False)

    # Time and allowances.
    time = c.table(data, "time")
    week_hours = day_hours = weeks = None
    if time is not None:
        c.known_keys(time, "time", ("week_hours", "day_hours", "weeks_per_year"))
        week_hours = c.number(data, "time.week_hours", check="week_hours")
        day_hours = c.number(data, "time.day_hours", check="day_hours")
        weeks = c.number(data, "time.weeks_per_year", check="weeks_per_year")
    allowances_table = c.table(data, "allowances")
    allowances: dict[str, Cited | None] = {}
    if allowances_table is not None:
        c.known_keys(allowances_table, "allowances", ALLOWANCES, "allowance")
        allowances = {a: c.number(data, f"allowances.{a}", check="hours_per_year") for a in ALLOWANCES}
    if week_hours and weeks and allowances and all(allowances.values()):
        total = sum(a.value for a in allowances.values())
        if total >= week_hours.value * weeks.value:
            c.problem("allowances", f"add up to {total:g} h, leaving no available working time in a "
                                    f"{week_hours.value * weeks.value:g}-hour year")  # fmt: skip

    other = c.table(data, "other_duties")
    share = None
    if other is not None:
        c.known_keys(other, "other_duties", ("share",))
        share = c.number(data, "other_duties.share", check="share")

    # Activities.
    activities: list[Activity] = []
    activities_table = c.table(data, "activities")
    if activities_table is not None:
        if not activities_table:
            c.problem("activities", "needs at least one activity")
        for code in activities_table:
            activity = _activity(c, data, code)
            if activity:
                activities.append(activity)

    # Complexity factors: every code, so a flagged factor never silently counts for nothing.
    factors: dict[str, ComplexityFactor] = {}
    factors_table = c.table(data, "complexity_factors")
    if factors_table is not None:
        c.known_keys(factors_table, "complexity_factors", codes.COMPLEXITY_FACTORS, "factor code")
        for code in codes.COMPLEXITY_FACTORS:
            key = f"complexity_factors.{code}"
            entry = c.table(data, key)
            if entry is None:
                continue
            c.known_keys(entry, key, ("label_en", "label_fr", "minutes", "specialisation"))
            minutes = c.number(data, f"{key}.minutes", check="minutes_per_month")
            specialisation = c.text(data, f"{key}.specialisation") or None
            if specialisation is not None and specialisation not in codes.SPECIALISATIONS:
                c.problem(f"{key}.specialisation", f"unknown specialisation {_show(specialisation)}; "
                                                   f"expected one of: {', '.join(codes.SPECIALISATIONS)}")  # fmt: skip
            if minutes:
                label_en = c.text(data, f"{key}.label_en", code.replace("_", " "))
                factors[code] = ComplexityFactor(code, label_en, c.text(data, f"{key}.label_fr"), minutes, specialisation)

    # Absences and resilience (used by the resilient method).
    absence_table = c.table(data, "absence_rates")
    absence_rates: dict[str, Cited | None] = {}
    if absence_table is not None:
        c.known_keys(absence_table, "absence_rates", codes.ABSENCE_KINDS, "absence kind")
        absence_rates = {k: c.number(data, f"absence_rates.{k}", check="share") for k in codes.ABSENCE_KINDS}
        if all(absence_rates.values()) and sum(r.value for r in absence_rates.values()) >= 1:
            c.problem("absence_rates", "add up to a share of 1 or more: nobody would ever be at work")
    resilience = c.table(data, "resilience")
    alpha = None
    resilience_numbers: dict[str, Cited] = {}
    if resilience is not None:
        c.known_keys(resilience, "resilience", ("alpha", *RESILIENCE_DEFAULTS))
        alpha = c.number(data, "resilience.alpha", check="alpha")
        for key, check in _RESILIENCE_CHECKS.items():
            number = c.number(data, f"resilience.{key}", check=check, required=False)
            if number is not None:
                resilience_numbers[key] = number
        summer = resilience_numbers.get("season_summer")
        december = resilience_numbers.get("season_december")
        peaks = (summer.value if summer else 1.0) * len(SUMMER_WEEKS) + (december.value if december else 1.0) * len(DECEMBER_WEEKS)
        if peaks >= 52:
            c.problem("resilience", f"the seasonal peaks take {peaks:g} of the year's 52 week-shares, leaving none for the other weeks")

    pay: dict[str, Cited] = {}
    pay_table = c.table(data, "pay", required=False)
    if pay_table is not None:
        c.known_keys(pay_table, "pay", PAY_KEYS)
        for key in PAY_KEYS:
            number = c.number(data, f"pay.{key}", check=key, required=False)
            if number is not None:
                pay[key] = number

    overtime: dict[str, Cited] = {}
    overtime_table = c.table(data, "overtime", required=False)
    if overtime_table is not None:
        c.known_keys(overtime_table, "overtime", OVERTIME_KEYS)
        for key in OVERTIME_KEYS:
            check = "week_hours" if key == "double_after_hours" else "pay_rate"
            number = c.number(data, f"overtime.{key}", check=check, required=False)
            if number:
                overtime[key] = number

    if c.problems:
        raise PolicyError(c.problems)
    return Policy(
        name=name,
        version=version,
        title_en=c.text(data, "title_en", name),
        title_fr=c.text(data, "title_fr"),
        description_en=c.text(data, "description_en"),
        description_fr=c.text(data, "description_fr"),
        hybrid=hybrid,
        institution_ratios=institution_ratios,
        ccc_ratio=ccc_ratio,
        parole_office_ratio=parole_office_ratio,
        week_hours=week_hours,
        day_hours=day_hours,
        weeks_per_year=weeks,
        allowances=allowances,
        other_duties_share=share,
        activities=tuple(activities),
        complexity_factors=factors,
        absence_rates=absence_rates,
        alpha=alpha,
        overtime=overtime,
        cited=c.cited,
        path=path,
        digest=digest,
        resilience=resilience_numbers,
        pay=pay,
    )


def _activity(c: _Checker, data: Mapping, code: str) -> Activity | None:
    key = f"activities.{code}"
    entry = c.table(data, key)
    if entry is None:
        return None
    if not code.replace("_", "").isalnum():
        c.problem(key, "an activity code may hold only letters, digits and '_'")
    c.known_keys(entry, key, ("label_en", "label_fr", "site_kinds", "minutes", "frequency"))
    minutes = c.number(data, f"{key}.minutes", check="minutes")
    site_kinds = entry.get("site_kinds", list(codes.SITE_KINDS))
    if not isinstance(site_kinds, list) or not site_kinds or any(k not in codes.SITE_KINDS for k in site_kinds):
        c.problem(f"{key}.site_kinds", f"must be a list of site kinds from: {', '.join(codes.SITE_KINDS)}; "
                                       f"got {_show_list(site_kinds)}")  # fmt: skip
        site_kinds = []
    frequency_table = c.table(data, f"{key}.frequency")
    frequency: dict[str, Cited] = {}
    if frequency_table is not None:
        c.known_keys(frequency_table, f"{key}.frequency", LEVELS, "level")
        for level in LEVELS:
            number = c.number(data, f"{key}.frequency.{level}", check="frequency", required=False, frequency=True)
            if number is not None:
                frequency[level] = number
    if minutes is None:
        return None
    return Activity(
        code=code,
        label_en=c.text(data, f"{key}.label_en", code.replace("_", " ")),
        label_fr=c.text(data, f"{key}.label_fr"),
        minutes=minutes,
        frequency=frequency,
        site_kinds=tuple(k for k in codes.SITE_KINDS if k in site_kinds),
    )

