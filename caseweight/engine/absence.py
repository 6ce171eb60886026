"""Absence rates per site, from absence records or from the policy.

The resilient method needs, for each site, the chance that an officer is away in a week. This
module estimates it from the absence records (the import format's ``absences`` table: officer,
kind, start, end inclusive) over a window, by default the 52 weeks before ``as_of``:

    rate(site, kind) = working days away (Mon-Fri, inside the window) / (officers × working days)

Officers are the site's counted officers today (parole officers): the inputs do not say when an
officer joined or left, so each is taken as observed for the whole window, and an absence counts at
the officer's site today. Designated holidays are not removed from the working days (the inputs
have no holiday calendar); a year's window holds exactly 52 × 5 = 260 working days. Records are
assumed to exist from ``recorded_since`` (by default the first day of the earliest record): the
days before it are not observed, so they do not count as days at work.

Too little history: a site's own rates are used only when its records cover at least
``resilience.min_officer_years`` officer-years (officers × observed working days / 260) **and** it
has at least one record in the window (a site where nobody was away in a whole year has almost
surely not recorded its absences). Otherwise the policy's ``absence_rates`` apply. Each site says
which: ``source`` is "records" or "policy".

The seasonal shape (which weeks of the year are busier) and the long spells are estimated from all
the sites that use their records, pooled (one site's 52 weekly figures would be noise): the season
from the short absences, by ISO week (week 53 counts as 52), as multipliers that average 1; the long
spells from absences of ``resilience.long_min_days`` working days or more. Both need the whole
window observed and ten times the minimum officer-years pooled; otherwise the policy's
``resilience.season_*`` and ``long_*`` numbers apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import StaffingInputs
from caseweight.engine.policy import DECEMBER_WEEKS, SUMMER_WEEKS, Policy

WEEKS = 52
WORKING_DAYS_PER_WEEK = 5
WORKING_DAYS_PER_YEAR = WEEKS * WORKING_DAYS_PER_WEEK  # 260: what an officer-year of records means
POOLED_YEARS_FACTOR = 10  # pooled records needed for the season and long spells, × min_officer_years
KINDS = codes.ABSENCE_KINDS
SOURCES = ("records", "policy")


@dataclass(frozen=True, eq=False)
class AbsenceRates:
    """Per-site absence rates (index = site index) and the shape of absences over the year."""

    as_of: dt.date
    window_start: dt.date  # first day of the window
    window_end: dt.date  # last day of the window (the day before as_of)
    observed_start: dt.date | None  # first day with records inside the window; None: no records
    rate: np.ndarray  # (sites,) share of working days away, all kinds: the rate the methods use
    by_kind: np.ndarray  # (sites, kinds), kinds in codes.ABSENCE_KINDS order
    source: tuple[str, ...]  # "records" or "policy", per site
    officer_years: np.ndarray  # (sites,) officer-years of records observed
    records: np.ndarray  # (sites,) absence records overlapping the observed window
    recorded_rate: np.ndarray  # (sites,) the records' own rate, NaN without observed days (even where policy applies)
    weekly: np.ndarray  # (sites, 52) share of working days away by ISO week, NaN where nothing was observed
    season: np.ndarray  # (52,) multiplier of the short-absence rate by ISO week (index 0 = week 1), mean 1
    season_source: str  # "records" or "policy"
    long_share: float  # share of the absence rate taken in long spells
    long_mean_weeks: float  # mean length of a long spell, weeks
    long_source: str  # "records" or "policy"
    min_officer_years: float

    def site(self, i: int) -> dict:
        """One site's figures, JSON-ready."""
        return {
            "rate": float(self.rate[i]),
            "by_kind": {k: float(v) for k, v in zip(KINDS, self.by_kind[i].tolist())},
            "source": self.source[i],
            "officer_years": float(self.officer_years[i]),
            "records": int(self.records[i]),
            "recorded_rate": _num(self.recorded_rate[i]),
        }

    def summary(self) -> dict:
        """The window and the shared shape, JSON-ready."""
        return {
            "as_of": self.as_of.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "observed_start": self.observed_start.isoformat() if self.observed_start else None,
            "min_officer_years": self.min_officer_years,
            "sites_records": self.source.count("records"),
            "sites_policy": self.source.count("policy"),
            "season": [float(v) for v in self.season.tolist()],
            "season_source": self.season_source,
            "long_share": self.long_share,
            "long_mean_weeks": self.long_mean_weeks,
            "long_source": self.long_source,
        }


