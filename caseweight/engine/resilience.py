"""The resilient method: enough officers that absences rarely push a week past 37.5 hours.

Weekly workload W (hours a week the site's officers must work). From the time-standard method's
monthly figures, with s the other-duties share:

    H (hours a year) = 12 × (case hours / (1 − s) + add-on hours)
    W                = H / working weeks,  working weeks = weeks − holidays / week hours (52 − 2.2 = 49.8)

Holidays close the office for everyone, so they shorten the year rather than being random absences.
The time-standard method already nets every other absence out of its available working time
(AWT = weeks × week hours − holidays − leave − sick − training − other), so its FTE is H / AWT,
an FTE that covers the *average* absence. The resilient method models absences explicitly, so W
must not include them again:

    minimum FTE  = W / 37.5               the officers needed if nobody were ever away; with p = 0,
                                          the resilient N is exactly ceil(minimum FTE)
    relief FTE   = minimum FTE / (1 − p)  the classic relief factor; with p equal to the policy's
                                          allowances (leave, sick, training, other, over the
                                          year less holidays) it gives back the time-standard FTE
    resilient N  = smallest N with P(W / K > 37.5 h) ≤ α,  K ~ Binomial(N, 1 − p) present officers

so the three figures are on one scale. (K = 0 with W > 0 counts as overload.)

Expected uncovered hours a year E[max(0, W − 37.5·K)] × working weeks, at today's staff and at the
resilient N: the overtime that staffing to the minimum pushes onto the officers who are there.

Part-time officers. The binomial counts officers, not FTE. Today's staff is counted as its
headcount n, each officer with the site's mean FTE f = actual FTE / n, so a present officer covers
37.5 × f hours (exact when the officers share one FTE; otherwise the spread of the present capacity
is approximated). The resilient N counts full-time officers (capacity 37.5 h each): new positions
are full-time, and N is comparable with the time-standard positions.

Costs. Uncovered hours in a week with k officers present are valued as overtime shared evenly by
them: the first ``overtime.double_after_hours`` a present officer works over the week at
``overtime.rate``, the rest at ``overtime.double_rate``, times ``pay.hourly_rate`` (the threshold
is applied per officer-week, an approximation of the agreement's consecutive-hours rule; part-time
officers' extra hours are valued like full-time overtime, which overstates them; a week with nobody
present is valued at double time). The extra officers cost ``pay.annual_salary`` × (N − actual FTE).
Without ``pay`` the costs are null; without ``overtime`` the hours are valued at straight time.

Two models, and every result says which produced it:

- "binomial": exact, constant p, independent officers (``binomial_overload``, ``resilient_officers``);
- "monte_carlo": seasonal weekly rates, long spells lasting several weeks, and officers' absences
  correlated within a week (beta-binomial); see ``simulate_site``. Where the binomial applies
  (flat season, no long spells, correlation 0) the two agree within the simulation's error.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from caseweight.engine.absence import WEEKS, AbsenceRates, absence_rates, default_as_of
from caseweight.engine.inputs import StaffingInputs
from caseweight.engine.policy import Policy
from caseweight.engine.time_standard import TimeStandardResult, time_standard_staffing

MODELS = ("binomial", "monte_carlo")
# Dividing hours by capacity can land a hair above a whole number; that must not cost an officer.
TOLERANCE = 1e-9
MAX_OFFICERS = 1_000_000  # search cap: beyond it (a rate near 1) the site has no resilient N
_CHUNK_CELLS = 4_000_000  # sites × possible present counts evaluated at once (memory bound)


# ------------------------------------------------------------------------------------------------
# Workload and the simple figures
# ------------------------------------------------------------------------------------------------


def weekly_workload_hours(time: TimeStandardResult, policy: Policy) -> np.ndarray:
    """W per site: the time standard's case hours (with the other-duties allowance) and add-on
    hours, per working week. See the module docstring."""
    share = policy.other_duties_share.value
    yearly = 12 * (time.case_hours / (1 - share) + time.addon_hours)
    return yearly / policy.working_weeks_per_year


def minimum_fte(workload: np.ndarray, policy: Policy) -> np.ndarray:
    """Officers needed if nobody were ever away: W / week hours."""
    return np.asarray(workload, dtype=np.float64) / policy.week_hours.value


def relief_factor_fte(minimum: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """The classic relief factor: minimum FTE / (1 − average absence share)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(rate) < 1, np.asarray(minimum) / (1 - np.asarray(rate)), np.nan)


def present_needed(workload, capacity) -> np.ndarray:
    """Officers who must be present so that W / K ≤ capacity: ceil(W / capacity), 0 when W = 0."""
    workload = np.asarray(workload, dtype=np.float64)
    capacity = np.asarray(capacity, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(workload > 0, workload / capacity, 0.0)
    return np.maximum(np.ceil(ratio - TOLERANCE), 0).astype(np.int64)


@dataclass(frozen=True)
class OvertimeRules:
    """How an uncovered hour is paid: rate for the first `double_after` hours an officer works over
    the week, double_rate after that."""

    rate: float = 1.0
    double_rate: float = 1.0
    double_after: float = math.inf

    @classmethod
    def of(cls, policy: Policy) -> OvertimeRules:
        o = policy.overtime
        rate = o["rate"].value if "rate" in o else 1.0
        return cls(
            rate=rate,
            double_rate=o["double_rate"].value if "double_rate" in o else rate,
            double_after=o["double_after_hours"].value if "double_after_hours" in o else math.inf,
        )

    def paid_hours(self, uncovered, present) -> np.ndarray:
        """Straight-time-equivalent hours for `uncovered` hours shared by `present` officers."""
        uncovered = np.asarray(uncovered, dtype=np.float64)
        if math.isinf(self.double_after):
            return self.rate * uncovered
        first = np.minimum(uncovered, np.asarray(present, dtype=np.float64) * self.double_after)
        return self.rate * first + self.double_rate * (uncovered - first)


# ------------------------------------------------------------------------------------------------
# The exact binomial model
# ------------------------------------------------------------------------------------------------

_log_factorial_table = np.zeros(1)


def log_factorial(n) -> np.ndarray:
    """log(n!) for integer arrays, from a cumulative table (exact sums of logs, no gamma function)."""
    global _log_factorial_table
    n = np.asarray(n, dtype=np.int64)
    top = int(n.max()) if n.size else 0
    if top >= len(_log_factorial_table):
        size = max(top + 1, 2 * len(_log_factorial_table))
        _log_factorial_table = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, size, dtype=np.float64)))))
    return _log_factorial_table[n]


