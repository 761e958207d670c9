"""The ranking pipeline: hard rules -> evidence -> fusion -> explanation (DESIGN.md §3).

`OfferIndex.build` does all per-offer-set work once (rule columns, lexical and concept
models, id order); `rank` then scores one question against every offer with a few
vectorised operations and explains only the returned candidates. `OfferIndex.updated`
analyses only changed offers and gives the same index as a build.

Evidence is computed for all offers, including those a hard rule removes, so the
exclusions can be ordered by the score they would have had (near-misses first).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.dense import center_languages, languages_of, normalise_dense
from matching.errors import InvalidQueryError
from matching.expertise import ExpertiseIndex
from matching.explain import explain, join_reasons
from matching.features import (
    TopicIndex,
    place_fit,
    place_mentions,
    spliced_mentions,
    window_fit,
)
from matching.filters import RULES, RuleTable, rule_label
from matching.lexical import LexicalIndex
from matching.locality import Gazetteer, LocalityIndex, Places
from matching.ranking import fuse, top_k
from matching.splice import RowPlan
from matching.text import detect_language, tokenize
from matching.types import (
    Exclusion,
    OfferInput,
    QuestionInput,
    Ranking,
    ScoredCandidate,
)
from matching.vocabulary import NEIGHBOURHOOD_NAMES, default_matcher

__all__ = [
    "Evidence",
    "OfferIndex",
    "Reranker",
    "evidence",
    "offer_text",
    "question_text",
    "rank",
    "score_offer",
]

F32 = npt.NDArray[np.float32]


class Reranker(Protocol):
    """Anything that reorders the engine's best offers from their evidence.

    `depth`: how many of the default ranking's best eligible offers it reorders
    (`matching.learning.LearnedRanker`); the rest keep the default order below them.
    """

    @property
    def depth(self) -> int:
        """How many top offers of the default ranking are reordered."""
        ...

    def score(
        self,
        components: Mapping[str, F32],
        present: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    ) -> F32:
        """(n,) scores in [0, 1], higher is better, from (n,) component arrays."""
        ...


def _join(title: str, description: str) -> str:
    title = " ".join(title.split())
    description = " ".join(description.split())
    if not title:
        return description
    if not description:
        return title
    separator = " " if title[-1] in ".?!:" else ". "
    return title + separator + description


def question_text(question: QuestionInput) -> str:
    """The exact text that is encoded and indexed for a question.

    Args:
        question: The question.

    Returns:
        `"<title>. <description>"` with whitespace collapsed (deterministic).
    """
    return _join(question.title, question.description)


def offer_text(offer: OfferInput) -> str:
    """The exact text that is encoded and indexed for an offer.

    Args:
        offer: The offer.

    Returns:
        `"<title>. <description>"` with whitespace collapsed (deterministic).
    """
    return _join(offer.title, offer.description)


@dataclass(frozen=True, slots=True)
class OfferIndex:
    """Everything `rank` needs about one offer set, built once.

    Attributes:
        offers: The offers, in input order.
        vectors: (n, d) float32 L2-normalised passage embeddings, or None.
        rules: Hard-rule columns.
        lexical: Fitted lexical model.
        topics: Concept and theme vectors.
        expertise: Expertise profiles (the discipline bridge).
        locality: Where each offer's provider is (`matching.locality`).
        mentions: (n, n_names) neighbourhoods named in offer texts.
        mention_index: Neighbourhood slug -> column of `mentions`.
        neighbourhood_names: Slug -> the names a text may call that neighbourhood
            by (district name and buurt aliases); `mentions` looks for these.
        languages: (n,) language of each offer text (`"nl"` / `"en"`).
        language_masks: Language -> (n,) bool, the offers in that language.
        id_rank: (n,) rank of each offer id (tie-break).
        config: The configuration the index was built with.
        source_vectors: The vectors as given (before language centring), so
            `updated` can centre again with the new language means.
    """

    offers: tuple[OfferInput, ...]
    vectors: F32 | None
    rules: RuleTable
    lexical: LexicalIndex
    topics: TopicIndex
    expertise: ExpertiseIndex
    locality: LocalityIndex
    mentions: sparse.csc_matrix
    mention_index: dict[str, int]
    neighbourhood_names: Mapping[str, tuple[str, ...]]
    languages: npt.NDArray[np.str_]
    language_masks: dict[str, npt.NDArray[np.bool_]]
    id_rank: npt.NDArray[np.int64]
    config: MatchConfig
    source_vectors: F32 | None = None

    @classmethod
    def build(
        cls,
        offers: Sequence[OfferInput],
        vectors: F32 | None,
        config: MatchConfig = DEFAULT_CONFIG,
        gazetteer: Gazetteer | None = None,
        neighbourhood_names: Mapping[str, Sequence[str]] | None = None,
    ) -> OfferIndex:
        """Prepare an offer set for ranking.

        Args:
            offers: n offers with unique ids.
            vectors: (n, d) float32 L2-normalised passage embeddings of
                `offer_text(offers[i])`, or None to rank without dense evidence.
            config: Parameters of the lexical and topic models.
            gazetteer: Place tables (`Gazetteer.with_districts`); None for the
                packaged ones.
            neighbourhood_names: The city's neighbourhoods, slug -> names (its
                district name and buurt aliases), so an offer that names one in
                its text counts as near a question there; None for the packaged
                Leiden names (`NEIGHBOURHOOD_NAMES`).

        Returns:
            The index.

        Raises:
            InvalidQueryError: On duplicate ids or a vector matrix of the wrong shape.
        """
        offers = tuple(offers)
        ids = [o.id for o in offers]
        if len(set(ids)) != len(ids):
            raise InvalidQueryError("offer ids must be unique")
        if vectors is not None:
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            if vectors.ndim != 2 or vectors.shape[0] != len(offers):
                raise InvalidQueryError(
                    f"vectors must have shape ({len(offers)}, d), got {vectors.shape}"
                )
        width = None if vectors is None else vectors.shape[1]
        names = (
            NEIGHBOURHOOD_NAMES if neighbourhood_names is None else neighbourhood_names
        )
        empty = cls._empty(config, gazetteer, width, names)
        return empty._spliced(offers, RowPlan.fresh(len(offers)), offers, vectors)

    @classmethod
    def _empty(
        cls,
        config: MatchConfig,
        gazetteer: Gazetteer | None,
        width: int | None,
        neighbourhood_names: Mapping[str, Sequence[str]],
    ) -> OfferIndex:
        """An index of no offers, with the parameters `build` would use."""
        dense = None if width is None else np.zeros((0, width), dtype=np.float32)
        names = {slug: tuple(n) for slug, n in neighbourhood_names.items()}
        return cls(
            offers=(),
            vectors=dense,
            rules=RuleTable.build(()),
            lexical=LexicalIndex.build(
                [],
                [],
                title_weight=config.title_weight,
                k1=config.bm25_k1,
                b=config.bm25_b,
                use_chars=config.use_char_ngrams,
                char_min=config.char_ngram_min,
                char_max=config.char_ngram_max,
                word_share=config.lexical_word_share,
            ),
            topics=TopicIndex.build(
                default_matcher(), [], [], inferred_weight=config.inferred_theme_weight
            ),
            expertise=ExpertiseIndex.build(
                [], center=config.dense_center, slope=config.dense_slope
            ),
            locality=LocalityIndex.build(
                [],
                [],
                gazetteer=gazetteer,
                region_credit=config.locality_region,
                province_credit=config.locality_province,
                campus_weight=config.locality_campus,
            ),
            mentions=place_mentions([], names),
            mention_index={slug: i for i, slug in enumerate(names)},
            neighbourhood_names=names,
            languages=np.zeros(0, dtype="<U2"),
            language_masks={},
            id_rank=np.zeros(0, dtype=np.int64),
            config=config,
            source_vectors=dense,
        )

    def _spliced(
        self,
        offers: tuple[OfferInput, ...],
        plan: RowPlan,
        fresh: Sequence[OfferInput],
        fresh_vectors: F32 | None,
    ) -> OfferIndex:
        """The index of `offers`, whose rows `plan` takes from this index or `fresh`.

        Only the fresh offers' texts are analysed; every part gathers its per-offer
        rows and recomputes its pool statistics (`matching.splice`). `build` is
        this on an empty index, so an update and a build of the same offers give
        the same arrays.
        """
        texts = [offer_text(o) for o in fresh]
        languages = plan.array(self.languages, languages_of(texts))
        source = vectors = None
        if self.source_vectors is not None:
            assert fresh_vectors is not None
            source = plan.array(self.source_vectors, fresh_vectors)
            vectors = source
            if self.config.dense_language_shrink > 0:
                vectors = center_languages(
                    source, languages, self.config.dense_language_shrink
                )
        names = dict(self.neighbourhood_names)
        for offer in offers:
            for slug in offer.neighbourhoods:
                names.setdefault(slug, (slug.replace("-", " "),))
        order = np.argsort(
            np.array([o.id for o in offers], dtype=np.str_), kind="stable"
        )
        id_rank = np.empty(len(offers), dtype=np.int64)
        id_rank[order] = np.arange(len(offers), dtype=np.int64)
        return OfferIndex(
            offers=offers,
            vectors=vectors,
            rules=self.rules.spliced(plan, fresh, offers),
            lexical=self.lexical.spliced(plan, texts, [o.title for o in fresh]),
            topics=self.topics.spliced(plan, texts, [o.themes for o in fresh]),
            expertise=self.expertise.spliced(plan, texts),
            locality=self.locality.spliced(plan, texts, [o.institution for o in fresh]),
            mentions=spliced_mentions(
                self.mentions,
                self.mention_index,
                plan,
                texts,
                names,
                lambda: [offer_text(o) for o in offers],
            ),
            mention_index={slug: i for i, slug in enumerate(names)},
            neighbourhood_names=self.neighbourhood_names,
            languages=languages,
            language_masks={
                language: np.asarray(languages == language) for language in ("nl", "en")
            },
            id_rank=id_rank,
            config=self.config,
            source_vectors=source,
        )

    def __len__(self) -> int:
        return len(self.offers)

    def language_mask(self, language: str) -> npt.NDArray[np.bool_]:
        """(n,) bool: the offers whose text is in `language`."""
        mask = self.language_masks.get(language)
        if mask is None:
            return np.asarray(self.languages == language)
        return mask

    def updated(
        self,
        changed: Sequence[OfferInput],
        vectors: F32 | None,
        removed: Collection[str] = (),
    ) -> OfferIndex:
        """The index after some offers changed, were added or were removed.

        Args:
            changed: Offers whose ranking input is new: an id already in the index
                replaces that offer (same position), a new id is appended.
            vectors: (len(changed), d) passage vectors of `changed`, or None when
                the index has no dense part.
            removed: Ids of offers to drop (unknown ids are ignored).

        Only the changed offers' texts are analysed (stems, n-grams, concepts,
        expertise, places, language); every part keeps its per-offer rows and
        recomputes its pool statistics (IDF, average length, language means) from
        them, vectorised (`matching.splice`). The vocabulary is always the sorted
        set of terms in the current rows, so the result does not depend on the
        update history: it is, array for array, `OfferIndex.build` on the
        resulting offers (about 10x to 50x cheaper at 10,000 offers).

        Returns:
            An index equal to `OfferIndex.build` on the resulting offer set.

        Raises:
            InvalidQueryError: When `vectors` is missing or of the wrong shape for
                an index with a dense part, or given for one without.
        """
        changed = tuple(changed)
        if changed and (vectors is None) != (self.source_vectors is None):
            raise InvalidQueryError(
                "vectors must be given exactly when the index has them"
            )
        if vectors is not None and (
            vectors.ndim != 2 or vectors.shape[0] != len(changed)
        ):
            raise InvalidQueryError(
                f"vectors must have shape ({len(changed)}, d), got {vectors.shape}"
            )
        fresh_vectors = None
        if self.source_vectors is not None:
            width = self.source_vectors.shape[1]
            if vectors is None:  # nothing changed: only removals
                vectors = np.zeros((0, width), dtype=np.float32)
            if vectors.shape[1] != width:
                raise InvalidQueryError(
                    f"vectors must have dimension {width}, got {vectors.shape[1]}"
                )
        by_id = {o.id: k for k, o in enumerate(changed)}
        gone = set(removed)
        n_old = len(self.offers)
        offers: list[OfferInput] = []
        take: list[int] = []
        fresh: list[int] = []  # positions in `changed`
        for i, offer in enumerate(self.offers):
            if offer.id in gone:
                continue
            k = by_id.pop(offer.id, None)
            if k is None:
                offers.append(offer)
                take.append(i)
            else:
                offers.append(changed[k])
                take.append(n_old + len(fresh))
                fresh.append(k)
        for offer_id, k in by_id.items():
            if offer_id in gone:
                continue
            offers.append(changed[k])
            take.append(n_old + len(fresh))
            fresh.append(k)
        if self.source_vectors is not None:
            assert vectors is not None
            fresh_vectors = np.ascontiguousarray(vectors[fresh], dtype=np.float32)
        plan = RowPlan(np.array(take, dtype=np.int64), n_old, len(fresh))
        return self._spliced(
            tuple(offers), plan, [changed[k] for k in fresh], fresh_vectors
        )

    def with_availability(self, offers: Sequence[OfferInput]) -> OfferIndex:
        """The same index after capacities or statuses changed, texts unchanged.

        Only the hard-rule columns are rebuilt (cheap); the lexical, concept and
        dense parts depend on texts, themes and places and are reused.

        Args:
            offers: The same offers, in the same order, with new availability.

        Returns:
            A new index sharing the text models.

        Raises:
            InvalidQueryError: When the ids or their order differ.
        """
        offers = tuple(offers)
        if [o.id for o in offers] != [o.id for o in self.offers]:
            raise InvalidQueryError("with_availability needs the same offers in order")
        return replace(self, offers=offers, rules=RuleTable.build(offers))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Every evidence component of one question against every offer.

    Attributes:
        components: Component name -> (n,) float32 in [0, 1]; `dense` is absent
            when either side has no vectors.
        present: Component name -> (n,) bool for components that exist for some
            offers only: `lexical` counts only between texts in the same
            language, `locality` only for offers whose place is known.
        concepts: (1, n_concepts) concept vector of the question (explanations).
        needs: (K,) the expertise the question needs (`ExpertiseIndex.need`).
        places: The places the question names (`matching.locality`).
        strength: Component name -> factor on its fusion weight for this question.
    """

    components: dict[str, F32]
    present: dict[str, npt.NDArray[np.bool_]]
    concepts: sparse.csr_matrix
    needs: F32
    places: Places
    strength: dict[str, float]

    def fused(self, config: MatchConfig) -> F32:
        """The fused (n,) scores (`matching.ranking.fuse`)."""
        return fuse(self.components, config, self.present, self.strength)

    def row(self, row: int) -> dict[str, float]:
        """The components one offer has, rounded for storage and display."""
        return {
            name: round(float(values[row]), 4)
            for name, values in self.components.items()
            if name not in self.present or bool(self.present[name][row])
        }


