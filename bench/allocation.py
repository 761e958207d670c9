"""Benchmark: exact allocation (min-cost flow) against the greedy baseline.

Run from the repository root::

    python -m bench.allocation           # 200x500, 2,000x5,000 and 10,000x20,000
    python -m bench.allocation --quick   # the two smaller sizes only

Instances imitate a city: questions and offers are unit embeddings around shared
themes; questions crowd onto a few popular themes (Zipf) while supply is spread
evenly, so popular offers are contested. The score is the cosine plus a little
noise. Hard-rule-like masks (level, neighbourhood, inactive offers) remove pairs
before `top_k_pairs` keeps the K best allowed offers per question. Offers have a
remaining capacity of 1-4 and questions want 1 or 2 offers. The seed is fixed.

"build" is the candidate step (scores, masks, top-k) timed once; "solve" and
"greedy" are medians over the given number of runs. Timings are informative only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.allocation import (
    AllocationResult,
    allocate,
    greedy_allocate,
    top_k_pairs,
)

SEED = 20_240_611
K = 20
DIM = 64
N_THEMES = 40
N_NEIGHBOURHOODS = 20
BLOCK = 500  # questions scored per block, bounds memory at 10,000 x 20,000
# (questions, offers, runs)
SIZES = [(200, 500, 7), (2_000, 5_000, 5), (10_000, 20_000, 2)]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Args = tuple[int, IntArray, IntArray, IntArray, IntArray, FloatArray]
Solver = Callable[
    [int, IntArray, IntArray, IntArray, IntArray, FloatArray], AllocationResult
]


@dataclass(frozen=True, slots=True)
class Instance:
    n_questions: int
    capacities: IntArray
    wants: IntArray
    pair_question: IntArray
    pair_offer: IntArray
    pair_score: FloatArray
    build_seconds: float

    def args(self) -> Args:
        return (
            self.n_questions,
            self.capacities,
            self.wants,
            self.pair_question,
            self.pair_offer,
            self.pair_score,
        )


def _unit(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms: npt.NDArray[np.float32] = np.linalg.norm(x, axis=1, keepdims=True)
    return x / norms


def _embeddings(
    rng: np.random.Generator,
    themes: npt.NDArray[np.float32],
    theme_of: npt.NDArray[np.int64],
) -> npt.NDArray[np.float32]:
    noise = rng.standard_normal((theme_of.size, DIM), dtype=np.float32)
    # Noise of norm ~1 next to a unit theme vector: same-theme cosines ~0.5.
    return _unit(themes[theme_of] + noise / np.float32(np.sqrt(DIM)))


def make_instance(
    n_questions: int, n_offers: int, rng: np.random.Generator
) -> Instance:
    """Draw one instance and build its top-K sparse candidates."""
    themes = _unit(rng.standard_normal((N_THEMES, DIM), dtype=np.float32))
    popularity = 1.0 / np.arange(1, N_THEMES + 1)
    q_theme = rng.choice(N_THEMES, size=n_questions, p=popularity / popularity.sum())
    o_theme = rng.integers(N_THEMES, size=n_offers)
    q_vec = _embeddings(rng, themes, q_theme)
    o_vec = _embeddings(rng, themes, o_theme)

    # Hard-rule attributes: accepted levels, neighbourhood (-1 = citywide), active.
    o_level = rng.integers(3, size=n_offers)
    q_levels = rng.random((n_questions, 3)) < 0.6
    q_levels[~q_levels.any(axis=1), 1] = True
    o_hood = np.where(
        rng.random(n_offers) < 0.3, rng.integers(N_NEIGHBOURHOODS, size=n_offers), -1
    )
    q_hood = np.where(
        rng.random(n_questions) < 0.8,
        rng.integers(N_NEIGHBOURHOODS, size=n_questions),
        -1,
    )
    o_active = rng.random(n_offers) < 0.9
    capacities = rng.integers(1, 5, size=n_offers).astype(np.int64)
    wants = np.where(rng.random(n_questions) < 0.7, 1, 2).astype(np.int64)

    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    build = 0.0
    for start in range(0, n_questions, BLOCK):
        rows = slice(start, min(start + BLOCK, n_questions))
        noise = 0.05 * rng.standard_normal(
            (rows.stop - start, n_offers), dtype=np.float32
        )
        began = time.perf_counter()
        scores = q_vec[rows] @ o_vec.T + noise
        allowed = (
            q_levels[rows][:, o_level]
            & o_active
            & ((o_hood == -1) | (o_hood == q_hood[rows, None]))
        )
        scores[~allowed] = -np.inf
        question, offer, score = top_k_pairs(scores, K)
        parts.append((question + start, offer, score))
        build += time.perf_counter() - began
    return Instance(
        n_questions=n_questions,
        capacities=capacities,
        wants=wants,
        pair_question=np.concatenate([p[0] for p in parts]),
        pair_offer=np.concatenate([p[1] for p in parts]),
        pair_score=np.concatenate([p[2] for p in parts]),
        build_seconds=build,
    )


def _time(
    solver: Solver, instance: Instance, runs: int
) -> tuple[float, AllocationResult]:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        result = solver(*instance.args())
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="only the two smaller sizes"
    )
    options = parser.parse_args(argv)
    sizes = SIZES[:2] if options.quick else SIZES
    # Warm up BLAS threads and the solver on a throwaway instance (own generator,
    # so the measured instances do not depend on it).
    warm_up = make_instance(50, 100, np.random.default_rng(0))
    allocate(*warm_up.args())
    greedy_allocate(*warm_up.args())
    rng = np.random.default_rng(SEED)

    print(f"seed {SEED}, top-{K} candidates per question, times in seconds")
    header = (
        f"{'questions x offers':>20} {'pairs':>8} {'runs':>4} {'build':>7} "
        f"{'solve':>7} {'greedy':>7} {'total opt':>10} {'total greedy':>12} "
        f"{'ratio':>7} {'served opt':>10} {'served greedy':>13}"
    )
    print(header)
    print("-" * len(header))
    for n_questions, n_offers, runs in sizes:
        instance = make_instance(n_questions, n_offers, rng)
        solve_s, best = _time(allocate, instance, runs)
        greedy_s, greedy = _time(greedy_allocate, instance, runs)
        print(
            f"{f'{n_questions:,} x {n_offers:,}':>20} {instance.pair_score.size:>8,} "
            f"{runs:>4} {instance.build_seconds:>7.3f} {solve_s:>7.3f} {greedy_s:>7.3f} "
            f"{best.total_score:>10.2f} {greedy.total_score:>12.2f} "
            f"{best.total_score / max(greedy.total_score, 1e-12):>7.4f} "
            f"{best.questions_served:>10,} {greedy.questions_served:>13,}"
        )


if __name__ == "__main__":
    main()
