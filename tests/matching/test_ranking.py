from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching.config import COMPONENTS, DEFAULT_CONFIG, ENGINE_VERSION, MatchConfig
from matching.ranking import fuse, top_k

F = np.float32


def _config(**weights: float) -> MatchConfig:
    zero = {f"w_{n}": 0.0 for n in COMPONENTS}
    zero.update(weights)
    return dataclasses.replace(DEFAULT_CONFIG, **zero)  # type: ignore[arg-type]


def test_fuse_is_a_weighted_mean():
    components = {
        "dense": np.array([1.0, 0.0], F),
        "lexical": np.array([0.0, 1.0], F),
    }
    scores = fuse(components, _config(w_dense=3.0, w_lexical=1.0))
    np.testing.assert_allclose(scores, [0.75, 0.25])


def test_missing_component_drops_out():
    components = {"lexical": np.array([0.5], F), "concept": np.array([1.0], F)}
    scores = fuse(components, _config(w_dense=10.0, w_lexical=1.0, w_concept=1.0))
    np.testing.assert_allclose(scores, [0.75])


def test_a_component_absent_for_one_offer_drops_out_of_its_mean_only():
    components = {
        "lexical": np.array([1.0, 0.0], F),
        "concept": np.array([0.5, 0.5], F),
    }
    config = _config(w_lexical=1.0, w_concept=1.0)
    np.testing.assert_allclose(fuse(components, config), [0.75, 0.25])
    # offer 1 is in another language than the question: its lexical 0 is no
    # evidence against it, so its score is its concept evidence alone
    present = {"lexical": np.array([True, False])}
    np.testing.assert_allclose(fuse(components, config, present), [0.75, 0.5])


def test_fuse_without_any_weighted_component_raises():
    with pytest.raises(ValueError, match="no weighted component"):
        fuse({"theme": np.array([1.0], F)}, _config(w_dense=1.0))


def test_place_bonus_is_gated_by_topical_relevance():
    components = {
        "concept": np.array([1.0, 0.0], F),
        "place": np.array([1.0, 1.0], F),
    }
    gated = fuse(components, _config(w_concept=1.0, w_place=1.0))
    # the off-topic offer in the same neighbourhood gains nothing from "zelfde wijk"
    np.testing.assert_allclose(gated, [1.0, 0.0])
    ungated = fuse(
        components,
        dataclasses.replace(_config(w_concept=1.0, w_place=1.0), place_gate=0.0),
    )
    np.testing.assert_allclose(ungated, [1.0, 0.5])


def test_top_k_orders_by_score_then_id():
    scores = np.array([0.5, 0.9, 0.5, 0.1], F)
    id_rank = np.array([3, 0, 1, 2])  # offer 2 has a smaller id than offer 0
    everyone = np.ones(4, dtype=bool)
    assert top_k(scores, id_rank, everyone, 3).tolist() == [1, 2, 0]


def test_top_k_keeps_ties_at_the_cut_in_id_order():
    scores = np.array([0.5, 0.5, 0.5], F)
    id_rank = np.array([2, 0, 1])
    assert top_k(scores, id_rank, np.ones(3, dtype=bool), 1).tolist() == [1]


def test_top_k_respects_the_mask_and_small_pools():
    scores = np.array([0.9, 0.8, 0.7], F)
    mask = np.array([False, True, True])
    assert top_k(scores, np.arange(3), mask, 10).tolist() == [1, 2]
    assert top_k(scores, np.arange(3), mask, 0).tolist() == []
    assert top_k(scores, np.arange(3), np.zeros(3, dtype=bool), 5).tolist() == []


def test_config_version_changes_with_any_weight():
    base = MatchConfig()
    assert base.version == MatchConfig().version
    assert dataclasses.replace(base, w_dense=0.21).version != base.version
    assert base.version.startswith(f"{ENGINE_VERSION}-")


def test_config_rejects_negative_or_empty_weights():
    from matching.errors import InvalidQueryError

    with pytest.raises(InvalidQueryError):
        MatchConfig(w_dense=-0.1)
    with pytest.raises(InvalidQueryError):
        _config()
    with pytest.raises(InvalidQueryError):
        MatchConfig(lexical_word_share=1.5)


def test_default_weights_sum_to_one():
    assert sum(DEFAULT_CONFIG.weights.values()) == pytest.approx(1.0)
    assert set(DEFAULT_CONFIG.weights) == set(COMPONENTS)
