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

**Greedy** (the fallback and the first hint): most restricted items first (fewest allowed
officers), then heaviest, each to the allowed officer with the smallest utilisation after taking
it (LPT; within 4/3 of the optimum without eligibility rules, equal capacities and no prior load);
ties go to the officer with more soft points. With a starting plan (rebalance), greedy is a local
search instead: move an item off the most utilised officer while that lowers the largest
utilisation of the two.

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
    greedy_max_utilisation: float  # the greedy plan's, for comparison
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


def improve(problem: Problem, plan: np.ndarray, *, max_moves: int | None = None) -> np.ndarray:
    """Local search from a plan: while moving one item off the most utilised officer lowers the
    larger utilisation of the two, make the best such move."""
    plan = plan.copy()
    load = loads(problem, plan)
    cap, counted = problem.capacity, problem.counted
    anchors = problem.anchors()
    max_moves = 10 * problem.n_items if max_moves is None else max_moves
    for _ in range(max_moves):
        if not counted.any():
            break
        util = np.where(counted, load / np.where(cap > 0, cap, 1), -np.inf)
        j = int(np.argmax(util))
        top = util[j]
        best = None
        for i in np.flatnonzero(plan == j):
            allowed = problem.allowed[problem.group[i]]
            others = allowed[allowed != j]
            if not len(others):
                continue
            k = _pick(problem, load, i, others, anchors)
            worse = max((load[k] + problem.hours[i]) / cap[k], (load[j] - problem.hours[i]) / cap[j])
            if worse < top - TIE * max(1.0, top) and (best is None or worse < best[0]):
                best = (worse, i, k)
        if best is None:
            break
        _, i, k = best
        load[j] -= problem.hours[i]
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


def _cp_sat(problem: Problem, hint: np.ndarray, candidates: list[np.ndarray], *, time_limit: float, workers: int):
    """Solve on case types. Returns (plan, phase-1 status name, bound on z in utilisation,
    soft status, types, variables) or None when CP-SAT found no plan in time."""
    from ortools.sat.python import cp_model  # imported here: half a second, needed only to solve

    started = time.perf_counter()
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
    y: list[dict[int, object]] = []
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
                    anchored_row[a] = var
        y.append(anchored_row)
    for j, (variables, coefficients) in terms.items():
        model.add(
            cp_model.LinearExpr.weighted_sum(variables, coefficients) - int(cap_int[j]) * z <= -UTIL_SCALE * int(base_int[j])
        )
    model.add_hint(z, z_high)
    n_variables = sum(len(r) for r in n) + sum(len(r) for r in y) + 1

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    phase2 = has_soft_rules(problem)
    solver.parameters.max_time_in_seconds = max(0.05, (0.6 if phase2 else 1.0) * time_limit - (time.perf_counter() - started))
    model.minimize(z)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
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
        for t, row in enumerate(n):
            for j, var in row.items():
                model.add_hint(var, start_counts[t].get(j, 0))
        variables, coefficients = [], []
        for t, row in enumerate(n):
            scores = problem.scores[types.group[t]]
            if scores is not None:
                for j, var in row.items():
                    if scores[j]:
                        variables.append(var)
                        coefficients.append(int(scores[j]))
            for var in y[t].values():
                variables.append(var)
                coefficients.append(problem.anchor_points)
        model.maximize(cp_model.LinearExpr.weighted_sum(variables, coefficients))
        solver.parameters.max_time_in_seconds = max(0.05, time_limit - (time.perf_counter() - started))
        status2 = solver.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            counts = [{j: int(solver.value(v)) for j, v in row.items() if solver.value(v)} for row in n]
            candidate = _plan_from_counts(problem, types, counts)
            plan = max((candidate, start), key=lambda p: soft_points(problem, p))
            soft_status = "optimal" if status2 == cp_model.OPTIMAL else "feasible"
        else:
            plan, soft_status = start, "feasible"
    return plan, status_name, bound, soft_status, len(types.key_items), n_variables


# --- the entry point ---------------------------------------------------------------------------


def solve(problem: Problem, *, time_limit: float = 5.0, workers: int = 2, use_cp_sat: bool = True) -> Solution:
    """The best plan found within ``time_limit`` seconds (see the module docstring)."""
    started = time.perf_counter()
    if problem.start is not None:
        start = np.asarray(problem.start, dtype=np.int64)
        fallback = improve(problem, start)
    else:
        start = None
        fallback = greedy(problem)
    greedy_max = max_utilisation(problem, loads(problem, fallback))
    simple = simple_lower_bound(problem)
    result = None
    placeable = problem.placeable()
    if use_cp_sat and placeable.any():
        candidates = [fallback] + ([start] if start is not None else [])
        result = _cp_sat(problem, fallback, candidates, time_limit=time_limit, workers=workers)
    if result is not None:
        plan, status, solver_bound, soft_status, n_types, n_variables = result
        solver_name = "cp-sat"
        best = max_utilisation(problem, loads(problem, plan))
        if greedy_max < best - TIE:  # possible under a time limit: keep the better plan
            plan, solver_name, status, best = fallback, "greedy", "greedy", greedy_max
            soft_status = "greedy" if has_soft_rules(problem) else "none"
    else:
        plan, solver_name, status, best = fallback, "greedy", "greedy", greedy_max
        solver_bound, n_types, n_variables = None, 0, 0
        soft_status = "greedy" if has_soft_rules(problem) else "none"
    lower = simple if solver_bound is None else max(simple, min(solver_bound, best))
    if best <= lower + TIE:
        status = "optimal"
    return Solution(
        officer=plan,
        solver=solver_name,
        status=status,
        max_utilisation=best,
        lower_bound=lower,
        simple_bound=simple,
        solver_bound=solver_bound,
        greedy_max_utilisation=greedy_max,
        soft_points=soft_points(problem, plan),
        soft_status=soft_status,
        seconds=time.perf_counter() - started,
        types=n_types,
        variables=n_variables,
    )