def evidence(
    question: QuestionInput,
    question_vector: F32 | None,
    index: OfferIndex,
    config: MatchConfig = DEFAULT_CONFIG,
) -> Evidence:
    """Every evidence component of one question against every offer.

    Args:
        question: The question.
        question_vector: (d,) L2-normalised query embedding, or None.
        index: The offer index.
        config: Weights and calibration.

    Returns:
        The components, where each applies, and the question's concepts.

    Raises:
        InvalidQueryError: When the vector's dimension differs from the offers'.
    """
    text = question_text(question)
    components: dict[str, F32] = {}
    if question_vector is not None and index.vectors is not None and len(index) > 0:
        qv = np.asarray(question_vector, dtype=np.float32).ravel()
        if qv.shape[0] != index.vectors.shape[1]:
            raise InvalidQueryError(
                f"question vector has dimension {qv.shape[0]}, "
                f"offers have {index.vectors.shape[1]}"
            )
        components["dense"] = _dense(index.vectors @ qv, config)
    components["lexical"] = index.lexical.scores(text)
    # Words only mean something between texts in one language; across languages
    # the dense model and the bilingual concepts carry the evidence.
    present = {"lexical": index.language_mask(detect_language(tokenize(text)))}
    concept, theme, q_concepts = index.topics.scores(text, question.themes)
    components["concept"] = concept
    needs = index.expertise.need(text)
    expertise = index.expertise.scores(needs)
    if expertise is not None:
        components["expertise"] = expertise
    components["theme"] = theme
    components["place"] = place_fit(
        index.rules, index.mentions, index.mention_index, question.neighbourhood
    )
    places = index.locality.question_places(text)
    locality = index.locality.scores(places)
    strength: dict[str, float] = {}
    if locality is not None and index.locality.known.any():
        components["locality"] = locality
        present["locality"] = index.locality.known
        strength["locality"] = index.locality.strength(
            locality, config.locality_share_full
        )
    components["window"] = window_fit(index.rules, question)
    result = Evidence(
        components=components,
        present=present,
        concepts=q_concepts,
        needs=needs,
        places=places,
        strength=strength,
    )
    if config.prf_depth > 0 and config.prf_weight > 0 and "dense" in components:
        components["dense"] = _feedback(result, question_vector, index, config)
    return result


