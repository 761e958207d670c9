from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matching.dense import normalise_dense
from matching.features import TopicIndex, place_fit, place_mentions, window_fit
from matching.filters import RuleTable
from matching.vocabulary import default_matcher
from tests.matching._factories import offer, question

PRIOR = {"prior_mean": 0.78, "prior_std": 0.03, "prior_weight": 8.0}


def test_normalise_dense_is_monotone_and_bounded():
    cos = np.array([0.70, 0.75, 0.80, 0.85, 0.90], dtype=np.float32)
    out = normalise_dense(cos, center=1.0, slope=1.5, **PRIOR)
    assert np.all(np.diff(out) > 0)
    assert np.all((out > 0) & (out < 1))


def test_normalise_dense_center_maps_to_one_half():
    cos = np.array([0.78], dtype=np.float32)  # equals the prior mean: z = 0
    out = normalise_dense(cos, center=0.0, slope=1.5, **PRIOR)
    assert out[0] == pytest.approx(0.5)


def test_normalise_dense_adapts_to_the_question_baseline():
    low = np.array([0.70, 0.71, 0.72, 0.80], dtype=np.float32)
    high = low + 0.08  # same spread, higher baseline (a "generic" question)
    kwargs = {"center": 1.0, "slope": 1.5, "prior_weight": 0.0, "prior_mean": 0.0}
    np.testing.assert_allclose(
        normalise_dense(low, prior_std=0.0, **kwargs),
        normalise_dense(high, prior_std=0.0, **kwargs),
        atol=1e-5,
    )


def test_normalise_dense_small_sets_lean_on_the_prior():
    one = normalise_dense(
        np.array([0.84], dtype=np.float32), center=1.0, slope=1.5, **PRIOR
    )
    assert one[0] > 0.6  # two prior spreads above the typical cosine


def test_normalise_dense_empty():
    assert normalise_dense(
        np.zeros(0, np.float32), center=1, slope=1, **PRIOR
    ).shape == (0,)


def test_window_fit_is_the_covered_share_of_the_wanted_window():
    q = question(wanted_from=date(2027, 3, 1), wanted_until=date(2027, 3, 10))
    offers = [
        offer(
            "full", available_from=date(2027, 1, 1), available_until=date(2027, 12, 1)
        ),
        offer(
            "half", available_from=date(2027, 3, 6), available_until=date(2027, 12, 1)
        ),
        offer(
            "none", available_from=date(2027, 4, 1), available_until=date(2027, 12, 1)
        ),
    ]
    fit = window_fit(RuleTable.build(offers), q)
    np.testing.assert_allclose(fit, [1.0, 0.5, 0.0])


def test_window_fit_open_question_window_is_full():
    q = question(wanted_from=None, wanted_until=None)
    assert window_fit(RuleTable.build([offer()]), q).tolist() == [1.0]


def test_place_fit_tied_named_and_citywide():
    offers = [
        offer("tied", neighbourhoods=("merenwijk",)),
        offer("named", description="Wij werken vooral in de Merenwijk."),
        offer("citywide"),
    ]
    names = {"merenwijk": ("Merenwijk",)}
    mentions = place_mentions([o.description for o in offers], names)
    fit = place_fit(RuleTable.build(offers), mentions, {"merenwijk": 0}, "merenwijk")
    assert fit.tolist() == [1.0, 0.5, 0.0]
    citywide = place_fit(RuleTable.build(offers), mentions, {"merenwijk": 0}, None)
    assert citywide.tolist() == [0.0, 0.0, 0.0]


def test_topic_index_links_dutch_question_to_english_offer():
    texts = [
        "Loneliness and social isolation in later life",
        "Urban heat islands and thermal comfort",
        "Bicycle parking at railway stations",
    ]
    index = TopicIndex.build(
        default_matcher(), texts, [(), (), ()], inferred_weight=0.5
    )
    concept, theme, _ = index.scores("Eenzaamheid onder ouderen", ("sociaal-domein",))
    assert int(np.argmax(concept)) == 0
    assert concept[0] > 0.3
    assert concept[2] == 0.0
    assert np.all((theme >= 0) & (theme <= 1))


def test_topic_index_theme_uses_ticked_and_inferred_themes():
    texts = ["Monumenten en erfgoed", "Hittestress in de stad"]
    themes = [("erfgoed-cultuur",), ()]
    index = TopicIndex.build(default_matcher(), texts, themes, inferred_weight=0.5)
    _, theme, _ = index.scores("Een vraag", ("erfgoed-cultuur",))
    assert theme[0] > 0.9
    # the second offer ticks nothing, but its text signals other themes
    assert theme[1] < 0.5


def test_concept_weight_is_its_idf_over_the_offer_pool():
    # "ouderen" is in all three offers (idf ln(4/4) + 1 = 1), "eenzaamheid" in one
    # (idf ln(4/2) + 1 = 1.693). Offer 0 has both: cosine 1. Offers 1 and 2 share
    # only the common concept: 1 / sqrt(1.693^2 + 1) = 0.509.
    texts = ["Eenzaamheid onder ouderen", "Ouderen en wonen", "Ouderen in de stad"]
    index = TopicIndex.build(
        default_matcher(), texts, [(), (), ()], inferred_weight=0.5
    )
    concept, _, _ = index.scores("Eenzaamheid bij ouderen", ())
    np.testing.assert_allclose(concept, [1.0, 0.509, 0.509], atol=2e-3)
    ids = [c.id for c in index.matcher.concepts]
    idf = dict(zip(ids, index.idf.tolist(), strict=True))
    assert idf["ouderen"] == pytest.approx(1.0)
    assert idf["eenzaamheid"] == pytest.approx(1.693, abs=1e-3)
