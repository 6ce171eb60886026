"""Min-max utilisation: give items (cases) to officers so the largest load / capacity is smallest.

This module knows numbers only (hours, capacities, allowed officer indexes, integer soft points);
``engine.assignment`` turns cases and officers into a ``Problem`` and the ``Solution`` back into
a plan. Every hour figure is in hours a month.

**Objective, lexicographic in two solves** (the soft rules never cost utilisation):

1. minimise z = the largest utilisation over the counted officers;
2. holding z at or under the value found, maximise the soft points:
   Σ scores[group][officer] over the items + ``anchor_points`` for each item left with, or given
   to, its anchor officer (continuity when assigning; the current officer when rebalancing, with
   anchor points above every other soft point, so that the fewest cases move).

**Case types.** One 0/1 variable per case × officer pair does not solve 1,000 × 100 in a minute
on two cores (DESIGN.md §4); identical items are grouped into *types* (same hours, same group:
same allowed officers and preference scores) and the model has one integer variable per type ×
*allowed* officer: how many of the type that officer takes (hard rules are the missing
variables). An item's anchor is case-specific, so it does not split types: per type and anchor
officer j, an integer y ≤ n(type, j), y ≤ (items of the type anchored to j) counts the anchored
items j keeps; after solving, j's slots go to the items anchored to j first.

**Integer scaling.** CP-SAT is integer: hours become thousandths of an hour (HOURS_SCALE) and
utilisation hundredths of a percent (UTIL_SCALE); the load constraint of officer j is
``UTIL_SCALE × load_j ≤ z × capacity_j``, linear because capacities are constants. The plan's
figures are recomputed from the real hours afterwards.

**Greedy and local search** (CP-SAT's hint, and the fallback). Greedy: most restricted items
first (fewest allowed officers), then heaviest, each to the allowed officer with the smallest
utilisation after taking it (LPT; within 4/3 of the optimum without eligibility rules, equal
capacities and no prior load); ties go to the officer with more soft points. Greedy alone is
several percent off when allowed sets overlap (an officer with two specialisations fills up with
the first kind of case placed), so three local searches follow: ``polish`` (single moves that
lower Σ load² / capacity, evening out the whole site), ``improve`` (moves and swaps that lower
the most utilised officer) and ``prefer`` (moves for soft points that leave the maximum where it
is). From a starting plan (rebalance) only ``improve`` and ``prefer`` run: they move few cases.
Whichever plan wins, ``even_out`` then evens the loads under its maximum without losing a soft
point: the maximum may be set by an officer nobody can relieve, and then the solver is
indifferent to how the rest is shared.
Measured (bench/assignment.py): greedy 4.4% above the lower bound, the local searches 0.3%, in
0.04 s for 1,000 cases × 100 officers.

**Lower bound**, the largest of (all valid because loads only add up):

- each counted officer's fixed load alone: base_j / capacity_j (nothing is ever taken off it);
- each item alone: min over its allowed officers of (base_j + hours) / capacity_j;
- for each distinct allowed set E (and the union of all), the items that may only go within E:
  (Σ_E base + Σ their hours) / Σ_E capacity — the average over E, which its maximum reaches;
- CP-SAT's best bound on z, on its integer scale, capped at the plan's own value so that a plan
  proven optimal shows a gap of 0 (it is exact to the model's resolution, 0.01%).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HOURS_SCALE = 1000  # the model's hours are thousandths of an hour
UTIL_SCALE = 10_000  # the model's utilisation is in hundredths of a percent
LARGE_MODEL = 50_000  # variables above which CP-SAT skips its presolve
TIE = 1e-12


@dataclass(frozen=True, eq=False)
class Problem:
    capacity: np.ndarray  # (officers,) hours a month; an officer in an allowed set needs capacity > 0
    base_load: np.ndarray  # (officers,) hours a month that stay on the officer whatever the plan
    counted: np.ndarray  # (officers,) bool: the officer's utilisation counts in the largest utilisation
    hours: np.ndarray  # (items,) hours a month
    group: np.ndarray  # (items,) index into allowed and scores
    allowed: Sequence[np.ndarray]  # per group: sorted officer indexes that may take its items
    scores: Sequence[np.ndarray | None]  # per group: soft points per officer, or None (all 0)
    anchor: np.ndarray | None = None  # (items,) officer index with anchor points, -1 for none
    anchor_points: int = 0
    start: np.ndarray | None = None  # (items,) a starting plan (where the items are now), or None

    def __post_init__(self):
        for g, allowed in enumerate(self.allowed):
            if len(allowed) and (np.any(self.capacity[allowed] <= 0) or not np.all(self.counted[allowed])):
                raise ValueError(f"group {g}: an allowed officer has no capacity or is not counted")

    @property
    def n_officers(self) -> int:
        return len(self.capacity)

    @property
    def n_items(self) -> int:
        return len(self.hours)

    def anchors(self) -> np.ndarray:
        return np.full(self.n_items, -1, dtype=np.int64) if self.anchor is None else np.asarray(self.anchor, dtype=np.int64)

    def placeable(self) -> np.ndarray:
        """Items some officer may take."""
        sizes = np.array([len(a) for a in self.allowed], dtype=np.int64)
        return sizes[self.group] > 0 if self.n_items else np.zeros(0, dtype=bool)


@dataclass(frozen=True, eq=False)
class Solution:
    officer: np.ndarray  # (items,) officer index, -1 when no officer may take the item
    solver: str  # "cp-sat" or "greedy": which produced the plan
    status: str  # "optimal" (proven), "feasible" (CP-SAT, time limit) or "greedy" (not proven)
    max_utilisation: float
    lower_bound: float
    simple_bound: float
    solver_bound: float | None  # CP-SAT's bound on z, in utilisation, or None
    greedy_max_utilisation: float  # the plain greedy (LPT) plan's (rebalance: the current plan's)
    heuristic_max_utilisation: float  # greedy then local search: CP-SAT's hint and the fallback
    soft_points: int
    soft_status: str  # "optimal", "feasible", "greedy" or "none" (no soft rule applies)
    seconds: float
    types: int  # case types in the model (0 when CP-SAT did not run)
    variables: int

    @property
    def gap(self) -> float:
        """How far the plan is above the lower bound, in utilisation (0.01 = one point)."""
        return max(0.0, self.max_utilisation - self.lower_bound)


# --- evaluating a plan ---------------------------------------------------------------------------


def loads(problem: Problem, plan: np.ndarray) -> np.ndarray:
    placed = plan >= 0
    return problem.base_load + np.bincount(plan[placed], weights=problem.hours[placed], minlength=problem.n_officers)


def max_utilisation(problem: Problem, load: np.ndarray) -> float:
    if not problem.counted.any():
        return 0.0
    return float(np.max(load[problem.counted] / problem.capacity[problem.counted]))


def soft_points(problem: Problem, plan: np.ndarray) -> int:
    total = 0
    anchors = problem.anchors()
    for i in np.flatnonzero(plan >= 0):
        j = plan[i]
        scores = problem.scores[problem.group[i]]
        if scores is not None:
            total += int(scores[j])
        if anchors[i] == j:
            total += problem.anchor_points
    return total


def has_soft_rules(problem: Problem) -> bool:
    if problem.anchor_points and np.any(problem.anchors() >= 0):
        return True
    return any(s is not None and len(a) and np.any(s[a] != 0) for s, a in zip(problem.scores, problem.allowed))


# --- lower bound -------------------------------------------------------------------------------


def simple_lower_bound(problem: Problem, hours: np.ndarray | None = None) -> float:
    """See the module docstring. ``hours`` overrides the items' hours (the model's rounded ones)."""
    hours = problem.hours if hours is None else hours
    cap, base, counted = problem.capacity, problem.base_load, problem.counted
    bound = float(np.max(base[counted] / cap[counted])) if counted.any() else 0.0
    placeable = problem.placeable()
    if not placeable.any():
        return bound
    # Each item alone on its best officer (the heaviest item of each group is enough).
    heaviest = np.full(len(problem.allowed), -np.inf)
    np.maximum.at(heaviest, problem.group[placeable], hours[placeable])
    hours_by_group = np.bincount(problem.group[placeable], weights=hours[placeable], minlength=len(problem.allowed))
    by_set: dict[int, float] = {}  # allowed set as a bitset -> hours that may only go within it
    members: dict[int, np.ndarray] = {}
    for g, allowed in enumerate(problem.allowed):
        if not len(allowed) or heaviest[g] == -np.inf:
            continue
        bound = max(bound, float(np.min((base[allowed] + heaviest[g]) / cap[allowed])))
        bits = _bitset(allowed)
        by_set[bits] = by_set.get(bits, 0.0) + hours_by_group[g]
        members[bits] = allowed
    union = 0
    for bits in by_set:
        union |= bits
    union_members = np.unique(np.concatenate(list(members.values())))
    sets = list(by_set.items())
    for bits, officers in [*members.items(), (union, union_members)]:
        inside = sum(h for other, h in sets if other & ~bits == 0)
        bound = max(bound, (float(base[officers].sum()) + inside) / float(cap[officers].sum()))
    return bound


def _bitset(officers: np.ndarray) -> int:
    bits = 0
    for j in officers.tolist():
        bits |= 1 << j
    return bits


# --- greedy ------------------------------------------------------------------------------------


def _pick(problem: Problem, load: np.ndarray, item: int, candidates: np.ndarray, anchors: np.ndarray) -> int:
    """The candidate with the smallest utilisation after taking the item; ties: most soft points."""
    after = (load[candidates] + problem.hours[item]) / problem.capacity[candidates]
    best = after.min()
    tied = candidates[after <= best + TIE * max(1.0, best)]
    if len(tied) > 1:
        scores = problem.scores[problem.group[item]]
        points = np.zeros(len(tied), dtype=np.int64) if scores is None else scores[tied].astype(np.int64)
        points = points + problem.anchor_points * (tied == anchors[item])
        tied = tied[points == points.max()]
    return int(tied[0])


def greedy(problem: Problem) -> np.ndarray:
    """LPT with eligibility: most restricted, then heaviest item first, to the least utilised
    allowed officer (after taking it)."""
    plan = np.full(problem.n_items, -1, dtype=np.int64)
    load = problem.base_load.astype(np.float64).copy()
    sizes = np.array([len(a) for a in problem.allowed], dtype=np.int64)[problem.group] if problem.n_items else np.zeros(0)
    order = np.lexsort((np.arange(problem.n_items), -problem.hours, sizes))
    anchors = problem.anchors()
    for i in order:
        allowed = problem.allowed[problem.group[i]]
        if not len(allowed):
            continue
        j = _pick(problem, load, i, allowed, anchors)
        plan[i] = j
        load[j] += problem.hours[i]
    return plan


def polish(problem: Problem, plan: np.ndarray, *, max_passes: int = 10) -> np.ndarray:
    """Local search that evens utilisation out: move single items, heaviest first, while a move
    lowers Σ load² / capacity (whose continuous minimum equalises load / capacity). Unlike
    ``improve`` it also moves items between officers below the maximum, which frees room where
    it is needed (e.g. an officer with two specialisations hands a case to a colleague with one,
    then takes one from the most utilised); it moves many items, so it is for new cases only."""
    return _lower_squares(problem, plan, max_passes=max_passes, at_no_cost=False)


def even_out(problem: Problem, plan: np.ndarray, *, max_passes: int = 10, deadline: float | None = None) -> np.ndarray:
    """``polish`` at no cost, for any final plan: only the moves after which the officer taking the
    item stays at or under the plan's largest utilisation and gets at least the soft points the item
    had where it was (so no anchor is left and no preference lost: a rebalance moves no more cases).

    Why: when the largest utilisation is set by someone the plan cannot relieve (an officer whose
    own cases already overload them), every plan under it is optimal to the solver, which then
    may pile the new cases on one colleague; this shares them out among the others. Every move
    keeps the plan valid, so it may stop at ``deadline`` (a time.perf_counter value)."""
    return _lower_squares(problem, plan, max_passes=max_passes, at_no_cost=True, deadline=deadline)


def _lower_squares(problem: Problem, plan: np.ndarray, *, max_passes: int, at_no_cost: bool,
                   deadline: float | None = None) -> np.ndarray:  # fmt: skip
    """Single moves, heaviest item first, to the allowed officer that most lowers Σ load² /
    capacity, while one does; `at_no_cost`: see ``even_out``."""
    plan = plan.copy()
    load = loads(problem, plan)
    cap, hours = problem.capacity, problem.hours
    top = max_utilisation(problem, load)
    anchors = problem.anchors()
    order = np.argsort(-hours, kind="stable")
    for _ in range(max_passes):
        moved = 0
        for step, i in enumerate(order):
            if deadline is not None and step % 256 == 0 and time.perf_counter() > deadline:
                return plan
            j = plan[i]
            allowed = problem.allowed[problem.group[i]]
            if j < 0 or len(allowed) < 2:
                continue
            h = hours[i]
            change = (2 * load[allowed] * h + h * h) / cap[allowed] - (2 * load[j] * h - h * h) / cap[j]
            if at_no_cost:
                scores = problem.scores[problem.group[i]]
                points = np.zeros(len(allowed), dtype=np.int64) if scores is None else scores[allowed].astype(np.int64)
                points = points + problem.anchor_points * (allowed == anchors[i])
                fits = (points >= points[allowed == j][0]) & ((load[allowed] + h) / cap[allowed] <= top)
                change = np.where(fits, change, np.inf)
            change = np.where(allowed == j, np.inf, change)
            best = int(np.argmin(change))
            if change[best] < -TIE * max(1.0, h * h / cap[j]):
                k = int(allowed[best])
                load[j] -= h
                load[k] += h
                plan[i] = k
                moved += 1
        if not moved:
            break
    return plan


def improve(problem: Problem, plan: np.ndarray, *, swaps: bool = True, deadline: float | None = None,
            max_steps: int | None = None) -> np.ndarray:  # fmt: skip
    """Local search on the most utilised officer j: make the best step that brings both officers
    it touches under j's utilisation — move one of j's items to an allowed colleague, or (swaps)
    exchange one of j's items for a lighter one of a colleague's that j may take (a swap shifts
    only the difference in hours, which fine-tunes where single items are too big). Stops when
    no step lowers j, at ``deadline`` (a time.perf_counter value) or after ``max_steps``."""
    plan = plan.copy()
    load = loads(problem, plan)
    cap, counted, hours, group = problem.capacity, problem.counted, problem.hours, problem.group
    anchors = problem.anchors()
    may_take = np.zeros((len(problem.allowed), problem.n_officers), dtype=bool)  # group × officer
    for g, allowed in enumerate(problem.allowed):
        may_take[g, allowed] = True
    max_steps = 10 * problem.n_items if max_steps is None else max_steps
    safe_cap = np.where(cap > 0, cap, 1)
    for _ in range(max_steps):
        if not counted.any() or (deadline is not None and time.perf_counter() > deadline):
            break
        util = np.where(counted, load / safe_cap, -np.inf)
        j = int(np.argmax(util))
        top = util[j]
        limit = top - TIE * max(1.0, top)
        best = None  # (worse utilisation of the two, item, colleague, item taken back or -1)
        mine = np.flatnonzero(plan == j)
        seen = set()
        for i in mine:
            kind = (group[i], hours[i])
            if kind in seen:
                continue  # an identical item was just tried
            seen.add(kind)
            allowed = problem.allowed[group[i]]
            others = allowed[allowed != j]
            if not len(others):
                continue
            k = _pick(problem, load, i, others, anchors)
            worse = max((load[k] + hours[i]) / cap[k], (load[j] - hours[i]) / cap[j])
            if worse < limit and (best is None or worse < best[0]):
                best = (worse, i, k, -1)
        if swaps and len(mine):
            theirs = np.flatnonzero((plan >= 0) & (plan != j))
            theirs = theirs[may_take[group[theirs], j]]  # items j may take back
            for i in mine:
                if not len(theirs):
                    break
                kind = (group[i], hours[i], "swap")
                if kind in seen:
                    continue
                seen.add(kind)
                ok = may_take[group[i], plan[theirs]] & (hours[theirs] < hours[i])
                if not ok.any():
                    continue
                candidates = theirs[ok]
                ks = plan[candidates]
                shift = hours[i] - hours[candidates]
                worse = np.maximum((load[ks] + shift) / cap[ks], (load[j] - shift) / cap[j])
                b = int(np.argmin(worse))
                if worse[b] < limit and (best is None or worse[b] < best[0]):
                    best = (float(worse[b]), i, int(ks[b]), int(candidates[b]))
        if best is None:
            break
        _, i, k, back = best
        load[j] -= hours[i]
        load[k] += hours[i]
        plan[i] = k
        if back >= 0:
            load[k] -= hours[back]
            load[j] += hours[back]
            plan[back] = j
    return plan


def prefer(problem: Problem, plan: np.ndarray) -> np.ndarray:
    """Soft rules at no cost. First, within each set of identical items (same group, same
    hours), the officers holding them are kept but each anchored item goes to its anchor officer
    when that officer holds one of the set (loads do not change). Then an item moves to an
    allowed officer with more soft points for it when that officer stays at or under the plan's
    largest utilisation (which thus never rises)."""
    placed = plan >= 0
    if problem.anchor_points and np.any(problem.anchors()[placed] >= 0):
        identical: dict[tuple, list[int]] = {}
        for i in np.flatnonzero(placed).tolist():
            identical.setdefault((int(problem.group[i]), float(problem.hours[i])), []).append(i)
        exact = _Types([np.array(v, dtype=np.int64) for v in identical.values()], [], [])
        plan = np.where(placed, _plan_from_counts(problem, exact, _counts(exact, plan)), plan)
    plan = plan.copy()
    load = loads(problem, plan)
    cap = problem.capacity
    top = max_utilisation(problem, load)
    anchors = problem.anchors()
    for i in np.flatnonzero(plan >= 0):
        scores = problem.scores[problem.group[i]]
        if scores is None and (anchors[i] < 0 or not problem.anchor_points):
            continue
        allowed = problem.allowed[problem.group[i]]
        points = np.zeros(len(allowed), dtype=np.int64) if scores is None else scores[allowed].astype(np.int64)
        points = points + problem.anchor_points * (allowed == anchors[i])
        here = int(points[allowed == plan[i]][0]) if np.any(allowed == plan[i]) else 0
        fits = ((load[allowed] + problem.hours[i]) / cap[allowed] <= top) & (allowed != plan[i]) & (points > here)
        if not fits.any():
            continue
        best = np.flatnonzero(fits)[np.argmax(points[fits])]
        k = int(allowed[best])
        load[plan[i]] -= problem.hours[i]
        load[k] += problem.hours[i]
        plan[i] = k
    return plan


# --- CP-SAT on case types ----------------------------------------------------------------------


@dataclass
class _Types:
    key_items: list[np.ndarray]  # per type: item indexes
    group: list[int]
    hours: list[int]  # scaled hours of one item


def _types(problem: Problem, hours_int: np.ndarray, placeable: np.ndarray) -> _Types:
    items = np.flatnonzero(placeable)
    if not len(items):
        return _Types([], [], [])
    keys = np.stack([problem.group[items].astype(np.int64), hours_int[items]], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(inverse, kind="stable")
    splits = np.cumsum(np.bincount(inverse, minlength=len(unique)))[:-1]
    return _Types(np.split(items[order], splits), unique[:, 0].tolist(), unique[:, 1].tolist())


def _scaled_z(load_int: np.ndarray, cap_int: np.ndarray, counted: np.ndarray) -> int:
    """The plan's z on the model's scale: the largest ceil(UTIL_SCALE × load / capacity)."""
    if not counted.any():
        return 0
    return int(np.max(-(-UTIL_SCALE * load_int[counted] // cap_int[counted])))


def _counts(types: _Types, plan: np.ndarray) -> list[dict[int, int]]:
    out = []
    for items in types.key_items:
        officers, counts = np.unique(plan[items], return_counts=True)
        out.append(dict(zip(officers.tolist(), counts.tolist())))
    return out


def _plan_from_counts(problem: Problem, types: _Types, counts: list[dict[int, int]]) -> np.ndarray:
    """Items from type counts: each officer's slots go first to the items anchored to them."""
    plan = np.full(problem.n_items, -1, dtype=np.int64)
    anchors = problem.anchors()
    for items, slots in zip(types.key_items, counts):
        slots = dict(slots)
        rest = []
        for i in items.tolist():
            a = anchors[i]
            if a >= 0 and slots.get(a, 0) > 0:
                plan[i] = a
                slots[a] -= 1
            else:
                rest.append(i)
        pool = iter(rest)
        for j, n in slots.items():
            for _ in range(n):
                plan[next(pool)] = j
    return plan