def binomial_pmf(k, n, q) -> np.ndarray:
    """P(K = k) for K ~ Binomial(n, q), vectorised; 0 outside 0 <= k <= n; exact at q = 0 and 1."""
    k, n, q = np.broadcast_arrays(np.asarray(k, np.int64), np.asarray(n, np.int64), np.asarray(q, np.float64))
    inside = (k >= 0) & (k <= n)
    kk, nn = np.where(inside, k, 0), np.where(inside, n, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0 × log 0 = 0: a term with a zero count contributes nothing, even when its log is −inf.
        successes = np.where(kk > 0, kk * np.log(q), 0.0)
        failures = np.where(nn - kk > 0, (nn - kk) * np.log1p(-q), 0.0)
    log_pmf = log_factorial(nn) - log_factorial(kk) - log_factorial(nn - kk) + successes + failures
    return np.where(inside, np.exp(log_pmf), 0.0)


@dataclass(frozen=True, eq=False)
class WeekFigures:
    """Per site: the chance a week is overloaded, and expected uncovered and paid hours a week."""

    p_overload: np.ndarray
    uncovered_hours: np.ndarray  # E[max(0, W − capacity·K)] a week
    paid_hours: np.ndarray  # the same hours at overtime rates (straight-time equivalent)


def binomial_overload(
    officers,
    absence_rate,
    workload_hours,
    *,
    capacity_hours=37.5,
    overtime: OvertimeRules = OvertimeRules(),
) -> WeekFigures:
    """Exact figures for N officers each away in a week with probability p, K ~ Binomial(N, 1 − p):
    P(W / K > capacity), E[max(0, W − capacity·K)], and the latter valued at overtime rates.

    Arguments broadcast to one array of sites. Only present counts k below the needed count
    contribute, so the sums run over k = 0 .. needed − 1, in chunks of sites of similar size.
    """
    n, p, w, c = np.broadcast_arrays(
        np.asarray(officers, np.int64), np.asarray(absence_rate, np.float64),
        np.asarray(workload_hours, np.float64), np.asarray(capacity_hours, np.float64),
    )  # fmt: skip
    shape = n.shape
    n, p, w, c = (a.ravel() for a in (n, p, w, c))
    top = np.minimum(present_needed(w, c) - 1, n)  # the largest overloaded present count
    prob, uncovered, paid = np.zeros(len(n)), np.zeros(len(n)), np.zeros(len(n))
    order = np.argsort(top, kind="stable")
    for chunk in _chunks(top[order] + 1):
        chunk = order[chunk]
        width = int(top[chunk].max()) + 1
        if width <= 0:
            continue  # never overloaded
        k = np.arange(width)[None, :]
        pmf = binomial_pmf(k, n[chunk, None], 1 - p[chunk, None])
        pmf = np.where(k <= top[chunk, None], pmf, 0.0)
        short = np.maximum(w[chunk, None] - c[chunk, None] * k, 0.0)
        prob[chunk] = pmf.sum(axis=1)
        uncovered[chunk] = (pmf * short).sum(axis=1)
        paid[chunk] = (pmf * overtime.paid_hours(short, k)).sum(axis=1)
    # Fewer officers than needed present: every week is overloaded, exactly (not 1 − rounding).
    prob = np.where(n < present_needed(w, c), 1.0, np.minimum(prob, 1.0))
    return WeekFigures(prob.reshape(shape), uncovered.reshape(shape), paid.reshape(shape))


def _chunks(widths: np.ndarray, budget: int = _CHUNK_CELLS):
    """Slices of sites (sorted by width) whose padded grid, sites × widest, stays within budget."""
    start = 0
    while start < len(widths):
        # Cells if the chunk ended at each later site: both factors grow, so the count does too.
        cells = np.arange(1, len(widths) - start + 1) * np.maximum(widths[start:], 1)
        start, end = start, start + max(1, int(np.searchsorted(cells, budget, side="right")))
        yield slice(start, end)
        start = end


def resilient_officers(workload_hours, absence_rate, alpha, *, capacity_hours=37.5, max_officers: int = MAX_OFFICERS) -> np.ndarray:
    """The smallest N with P(overload) ≤ alpha under the binomial model, per site (int64); −1 where
    no N up to max_officers will do (an absence rate of 1, or nearly). P(overload) never rises with N
    (one more officer can only add to K), so a doubling search then a bisection finds it exactly.
    """
    w, p, a, c = np.broadcast_arrays(
        np.asarray(workload_hours, np.float64), np.asarray(absence_rate, np.float64),
        np.asarray(alpha, np.float64), np.asarray(capacity_hours, np.float64),
    )  # fmt: skip
    w, p, a, c = (np.atleast_1d(x).ravel() for x in (w, p, a, c))
    need = present_needed(w, c)

    def ok(n, where):
        return binomial_overload(n, p[where], w[where], capacity_hours=c[where]).p_overload <= a[where]

    # lo: known too few (P > alpha); hi: known enough. N = need − 1 always overloads when need > 0.
    lo = need - 1
    hi = need.copy()
    todo = np.flatnonzero(~ok(hi, np.arange(len(w))))
    step = np.maximum(need, 1)
    while todo.size:
        lo[todo] = hi[todo]
        hi[todo] = np.minimum(hi[todo] + step[todo], max_officers + 1)
        step[todo] *= 2
        capped = hi[todo] > max_officers
        still = ~ok(hi[todo], todo)
        hi[todo[capped & still]] = -1  # give up: no resilient N
        todo = todo[still & ~capped]
    search = np.flatnonzero((hi >= 0) & (hi - lo > 1))
    while search.size:
        mid = (lo[search] + hi[search]) // 2
        good = ok(mid, search)
        hi[search[good]] = mid[good]
        lo[search[~good]] = mid[~good]
        search = search[hi[search] - lo[search] > 1]
    return hi


# ------------------------------------------------------------------------------------------------
# The Monte Carlo model
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceModel:
    """How absences behave over the year (shared by the sites; each site has its own rate).

    season: 52 multipliers of the short-absence rate by ISO week (mean 1).
    long_share: share of the absence rate taken in long spells (secondments, extended sick leave);
        a spell lasts a geometric number of weeks with mean long_mean_weeks, officers independently.
    correlation: intra-class correlation ρ of the officers' short absences in a week: the week's
        rate is drawn from a Beta with the week's mean and ρ (beta-binomial); 0 = independent.
    """

    season: tuple[float, ...] = (1.0,) * WEEKS
    long_share: float = 0.0
    long_mean_weeks: float = 1.0
    correlation: float = 0.0

    @classmethod
    def flat(cls) -> AbsenceModel:
        """The binomial model's assumptions: every week alike, one-week absences, independent officers."""
        return cls()

    @classmethod
    def of(cls, rates: AbsenceRates, policy: Policy) -> AbsenceModel:
        return cls(
            season=tuple(float(v) for v in rates.season),
            long_share=float(rates.long_share),
            long_mean_weeks=float(rates.long_mean_weeks),
            correlation=policy.resilience_value("correlation"),
        )

    def to_dict(self) -> dict:
        return {
            "season": list(self.season),
            "long_share": self.long_share,
            "long_mean_weeks": self.long_mean_weeks,
            "correlation": self.correlation,
        }


@dataclass(frozen=True, eq=False)
class SimulatedCurve:
    """One site's simulated figures for N = first_officers, first_officers + 1, ...: per N, the mean
    over runs and its standard error. When `complete`, every simulated week was covered beyond the
    last N (all figures 0); otherwise the simulation stopped early (at alpha or at last_officers)."""

    first_officers: int
    runs: int
    p_overload: np.ndarray
    p_overload_se: np.ndarray
    uncovered_hours_year: np.ndarray
    uncovered_hours_year_se: np.ndarray
    paid_hours_year: np.ndarray
    paid_hours_year_se: np.ndarray
    complete: bool = True

    @property
    def officers(self) -> np.ndarray:
        return self.first_officers + np.arange(len(self.p_overload))

    def at(self, n: int) -> dict:
        i = n - self.first_officers
        if i < 0 or (i >= len(self.p_overload) and not self.complete):
            raise ValueError(f"N = {n} was not simulated ({self.first_officers} to {self.first_officers + len(self.p_overload) - 1})")
        if i >= len(self.p_overload):
            return dict.fromkeys(("p_overload", "p_overload_se", "uncovered_hours_year", "uncovered_hours_year_se",
                                  "paid_hours_year", "paid_hours_year_se"), 0.0)  # fmt: skip
        return {
            "p_overload": float(self.p_overload[i]),
            "p_overload_se": float(self.p_overload_se[i]),
            "uncovered_hours_year": float(self.uncovered_hours_year[i]),
            "uncovered_hours_year_se": float(self.uncovered_hours_year_se[i]),
            "paid_hours_year": float(self.paid_hours_year[i]),
            "paid_hours_year_se": float(self.paid_hours_year_se[i]),
        }

    def smallest_officers(self, alpha: float) -> int | None:
        """The smallest simulated N with P(overload) ≤ alpha (None if the simulation stopped short)."""
        good = np.flatnonzero(self.p_overload <= alpha)
        if good.size:
            return self.first_officers + int(good[0])
        return None


def site_rng(seed: int, site_code: str, purpose: int) -> np.random.Generator:
    """A site's own random stream, from the seed and the site's code: its figures do not change
    when other sites are added, reordered or run in another thread."""
    return np.random.default_rng([int(seed), zlib.crc32(site_code.encode("utf-8")), purpose])


def _mean_se(per_run: np.ndarray) -> tuple[float, float]:
    runs = len(per_run)
    mean = float(per_run.mean())
    se = float(per_run.std(ddof=1) / math.sqrt(runs)) if runs > 1 else math.nan
    return mean, se


def _long_spells(slots: int, runs: int, share: float, mean_weeks: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Long spells of `slots` officers in each simulated year: (run, first week, week after), the
    weeks clipped to the year.

    Each officer alternates between work and a long spell (a two-state Markov chain in weeks): a
    spell ends with probability 1 / mean_weeks a week, one starts with the probability that makes
    the long-run share `share`, and week 0 is drawn from that long-run state. Officers are alike, so
    per simulated year it is enough to draw how many are on a spell at week 0 and how many start one
    later in the year (and when); only those officers are followed, stretch by stretch.
    """
    empty = np.zeros(0, dtype=np.int64)
    if slots <= 0 or share <= 0:
        return empty, empty, empty
    end = 1.0 / mean_weeks
    share = min(share, 0.999)
    begin = min(end * share / (1 - share), 1.0)
    years = np.arange(runs)
    on_at_start = rng.binomial(slots, share, size=runs)
    # A working officer's first spell starts after a geometric number of weeks: within the year
    # (weeks 1-51) with probability `within`; its week is drawn from the truncated geometric.
    within = 1 - (1 - begin) ** (WEEKS - 1)
    starting = rng.binomial(slots - on_at_start, within)
    u = rng.random(int(starting.sum()))
    first_week = np.ceil(np.log1p(-u * within) / np.log1p(-begin)).astype(np.int64) if begin < 1 else np.ones(u.size, np.int64)
    run = np.concatenate([np.repeat(years, on_at_start), np.repeat(years, starting)])
    week = np.concatenate([np.zeros(int(on_at_start.sum()), np.int64), np.clip(first_week, 1, WEEKS - 1)])
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    while run.size:
        # Every officer followed here is at the first week of a spell.
        stop = week + rng.geometric(end, size=run.size)
        found.append((run, week, np.minimum(stop, WEEKS)))
        more = stop < WEEKS
        run, week = run[more], stop[more] + rng.geometric(begin, size=int(more.sum()))
        more = week < WEEKS
        run, week = run[more], week[more]
    return tuple(np.concatenate(parts) for parts in zip(*found)) if found else (empty, empty, empty)


def _spell_counts(spells: tuple[np.ndarray, ...], runs: int) -> np.ndarray:
    """Officers on a long spell in each week, shape (runs, 52): +1 at a spell's first week, −1 at
    the week after, then a running sum."""
    run, first, after = spells
    width = WEEKS + 1
    marks = np.bincount(run * width + first, minlength=runs * width) - np.bincount(run * width + after, minlength=runs * width)
    return np.cumsum(marks.reshape(runs, width)[:, :WEEKS], axis=1)


def _on_spell(spells: tuple[np.ndarray, ...], runs: int, index: np.ndarray) -> np.ndarray:
    """For one officer's spells: is the officer away on the simulated weeks `index` (run × 52 +
    week)? Only the few years with a spell are laid out week by week."""
    run, first, after = spells
    if not run.size:
        return np.zeros(index.size, dtype=bool)
    years, compact = np.unique(run, return_inverse=True)
    slot = np.full(runs, -1)
    slot[years] = np.arange(years.size)
    counts = _spell_counts((compact, first, after), years.size)
    where = slot[index // WEEKS]
    away = np.zeros(index.size, dtype=bool)
    hit = where >= 0
    away[hit] = counts[where[hit], index[hit] % WEEKS] > 0
    return away


def _beta_parameters(mean: np.ndarray, correlation: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta(a, b) with the given mean and intra-class correlation ρ = 1 / (a + b + 1)."""
    scale = (1 - correlation) / correlation
    return mean * scale, (1 - mean) * scale


def _short_absence_cdf(officers: np.ndarray, mean: np.ndarray, correlation: float, width: int) -> np.ndarray:
    """CDF of the short absences among n officers, for each week's mean rate and each n:
    shape (52, len(officers), width), binomial when correlation is 0, else beta-binomial.
    Built by the ratio of successive probabilities, in logs, so large n does not underflow."""
    n = officers[None, :, None].astype(np.float64)
    s = np.arange(width - 1, dtype=np.float64)[None, None, :]  # steps s -> s + 1
    mu = mean[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if correlation > 0:
            a, b = _beta_parameters(mu, correlation)
            i = np.arange(int(officers.max()), dtype=np.float64)
            # log P(0) = Σ_{i<n} log((b + i) / (a + b + i)), for every n at once.
            terms = np.log(b + i) - np.log(a + b + i)  # (52, 1, max n)
            cumulative = np.concatenate([np.zeros((len(mean), 1, 1)), np.cumsum(terms, axis=2)], axis=2)
            log_first = np.take_along_axis(cumulative, np.broadcast_to(officers[None, :, None], (len(mean), len(officers), 1)), axis=2)
            steps = np.log(n - s) + np.log(a + s) - np.log(s + 1) - np.log(b + n - s - 1)
        else:
            log_first = np.where(n > 0, n * np.log1p(-mu), 0.0)
            steps = np.log(n - s) - np.log(s + 1) + np.log(mu) - np.log1p(-mu)
        steps = np.where(s < n, steps, -np.inf)  # no more absences than officers
        log_pmf = np.concatenate([np.broadcast_to(log_first, (len(mean), len(officers), 1)), log_first + np.cumsum(steps, axis=2)], axis=2)
    pmf = np.exp(log_pmf)
    pmf[np.isnan(pmf)] = 0.0  # 0 × log 0 corners
    cdf = np.cumsum(pmf, axis=2)
    cdf /= cdf[..., -1:]
    cdf[..., -1] = 1.0  # so every uniform in [0, 1) finds a value
    return cdf


GUIDE_BITS_MIN = 6


class _Sampler:
    """Inverse-CDF draws from many small discrete distributions (rows of a CDF table), fast.

    A draw is a raw 64-bit random integer x, read as the uniform x / 2^64; its value is the
    smallest k with x < cdf[row, k] × 2^64 (thresholds rounded to 2^-53, far below any simulation
    error). The top bits of x pick a guide bin that already knows the answer for most x, with the
    threshold to check it against; the few draws past it walk up the row. No float-to-index
    conversion, which is what costs most in NumPy at this scale.
    """

    def __init__(self, cdf: np.ndarray):
        rows, width = cdf.shape
        self.width = width
        self.bits = max(GUIDE_BITS_MIN, int(math.ceil(math.log2(8 * width))))  # ~8 bins a value
        guides = 1 << self.bits
        threshold = np.floor(np.clip(cdf, 0.0, 1.0) * 2.0**53).astype(np.uint64) << np.uint64(11)
        # A cumulative 1 would be 2^64, which wraps to 0: it takes every x left instead.
        threshold[(cdf >= 1.0) | (np.arange(width) == width - 1)] = np.iinfo(np.uint64).max
        guide = _guide_table(cdf, guides)
        self.threshold = threshold.ravel()
        self.guide = guide.ravel()
        self.guide_threshold = threshold[np.arange(rows)[:, None], guide].ravel()

    def draw(self, row: np.ndarray, x: np.ndarray) -> np.ndarray:
        cell = (row << self.bits) + (x >> np.uint64(64 - self.bits)).view(np.int64)
        k = self.guide.take(cell)
        over = np.flatnonzero(x >= self.guide_threshold.take(cell))
        last = self.width - 1
        while over.size:
            k[over] += 1
            kk = k[over]
            over = over[(kk < last) & (x[over] >= self.threshold.take(row[over] * self.width + kk))]
        return k


def _draw(cdf: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draws for uniforms u in [0, 1): the smallest k with u < cdf[row, k]."""
    x = (np.asarray(u, dtype=np.float64) * 2.0**53).astype(np.uint64) << np.uint64(11)
    return _Sampler(cdf).draw(np.asarray(row, dtype=np.int64), x)


def model_rates(absence_rate: float, model: AbsenceModel) -> tuple[float, np.ndarray]:
    """The long-spell share and the 52 weekly short-absence rates that give `absence_rate` on
    average: an officer is on a long spell with probability p_long = long_share × p, otherwise away
    on a short absence with rate_short × season[week], rate_short = (p − p_long) / (1 − p_long)."""
    long_rate = model.long_share * absence_rate
    short_rate = (absence_rate - long_rate) / (1 - long_rate) if long_rate < 1 else 0.0
    return long_rate, np.clip(short_rate * np.asarray(model.season, dtype=np.float64), 0.0, 0.999)


def expected_overload(
    officers: int,
    absence_rate: float,
    workload_hours: float,
    *,
    capacity_hours: float = 37.5,
    model: AbsenceModel = AbsenceModel(),
    working_weeks: float = 52.0,
    overtime: OvertimeRules = OvertimeRules(),
) -> dict:
    """The Monte Carlo model's expected figures for one site, computed exactly week by week.

    In a week, officers on a long spell L ~ Binomial(N, p_long) (each officer's spell process is
    independent and stationary), and short absences S | L ~ beta-binomial(N − L, week's rate, ρ).
    Averaging P(K < needed) and E[uncovered] over the 52 weeks gives the long-run means the
    simulation estimates; the simulation adds how the figures vary from one year to the next
    (long spells make bad weeks come together). Used to start the simulation's search near its
    answer, and by the tests to check the simulation under the full model.
    """
    long_rate, mean = model_rates(absence_rate, model)
    need = int(present_needed(workload_hours, capacity_hours))
    if officers <= 0:
        short = workload_hours
        return {"p_overload": 1.0 if need > 0 else 0.0, "uncovered_hours_year": short * working_weeks,
                "paid_hours_year": float(overtime.paid_hours(short, 0)) * working_weeks}  # fmt: skip
    on_long = np.arange(officers + 1)
    p_long = binomial_pmf(on_long, officers, long_rate)  # (L,)
    # Long spells are rare: counts whose probability is beyond the float's reach are left out.
    keep = max(1, int(np.searchsorted(np.cumsum(p_long), 1 - 1e-15)) + 1)
    on_long, p_long = on_long[:keep], p_long[:keep]
    cdf = _short_absence_cdf(officers - on_long, mean, model.correlation, officers + 1)  # (52, L, S+1)
    pmf = np.diff(cdf, axis=2, prepend=0.0)
    present = officers - on_long[:, None] - np.arange(officers + 1)[None, :]  # (L, S)
    valid = present >= 0
    weight = p_long[None, :, None] * pmf * valid  # (52, L, S): P(L = l, S = s) in each week
    short = np.where(valid, np.maximum(workload_hours - capacity_hours * present, 0.0), 0.0)
    paid = overtime.paid_hours(short, np.maximum(present, 0))
    per_week = WEEKS  # the figures are averages over the 52 weeks, scaled to the working year
    return {
        "p_overload": float((weight * (valid & (present < need))).sum() / per_week),
        "uncovered_hours_year": float((weight * short).sum() / per_week * working_weeks),
        "paid_hours_year": float((weight * paid).sum() / per_week * working_weeks),
    }


def expected_resilient_officers(absence_rate: float, workload_hours: float, alpha: float, *, capacity_hours: float = 37.5,
                                model: AbsenceModel = AbsenceModel(), start: int | None = None) -> int:  # fmt: skip
    """The smallest N whose expected weekly overload share (``expected_overload``) is ≤ alpha; −1
    when the rate leaves no such N. Searched up or down from `start` (default: the binomial N)."""
    if absence_rate >= 1:
        return -1
    need = int(present_needed(workload_hours, capacity_hours))
    n = int(resilient_officers(workload_hours, absence_rate, alpha, capacity_hours=capacity_hours)[0]) if start is None else start
    n = max(n, need)

    def ok(k: int) -> bool:
        return expected_overload(k, absence_rate, workload_hours, capacity_hours=capacity_hours, model=model)["p_overload"] <= alpha

    # The expected overload never rises with N: bracket the answer by doubling steps, then bisect.
    if ok(n):
        lo, hi, step = n - 1, n, 1
        while lo >= need and ok(lo):
            lo, hi, step = max(lo - 2 * step, need - 1), lo, 2 * step
    else:
        lo, hi, step = n, n + 1, 1
        while not ok(hi):
            if hi > MAX_OFFICERS:
                return -1
            lo, hi, step = hi, hi + 2 * step, 2 * step
    while hi - lo > 1:  # ok(hi), not ok(lo) (or lo below the fewest that could cope)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


_week_cache: dict[int, np.ndarray] = {}


def _weeks(runs: int) -> np.ndarray:
    """Week of each simulated week (run × 52 + week), cached: 0, 1, ..., 51, 0, 1, ..."""
    if runs not in _week_cache:
        _week_cache.clear()
        _week_cache[runs] = np.tile(np.arange(WEEKS, dtype=np.int64), runs)
    return _week_cache[runs]


def _guide_table(cdf: np.ndarray, guides: int) -> np.ndarray:
    """guide[r, j] = the smallest k with cdf[r, k] > j / guides: where a draw in bin j starts.

    That is the number of k with cdf[r, k] × guides ≤ j, i.e. with ceil(cdf × guides) ≤ j: a
    cumulative histogram of ceil(cdf × guides), exact because guides is a power of two."""
    rows, width = cdf.shape
    bins = np.minimum(np.ceil(cdf * guides), guides).astype(np.int64)  # bin `guides` = never counted
    counts = np.bincount((np.arange(rows)[:, None] * (guides + 1) + bins).ravel(), minlength=rows * (guides + 1))
    guide = np.cumsum(counts.reshape(rows, guides + 1)[:, :guides], axis=1)
    return np.minimum(guide, width - 1)


def simulate_site(
    *,
    workload_hours: float,
    absence_rate: float,
    capacity_hours: float,
    first_officers: int,
    last_officers: int,
    model: AbsenceModel,
    runs: int,
    rng: np.random.Generator,
    working_weeks: float,
    overtime: OvertimeRules = OvertimeRules(),
    stop_at: float | None = None,
) -> SimulatedCurve:
    """Simulate `runs` years of 52 weeks at one site, for N = first_officers .. last_officers
    (or until P(overload) ≤ stop_at, when given: the search for the resilient N needs no more).

    Each week an officer is away on a long spell (see _long_spells) or, if not, on a short absence
    with the week's rate: rate_short × season[week], where rate_short makes the year's average
    share away equal absence_rate. Officers are added one at a time to the *same* simulated weeks
    (common random numbers): officer N + 1 is away on a short absence with the probability given
    the absences of the others that week (the beta-binomial as a Pólya urn: (a + away) / (a + b +
    observed)), so one simulation gives the whole curve and a week covered with N officers stays
    covered with N + 1. It stops once every simulated week is covered.

    Per run (one simulated year): overloaded weeks / 52, uncovered hours and paid hours × working
    weeks / 52; the figures are means over runs and standard errors from the spread between runs
    (so weeks correlated within a year, by long spells, widen the error as they should).
    """
    need = int(present_needed(workload_hours, capacity_hours))
    long_rate, mean = model_rates(absence_rate, model)
    rho = model.correlation
    a, b = _beta_parameters(mean, rho) if rho > 0 else (None, None)
    scale = working_weeks / WEEKS
    per_run = {"p": [], "uncovered": [], "paid": []}

    def record(index: np.ndarray, present: np.ndarray) -> None:
        run = index // WEEKS
        short = np.maximum(workload_hours - capacity_hours * present, 0.0)
        per_run["p"].append(np.bincount(run, minlength=runs) / WEEKS)
        per_run["uncovered"].append(np.bincount(run, weights=short, minlength=runs) * scale)
        per_run["paid"].append(np.bincount(run, weights=overtime.paid_hours(short, present), minlength=runs) * scale)

    # N = first_officers: long spells, then the short absences among those not on one.
    n = first_officers
    spells = _long_spells(n, runs, long_rate, model.long_mean_weeks, rng)
    week = _weeks(runs)
    if spells[0].size:
        on_long = _spell_counts(spells, runs).ravel()
        top = int(on_long.max())
        row = week * (top + 1) + on_long  # table row: (week, officers on a long spell)
    else:
        on_long, top, row = 0, 0, week
    observed_by_long = n - np.arange(top + 1)  # officers not on a long spell, for each long count
    cdf = _short_absence_cdf(observed_by_long, mean, rho, n + 1).reshape(WEEKS * (top + 1), n + 1)
    away_short = _Sampler(cdf).draw(row, rng.bit_generator.random_raw(runs * WEEKS))
    present = (n - on_long) - away_short
    # Every simulated week at once: per-run sums are row sums of the (runs, 52) grid.
    overloaded = present < need
    short = np.where(overloaded, workload_hours - capacity_hours * present, 0.0).reshape(runs, WEEKS)
    per_run["p"].append(overloaded.reshape(runs, WEEKS).sum(axis=1) / WEEKS)
    per_run["uncovered"].append(short.sum(axis=1) * scale)
    per_run["paid"].append(overtime.paid_hours(short, present.reshape(runs, WEEKS)).sum(axis=1) * scale)
    index = np.flatnonzero(overloaded)
    present, away_short = present[index], away_short[index]
    observed = n - (on_long[index] if spells[0].size else 0) + np.zeros(index.size, dtype=np.int64)
    while index.size and n < last_officers and (stop_at is None or per_run["p"][-1].mean() > stop_at):
        n += 1
        long_now = _on_spell(_long_spells(1, runs, long_rate, model.long_mean_weeks, rng), runs, index)
        t = index % WEEKS
        chance = mean[t] if rho == 0 else (a[t] + away_short) / (a[t] + b[t] + observed)
        short_now = ~long_now & (rng.random(index.size) < chance)
        observed = observed + ~long_now
        away_short = away_short + short_now
        present = present + (~long_now & ~short_now)
        keep = present < need
        index, present, away_short, observed = index[keep], present[keep], away_short[keep], observed[keep]
        record(index, present)

    def series(name: str) -> tuple[np.ndarray, np.ndarray]:
        pairs = [_mean_se(values) for values in per_run[name]]
        return np.array([m for m, _ in pairs]), np.array([s for _, s in pairs])

    p, p_se = series("p")
    uncovered, uncovered_se = series("uncovered")
    paid, paid_se = series("paid")
    return SimulatedCurve(first_officers, runs, p, p_se, uncovered, uncovered_se, paid, paid_se, complete=not index.size)


# ------------------------------------------------------------------------------------------------
# All sites
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ModelFigures:
    """One model's per-site figures (index = site index); *_se are None for the exact model."""

    model: str
    p_overload_now: np.ndarray
    uncovered_hours_year_now: np.ndarray
    paid_hours_year_now: np.ndarray
    required_fte: np.ndarray  # the resilient N (full-time officers); NaN where none will do
    p_overload_required: np.ndarray
    uncovered_hours_year_required: np.ndarray
    paid_hours_year_required: np.ndarray
    p_overload_now_se: np.ndarray | None = None
    uncovered_hours_year_now_se: np.ndarray | None = None
    p_overload_required_se: np.ndarray | None = None
    uncovered_hours_year_required_se: np.ndarray | None = None
    runs: int | None = None
    seed: int | None = None


@dataclass(frozen=True, eq=False)
class ResilienceResult:
    """Per-site arrays (index = site index) of the resilient method. `figures` is the model the
    headline numbers come from: Monte Carlo when it ran, else the binomial."""

    policy: Policy
    alpha: float
    rates: AbsenceRates
    absence_model: AbsenceModel
    week_hours: float
    working_weeks: float
    weekly_workload_hours: np.ndarray
    minimum_fte: np.ndarray
    time_required_fte: np.ndarray
    relief_factor_fte: np.ndarray
    officers_now: np.ndarray  # counted officers (headcount)
    fte_now: np.ndarray
    capacity_now: np.ndarray  # hours a present officer covers today: week hours × mean FTE
    binomial: ModelFigures
    monte_carlo: ModelFigures | None
    overtime: OvertimeRules
    hourly_rate: float | None
    annual_salary: float | None
    time: TimeStandardResult = field(repr=False)

    @property
    def model(self) -> str:
        return "monte_carlo" if self.monte_carlo is not None else "binomial"

    @property
    def figures(self) -> ModelFigures:
        return self.monte_carlo if self.monte_carlo is not None else self.binomial

    def positions(self, figures: ModelFigures | None = None) -> np.ndarray:
        """Whole full-time positions: the resilient N (−1 where none will do)."""
        required = (figures or self.figures).required_fte
        return np.where(np.isfinite(required), required, -1).astype(np.int64)

    def costs(self, figures: ModelFigures | None = None) -> dict[str, np.ndarray]:
        """A year's cost of uncovered hours now and at the resilient N, and of the extra officers;
        NaN without pay figures in the policy."""
        f = figures or self.figures
        hourly = math.nan if self.hourly_rate is None else self.hourly_rate
        salary = math.nan if self.annual_salary is None else self.annual_salary
        now = f.paid_hours_year_now * hourly
        required = f.paid_hours_year_required * hourly
        extra = np.maximum(f.required_fte - self.fte_now, 0.0) * salary
        return {
            "cost_uncovered_now": now,
            "cost_uncovered_required": required,
            "cost_resilient_extra": extra,
            # What staffing to the resilient N adds once the overtime it avoids is counted.
            "cost_net": extra - (now - required),
        }


def resilient_staffing(
    inputs: StaffingInputs,
    policy: Policy,
    *,
    alpha: float | None = None,
    rates: AbsenceRates | None = None,
    simulations: int = 0,
    seed: int = 0,
    absence_model: AbsenceModel | None = None,
    time: TimeStandardResult | None = None,
    workers: int | None = None,
) -> ResilienceResult:
    """The resilient method for every site.

    alpha: share of weeks allowed to overload (default: the policy's resilience.alpha).
    rates: absence rates (default: ``absence_rates(inputs, policy)``, records or policy per site).
    simulations: Monte Carlo runs (simulated years) per site; 0 = the binomial model only.
    seed: the Monte Carlo seed (each site draws from its own stream, see site_rng).
    absence_model: season, long spells and correlation for Monte Carlo (default: from the rates
        and the policy).
    workers: threads for Monte Carlo (default: the machine's CPUs, at most 4); results do not
        depend on it.
    """
    alpha = float(policy.alpha.value if alpha is None else alpha)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be more than 0 and less than 1, got {alpha}")
    time = time or time_standard_staffing(inputs, policy)
    rates = rates or absence_rates(inputs, policy)
    model = absence_model or AbsenceModel.of(rates, policy)
    week_hours = policy.week_hours.value
    working_weeks = policy.working_weeks_per_year
    overtime = OvertimeRules.of(policy)

    workload = weekly_workload_hours(time, policy)
    minimum = minimum_fte(workload, policy)
    rate = rates.rate
    officers = inputs.counted_officers.astype(np.int64)
    fte = inputs.actual_fte
    with np.errstate(divide="ignore", invalid="ignore"):
        capacity_now = np.where(officers > 0, week_hours * fte / officers, week_hours)

    now = binomial_overload(officers, rate, workload, capacity_hours=capacity_now, overtime=overtime)
    n = resilient_officers(workload, rate, alpha, capacity_hours=week_hours)
    found = n >= 0
    at_n = binomial_overload(np.where(found, n, 0), rate, workload, capacity_hours=week_hours, overtime=overtime)
    nan = np.full(len(n), np.nan)
    binomial = ModelFigures(
        model="binomial",
        p_overload_now=now.p_overload,
        uncovered_hours_year_now=now.uncovered_hours * working_weeks,
        paid_hours_year_now=now.paid_hours * working_weeks,
        required_fte=np.where(found, n, np.nan).astype(np.float64),
        p_overload_required=np.where(found, at_n.p_overload, nan),
        uncovered_hours_year_required=np.where(found, at_n.uncovered_hours * working_weeks, nan),
        paid_hours_year_required=np.where(found, at_n.paid_hours * working_weeks, nan),
    )
    monte_carlo = None
    if simulations:
        monte_carlo = _monte_carlo_figures(
            inputs, workload, rate, capacity_now, officers, alpha, model, simulations, seed,
            week_hours, working_weeks, overtime, workers,
        )  # fmt: skip
    return ResilienceResult(
        policy=policy,
        alpha=alpha,
        rates=rates,
        absence_model=model,
        week_hours=week_hours,
        working_weeks=working_weeks,
        weekly_workload_hours=workload,
        minimum_fte=minimum,
        time_required_fte=time.required_fte,
        relief_factor_fte=relief_factor_fte(minimum, rate),
        officers_now=officers,
        fte_now=fte,
        capacity_now=capacity_now,
        binomial=binomial,
        monte_carlo=monte_carlo,
        overtime=overtime,
        hourly_rate=policy.hourly_rate,
        annual_salary=policy.annual_salary,
        time=time,
    )


def simulate_resilient(
    *,
    site_code: str,
    workload_hours: float,
    absence_rate: float,
    officers_now: int,
    capacity_now: float,
    alpha: float,
    model: AbsenceModel,
    runs: int,
    seed: int,
    week_hours: float = 37.5,
    working_weeks: float = 52.0,
    overtime: OvertimeRules = OvertimeRules(),
    start_officers: int | None = None,
) -> tuple[dict, SimulatedCurve | None]:
    """Monte Carlo for one site: today's staff (headcount at capacity_now) and the resilient N
    (full-time officers). Returns (figures, the curve over N for full-time officers; None when the
    absence rate is 1). figures: {"now": {...}, "required_fte": N or None, "required": {...} or None},
    each {...} holding p_overload, uncovered_hours_year, paid_hours_year and their "_se"."""
    if absence_rate >= 1:
        today = {"p_overload": 1.0 if workload_hours > 0 else 0.0, "p_overload_se": 0.0,
                 "uncovered_hours_year": workload_hours * working_weeks, "uncovered_hours_year_se": 0.0,
                 "paid_hours_year": float(overtime.paid_hours(workload_hours, 0)) * working_weeks, "paid_hours_year_se": 0.0}  # fmt: skip
        return {"now": today, "required_fte": None, "required": None}, None
    common = dict(workload_hours=workload_hours, absence_rate=absence_rate, model=model, runs=runs,
                  working_weeks=working_weeks, overtime=overtime)  # fmt: skip
    today = simulate_site(capacity_hours=capacity_now, first_officers=officers_now, last_officers=officers_now,
                          rng=site_rng(seed, site_code, 0), **common).at(officers_now)  # fmt: skip
    need = int(present_needed(workload_hours, week_hours))
    if start_officers is None:
        # Start one below the exact answer for the model's expected figures: the simulation's
        # answer is within its noise of it, and every officer simulated below the answer costs a
        # pass over all the simulated weeks.
        expected_n = expected_resilient_officers(absence_rate, workload_hours, alpha, capacity_hours=week_hours, model=model)
        start_officers = max(need, expected_n - 1) if expected_n >= 0 else need
    first = max(0, start_officers)
    last = first + 100 * max(need, 1) + 100
    curve = simulate_site(capacity_hours=week_hours, first_officers=first, last_officers=last,
                          rng=site_rng(seed, site_code, 1), stop_at=alpha, **common)  # fmt: skip
    if first > need and curve.p_overload[0] <= alpha:
        # Already enough at the start: simulate from the fewest officers that could do.
        first = need
        curve = simulate_site(capacity_hours=week_hours, first_officers=first, last_officers=last,
                              rng=site_rng(seed, site_code, 1), stop_at=alpha, **common)  # fmt: skip
    n = curve.smallest_officers(alpha)
    if n is None:
        if not curve.complete:
            return {"now": today, "required_fte": None, "required": None}, curve
        n = first + len(curve.p_overload)  # every simulated week was covered from here on
    return {"now": today, "required_fte": n, "required": curve.at(n)}, curve


def _monte_carlo_figures(inputs, workload, rate, capacity_now, officers, alpha, model, runs, seed,
                         week_hours, working_weeks, overtime, workers) -> ModelFigures:  # fmt: skip
    n_sites = len(workload)

    def one(i: int) -> dict:
        figures, _ = simulate_resilient(
            site_code=inputs.sites.codes[i], workload_hours=float(workload[i]), absence_rate=float(rate[i]),
            officers_now=int(officers[i]), capacity_now=float(capacity_now[i]), alpha=alpha, model=model,
            runs=runs, seed=seed, week_hours=week_hours, working_weeks=working_weeks, overtime=overtime,
        )  # fmt: skip
        return figures

    workers = workers or min(4, _cpus())
    if workers > 1 and n_sites > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, range(n_sites)))
    else:
        results = [one(i) for i in range(n_sites)]

    def column(part: str, key: str) -> np.ndarray:
        return np.array([r[part][key] if r[part] is not None else np.nan for r in results], dtype=np.float64)

    return ModelFigures(
        model="monte_carlo",
        p_overload_now=column("now", "p_overload"),
        uncovered_hours_year_now=column("now", "uncovered_hours_year"),
        paid_hours_year_now=column("now", "paid_hours_year"),
        required_fte=np.array([np.nan if r["required_fte"] is None else r["required_fte"] for r in results], dtype=np.float64),
        p_overload_required=column("required", "p_overload"),
        uncovered_hours_year_required=column("required", "uncovered_hours_year"),
        paid_hours_year_required=column("required", "paid_hours_year"),
        p_overload_now_se=column("now", "p_overload_se"),
        uncovered_hours_year_now_se=column("now", "uncovered_hours_year_se"),
        p_overload_required_se=column("required", "p_overload_se"),
        uncovered_hours_year_required_se=column("required", "uncovered_hours_year_se"),
        runs=runs,
        seed=seed,
    )


def _cpus() -> int:
    return os.cpu_count() or 1


# ------------------------------------------------------------------------------------------------
# Charts for one site
# ------------------------------------------------------------------------------------------------


def overload_curve(
    inputs: StaffingInputs,
    policy: Policy,
    site: str,
    *,
    officers: range | None = None,
    alpha: float | None = None,
    rates: AbsenceRates | None = None,
    simulations: int = 0,
    seed: int = 0,
    absence_model: AbsenceModel | None = None,
) -> dict:
    """P(overload) and uncovered hours a year against the number of full-time officers N, for one
    site (a chart: the curve, the alpha line, today's staff and the resilient N).

    officers: the Ns to give (default: from one below the fewest that could cope to a few past
    both the resilient N and today's staff). With simulations > 0 the points are Monte Carlo
    estimates with standard errors (one simulation, common random numbers: the curve never rises).
    """
    s = inputs.site_index(site)
    alpha = float(policy.alpha.value if alpha is None else alpha)
    rates = rates or absence_rates(inputs, policy)
    model = absence_model or AbsenceModel.of(rates, policy)
    time = time_standard_staffing(inputs, policy)
    week_hours = policy.week_hours.value
    working_weeks = policy.working_weeks_per_year
    overtime = OvertimeRules.of(policy)
    workload = float(weekly_workload_hours(time, policy)[s])
    rate = float(rates.rate[s])
    officers_now = int(inputs.counted_officers[s])
    need = int(present_needed(workload, week_hours))
    required = int(resilient_officers(workload, rate, alpha, capacity_hours=week_hours)[0])
    if officers is None:
        top = max(required if required >= 0 else need, officers_now, need) + 3
        officers = range(max(0, need - 1), top + 1)
    ns = np.array(list(officers), dtype=np.int64)
    hourly = policy.hourly_rate
    if simulations:
        curve = simulate_site(
            workload_hours=workload, absence_rate=min(rate, 0.999), capacity_hours=week_hours,
            first_officers=int(ns.min()), last_officers=int(ns.max()), model=model, runs=simulations,
            rng=site_rng(seed, site, 2), working_weeks=working_weeks, overtime=overtime,
        )  # fmt: skip
        points = []
        for n in ns.tolist():
            at = curve.at(n)
            points.append({"officers": n, "p_overload": at["p_overload"], "p_overload_se": at["p_overload_se"],
                           "uncovered_hours_year": at["uncovered_hours_year"],
                           "uncovered_hours_year_se": at["uncovered_hours_year_se"],
                           "cost_uncovered": None if hourly is None else at["paid_hours_year"] * hourly})  # fmt: skip
        mc_required = curve.smallest_officers(alpha)
        model_name = "monte_carlo"
    else:
        f = binomial_overload(ns, rate, workload, capacity_hours=week_hours, overtime=overtime)
        points = [
            {"officers": n, "p_overload": p, "uncovered_hours_year": u * working_weeks,
             "cost_uncovered": None if hourly is None else paid * working_weeks * hourly}
            for n, p, u, paid in zip(ns.tolist(), f.p_overload.tolist(), f.uncovered_hours.tolist(), f.paid_hours.tolist())
        ]  # fmt: skip
        model_name = "binomial"
    return {
        "site": site,
        "model": model_name,
        "alpha": alpha,
        "weekly_workload_hours": workload,
        "absence_rate": rate,
        "absence_rate_source": rates.source[s],
        "officers_now": officers_now,
        "fte_now": float(inputs.actual_fte[s]),
        "minimum_fte": workload / week_hours,
        # The binomial N always; the Monte Carlo N when simulated and inside the range given.
        "required_fte": required if required >= 0 else None,
        "required_fte_monte_carlo": (mc_required if simulations else None),
        "points": points,
    }


def weekly_load_history(
    inputs: StaffingInputs,
    policy: Policy,
    site: str,
    *,
    as_of=None,
    weeks: int = WEEKS,
) -> dict:
    """The weekly load per officer at work over the past `weeks` full weeks (Monday to Friday)
    before as_of's week, from the absence records (a chart of how absences stretched the others).

    Per week: the FTE away (each absence weighted by its officer's FTE and its working days in the
    week / 5; records that name only a site count the site's mean FTE), the FTE at work, and today's
    weekly workload W per FTE at work. W is today's: the inputs hold today's caseload, not past
    ones. Hours over the week per FTE at work = max(0, W / FTE at work − week hours).
    """
    s = inputs.site_index(site)
    as_of = as_of or default_as_of(inputs)
    week_hours = policy.week_hours.value
    time = time_standard_staffing(inputs, policy)
    workload = float(weekly_workload_hours(time, policy)[s])
    counted = inputs.counted_officer_mask
    mine = counted & (inputs.officers.site == s)
    fte_total = float(inputs.officers.fte[mine].sum())
    headcount = int(mine.sum())
    mean_fte = fte_total / headcount if headcount else 1.0

    this_monday = as_of - dt.timedelta(as_of.weekday())
    mondays = [this_monday - dt.timedelta(7 * (weeks - i)) for i in range(weeks)]
    monday = np.array(mondays, dtype="datetime64[D]")
    away_fte = np.zeros(weeks)
    absences = inputs.absences
    if absences is not None and len(absences):
        at_site = (absences.site == s) & ((absences.officer < 0) | counted[np.maximum(absences.officer, 0)])
        officer = absences.officer[at_site]
        fte = np.where(officer >= 0, inputs.officers.fte[np.maximum(officer, 0)], mean_fte)
        start, end = absences.start[at_site], absences.end[at_site]
        # Working days of each absence in each week: (absences, weeks).
        first = np.maximum(start[:, None], monday[None, :])
        last = np.minimum(end[:, None], (monday + 4)[None, :])
        days = np.where(first <= last, np.busday_count(first, last + 1), 0)
        away_fte = (days * fte[:, None]).sum(axis=0) / 5
    rows = []
    for m, away in zip(mondays, away_fte.tolist()):
        at_work = max(fte_total - away, 0.0)
        load = workload / at_work if at_work > 0 else None
        iso = m.isocalendar()
        rows.append({
            "week_start": m.isoformat(),
            "iso_year": iso[0],
            "iso_week": iso[1],
            "fte_away": away,
            "fte_at_work": at_work,
            "load_per_fte_at_work": load,
            "hours_over_per_fte_at_work": None if load is None else max(0.0, load - week_hours),
            "uncovered_hours": workload if at_work <= 0 else 0.0,
        })  # fmt: skip
    return {
        "site": site,
        "as_of": as_of.isoformat(),
        "weekly_workload_hours": workload,
        "week_hours": week_hours,
        "officers": headcount,
        "fte": fte_total,
        "weeks": rows,
    }
