"""Allocation across all open questions: which offer goes to which question.

The broker's question "what is the best proposal for everything that is open?" is a
maximum-weight bipartite b-matching: pick (question, offer) pairs with the highest
total score such that offer `o` is used at most `capacities[o]` times and question
`q` gets at most `wants[q]` different offers. It is solved exactly as a min-cost
flow with OR-Tools (cost-scaling push-relabel), following the network below:

    source --(wants[q], 0)--> question q --(1, -score)--> offer o --(cap[o], 0)--> sink
    source --------------------(total supply, 0)--------------------------------> sink

The bypass arc carries whatever flow is better left unused, so a question may stay
unassigned and is never forced into a pair. The constraint matrix of this network
is totally unimodular, so the integral flow is optimal among all fractional ones.

Conventions shared by `allocate` and `greedy_allocate`:

* Hard rules are applied upstream: the caller passes only allowed pairs.
* Pairs with score <= 0 are ignored: they can never raise the total.
* A pair given more than once counts once, with its highest score.
* Output pairs are sorted by question index, then offer index.

Precision: OR-Tools needs integer costs. Scores are scaled so the largest one maps
to `COST_RESOLUTION` (10**9) and rounded; a positive score never rounds below 1, so
every allowed pair still beats leaving the question empty. The proposal is optimal
for the rounded scores; its true total is at most `k * max_score / 10**9` below the
true optimum (k = number of pairs proposed). Totals are reported in the original
float scores. The solver is single-threaded and deterministic, and the network is
built from the pairs in sorted order, so the same set of pairs (in any input
order) always gives the same proposal, also when several proposals tie.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matching.errors import AllocationError, InvalidQueryError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

COST_RESOLUTION = 10**9
"""Integer cost given to the largest score; see the module docstring on precision."""


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """A proposed allocation; all arrays have shape (n_pairs,) and are read-only.

    Attributes:
        question_index: Question of each proposed pair, ascending.
        offer_index: Offer of each pair, ascending within a question.
        scores: Score of each pair (> 0), as given by the caller.
        total_score: Sum of `scores`.
        questions_served: Number of distinct questions that got at least one offer.
    """

    question_index: IntArray
    offer_index: IntArray
    scores: FloatArray
    total_score: float
    questions_served: int


@dataclass(frozen=True, slots=True)
class _Problem:
    """Validated input: unique pairs with score > 0, sorted by (question, offer)."""

    capacities: IntArray
    wants: IntArray
    question: IntArray
    offer: IntArray
    score: FloatArray


def allocate(
    n_questions: int,
    capacities: npt.ArrayLike,
    wants: npt.ArrayLike,
    pair_question: npt.ArrayLike,
    pair_offer: npt.ArrayLike,
    pair_score: npt.ArrayLike,
) -> AllocationResult:
    """Propose the allowed pairs with the highest total score (exact, min-cost flow).

    Args:
        n_questions: Number of questions; question indices run over [0, n_questions).
        capacities: Integer array (n_offers,), remaining capacity of each offer, >= 0.
        wants: Integer array (n_questions,), how many offers each question wants, >= 0.
        pair_question: Integer array (m,), question index of each allowed pair.
        pair_offer: Integer array (m,), offer index of each allowed pair.
        pair_score: Float array (m,), finite score of each pair; any real range,
            pairs with score <= 0 are ignored.

    Returns:
        The optimal proposal, pairs sorted by question then offer.

    Raises:
        InvalidQueryError: The arrays have the wrong shape, dtype or values.
        AllocationError: The solver did not report an optimal, consistent solution.
    """
    problem = _prepare(
        n_questions, capacities, wants, pair_question, pair_offer, pair_score
    )
    if problem.question.size == 0:
        return _result(problem, np.zeros(0, dtype=bool))
    chosen = _solve_flow(problem)
    _check_feasible(problem, chosen)
    return _result(problem, chosen)


def greedy_allocate(
    n_questions: int,
    capacities: npt.ArrayLike,
    wants: npt.ArrayLike,
    pair_question: npt.ArrayLike,
    pair_offer: npt.ArrayLike,
    pair_score: npt.ArrayLike,
) -> AllocationResult:
    """Baseline: take pairs by descending score while both sides have room.

    Same arguments, conventions and errors as `allocate`; ties in score are taken
    by question index, then offer index. Not optimal; used to measure `allocate`.
    """
    problem = _prepare(
        n_questions, capacities, wants, pair_question, pair_offer, pair_score
    )
    # Pairs are sorted by (question, offer), so a stable sort breaks ties that way.
    order = np.argsort(-problem.score, kind="stable")
    room_q = problem.wants.tolist()
    room_o = problem.capacities.tolist()
    questions = problem.question.tolist()
    offers = problem.offer.tolist()
    chosen = np.zeros(problem.question.size, dtype=bool)
    for i in order.tolist():
        q, o = questions[i], offers[i]
        if room_q[q] > 0 and room_o[o] > 0:
            room_q[q] -= 1
            room_o[o] -= 1
            chosen[i] = True
    return _result(problem, chosen)


def top_k_pairs(scores: npt.ArrayLike, k: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Sparse candidates from a dense score matrix: the k best offers per question.

    Args:
        scores: Float array (n_questions, n_offers); `-inf` marks a disallowed pair
            (such entries are never returned). NaN and `+inf` are rejected.
        k: Number of candidates kept per question, >= 0.

    Returns:
        `(pair_question, pair_offer, pair_score)`, each of shape (m,) with
        m <= n_questions * k, sorted by question then offer. Ties at the k-th
        place go to the lower offer index.

    Raises:
        InvalidQueryError: `scores` is not 2-D, holds NaN or +inf, or k < 0.
    """
    matrix = np.asarray(scores)
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.floating):
        raise InvalidQueryError("scores must be a 2-D float array")
    if matrix.size and not np.max(matrix) < np.inf:  # NaN propagates through max
        raise InvalidQueryError("scores must not contain NaN or +inf")
    k = operator.index(k)
    if k < 0:
        raise InvalidQueryError(f"k must be >= 0, got {k}")
    n_offers = matrix.shape[1]
    if k == 0 or k >= n_offers:
        keep = np.full(matrix.shape, k > 0) & (matrix > -np.inf)
    else:
        # np.partition finds the k-th largest value per row in linear time. Entries
        # tied with it are kept when they fit; a row with more ties than room keeps
        # the leftmost ones, so the cut is deterministic. A row whose k-th value is
        # -inf has fewer than k allowed offers and keeps just those.
        kth = np.partition(matrix, n_offers - k, axis=1)[:, [n_offers - k]]
        above = matrix > kth
        tied = (matrix == kth) & (kth > -np.inf)
        room = k - above.sum(axis=1, keepdims=True, dtype=np.int32)
        keep = above | tied
        crowded = np.flatnonzero(tied.sum(axis=1, dtype=np.int32) > room[:, 0])
        if crowded.size:
            ties = tied[crowded]
            fits = np.cumsum(ties, axis=1, dtype=np.int32) <= room[crowded]
            keep[crowded] = above[crowded] | (ties & fits)
    rows, cols = np.nonzero(keep)
    return (
        rows.astype(np.int64),
        cols.astype(np.int64),
        matrix[rows, cols].astype(np.float64),
    )