@dataclass
class _CpSat:
    plan: np.ndarray | None  # None: no plan in time (e.g. presolve of a very large model)
    status: str = ""  # phase 1: "optimal" or "feasible"
    bound: float | None = None  # CP-SAT's bound on z, in utilisation
    soft_status: str = "none"
    types: int = 0
    variables: int = 0


def _cp_sat(problem: Problem, hint: np.ndarray, candidates: list[np.ndarray], *, deadline: float, workers: int) -> _CpSat:
    """Phase 1 (min z) and phase 2 (soft points, z held) on case types, from the hint."""
    from ortools.sat.python import cp_model  # imported here: half a second, needed only to solve

    hours_int = np.rint(problem.hours * HOURS_SCALE).astype(np.int64)
    cap_int = np.rint(problem.capacity * HOURS_SCALE).astype(np.int64)
    base_int = np.rint(problem.base_load * HOURS_SCALE).astype(np.int64)
    counted = problem.counted & (cap_int > 0)
    types = _types(problem, hours_int, problem.placeable())
    anchors = problem.anchors()

    def z_of(plan: np.ndarray) -> int:
        placed = plan >= 0
        load = base_int + np.bincount(plan[placed], weights=hours_int[placed], minlength=problem.n_officers).astype(np.int64)
        return _scaled_z(load, cap_int, counted)

    # z's domain: from the simple bound (less a step for rounding) or, exactly, the largest fixed
    # load (officers that receive nothing have no load constraint), up to the hint's value.
    z_low = max(0, math.floor(simple_lower_bound(problem, hours_int / HOURS_SCALE) * UTIL_SCALE * (1 - 1e-9)) - 1)
    z_low = max(z_low, _scaled_z(base_int, cap_int, counted))
    z_high = z_of(hint)
    model = cp_model.CpModel()
    z = model.new_int_var(min(z_low, z_high), z_high, "z")
    n: list[dict[int, object]] = []
    y: list[dict[int, tuple]] = []  # per type: anchor officer -> (variable, items anchored to them)
    terms: dict[int, tuple[list, list]] = {}  # officer -> (variables, coefficients)
    hint_counts = _counts(types, hint)
    for t, items in enumerate(types.key_items):
        allowed = problem.allowed[types.group[t]].tolist()
        count = len(items)
        row = {}
        for j in allowed:
            var = model.new_bool_var("") if count == 1 else model.new_int_var(0, count, "")
            row[j] = var
            variables, coefficients = terms.setdefault(j, ([], []))
            variables.append(var)
            coefficients.append(UTIL_SCALE * types.hours[t])
            model.add_hint(var, hint_counts[t].get(j, 0))
        model.add(cp_model.LinearExpr.sum(list(row.values())) == count)
        n.append(row)
        anchored_row = {}
        if problem.anchor_points:
            anchored, per = np.unique(anchors[items], return_counts=True)
            for a, k in zip(anchored.tolist(), per.tolist()):
                if a in row:
                    var = model.new_int_var(0, min(k, count), "")
                    model.add(var <= row[a])
                    model.add_hint(var, min(k, hint_counts[t].get(a, 0)))
                    anchored_row[a] = (var, k)
        y.append(anchored_row)
    for j, (variables, coefficients) in terms.items():
        model.add(
            cp_model.LinearExpr.weighted_sum(variables, coefficients) - int(cap_int[j]) * z <= -UTIL_SCALE * int(base_int[j])
        )
    model.add_hint(z, z_high)
    n_variables = sum(len(r) for r in n) + sum(len(r) for r in y) + 1

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    if n_variables > LARGE_MODEL:
        # Measured on 2 cores: presolving a 164,000-variable model (20,000 cases × 2,000 officers)
        # takes 13 s, 5 s even when made light; without it the search starts from the hint at once.
        solver.parameters.cp_model_presolve = False
    phase2 = has_soft_rules(problem)
    # Phase 1 gets 70% of the time left when a phase 2 follows.
    solver.parameters.max_time_in_seconds = max(0.05, (0.7 if phase2 else 1.0) * (deadline - time.perf_counter()))
    model.minimize(z)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _CpSat(None, types=len(types.key_items), variables=n_variables)
    z_found = int(solver.value(z))
    status_name = "optimal" if status == cp_model.OPTIMAL else "feasible"
    bound = solver.best_objective_bound / UTIL_SCALE
    counts = [{j: int(solver.value(v)) for j, v in row.items() if solver.value(v)} for row in n]
    plan = _plan_from_counts(problem, types, counts)
    soft_status = "none"
    if phase2:
        # Phase 2: hold z, maximise the soft points, starting from the best plan already in hand.
        model.add(z <= z_found)
        model.clear_objective()
        model.clear_hints()
        within = [p for p in (plan, *candidates) if z_of(p) <= z_found] or [plan]
        start = max(within, key=lambda p: soft_points(problem, p))
        start_counts = _counts(types, start)
        # A complete hint (z and the anchored counts too): CP-SAT starts from a plan at once.
        for t, row in enumerate(n):
            for j, var in row.items():
                model.add_hint(var, start_counts[t].get(j, 0))
            for a, (var, k) in y[t].items():
                model.add_hint(var, min(k, start_counts[t].get(a, 0)))
        model.add_hint(z, z_of(start))
        variables, coefficients = [], []
        for t, row in enumerate(n):
            scores = problem.scores[types.group[t]]
            if scores is not None:
                for j, var in row.items():
                    if scores[j]:
                        variables.append(var)
                        coefficients.append(int(scores[j]))
            for var, _ in y[t].values():
                variables.append(var)
                coefficients.append(problem.anchor_points)
        model.maximize(cp_model.LinearExpr.weighted_sum(variables, coefficients))
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        status2 = solver.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            counts = [{j: int(solver.value(v)) for j, v in row.items() if solver.value(v)} for row in n]
            candidate = _plan_from_counts(problem, types, counts)
            plan = max((candidate, start), key=lambda p: soft_points(problem, p))
            soft_status = "optimal" if status2 == cp_model.OPTIMAL else "feasible"
        else:
            plan, soft_status = start, "feasible"
    return _CpSat(plan, status_name, bound, soft_status, len(types.key_items), n_variables)