def _dense(cosines: F32, config: MatchConfig) -> F32:
    return normalise_dense(
        cosines,
        prior_mean=config.dense_prior_mean,
        prior_std=config.dense_prior_std,
        prior_weight=config.dense_prior_weight,
        center=config.dense_center,
        slope=config.dense_slope,
    )


def _feedback(
    first_pass: Evidence,
    question_vector: F32 | None,
    index: OfferIndex,
    config: MatchConfig,
) -> F32:
    """Pseudo-relevance feedback: move the query towards its best first-pass offers."""
    assert index.vectors is not None
    assert question_vector is not None
    first = first_pass.fused(config)
    everyone = np.ones(len(index), dtype=bool)
    top = top_k(first, index.id_rank, everyone, config.prf_depth)
    centroid = index.vectors[top].mean(axis=0)
    qv = (
        np.asarray(question_vector, dtype=np.float32).ravel()
        + config.prf_weight * centroid
    )
    qv /= max(float(np.linalg.norm(qv)), 1e-12)
    return _dense(index.vectors @ qv, config)


def rank(
    question: QuestionInput,
    question_vector: F32 | None,
    index: OfferIndex,
    *,
    reference_date: date,
    config: MatchConfig = DEFAULT_CONFIG,
    limit: int = 10,
    excluded_limit: int = 5,
    reranker: Reranker | None = None,
) -> Ranking:
    """Rank every offer for one question.

    Args:
        question: The question.
        question_vector: (d,) float32 L2-normalised query embedding of
            `question_text(question)`, or None (lexical and concept evidence only).
        index: The offer set (`OfferIndex.build`).
        reference_date: "Today": offers whose window ended before it are expired.
        config: Weights; normally the one the index was built with.
        limit: Maximum number of candidates.
        excluded_limit: Maximum number of exclusions (near-misses) returned.
        reranker: A learned scorer (`matching.learning.LearnedRanker`) that orders
            the offers instead of the fused default; the evidence components and
            the explanations stay those of the engine.

    Returns:
        Candidates best first (score in [0, 1], ties by offer id) that pass every
        hard rule, and the best-scoring excluded offers with the first rule they
        break.

    Raises:
        InvalidQueryError: On a negative limit or a vector of the wrong dimension.
    """
    if limit < 0 or excluded_limit < 0:
        raise InvalidQueryError("limit and excluded_limit must be >= 0")
    if len(index) == 0:
        return Ranking(candidates=(), excluded=())
    found = evidence(question, question_vector, index, config)
    broken = index.rules.violations(question, reference_date)
    eligible = np.asarray(~broken.any(axis=1), dtype=bool)
    scores = _scores(found, index, eligible, config, reranker)

    concept_ids = set(found.concepts.indices.tolist())
    candidates = [
        _scored(question, index, found, scores, i, config, concept_ids)
        for i in top_k(scores, index.id_rank, eligible, limit).tolist()
    ]
    excluded: list[Exclusion] = []
    for i in top_k(
        scores, index.id_rank, np.logical_not(eligible), excluded_limit
    ).tolist():
        codes = tuple(RULES[j] for j in np.flatnonzero(broken[i]).tolist())
        excluded.append(
            Exclusion(
                offer_id=index.offers[i].id,
                rule=codes[0],
                label=rule_label(codes[0], index.offers[i]),
                score=round(float(scores[i]), 4),
                rules=codes,
            )
        )
    return Ranking(candidates=tuple(candidates), excluded=tuple(excluded))


