"""The min-max solver on numbers: optimal on small instances (checked by brute force), greedy
within 4/3, lower bounds that hold, rebalance moves that are fewest."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseweight.engine import solver as mm


def problem(capacity, base, hours, allowed, *, scores=None, anchor=None, anchor_points=0, start=None, counted=None):
    """One group per item (its own allowed set)."""
    capacity = np.asarray(capacity, dtype=float)
    return mm.Problem(
        capacity=capacity,
        base_load=np.asarray(base, dtype=float),
        counted=capacity > 0 if counted is None else np.asarray(counted),
        hours=np.asarray(hours, dtype=float),
        group=np.arange(len(hours)),
        allowed=[np.array(sorted(a), dtype=np.int64) for a in allowed],
        scores=scores or [None] * len(hours),
        anchor=None if anchor is None else np.asarray(anchor),
        anchor_points=anchor_points,
        start=None if start is None else np.asarray(start),
    )


def brute_force(p: mm.Problem):
    """Every plan of the placeable items: (min max utilisation, plans reaching it)."""
    placeable = [i for i in range(p.n_items) if len(p.allowed[p.group[i]])]
    best, plans = np.inf, []
    for choice in itertools.product(*(p.allowed[p.group[i]].tolist() for i in placeable)):
        plan = np.full(p.n_items, -1)
        plan[placeable] = choice
        value = mm.max_utilisation(p, mm.loads(p, plan))
        if value < best - 1e-12:
            best, plans = value, [plan]
        elif value <= best + 1e-12:
            plans.append(plan)
    return best, plans


@st.composite
def small_problems(draw, *, eligibility=True, max_items=6):
    n_officers = draw(st.integers(1, 3))
    n_items = draw(st.integers(0, max_items))
    # Whole hours and capacities: distinct utilisations then differ by far more than the model's 0.01%.
    capacity = draw(st.lists(st.integers(5, 40), min_size=n_officers, max_size=n_officers))
    base = draw(st.lists(st.integers(0, 30), min_size=n_officers, max_size=n_officers))
    hours = draw(st.lists(st.integers(1, 12), min_size=n_items, max_size=n_items))
    everyone = list(range(n_officers))
    if eligibility:
        subsets = st.lists(st.sampled_from(everyone), unique=True, max_size=n_officers)
        allowed = draw(st.lists(subsets, min_size=n_items, max_size=n_items))
    else:
        allowed = [everyone] * n_items
    return problem(capacity, base, hours, allowed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_cp_sat_reaches_the_brute_force_optimum_on_small_instances(p):
    optimum, _ = brute_force(p)
    solution = mm.solve(p, time_limit=10)
    assert solution.max_utilisation == pytest.approx(optimum, abs=1e-9)
    assert solution.status == "optimal"
    assert solution.lower_bound <= optimum + 1e-9
    # Nothing unplaceable is placed, everything placeable is.
    placeable = p.placeable()
    assert np.all((solution.officer >= 0) == placeable)
    for i in np.flatnonzero(placeable):
        assert solution.officer[i] in p.allowed[p.group[i]]


@settings(max_examples=100, deadline=None)
@given(small_problems())
def test_the_simple_lower_bound_never_exceeds_the_optimum(p):
    optimum, _ = brute_force(p)
    assert mm.simple_lower_bound(p) <= optimum + 1e-12


@settings(max_examples=100, deadline=None)
@given(
    m=st.integers(2, 3),
    hours=st.lists(st.floats(0.5, 20, allow_nan=False), min_size=1, max_size=6),
    capacity=st.floats(10, 200),
)
def test_greedy_is_within_four_thirds_of_optimal_without_eligibility_rules(m, hours, capacity):
    # LPT on identical officers starting empty: at most (4/3 − 1/(3m)) × the optimum (Graham 1969).
    p = problem([capacity] * m, [0.0] * m, hours, [range(m)] * len(hours))
    optimum, _ = brute_force(p)
    greedy = mm.max_utilisation(p, mm.loads(p, mm.greedy(p)))
    assert greedy <= (4 / 3 - 1 / (3 * m)) * optimum + 1e-9


def test_greedy_takes_the_most_restricted_then_the_heaviest_case_first():
    # Officer 1 alone may take item 2; placed first, it leaves item 0 (heaviest) to officer 0.
    p = problem([10, 10], [0, 0], [6, 5, 4], [{0, 1}, {0, 1}, {1}])
    plan = mm.greedy(p)
    assert plan.tolist() == [0, 1, 1]


def test_greedy_breaks_ties_by_soft_points():
    scores = [np.array([0, 1])]
    p = problem([10, 10], [0, 0], [5], [{0, 1}], scores=scores)
    assert mm.greedy(p).tolist() == [1]
    p = problem([10, 10], [0, 0], [5], [{0, 1}], anchor=[0], anchor_points=2)
    assert mm.greedy(p).tolist() == [0]


def test_the_lower_bound_uses_the_cases_that_only_some_officers_may_take():
    # Two officers of 10 h, both empty: 12 h that only officer 0 may take → at least 1.2,
    # although the site-wide average is only 0.6.
    p = problem([10, 10], [0, 0], [6, 6], [{0}, {0}])
    assert mm.simple_lower_bound(p) == pytest.approx(1.2)


def test_the_lower_bound_counts_the_fixed_load_of_officers_who_receive_nothing():
    p = problem([10, 10], [13, 0], [1], [{1}])
    assert mm.simple_lower_bound(p) == pytest.approx(1.3)


def test_the_heaviest_case_alone_bounds_the_plan():
    # Officer capacities 10 and 20; a 30-hour case goes at best to the larger: 1.5.
    p = problem([10, 20], [0, 0], [30], [{0, 1}])
    assert mm.simple_lower_bound(p) == pytest.approx(1.5)


def test_an_unplaceable_case_is_left_out_and_the_rest_still_placed():
    p = problem([10, 10], [0, 0], [5, 5], [set(), {0, 1}])
    solution = mm.solve(p)
    assert solution.officer[0] == -1 and solution.officer[1] in (0, 1)


def test_greedy_alone_reports_itself():
    p = problem([10, 10, 10], [0, 0, 0], [3, 3, 2, 2, 2], [range(3)] * 5)
    solution = mm.solve(p, use_cp_sat=False)
    assert solution.solver == "greedy"
    assert solution.status in ("greedy", "optimal")
    assert solution.solver_bound is None


def test_soft_points_only_break_ties_and_never_raise_the_largest_utilisation():
    # Both items prefer officer 0 (continuity), but both on officer 0 would be 100% vs 50%.
    p = problem([10, 10], [0, 0], [5, 5], [{0, 1}, {0, 1}], anchor=[0, 0], anchor_points=2)
    solution = mm.solve(p)
    assert solution.max_utilisation == pytest.approx(0.5)
    assert sorted(solution.officer.tolist()) == [0, 1]
    assert solution.soft_points == 2


def test_cases_of_one_type_are_given_first_to_their_anchor_officers():
    # Four identical 5-hour cases, two anchored to officer 1; the optimum gives each officer two.
    p = mm.Problem(
        capacity=np.array([10.0, 10.0]),
        base_load=np.zeros(2),
        counted=np.array([True, True]),
        hours=np.full(4, 5.0),
        group=np.zeros(4, dtype=np.int64),
        allowed=[np.array([0, 1])],
        scores=[None],
        anchor=np.array([-1, 1, -1, 1]),
        anchor_points=2,
    )
    solution = mm.solve(p)
    assert solution.types == 1
    assert solution.officer.tolist() == [0, 1, 0, 1]
    assert solution.soft_points == 4


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(max_items=5), st.data())
def test_a_rebalance_moves_the_fewest_cases_among_the_optimal_plans(p0, data):
    placeable = [i for i in range(p0.n_items) if len(p0.allowed[i])]
    start = np.full(p0.n_items, -1)
    for i in placeable:
        start[i] = data.draw(st.sampled_from(p0.allowed[i].tolist()))
    p = problem(
        p0.capacity, p0.base_load, p0.hours[placeable], [p0.allowed[i] for i in placeable],
        anchor=start[placeable], anchor_points=1, start=start[placeable],
    )  # fmt: skip
    optimum, plans = brute_force(p)
    fewest = min(int(np.sum(plan != p.start)) for plan in plans)
    solution = mm.solve(p, time_limit=10)
    assert solution.max_utilisation == pytest.approx(optimum, abs=1e-9)
    assert int(np.sum(solution.officer != p.start)) == fewest


@settings(max_examples=100, deadline=None)
@given(small_problems(max_items=6), st.data())
def test_the_local_searches_keep_the_rules_and_never_raise_the_largest_utilisation(p0, data):
    anchor = [data.draw(st.sampled_from([-1, *p0.allowed[i].tolist()])) for i in range(p0.n_items)]
    p = problem(p0.capacity, p0.base_load, p0.hours, p0.allowed, anchor=anchor, anchor_points=2)
    plan = mm.greedy(p)
    for search in (mm.improve, mm.prefer, mm.even_out):
        after = search(p, plan)
        assert mm.max_utilisation(p, mm.loads(p, after)) <= mm.max_utilisation(p, mm.loads(p, plan)) + 1e-12
        for i in np.flatnonzero(after >= 0):
            assert after[i] in p.allowed[i]
        assert np.all((after >= 0) == (plan >= 0))
    assert mm.soft_points(p, mm.prefer(p, plan)) >= mm.soft_points(p, plan)
    evened = mm.even_out(p, plan)
    assert mm.soft_points(p, evened) >= mm.soft_points(p, plan)
    square = lambda q: float(np.sum(mm.loads(p, q) ** 2 / np.where(p.capacity > 0, p.capacity, 1)))  # noqa: E731
    assert square(evened) <= square(plan) + 1e-9
    polished = mm.polish(p, plan)
    assert all(polished[i] in p.allowed[i] for i in np.flatnonzero(polished >= 0))
    fallback = mm.solve(p, use_cp_sat=False)
    assert fallback.max_utilisation <= fallback.greedy_max_utilisation + 1e-12


def test_a_swap_fine_tunes_where_single_moves_are_too_big():
    # Officer 0 (capacity 10): items of 6 and 3 h = 90%. Officer 1 (capacity 10, 2 h fixed): an
    # item of 5 h = 70%. Moving the 3 makes officer 1 100%, the 6 130%: no single move helps.
    # Swapping the 6 for the 5 shifts one hour: 80% and 80%.
    p = problem([10, 10], [0, 2], [6, 3, 5], [{0, 1}] * 3)
    start = np.array([0, 0, 1])
    assert mm.max_utilisation(p, mm.loads(p, mm.improve(p, start, swaps=False))) == pytest.approx(0.9)
    swapped = mm.improve(p, start)
    assert swapped.tolist() == [1, 0, 0]
    assert mm.max_utilisation(p, mm.loads(p, swapped)) == pytest.approx(0.8)


def test_new_cases_are_shared_out_under_a_maximum_nobody_can_relieve():
    # Officer 0 is at 107% on cases nobody may take from them; officers 1 and 2 (capacity 100,
    # 40 h each) may take the four new 5 h cases. Every plan keeps the maximum at 107%, so the
    # solver alone may give all four to one colleague (60%); shared out, each gets two (50%).
    p = problem([100, 100, 100], [107, 40, 40], [5, 5, 5, 5], [[1, 2]] * 4)
    solution = mm.solve(p)
    assert solution.max_utilisation == pytest.approx(1.07)
    assert sorted(np.bincount(solution.officer, minlength=3).tolist()) == [0, 2, 2]


def test_evening_out_keeps_anchors_preferences_and_the_maximum():
    # Item 0 is anchored to officer 1 (continuity) and item 1 prefers officer 1: evening out may
    # not move them to officer 2 even though officer 1 carries more.
    p = problem([100, 100, 100], [107, 40, 30], [5, 5], [[1, 2], [1, 2]], anchor=[1, -1], anchor_points=3,
                scores=[None, np.array([0, 1, 0])])  # fmt: skip
    plan = mm.even_out(p, np.array([1, 1]))
    assert plan.tolist() == [1, 1]
    # Without the soft rules both move: 40 h and 40 h (Σ load² 3,200) beats 45 and 35 (3,250).
    assert mm.even_out(problem([100, 100, 100], [107, 40, 30], [5, 5], [[1, 2], [1, 2]]), np.array([1, 1])).tolist() == [2, 2]
