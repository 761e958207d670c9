"""`OfferIndex.updated` re-analyses only changed offers and equals a fresh build.

On the public dev set (76 offers, 30 questions): offers rewritten, added (one tied to
a neighbourhood no offer had, one with words no offer had) and removed, in two
successive updates. Every evidence component of every question must be equal,
array for array, to that of `OfferIndex.build` on the resulting offers, and so must
`rank` (candidates, order, scores, exclusions). Equality is exact, not within a
tolerance: every part keeps per-offer rows and recomputes its pool statistics from
them with the same code a build runs (`matching.splice`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from matching.config import DEFAULT_CONFIG
from matching.dataset import Dataset, load_dataset
from matching.encoders import HashingEncoder
from matching.errors import InvalidQueryError
from matching.pipeline import OfferIndex, evidence, offer_text, question_text, rank
from matching.types import OfferInput

DEV = Path(__file__).parents[2].parent / "shared/eval/dev.json"
ENCODER = HashingEncoder()


@pytest.fixture(scope="module")
def dev() -> Dataset:
    if not DEV.exists():
        pytest.skip(f"{DEV} is not present in this checkout")
    return load_dataset(DEV)


def _vectors(
    offers: list[OfferInput] | tuple[OfferInput, ...],
) -> npt.NDArray[np.float32]:
    return ENCODER.encode_passages([offer_text(o) for o in offers])


def _edits(offers: tuple[OfferInput, ...]) -> tuple[list[OfferInput], list[str]]:
    """A realistic batch: rewrites, swaps of texts, new offers, removals."""
    first, second, third = offers[3], offers[10], offers[40]
    changed = [
        dataclasses.replace(
            first, description=first.description + " Nu ook over hittestress."
        ),
        dataclasses.replace(second, title=third.title, description=third.description),
        dataclasses.replace(third, themes=(), description="Zorgrobots bij ouderen."),
        dataclasses.replace(
            offers[0],
            id="new-tied",
            neighbourhoods=("nieuwe-wijk",),
            description="Bewoners van de Nieuwe Wijk en de Merenwijk meten geluid.",
        ),
        dataclasses.replace(
            offers[5],
            id="new-words",
            title="Quokka-telling",
            description="Xylofoonbouwers tellen quokka's in Groningen.",
            institution="Rijksuniversiteit Groningen",
        ),
    ]
    return changed, [offers[7].id, offers[20].id, "not-in-the-index"]


def _applied(
    offers: tuple[OfferInput, ...], changed: list[OfferInput], removed: list[str]
) -> list[OfferInput]:
    by_id = {o.id: o for o in changed}
    out = [by_id.pop(o.id, o) for o in offers if o.id not in removed]
    return out + [o for o in by_id.values() if o.id not in removed]


def _assert_same(dev: Dataset, updated: OfferIndex, built: OfferIndex) -> None:
    assert updated.offers == built.offers
    vectors = (
        None
        if built.vectors is None
        else ENCODER.encode_queries([question_text(q.question) for q in dev.questions])
    )
    for i, labelled in enumerate(dev.questions):
        q = labelled.question
        qv = None if vectors is None else vectors[i]
        ours = evidence(q, qv, updated, DEFAULT_CONFIG)
        theirs = evidence(q, qv, built, DEFAULT_CONFIG)
        assert ours.components.keys() == theirs.components.keys()
        for name, values in theirs.components.items():
            np.testing.assert_array_equal(ours.components[name], values, err_msg=name)
        assert rank(q, qv, updated, reference_date=dev.reference_date) == rank(
            q, qv, built, reference_date=dev.reference_date
        )


@pytest.mark.parametrize("dense", [True, False], ids=["vectors", "no-vectors"])
def test_updates_rank_exactly_as_a_build_of_the_resulting_offers(dev, dense):
    offers = dev.offers
    index = OfferIndex.build(offers, _vectors(offers) if dense else None)
    changed, removed = _edits(offers)
    once = index.updated(changed, _vectors(changed) if dense else None, removed)
    after = _applied(offers, changed, removed)
    assert [o.id for o in once.offers] == [o.id for o in after]
    _assert_same(dev, once, OfferIndex.build(after, _vectors(after) if dense else None))

    # A second update on the first: undo a rewrite, drop a new offer, add one back.
    again = [offers[3], dataclasses.replace(offers[60], description="Kort.")]
    twice = once.updated(again, _vectors(again) if dense else None, ["new-tied"])
    final = _applied(tuple(after), again, ["new-tied"])
    _assert_same(
        dev, twice, OfferIndex.build(final, _vectors(final) if dense else None)
    )


def test_the_vocabulary_forgets_words_of_removed_offers(dev):
    index = OfferIndex.build(dev.offers, None)
    changed, _ = _edits(dev.offers)
    grown = index.updated(changed[-1:], None)
    assert "xylofoonbouwer" in grown.lexical.words.terms.tolist()
    shrunk = grown.updated([], None, removed=["new-words"])
    assert "xylofoonbouwer" not in shrunk.lexical.words.terms.tolist()
    ours, theirs = shrunk.lexical, index.lexical
    np.testing.assert_array_equal(ours.words.terms, theirs.words.terms)
    assert ours.chars is not None
    assert theirs.chars is not None
    np.testing.assert_array_equal(ours.chars.terms, theirs.chars.terms)


def test_availability_still_refreshes_an_updated_index(dev):
    index = OfferIndex.build(dev.offers, None)
    changed, removed = _edits(dev.offers)
    updated = index.updated(changed, None, removed)
    full = [dataclasses.replace(o, remaining_capacity=0) for o in updated.offers]
    refreshed = updated.with_availability(full)
    q = dev.questions[0].question
    assert not rank(q, None, refreshed, reference_date=dev.reference_date).candidates
    assert refreshed.lexical is updated.lexical


def test_removing_everything_and_adding_again(dev):
    offers = dev.offers[:5]
    index = OfferIndex.build(offers, _vectors(offers))
    empty = index.updated([], None, removed=[o.id for o in offers])
    assert len(empty) == 0
    back = empty.updated(list(offers), _vectors(offers))
    _assert_same(dev, back, OfferIndex.build(offers, _vectors(offers)))


def test_vectors_of_another_dimension_are_refused(dev):
    offers = dev.offers[:3]
    index = OfferIndex.build(offers, _vectors(offers))
    wrong = np.ones((1, ENCODER.dimension + 1), dtype=np.float32)
    with pytest.raises(InvalidQueryError):
        index.updated([offers[0]], wrong)