def _num(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


# --- the policy's defaults -----------------------------------------------------------------------


def policy_rates(policy: Policy) -> np.ndarray:
    """The policy's absence_rates in codes.ABSENCE_KINDS order."""
    return np.array([policy.absence_rates[k].value for k in KINDS], dtype=np.float64)


def policy_season(policy: Policy) -> np.ndarray:
    """52 multipliers (ISO weeks 1-52): the summer and December peaks, the other weeks scaled so
    that the year averages exactly 1 (so the season moves absences around, never adds any)."""
    summer = policy.resilience_value("season_summer")
    december = policy.resilience_value("season_december")
    peaks = summer * len(SUMMER_WEEKS) + december * len(DECEMBER_WEEKS)
    others = (WEEKS - peaks) / (WEEKS - len(SUMMER_WEEKS) - len(DECEMBER_WEEKS))
    season = np.full(WEEKS, others)
    season[np.array(SUMMER_WEEKS) - 1] = summer
    season[np.array(DECEMBER_WEEKS) - 1] = december
    return season


# --- from the records ----------------------------------------------------------------------------


def default_as_of(inputs: StaffingInputs) -> dt.date:
    """The day the window ends before: the inputs' as_of if given, else today."""
    return inputs.as_of if inputs.as_of is not None else dt.date.today()


def iso_week_buckets(first_day: dt.date, days: int) -> np.ndarray:
    """For each of `days` days from first_day, its ISO week number - 1 (0-51; week 53 counts as 52)."""
    return np.array([min((first_day + dt.timedelta(d)).isocalendar()[1], WEEKS) - 1 for d in range(days)], dtype=np.intp)


def absence_rates(
    inputs: StaffingInputs,
    policy: Policy,
    *,
    as_of: dt.date | None = None,
    weeks: int = WEEKS,
    recorded_since: dt.date | None = None,
    min_officer_years: float | None = None,
) -> AbsenceRates:
    """Each site's absence rate (records where there are enough, else the policy's).

    as_of: the window is the `weeks` weeks before it (default: ``default_as_of(inputs)``).
    recorded_since: the day absence recording began (default: the earliest record's start).
    min_officer_years: overrides the policy's ``resilience.min_officer_years``.
    """
    as_of = as_of or default_as_of(inputs)
    n_sites = len(inputs.sites)
    days = 7 * weeks
    window_start = as_of - dt.timedelta(days)
    window_end = as_of - dt.timedelta(1)
    min_years = float(policy.resilience_value("min_officer_years") if min_officer_years is None else min_officer_years)
    default_by_kind = policy_rates(policy)
    counted = inputs.counted_officer_mask
    officers = np.bincount(inputs.officers.site[counted], minlength=n_sites).astype(np.float64)

    absences = inputs.absences
    if absences is not None and len(absences):
        keep = (absences.officer < 0) | counted[np.maximum(absences.officer, 0)]
        site, kind, start, end = absences.site[keep], absences.kind[keep], absences.start[keep], absences.end[keep]
    else:
        site = kind = np.zeros(0, np.intp)
        start = end = np.zeros(0, "datetime64[D]")
    if recorded_since is None and len(start):
        recorded_since = start.min().astype(dt.date)
    observed_start = max(window_start, recorded_since) if recorded_since is not None else None
    if observed_start is not None and observed_start > window_end:
        observed_start = None

    # Clip each absence to the observed window; those outside it drop out.
    if observed_start is not None:
        first, last = np.datetime64(observed_start, "D"), np.datetime64(window_end, "D")
        a, b = np.maximum(start, first), np.minimum(end, last)
        inside = a <= b
        site, kind, a, b = site[inside], kind[inside], a[inside], b[inside]
        whole_days = np.busday_count(start[inside], end[inside] + 1)  # the spell's length, for long spells
        away_days = np.busday_count(a, b + 1).astype(np.float64)
        observed_days = float(np.busday_count(first, last + 1))
    else:
        a = b = np.zeros(0, "datetime64[D]")
        whole_days = away_days = np.zeros(0)
        observed_days = 0.0

    officer_days = officers * observed_days
    officer_years = officer_days / WORKING_DAYS_PER_YEAR
    n_kinds = len(KINDS)
    away_by_kind = np.bincount(site * n_kinds + kind, weights=away_days, minlength=n_sites * n_kinds).reshape(n_sites, n_kinds)
    records = np.bincount(site, minlength=n_sites)
    with np.errstate(divide="ignore", invalid="ignore"):
        recorded_by_kind = np.where(officer_days[:, None] > 0, away_by_kind / officer_days[:, None], np.nan)
    use_records = (officer_years >= min_years) & (records > 0)
    by_kind = np.where(use_records[:, None], np.nan_to_num(recorded_by_kind), default_by_kind[None, :])
    # Absences of one officer never overlap (the import refuses it), so the total is at most 1;
    # the clip guards hand-made arrays.
    rate = np.minimum(by_kind.sum(axis=1), 1.0)
    source = tuple(SOURCES[0] if u else SOURCES[1] for u in use_records.tolist())

    # Day by day, to spread absences over ISO weeks (for the weekly shares and the season).
    weekly = np.full((n_sites, WEEKS), np.nan)
    season, season_source = policy_season(policy), "policy"
    long_share = policy.resilience_value("long_share")
    long_mean_weeks = policy.resilience_value("long_mean_weeks")
    long_source = "policy"
    if observed_start is not None:
        offset = (observed_start - window_start).days
        n_days = days - offset
        day0 = np.datetime64(observed_start, "D")
        first_day = ((a - day0).astype(np.int64), (b - day0).astype(np.int64) + 1)
        is_long = whole_days >= policy.resilience_value("long_min_days")
        bucket = iso_week_buckets(observed_start, n_days)
        workday = np.array([(observed_start + dt.timedelta(d)).weekday() < WORKING_DAYS_PER_WEEK for d in range(n_days)])
        away_all = _daily_counts(site, first_day, n_sites, n_days) * workday
        away_short = _daily_counts(site[~is_long], (first_day[0][~is_long], first_day[1][~is_long]), n_sites, n_days) * workday
        workdays_in_bucket = np.bincount(bucket, weights=workday, minlength=WEEKS)
        in_bucket = np.zeros((n_days, WEEKS))
        in_bucket[np.arange(n_days), bucket] = 1.0
        away_by_bucket = away_all @ in_bucket  # (sites, 52): working days away by ISO week
        bucket_officer_days = officers[:, None] * workdays_in_bucket[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            weekly = np.where(bucket_officer_days > 0, away_by_bucket / bucket_officer_days, np.nan)

        pooled = use_records
        enough = observed_start == window_start and officer_years[pooled].sum() >= POOLED_YEARS_FACTOR * min_years
        if enough:
            short_by_bucket = away_short[pooled].sum(axis=0) @ in_bucket
            pooled_days = bucket_officer_days[pooled].sum(axis=0)
            short_total = short_by_bucket.sum()
            if short_total > 0:
                with np.errstate(divide="ignore", invalid="ignore"):
                    shape = np.where(pooled_days > 0, short_by_bucket / pooled_days, np.nan) / (short_total / pooled_days.sum())
                shape = np.where(np.isfinite(shape), shape, 1.0)
                season, season_source = shape / shape.mean(), "records"
            in_pooled = pooled[site]
            total_away = away_days[in_pooled].sum()
            if total_away > 0:
                long_share = float(away_days[in_pooled & is_long].sum() / total_away)
                lengths = whole_days[in_pooled & is_long]
                long_mean_weeks = max(1.0, float(lengths.mean()) / WORKING_DAYS_PER_WEEK) if len(lengths) else long_mean_weeks
                long_source = "records"

    return AbsenceRates(
        as_of=as_of,
        window_start=window_start,
        window_end=window_end,
        observed_start=observed_start,
        rate=rate,
        by_kind=by_kind,
        source=source,
        officer_years=officer_years,
        records=records,
        recorded_rate=np.where(officer_days > 0, np.nan_to_num(recorded_by_kind).sum(axis=1), np.nan),
        weekly=weekly,
        season=season,
        season_source=season_source,
        long_share=long_share,
        long_mean_weeks=long_mean_weeks,
        long_source=long_source,
        min_officer_years=min_years,
    )


def _daily_counts(site: np.ndarray, span: tuple[np.ndarray, np.ndarray], n_sites: int, n_days: int) -> np.ndarray:
    """Officers away on each day, per site, shape (sites, days): +1 on the first day of each
    absence, -1 the day after its last, then a running sum (no loop over absences)."""
    first, after = span
    width = n_days + 1
    marks = np.bincount(site * width + first, minlength=n_sites * width) - np.bincount(site * width + after, minlength=n_sites * width)
    return np.cumsum(marks.reshape(n_sites, width), axis=1)[:, :n_days].astype(np.float64)