def _int_vector(name: str, values: npt.ArrayLike) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidQueryError(f"{name} must be 1-D, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise InvalidQueryError(f"{name} must hold integers, got {array.dtype}")
    return array.astype(np.int64)


def _prepare(
    n_questions: int,
    capacities: npt.ArrayLike,
    wants: npt.ArrayLike,
    pair_question: npt.ArrayLike,
    pair_offer: npt.ArrayLike,
    pair_score: npt.ArrayLike,
) -> _Problem:
    """Validate the input, drop pairs with score <= 0 and merge duplicates (max)."""
    n_questions = operator.index(n_questions)
    caps = _int_vector("capacities", capacities)
    want = _int_vector("wants", wants)
    question = _int_vector("pair_question", pair_question)
    offer = _int_vector("pair_offer", pair_offer)
    score = np.asarray(pair_score)
    real = np.issubdtype(score.dtype, np.integer) or np.issubdtype(
        score.dtype, np.floating
    )
    if score.ndim != 1 or (score.size and not real):
        raise InvalidQueryError("pair_score must be a 1-D array of real numbers")
    score = score.astype(np.float64)
    if want.size != n_questions:
        raise InvalidQueryError(
            f"wants has {want.size} entries for {n_questions} questions"
        )
    if not question.size == offer.size == score.size:
        raise InvalidQueryError(
            "pair_question, pair_offer and pair_score differ in length: "
            f"{question.size}, {offer.size}, {score.size}"
        )
    if (caps < 0).any() or (want < 0).any():
        raise InvalidQueryError("capacities and wants must be >= 0")
    if question.size and (question.min() < 0 or question.max() >= n_questions):
        raise InvalidQueryError(f"pair_question out of range [0, {n_questions})")
    if offer.size and (offer.min() < 0 or offer.max() >= caps.size):
        raise InvalidQueryError(f"pair_offer out of range [0, {caps.size})")
    if not np.isfinite(score).all():
        raise InvalidQueryError("pair_score must be finite")

    # Pairs that can never be used are dropped before solving.
    usable = (score > 0) & (want[question] > 0) & (caps[offer] > 0)
    question, offer, score = question[usable], offer[usable], score[usable]
    # Sort by (question, offer, score descending); the first of each run is the max.
    order = np.lexsort((-score, offer, question))
    question, offer, score = question[order], offer[order], score[order]
    first = np.ones(question.size, dtype=bool)
    first[1:] = (question[1:] != question[:-1]) | (offer[1:] != offer[:-1])
    return _Problem(caps, want, question[first], offer[first], score[first])


def _solve_flow(problem: _Problem) -> npt.NDArray[np.bool_]:
    """Solve the min-cost flow of the module docstring; True marks a chosen pair."""
    questions, q_node = np.unique(problem.question, return_inverse=True)
    offers, o_node = np.unique(problem.offer, return_inverse=True)
    n_q, n_o, m = questions.size, offers.size, problem.question.size
    source, sink, q_base, o_base = 0, 1, 2, 2 + n_q
    # No side can use more than its number of pairs; capping keeps numbers small.
    q_cap = np.minimum(problem.wants[questions], np.bincount(q_node, minlength=n_q))
    o_cap = np.minimum(problem.capacities[offers], np.bincount(o_node, minlength=n_o))
    supply = int(q_cap.sum())

    # Dividing first keeps the ratio <= 1, so even subnormal scores cannot overflow.
    scaled = np.rint(problem.score / problem.score.max() * COST_RESOLUTION)
    scaled = scaled.astype(np.int64)
    scaled = np.maximum(scaled, 1)

    tails = np.concatenate(
        [np.full(n_q, source), q_base + q_node, o_base + np.arange(n_o), [source]]
    )
    heads = np.concatenate(
        [q_base + np.arange(n_q), o_base + o_node, np.full(n_o, sink), [sink]]
    )
    caps = np.concatenate([q_cap, np.ones(m, dtype=np.int64), o_cap, [supply]])
    costs = np.concatenate(
        [np.zeros(n_q, np.int64), -scaled, np.zeros(n_o, np.int64), [0]]
    )

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32),
        np.array([supply, -supply], dtype=np.int64),
    )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise AllocationError(f"min-cost flow solver ended with status {status.name}")
    pair_arcs = np.arange(n_q, n_q + m, dtype=np.int32)  # arc ids follow add order
    chosen: npt.NDArray[np.bool_] = np.asarray(flow.flows(pair_arcs)) > 0
    if int(flow.optimal_cost()) != -int(scaled[chosen].sum()):
        raise AllocationError("solver cost does not match the flow it returned")
    return chosen


def _check_feasible(problem: _Problem, chosen: npt.NDArray[np.bool_]) -> None:
    """Guard against a solver bug: a proposal must never exceed a capacity."""
    per_question = np.bincount(problem.question[chosen], minlength=problem.wants.size)
    per_offer = np.bincount(problem.offer[chosen], minlength=problem.capacities.size)
    if (per_question > problem.wants).any() or (per_offer > problem.capacities).any():
        raise AllocationError("solver returned a flow that exceeds a capacity")


def _result(problem: _Problem, chosen: npt.NDArray[np.bool_]) -> AllocationResult:
    question = problem.question[chosen]
    offer = problem.offer[chosen]
    score = problem.score[chosen]
    for array in (question, offer, score):
        array.setflags(write=False)
    return AllocationResult(
        question_index=question,
        offer_index=offer,
        scores=score,
        total_score=float(score.sum()),
        questions_served=int(np.unique(question).size),
    )