def score_offer(
    question: QuestionInput,
    question_vector: F32 | None,
    index: OfferIndex,
    offer_id: str,
    *,
    reference_date: date,
    config: MatchConfig = DEFAULT_CONFIG,
    reranker: Reranker | None = None,
) -> ScoredCandidate | None:
    """The candidate `rank` would list for one offer, explaining only that offer.

    Args:
        question: The question.
        question_vector: (d,) L2-normalised query embedding, or None.
        index: The offer set.
        offer_id: The offer to score.
        reference_date: "Today" for the expiry rule.
        config: Weights; normally the one the index was built with.
        reranker: The learned scorer `rank` was given, if any.

    Returns:
        The scored candidate (same score and components as in `rank`), or None
        when the offer breaks a hard rule.

    Raises:
        InvalidQueryError: When the offer is not in the index.
    """
    rows = [i for i, o in enumerate(index.offers) if o.id == offer_id]
    if not rows:
        raise InvalidQueryError(f"offer {offer_id!r} is not in the index")
    row = rows[0]
    broken = index.rules.violations(question, reference_date)
    if broken[row].any():
        return None
    found = evidence(question, question_vector, index, config)
    eligible = np.asarray(~broken.any(axis=1), dtype=bool)
    scores = _scores(found, index, eligible, config, reranker)
    concept_ids = set(found.concepts.indices.tolist())
    return _scored(question, index, found, scores, row, config, concept_ids)


