"""Fusion of evidence components into one score, and a stable top-k order.

Fusion is a weighted mean of components in [0, 1] (`MatchConfig.weights`), with one
refinement: the place and locality components are gated by topical relevance,
`place * topical ** place_gate`, where `topical` is the weighted mean of the content
components (dense, lexical, concept, expertise, theme) relative to the question's best offer.
"Zelfde wijk" thus lifts a relevant offer above an equally relevant citywide one, but
cannot lift an off-topic offer that happens to work in the same neighbourhood.

A component can also be absent for some offers only (`present`): lexical evidence
compares words, so it is only counted between texts in the same language; for a
Dutch question and an English offer it drops out of that pair's weighted mean
instead of counting as zero.

Order: descending score, ties broken by ascending offer id (as a precomputed integer
rank of the ids, so sorting stays numeric).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from matching.config import MatchConfig

__all__ = ["CONTENT_COMPONENTS", "fuse", "top_k"]

CONTENT_COMPONENTS: tuple[str, ...] = (
    "dense",
    "lexical",
    "concept",
    "expertise",
    "theme",
)


# Components that only refine the content evidence: gated by topical relevance.
_GATES = {"place": "place_gate", "locality": "locality_gate"}


def fuse(
    components: Mapping[str, npt.NDArray[np.float32]],
    config: MatchConfig,
    present: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    strength: Mapping[str, float] | None = None,
) -> npt.NDArray[np.float32]:
    """Combine evidence arrays into one score per offer.

    Args:
        components: Component name -> (n,) array in [0, 1]. A component that is
            missing (e.g. `dense` without vectors) drops out of the weighted mean.
        config: Weights and `place_gate`.
        present: Component name -> (n,) bool, for components that only exist for
            some offers (`lexical` only compares texts in the same language). Where
            False, the component drops out of that offer's weighted mean, exactly as
            a missing component does for all offers.
        strength: Component name -> factor in [0, 1] on its weight for this
            question (the locality weight shrinks when most of the pool is local).

    Returns:
        (n,) float32 scores in [0, 1].

    Raises:
        ValueError: When no weighted component is present.
    """
    factors = strength or {}
    weights = {
        k: w * factors.get(k, 1.0)
        for k, w in config.weights.items()
        if k in components and w * factors.get(k, 1.0) > 0
    }
    if not weights:
        raise ValueError("no weighted component to fuse")
    n = next(iter(components.values())).shape[0]
    masks = present or {}
    # A weight per offer only where a component is absent for some offers.
    per_offer: dict[str, float | npt.NDArray[np.float32]] = {
        name: weight * masks[name] if name in masks else weight
        for name, weight in weights.items()
    }
    content_weight: float | npt.NDArray[np.float32] = 0.0
    topical = np.zeros(n, dtype=np.float32)
    for name in CONTENT_COMPONENTS:
        if name in per_offer:
            content_weight = content_weight + per_offer[name]
            topical += per_offer[name] * components[name]
    content = np.broadcast_to(np.asarray(content_weight, dtype=np.float32), (n,))
    topical = np.divide(topical, content, out=np.zeros_like(topical), where=content > 0)
    total = np.zeros(n, dtype=np.float32)
    denominator: float | npt.NDArray[np.float32] = 0.0
    for name, weight in per_offer.items():
        values = components[name]
        gate = _GATES.get(name)
        if gate is not None and not values.any():
            # All zero (a citywide question's place): adding it changes no bit.
            denominator = denominator + weight
            continue
        if gate is not None and getattr(config, gate) > 0 and n > 0:
            peak = float(topical.max())
            relative = topical / peak if peak > 0 else topical
            values = values * np.power(relative, getattr(config, gate))
        total += weight * values
        denominator = denominator + weight
    out: npt.NDArray[np.float32] = (total / np.maximum(denominator, 1e-12)).astype(
        np.float32
    )
    return out


def top_k(
    scores: npt.NDArray[np.float32],
    id_rank: npt.NDArray[np.int64],
    mask: npt.NDArray[np.bool_],
    k: int,
) -> npt.NDArray[np.int64]:
    """Indices of the k best offers among `mask`, best first, ties by id.

    Args:
        scores: (n,) scores.
        id_rank: (n,) rank of each offer id in ascending id order.
        mask: (n,) bool, which offers may be returned.
        k: How many to return (fewer when fewer are allowed).

    Returns:
        (min(k, mask.sum()),) int64 indices into the offers.
    """
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    everyone = bool(mask.all())
    pool = np.arange(mask.size) if everyone else np.flatnonzero(mask)
    if pool.size == 0:
        return np.empty(0, dtype=np.int64)
    if pool.size > k:
        pool_scores = scores if everyone else scores[pool]
        kth = np.partition(pool_scores, pool.size - k)[pool.size - k]
        # Keep every offer tied with the k-th score, so ties resolve by id.
        pool = pool[pool_scores >= kth]
    order = np.lexsort((id_rank[pool], -scores[pool].astype(np.float64)))
    return pool[order][:k].astype(np.int64)
