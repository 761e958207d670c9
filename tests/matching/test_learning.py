"""The learned reranker: hand-made decisions with a known better weighting, and
simulated decisions on the real pairings with an engine missing a weight."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matching.errors import MatchingError
from matching.learning import (
    FEATURES,
    Decision,
    LearnedRanker,
    Outcome,
    ShownOffer,
    fit,
    pair_weights,
)
from matching.pipeline import OfferIndex, rank
from tests.matching._factories import REFERENCE, offer, question

# The default prefers topical offers; the broker always confirms the local one,
# shown third. A weighting with more locality is better, and fit must find it.
TOPICAL = {"concept": 0.9, "theme": 0.9, "locality": 0.0, "window": 1.0}
SECOND = {"concept": 0.7, "theme": 0.8, "locality": 0.0, "window": 1.0}
LOCAL = {"concept": 0.5, "theme": 0.7, "locality": 1.0, "window": 1.0}
OTHER = {"concept": 0.3, "theme": 0.5, "locality": 0.0, "window": 1.0}


def _decision(
    q: str, best_rank: int = 3, outcome: Outcome = Outcome.CONFIRMED
) -> Decision:
    rows = [("top", TOPICAL), ("second", SECOND), ("local", LOCAL), ("other", OTHER)]
    if best_rank == 1:
        rows = [rows[2], rows[0], rows[1], rows[3]]
    return Decision(
        question_id=q,
        engine_version="test",
        shown=tuple(
            ShownOffer(
                offer_id=f"{q}-{name}",
                rank=i + 1,
                components=values,
                outcome=outcome if name == "local" else Outcome.REJECTED,
            )
            for i, (name, values) in enumerate(rows)
        ),
    )


def _local_wins(n: int = 20) -> list[Decision]:
    return [_decision(f"q{i}") for i in range(n)]


class TestFit:
    def test_fit_learns_a_known_better_weighting(self):
        ranker = fit(_local_wins())
        assert ranker is not None
        weights = dict(zip(FEATURES, ranker.coefficients, strict=True))
        assert weights["locality"] > 0
        scores = ranker.score_rows([TOPICAL, SECOND, LOCAL, OTHER])
        assert int(np.argmax(scores)) == 2
        assert ranker.validation["learned_mrr"] > ranker.validation["default_mrr"]
        assert ranker.trained_on == {"decisions": 20, "questions": 20}

    def test_guard_keeps_the_default_when_it_is_already_right(self):
        # The confirmed offer is always shown first: nothing to gain.
        assert fit([_decision(f"q{i}", best_rank=1) for i in range(20)]) is None

    def test_guard_keeps_the_default_when_one_question_carries_the_gain(self):
        # Nineteen questions where the default already shows the wanted offer
        # first, one where the local offer third is wanted: the learned order can
        # only win that one question back, which is no evidence.
        decisions = [_decision(f"q{i}", best_rank=1) for i in range(19)]
        decisions.append(_decision("q19"))
        assert fit(decisions, margin=0.0) is None
        assert fit(decisions, margin=0.0, min_net_wins=1) is not None

    def test_guard_keeps_the_default_with_too_few_questions(self):
        assert fit(_local_wins(5)) is None

    def test_no_positive_outcome_means_no_model(self):
        ignored = [_decision(f"q{i}", outcome=Outcome.IGNORED) for i in range(20)]
        assert fit(ignored) is None

    def test_fit_is_deterministic(self):
        first, second = fit(_local_wins()), fit(_local_wins())
        assert first is not None
        assert second is not None
        assert first.coefficients == second.coefficients
        assert first.version == second.version

    def test_declined_counts_as_a_wanted_offer(self):
        declined = [_decision(f"q{i}", outcome=Outcome.DECLINED) for i in range(20)]
        ranker = fit(declined)
        assert ranker is not None
        assert int(np.argmax(ranker.score_rows([TOPICAL, SECOND, LOCAL]))) == 2


class TestPositionBias:
    def test_weights_are_inverse_propensities(self):
        ranks = np.array([1, 2, 4])
        assert pair_weights(ranks, eta=1.0).tolist() == [1.0, 2.0, 4.0]
        assert pair_weights(ranks, eta=0.5).tolist() == pytest.approx([1, 2**0.5, 2])
        assert pair_weights(ranks, eta=0.0).tolist() == [1.0, 1.0, 1.0]

    def test_weights_are_clipped(self):
        assert pair_weights(np.array([100]), eta=1.0, max_weight=10.0).tolist() == [
            10.0
        ]

    def test_a_confirmation_far_down_weighs_more(self):
        # Half the brokers confirm the topical offer shown first, half the local
        # one shown third. Debiased, a confirmation at rank 3 counts three times,
        # so the model leans harder on locality than without the correction.
        mixed = []
        for i in range(20):
            d = _decision(f"q{i}")
            if i % 2:
                d = Decision(
                    question_id=d.question_id,
                    shown=tuple(
                        ShownOffer(
                            s.offer_id,
                            s.rank,
                            s.components,
                            Outcome.CONFIRMED if s.rank == 1 else Outcome.REJECTED,
                        )
                        for s in d.shown
                    ),
                )
            mixed.append(d)
        no_guard = {"margin": -1.0, "min_net_wins": -len(mixed)}
        debiased = fit(mixed, eta=1.0, **no_guard)
        naive = fit(mixed, eta=0.0, **no_guard)
        assert debiased is not None
        assert naive is not None
        i = FEATURES.index("locality")
        assert debiased.coefficients[i] > naive.coefficients[i]


class TestSerialisation:
    def test_json_round_trip(self):
        ranker = fit(_local_wins())
        assert ranker is not None
        again = LearnedRanker.from_json(ranker.to_json())
        assert again == ranker
        assert again.version == ranker.version
        rows = [TOPICAL, LOCAL, OTHER]
        assert again.score_rows(rows).tolist() == ranker.score_rows(rows).tolist()

    def test_version_changes_with_the_coefficients(self):
        ranker = fit(_local_wins())
        assert ranker is not None
        other = LearnedRanker(
            coefficients=tuple(c + 0.1 for c in ranker.coefficients),
            prior_weights=ranker.prior_weights,
            engine_version=ranker.engine_version,
        )
        assert other.version != ranker.version
        assert ranker.version.startswith(ranker.engine_version)

    def test_from_json_refuses_other_features(self):
        ranker = fit(_local_wins())
        assert ranker is not None
        text = ranker.to_json().replace('"prior"', '"something-else"')
        with pytest.raises(MatchingError):
            LearnedRanker.from_json(text)


def test_rank_uses_the_reranker_and_keeps_the_explanation():
    offers = [
        offer("a", title="Hitte in de stad", description="Hittestress meten."),
        offer("b", title="Hitte en groen", description="Hittestress en bomen."),
    ]
    index = OfferIndex.build(offers, None)
    q = question(title="Hittestress", description="Waar is het heet?")
    plain = rank(q, None, index, reference_date=REFERENCE)

    class Reverse:
        depth = 10

        def score(self, components, present=None):
            n = next(iter(components.values())).shape[0]
            return np.linspace(0.1, 0.9, n).astype(np.float32)

    reranked = rank(q, None, index, reference_date=REFERENCE, reranker=Reverse())
    assert [c.offer_id for c in reranked.candidates] == [
        c.offer_id for c in reversed(plain.candidates)
    ]
    by_id = {c.offer_id: c for c in plain.candidates}
    for c in reranked.candidates:
        assert c.components == by_id[c.offer_id].components
        assert c.explanation == by_id[c.offer_id].explanation


def test_simulated_learning_restores_a_missing_weight_on_real_pairings():
    """What the learner is for: when the engine under-weights evidence that brokers
    follow, their decisions say so. Without its locality weight the engine ranks the
    real pairings far worse (82% went to a provider in the question's own city);
    simulated decisions on half the questions must win most of that back on the
    other half, through the guard, on every seed."""
    from matching.config import DEFAULT_CONFIG
    from matching.evaluation import load_dataset, simulate_feedback

    root = Path(__file__).parents[2]
    dataset = load_dataset(root / "seeds/eval/real-pairings.json")
    blind_to_place = replace(DEFAULT_CONFIG, w_locality=0.0)
    gains = []
    for seed in range(3):
        report = simulate_feedback(dataset, None, blind_to_place, seed=seed)
        assert not report.guard_kept_default
        gains.append(report.learned.mrr - report.default.mrr)
    assert min(gains) > 0.03
    assert sum(gains) / len(gains) > 0.06