def _scores(
    found: Evidence,
    index: OfferIndex,
    eligible: npt.NDArray[np.bool_],
    config: MatchConfig,
    reranker: Reranker | None,
) -> F32:
    """Fused scores; with a reranker, its scores for the default's best `depth`.

    The reranked block keeps its learned scores; the offers below it keep their
    default order, scaled to stay under the block (scores stay in [0, 1]).
    """
    scores = found.fused(config)
    if reranker is None:
        return scores
    block = top_k(scores, index.id_rank, eligible, reranker.depth)
    if block.size == 0:
        return scores
    learned = np.asarray(
        reranker.score(
            {name: values[block] for name, values in found.components.items()},
            {name: mask[block] for name, mask in found.present.items()},
        ),
        dtype=np.float32,
    )
    out = scores.copy()
    rest = np.ones(len(scores), dtype=bool)
    rest[block] = False
    floor = float(learned.min())
    peak = float(scores[rest].max()) if rest.any() else 0.0
    if peak > 0:
        out[rest] = scores[rest] * (floor / peak) * (1.0 - 1e-6)
    out[block] = learned
    return out


def _scored(
    question: QuestionInput,
    index: OfferIndex,
    found: Evidence,
    scores: F32,
    row: int,
    config: MatchConfig,
    concept_ids: set[int],
) -> ScoredCandidate:
    """One row of the evidence as a candidate with its Dutch reasons.

    `concept_ids`: the question's concepts (`found.concepts`' columns), computed
    once per ranking.
    """
    offer = index.offers[row]
    values = found.row(row)
    reasons = explain(
        values,
        shared_concepts=_shared_concepts(index, row, concept_ids),
        shared_expertise=[e.label for e in index.expertise.shared(found.needs, row)],
        shared_places=index.locality.shared(found.places, row),
        question_themes=question.themes,
        offer_themes=offer.themes,
        config=config,
    )
    return ScoredCandidate(
        offer_id=offer.id,
        score=round(float(scores[row]), 4),
        components=values,
        reasons=reasons,
        explanation=join_reasons(reasons),
    )


def _shared_concepts(index: OfferIndex, row: int, question_ids: set[int]) -> list[str]:
    """Labels of concepts the question and offer share, most specific first."""
    concepts = index.topics.concepts
    start, end = concepts.indptr[row], concepts.indptr[row + 1]
    shared = [c for c in concepts.indices[start:end].tolist() if c in question_ids]
    concepts_ = index.topics.matcher.concepts
    # The rarest in this offer pool first: they say most about why this offer fits.
    shared.sort(key=lambda c: (-float(index.topics.idf[c]), c))
    return [concepts_[c].label for c in shared]