# --- the entry point ---------------------------------------------------------------------------


def solve(problem: Problem, *, time_limit: float = 5.0, workers: int = 2, use_cp_sat: bool = True) -> Solution:
    """The best plan found within ``time_limit`` seconds, and a tenth more to even it out (see the
    module docstring).

    A heuristic plan comes first: for new cases, greedy (LPT), ``polish``, ``improve`` then
    ``prefer``; from a starting plan (rebalance), ``improve`` and ``prefer`` only, which move
    few items. It is CP-SAT's hint and the fallback: ``solver`` is "greedy" when the plan is the
    heuristic's because CP-SAT was not used, found no plan in time or none better."""
    started = time.perf_counter()
    deadline = started + time_limit
    search_until = started + (time_limit / 3 if use_cp_sat else time_limit)  # the local search's share
    if problem.start is not None:
        first = np.asarray(problem.start, dtype=np.int64)
        heuristic = prefer(problem, improve(problem, first, deadline=search_until))
    else:
        first = greedy(problem)
        heuristic = prefer(problem, improve(problem, polish(problem, first), deadline=search_until))
    greedy_max = max_utilisation(problem, loads(problem, first))
    heuristic_max = max_utilisation(problem, loads(problem, heuristic))
    if greedy_max < heuristic_max:  # polish evens out the sum of squares, not always the maximum
        heuristic, heuristic_max = first, greedy_max
    simple = simple_lower_bound(problem)

    result = _CpSat(None)
    if use_cp_sat and problem.placeable().any():
        result = _cp_sat(problem, heuristic, [heuristic, first], deadline=deadline, workers=workers)
    plan, solver_name, status, soft_status = heuristic, "greedy", "greedy", "greedy" if has_soft_rules(problem) else "none"
    best = heuristic_max
    if result.plan is not None:
        cp_best = max_utilisation(problem, loads(problem, result.plan))
        if cp_best <= heuristic_max + TIE:  # under a time limit CP-SAT may end above its hint
            plan, solver_name, status, soft_status, best = result.plan, "cp-sat", result.status, result.soft_status, cp_best
    # No higher maximum, no soft point lost, shared out more evenly; a tenth of the time limit more at most.
    plan = even_out(problem, plan, deadline=max(time.perf_counter(), deadline) + time_limit / 10)
    best = min(best, max_utilisation(problem, loads(problem, plan)))
    lower = simple if result.bound is None else max(simple, min(result.bound, best))
    if best <= lower + TIE:
        status = "optimal"
    return Solution(
        officer=plan,
        solver=solver_name,
        status=status,
        max_utilisation=best,
        lower_bound=lower,
        simple_bound=simple,
        solver_bound=result.bound,
        greedy_max_utilisation=greedy_max,
        heuristic_max_utilisation=heuristic_max,
        soft_points=soft_points(problem, plan),
        soft_status=soft_status,
        seconds=time.perf_counter() - started,
        types=result.types,
        variables=result.variables,
    )
