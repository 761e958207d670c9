"""Tests for `matching.allocation`: hand-worked cases, then properties on random input."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow
from scipy.optimize import linprog

from matching import allocation
from matching.allocation import (
    COST_RESOLUTION,
    AllocationResult,
    allocate,
    greedy_allocate,
    top_k_pairs,
)
from matching.errors import AllocationError, InvalidQueryError

Pair = tuple[int, int, float]
Solver = Callable[..., AllocationResult]


def run(
    solver: Solver,
    n_questions: int,
    capacities: list[int],
    wants: list[int],
    pairs: list[Pair],
) -> AllocationResult:
    question = np.array([p[0] for p in pairs], dtype=np.int64)
    offer = np.array([p[1] for p in pairs], dtype=np.int64)
    score = np.array([p[2] for p in pairs], dtype=np.float64)
    return solver(
        n_questions,
        np.array(capacities, dtype=np.int64),
        np.array(wants, dtype=np.int64),
        question,
        offer,
        score,
    )


def as_list(result: AllocationResult) -> list[Pair]:
    return list(
        zip(
            result.question_index.tolist(),
            result.offer_index.tolist(),
            result.scores.tolist(),
            strict=True,
        )
    )


class TestHandWorked:
    def test_allocate_beats_greedy_when_the_best_pair_blocks_two_good_ones(self):
        # q0 likes o0 (10) and o1 (9); q1 can only use o0 (8). Greedy takes q0-o0 and
        # leaves q1 empty: 10. Optimal gives o1 to q0 and o0 to q1: 9 + 8 = 17.
        pairs = [(0, 0, 10.0), (0, 1, 9.0), (1, 0, 8.0)]
        best = run(allocate, 2, [1, 1], [1, 1], pairs)
        greedy = run(greedy_allocate, 2, [1, 1], [1, 1], pairs)
        assert as_list(best) == [(0, 1, 9.0), (1, 0, 8.0)]
        assert best.total_score == 17.0
        assert best.questions_served == 2
        assert as_list(greedy) == [(0, 0, 10.0)]
        assert greedy.total_score == 10.0

    def test_allocate_never_uses_an_offer_with_capacity_zero(self):
        pairs = [(0, 0, 5.0), (0, 1, 1.0), (1, 0, 4.0)]
        result = run(allocate, 2, [0, 1], [1, 1], pairs)
        assert as_list(result) == [(0, 1, 1.0)]

    def test_allocate_gives_a_question_wanting_two_two_different_offers(self):
        # The duplicated pair (0, 0) counts once, with its highest score 0.9.
        pairs = [(0, 0, 0.8), (0, 0, 0.9), (0, 1, 0.5), (0, 2, 0.4)]
        result = run(allocate, 1, [3, 3, 3], [2], pairs)
        assert as_list(result) == [(0, 0, 0.9), (0, 1, 0.5)]
        assert result.total_score == pytest.approx(1.4)

    def test_allocate_leaves_a_question_without_allowed_pairs_unassigned(self):
        result = run(allocate, 3, [2], [1, 1, 1], [(1, 0, 0.7)])
        assert as_list(result) == [(1, 0, 0.7)]
        assert result.questions_served == 1

    def test_allocate_does_not_trade_score_for_more_matches(self):
        # Two pairs (q0-o1, q1-o0) would serve both questions but score only 2;
        # q0-o0 alone scores 10, so q1 stays unassigned.
        pairs = [(0, 0, 10.0), (0, 1, 1.0), (1, 0, 1.0)]
        result = run(allocate, 2, [1, 1], [1, 1], pairs)
        assert as_list(result) == [(0, 0, 10.0)]

    def test_allocate_ignores_pairs_with_score_zero_or_below(self):
        result = run(allocate, 2, [1, 1], [1, 1], [(0, 0, 0.0), (1, 1, -0.3)])
        assert as_list(result) == []
        assert result.total_score == 0.0

    def test_allocate_keeps_a_tiny_positive_score_despite_rounding(self):
        # 1e-12 rounds to cost 0 at 1e9 resolution; it is kept at cost 1 instead.
        result = run(allocate, 2, [1, 1], [1, 1], [(0, 0, 1000.0), (1, 1, 1e-12)])
        assert as_list(result) == [(0, 0, 1000.0), (1, 1, 1e-12)]

    @pytest.mark.parametrize("solver", [allocate, greedy_allocate])
    def test_solvers_return_an_empty_result_for_empty_input(self, solver):
        result = run(solver, 0, [], [], [])
        assert result.question_index.shape == (0,)
        assert result.offer_index.dtype == np.int64
        assert result.scores.dtype == np.float64
        assert (result.total_score, result.questions_served) == (0.0, 0)

    def test_allocate_output_is_the_same_for_any_input_order_of_tied_pairs(self):
        # Every pair scores 1 and only two of six can be used: many optimal answers.
        pairs = [(q, o, 1.0) for q in range(3) for o in range(2)]
        first = as_list(run(allocate, 3, [1, 1], [1, 1, 1], pairs))
        for seed in range(5):
            shuffled = [pairs[i] for i in np.random.default_rng(seed).permutation(6)]
            assert as_list(run(allocate, 3, [1, 1], [1, 1, 1], shuffled)) == first

    def test_allocate_result_arrays_are_read_only(self):
        result = run(allocate, 1, [1], [1], [(0, 0, 1.0)])
        with pytest.raises(ValueError, match="read-only"):
            result.scores[0] = 2.0


class TestValidation:
    @pytest.mark.parametrize(
        ("n_questions", "capacities", "wants", "pairs", "message"),
        [
            (2, [1], [1], [], "wants has 1 entries for 2 questions"),
            (1, [-1], [1], [], ">= 0"),
            (1, [1], [-1], [], ">= 0"),
            (1, [1], [1], [(1, 0, 1.0)], "pair_question out of range"),
            (1, [1], [1], [(0, 1, 1.0)], "pair_offer out of range"),
            (1, [1], [1], [(0, -1, 1.0)], "pair_offer out of range"),
            (1, [1], [1], [(0, 0, math.nan)], "finite"),
            (1, [1], [1], [(0, 0, math.inf)], "finite"),
        ],
    )
    def test_allocate_rejects_bad_input(
        self, n_questions, capacities, wants, pairs, message
    ):
        with pytest.raises(InvalidQueryError, match=message):
            run(allocate, n_questions, capacities, wants, pairs)

    def test_allocate_rejects_pair_arrays_of_different_length(self):
        with pytest.raises(InvalidQueryError, match="differ in length"):
            allocate(1, np.array([1]), np.array([1]), [0, 0], [0], [1.0, 1.0])

    def test_allocate_rejects_float_indices(self):
        with pytest.raises(InvalidQueryError, match="pair_offer must hold integers"):
            allocate(1, np.array([1]), np.array([1]), [0], [0.5], [1.0])

    def test_allocate_rejects_two_dimensional_capacities(self):
        with pytest.raises(InvalidQueryError, match="capacities must be 1-D"):
            allocate(1, np.ones((1, 1), np.int64), np.array([1]), [], [], [])


class TestSolverFailure:
    PAIRS = ([0, 1], [0, 0], [1.0, 1.0])

    def patch(self, monkeypatch: pytest.MonkeyPatch, **overrides: Any) -> None:
        fake = type("FakeFlow", (min_cost_flow.SimpleMinCostFlow,), overrides)
        monkeypatch.setattr(
            allocation, "min_cost_flow", SimpleNamespace(SimpleMinCostFlow=fake)
        )

    def test_allocate_raises_when_the_solver_is_not_optimal(self, monkeypatch):
        self.patch(monkeypatch, solve=lambda self: self.INFEASIBLE)
        with pytest.raises(AllocationError, match="INFEASIBLE"):
            allocate(2, np.array([1]), np.array([1, 1]), *self.PAIRS)

    def test_allocate_raises_when_the_reported_cost_disagrees(self, monkeypatch):
        self.patch(monkeypatch, optimal_cost=lambda self: 0)
        with pytest.raises(AllocationError, match="cost does not match"):
            allocate(2, np.array([1]), np.array([1, 1]), *self.PAIRS)

    def test_allocate_raises_when_the_flow_exceeds_a_capacity(self, monkeypatch):
        # Both pairs flow through o0 (capacity 1), with a cost that matches them.
        self.patch(
            monkeypatch,
            flows=lambda self, arcs: np.ones(len(arcs), np.int64),
            optimal_cost=lambda self: -2 * COST_RESOLUTION,
        )
        with pytest.raises(AllocationError, match="exceeds a capacity"):
            allocate(2, np.array([1]), np.array([1, 1]), *self.PAIRS)


class TestTopKPairs:
    def test_top_k_pairs_keeps_the_best_per_row_with_ties_to_the_lower_offer(self):
        scores = np.array(
            [[0.1, 0.9, 0.5, 0.5, 0.5], [-np.inf, 0.3, -np.inf, -np.inf, -np.inf]]
        )
        question, offer, score = top_k_pairs(scores, 2)
        assert question.tolist() == [0, 0, 1]
        assert offer.tolist() == [1, 2, 1]
        assert score.tolist() == [0.9, 0.5, 0.3]

    def test_top_k_pairs_returns_every_finite_pair_when_k_is_large(self):
        scores = np.array([[0.2, -np.inf], [0.4, 0.1]], dtype=np.float32)
        question, offer, score = top_k_pairs(scores, 5)
        assert list(zip(question.tolist(), offer.tolist(), strict=True)) == [
            (0, 0),
            (1, 0),
            (1, 1),
        ]
        assert score.dtype == np.float64

    @pytest.mark.parametrize(
        ("scores", "k"),
        [
            (np.array([[np.nan, 1.0]]), 1),
            (np.array([[np.inf, 1.0]]), 1),
            (np.array([1.0, 2.0]), 1),
            (np.array([[1.0]]), -1),
        ],
    )
    def test_top_k_pairs_rejects_bad_input(self, scores, k):
        with pytest.raises(InvalidQueryError):
            top_k_pairs(scores, k)


# --- properties -------------------------------------------------------------

SCORES = st.one_of(
    st.sampled_from([-0.5, 0.0, 0.25, 0.5, 1.0]),  # ties and ignored pairs
    st.floats(min_value=-1.0, max_value=1.0, allow_nan=False, width=32),
)


@st.composite
def instances(draw, max_side=6, max_pairs=16):
    n_q = draw(st.integers(0, max_side))
    n_o = draw(st.integers(0, max_side))
    capacities = draw(st.lists(st.integers(0, 3), min_size=n_o, max_size=n_o))
    wants = draw(st.lists(st.integers(0, 3), min_size=n_q, max_size=n_q))
    pairs: list[Pair] = []
    if n_q and n_o:
        pair = st.tuples(st.integers(0, n_q - 1), st.integers(0, n_o - 1), SCORES)
        pairs = draw(st.lists(pair, max_size=max_pairs))
    return n_q, capacities, wants, pairs


@st.composite
def random_instances(draw, max_side=12):
    """Denser instances from numpy: contention is common, so greedy often loses."""
    n_q = draw(st.integers(1, max_side))
    n_o = draw(st.integers(1, max_side))
    density = draw(st.sampled_from([0.2, 0.5, 0.8]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    capacities = rng.integers(0, 3, n_o).tolist()
    wants = rng.integers(0, 3, n_q).tolist()
    allowed = rng.random((n_q, n_o)) < density
    scores = np.round(rng.random((n_q, n_o)), 2)  # two decimals: ties happen
    pairs = [(int(q), int(o), float(scores[q, o])) for q, o in np.argwhere(allowed)]
    return n_q, capacities, wants, pairs


ANY_INSTANCE = st.one_of(instances(), random_instances())


def best_scores(pairs: list[Pair]) -> dict[tuple[int, int], float]:
    """Independent model of the pair conventions: positive scores, max per pair."""
    best: dict[tuple[int, int], float] = {}
    for q, o, s in pairs:
        if s > 0:
            best[q, o] = max(s, best.get((q, o), s))
    return best


def assert_feasible(
    result: AllocationResult, capacities: list[int], wants: list[int], pairs: list[Pair]
) -> None:
    allowed = best_scores(pairs)
    chosen = as_list(result)
    keys = [(q, o) for q, o, _ in chosen]
    assert len(set(keys)) == len(keys), "duplicate pair"
    assert keys == sorted(keys), "output not sorted by question, offer"
    for q, o, s in chosen:
        assert allowed.get((q, o)) == s, "pair not allowed or score changed"
    for o, cap in enumerate(capacities):
        assert sum(1 for _, oo in keys if oo == o) <= cap
    for q, want in enumerate(wants):
        assert sum(1 for qq, _ in keys if qq == q) <= want
    assert result.total_score == pytest.approx(math.fsum(result.scores), abs=1e-9)
    assert result.questions_served == len({q for q, _ in keys})


def lp_optimum(
    n_q: int, capacities: list[int], wants: list[int], pairs: list[Pair]
) -> float:
    """Optimum of the transportation LP; integral because the matrix is TU."""
    allowed = best_scores(pairs)
    if not allowed:
        return 0.0
    keys = list(allowed)
    a_ub = np.zeros((n_q + len(capacities), len(keys)))
    for j, (q, o) in enumerate(keys):
        a_ub[q, j] = 1.0
        a_ub[n_q + o, j] = 1.0
    res = linprog(
        c=-np.array([allowed[k] for k in keys]),
        A_ub=a_ub,
        b_ub=np.array(wants + capacities, dtype=float),
        bounds=(0, 1),
        method="highs",
    )
    assert res.status == 0
    return float(-res.fun)


def brute_force_optimum(
    capacities: list[int], wants: list[int], pairs: list[Pair]
) -> float:
    allowed = best_scores(pairs)
    best = 0.0
    for size in range(1, len(allowed) + 1):
        for subset in itertools.combinations(allowed, size):
            per_q = np.bincount([q for q, _ in subset], minlength=len(wants))
            per_o = np.bincount([o for _, o in subset], minlength=len(capacities))
            if (per_q <= wants).all() and (per_o <= capacities).all():
                best = max(best, math.fsum(allowed[k] for k in subset))
    return best


@settings(max_examples=400, deadline=None)
@given(ANY_INSTANCE)
def test_allocate_is_feasible_and_matches_the_lp_optimum(instance):
    n_q, capacities, wants, pairs = instance
    result = run(allocate, n_q, capacities, wants, pairs)
    assert_feasible(result, capacities, wants, pairs)
    assert result.total_score == pytest.approx(
        lp_optimum(n_q, capacities, wants, pairs), abs=1e-6
    )


@settings(max_examples=300, deadline=None)
@given(ANY_INSTANCE)
def test_greedy_is_feasible_and_never_beats_allocate(instance):
    n_q, capacities, wants, pairs = instance
    greedy = run(greedy_allocate, n_q, capacities, wants, pairs)
    assert_feasible(greedy, capacities, wants, pairs)
    best = run(allocate, n_q, capacities, wants, pairs)
    assert best.total_score >= greedy.total_score - 1e-6


@settings(max_examples=150, deadline=None)
@given(instances(max_side=4, max_pairs=9))
def test_allocate_matches_brute_force_on_tiny_instances(instance):
    n_q, capacities, wants, pairs = instance
    result = run(allocate, n_q, capacities, wants, pairs)
    assert result.total_score == pytest.approx(
        brute_force_optimum(capacities, wants, pairs), abs=1e-6
    )


@settings(max_examples=100, deadline=None)
@given(ANY_INSTANCE, st.randoms(use_true_random=False))
def test_allocate_does_not_depend_on_input_order(instance, rnd):
    n_q, capacities, wants, pairs = instance
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    first = run(allocate, n_q, capacities, wants, pairs)
    second = run(allocate, n_q, capacities, wants, shuffled)
    assert as_list(first) == as_list(second)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 7),
    st.integers(0, 8),
    st.integers(0, 2**32 - 1),
)
def test_top_k_pairs_matches_a_stable_sort(n_q, n_o, k, seed):
    rng = np.random.default_rng(seed)
    # Few distinct values, so ties at the cut are common.
    scores = rng.choice([-np.inf, 0.0, 0.5, 1.0], size=(n_q, n_o))
    question, offer, score = top_k_pairs(scores, k)
    expected = []
    for q in range(n_q):
        order = np.argsort(-scores[q], kind="stable")[:k]
        expected += sorted((q, int(o)) for o in order if np.isfinite(scores[q, o]))
    got = list(zip(question.tolist(), offer.tolist(), strict=True))
    assert got == expected
    assert score.tolist() == [scores[q, o] for q, o in expected]
