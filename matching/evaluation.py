"""Offline match-quality evaluation on a data set in the format of shared/eval/FORMAT.md.

`evaluate` runs exactly the pipeline the API runs (`OfferIndex.build` + `rank`) and
reports Recall@5, Recall@10, MRR, nDCG@10 (binary relevance) and violations (offers
in any top 10 that break a hard rule, counted by the independent plain-Python
`check_offer`). MRR uses the full ranking of eligible offers; the other metrics the
top 10. Averages are over questions.

`simulate_feedback` simulates a broker's decisions on part of the questions, trains
`matching.learning` on them and compares the learned ranker with the default on the
rest (`kennisbrug eval DATASET --feedback-split 0.5 --seed S`).

Per question the report keeps where each relevant ("gold") offer ended up and which
offers outranked the first of them, with their scores and evidence components, so a
miss can be studied (`format_details`; `kennisbrug eval DATASET --details`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.dataset import Dataset, LabelledQuestion, load_dataset, parse_dataset
from matching.errors import InvalidQueryError
from matching.filters import check_offer
from matching.learning import Decision, LearnedRanker, Outcome, ShownOffer, fit
from matching.pipeline import OfferIndex, Reranker, offer_text, question_text, rank
from matching.types import Ranking, ScoredCandidate

if TYPE_CHECKING:
    from matching.encoders import Encoder

__all__ = [
    "Dataset",
    "EvalReport",
    "FeedbackReport",
    "LabelledQuestion",
    "QuestionResult",
    "RankedOffer",
    "evaluate",
    "format_details",
    "format_report",
    "load_dataset",
    "parse_dataset",
    "simulate_feedback",
]

AHEAD_LIMIT = 10
"""How many of the offers that outranked the first gold offer are kept per question."""


@dataclass(frozen=True, slots=True)
class RankedOffer:
    """One offer at its place in a question's ranking (rank 1 is the best)."""

    rank: int
    offer_id: str
    title: str
    score: float
    components: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """Per-question outcome.

    Attributes:
        key: The question key.
        title: The question title.
        top: Offer ids of the top 10.
        relevant_ranks: Gold offer id -> rank among eligible offers (None when a
            hard rule removed it).
        violations: Offers in the top 10 that break a hard rule.
        gold: The ranked gold offers with their scores and components.
        ahead: The offers ranked above the first gold offer (at most
            `AHEAD_LIMIT`), best first; empty when a gold offer is first.
    """

    key: str
    title: str
    top: tuple[str, ...]
    relevant_ranks: dict[str, int | None]
    violations: int
    gold: tuple[RankedOffer, ...] = ()
    ahead: tuple[RankedOffer, ...] = ()

    @property
    def first_rank(self) -> int | None:
        """Rank of the best-ranked gold offer, or None when none is eligible."""
        ranks = [r for r in self.relevant_ranks.values() if r is not None]
        return min(ranks) if ranks else None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (for `kennisbrug eval --json --details`)."""
        return {
            "key": self.key,
            "title": self.title,
            "relevant_ranks": self.relevant_ranks,
            "gold": [_offer_dict(o) for o in self.gold],
            "ahead": [_offer_dict(o) for o in self.ahead],
        }


def _offer_dict(offer: RankedOffer) -> dict[str, object]:
    return {
        "rank": offer.rank,
        "offer": offer.offer_id,
        "title": offer.title,
        "score": offer.score,
        "components": dict(offer.components),
    }


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Metrics of one evaluation run (averages over questions)."""

    recall_at_5: float
    recall_at_10: float
    mrr: float
    ndcg_at_10: float
    violations: int
    questions: int
    offers: int
    dataset: str = ""
    config_version: str = ""
    model_name: str | None = None
    details: tuple[QuestionResult, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, float | int]:
        """The machine-readable summary with exactly the keys of DESIGN.md §3."""
        return {
            "recall@5": round(self.recall_at_5, 4),
            "recall@10": round(self.recall_at_10, 4),
            "mrr": round(self.mrr, 4),
            "ndcg@10": round(self.ndcg_at_10, 4),
            "violations": self.violations,
            "questions": self.questions,
            "offers": self.offers,
        }


def _ndcg(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    dcg = sum(
        1.0 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant
    )
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def evaluate(
    dataset: Dataset,
    encoder: Encoder | None,
    config: MatchConfig = DEFAULT_CONFIG,
    *,
    progress: bool = False,
) -> EvalReport:
    """Rank every question of a data set and score the rankings.

    Args:
        dataset: The data set (`load_dataset`).
        encoder: The text encoder; None ranks without dense evidence (fallback).
        config: The configuration to evaluate.
        progress: Show progress bars (tqdm) while encoding and ranking.

    Returns:
        The report; `details` holds per-question results.
    """
    world = _World.build(dataset, encoder, config, progress=progress)
    return world.report(range(len(dataset.questions)), progress=progress)


@dataclass(frozen=True, slots=True)
class _World:
    """A data set with its offer index and question vectors, built once."""

    dataset: Dataset
    index: OfferIndex
    q_vectors: npt.NDArray[np.float32] | None
    config: MatchConfig
    model_name: str | None

    @classmethod
    def build(
        cls,
        dataset: Dataset,
        encoder: Encoder | None,
        config: MatchConfig,
        *,
        progress: bool = False,
    ) -> _World:
        vectors = None
        q_vectors = None
        if encoder is not None:
            vectors = encoder.encode_passages(
                [offer_text(o) for o in dataset.offers], progress=progress
            )
            q_vectors = encoder.encode_queries(
                [question_text(q.question) for q in dataset.questions],
                progress=progress,
            )
        return cls(
            dataset=dataset,
            index=OfferIndex.build(dataset.offers, vectors, config),
            q_vectors=q_vectors,
            config=config,
            model_name=None if encoder is None else encoder.model_name,
        )

    def ranking(self, row: int, reranker: Reranker | None = None) -> Ranking:
        """The full ranking of eligible offers for question `row`."""
        return rank(
            self.dataset.questions[row].question,
            None if self.q_vectors is None else self.q_vectors[row],
            self.index,
            reference_date=self.dataset.reference_date,
            config=self.config,
            limit=len(self.dataset.offers),
            excluded_limit=0,
            reranker=reranker,
        )

    def report(
        self,
        rows: Iterable[int],
        reranker: Reranker | None = None,
        *,
        progress: bool = False,
    ) -> EvalReport:
        """Metrics over the questions `rows` (ranked with `reranker` if given)."""
        dataset = self.dataset
        by_id = {o.id: o for o in dataset.offers}
        titles = {o.id: o.title for o in dataset.offers}
        items: Iterable[int] = list(rows)
        if progress:
            from tqdm import tqdm

            items = tqdm(items, desc="ranking", unit="question")
        recall5: list[float] = []
        recall10: list[float] = []
        rr: list[float] = []
        ndcg: list[float] = []
        violations = 0
        details: list[QuestionResult] = []
        for row in items:
            labelled = dataset.questions[row]
            ranking = self.ranking(row, reranker)
            ranked = [c.offer_id for c in ranking.candidates]
            relevant = set(labelled.relevant)
            positions = {key: i + 1 for i, key in enumerate(ranked)}
            recall5.append(len(relevant & set(ranked[:5])) / len(relevant))
            recall10.append(len(relevant & set(ranked[:10])) / len(relevant))
            first = min(
                (positions[k] for k in relevant if k in positions), default=None
            )
            rr.append(1.0 / first if first else 0.0)
            ndcg.append(_ndcg(ranked, relevant, 10))
            broken = sum(
                1
                for key in ranked[:10]
                if check_offer(labelled.question, by_id[key], dataset.reference_date)
            )
            violations += broken
            details.append(
                _question_result(
                    labelled, ranking.candidates, positions, titles, broken
                )
            )
        return EvalReport(
            recall_at_5=float(np.mean(recall5)) if recall5 else 0.0,
            recall_at_10=float(np.mean(recall10)) if recall10 else 0.0,
            mrr=float(np.mean(rr)) if rr else 0.0,
            ndcg_at_10=float(np.mean(ndcg)) if ndcg else 0.0,
            violations=violations,
            questions=len(details),
            offers=len(dataset.offers),
            dataset=dataset.name,
            config_version=self.config.version,
            model_name=self.model_name,
            details=tuple(details),
        )


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """Simulated learning: default and learned ranking on the test questions.

    Attributes:
        default: Metrics of the default engine on the test questions.
        learned: Metrics with the learned reranker (equal to `default` when the
            guard kept the default).
        train_questions: Questions whose simulated decisions were trained on.
        test_questions: Questions evaluated.
        guard_kept_default: True when `learning.fit` returned None.
        ranker: The learned ranker, if any.
        seed: The seed of the split.
    """

    default: EvalReport
    learned: EvalReport
    train_questions: int
    test_questions: int
    guard_kept_default: bool
    ranker: LearnedRanker | None
    seed: int

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (`kennisbrug eval --feedback-split`)."""
        return {
            "default": _metrics(self.default),
            "learned": _metrics(self.learned),
            "train_questions": self.train_questions,
            "test_questions": self.test_questions,
            "guard": "kept default" if self.guard_kept_default else "learned ranker",
            "guard_kept_default": self.guard_kept_default,
            "ranker": None if self.ranker is None else self.ranker.version,
            "seed": self.seed,
        }


def _metrics(report: EvalReport) -> dict[str, float | int]:
    summary = report.as_dict()
    return {
        k: summary[k] for k in ("recall@5", "recall@10", "mrr", "ndcg@10", "violations")
    }


def simulate_feedback(
    dataset: Dataset,
    encoder: Encoder | None,
    config: MatchConfig = DEFAULT_CONFIG,
    *,
    split: float = 0.5,
    seed: int = 0,
    shown: int = 10,
) -> FeedbackReport:
    """Simulate a broker's decisions on some questions, learn, test on the rest.

    A random share `split` of the questions (by `seed`) is ranked with the default
    engine and its top `shown` offers shown to a simulated broker, who confirms
    the gold offers among them and rejects the others. `learning.fit` learns from
    only those decisions (or keeps the default); the other questions are ranked
    with the default engine and with the learned ranker.

    Args:
        dataset: The data set.
        encoder: The text encoder, or None.
        config: The default engine.
        split: Share of the questions used for the simulated decisions, in (0, 1).
        seed: Seed of the question split.
        shown: How many top offers the broker sees per question.

    Returns:
        The comparison on the test questions.

    Raises:
        InvalidQueryError: When `split` leaves no train or no test question.
    """
    n = len(dataset.questions)
    order = np.random.default_rng(seed).permutation(n)
    cut = round(split * n)
    if not 0 < cut < n:
        raise InvalidQueryError("--feedback-split must leave train and test questions")
    train_rows = sorted(order[:cut].tolist())
    test_rows = sorted(order[cut:].tolist())
    world = _World.build(dataset, encoder, config)
    decisions = []
    for row in train_rows:
        labelled = dataset.questions[row]
        gold = set(labelled.relevant)
        top = world.ranking(row).candidates[:shown]
        decisions.append(
            Decision(
                question_id=labelled.question.id,
                engine_version=config.version,
                shown=tuple(
                    ShownOffer(
                        offer_id=c.offer_id,
                        rank=i + 1,
                        components=dict(c.components),
                        outcome=Outcome.CONFIRMED
                        if c.offer_id in gold
                        else Outcome.REJECTED,
                    )
                    for i, c in enumerate(top)
                ),
            )
        )
    ranker = fit(decisions, config=config, random_state=seed)
    default = world.report(test_rows)
    learned = default if ranker is None else world.report(test_rows, ranker)
    return FeedbackReport(
        default=default,
        learned=learned,
        train_questions=len(train_rows),
        test_questions=len(test_rows),
        guard_kept_default=ranker is None,
        ranker=ranker,
        seed=seed,
    )


def format_report(report: EvalReport) -> str:
    """A short human-readable summary of a report (several lines, no trailing newline)."""
    model = report.model_name or "geen model (alleen lexicaal en concepten)"
    return "\n".join(
        [
            f"data set   {report.dataset} ({report.questions} vragen, {report.offers} aanbod)",
            f"model      {model}",
            f"config     {report.config_version}",
            f"Recall@5   {report.recall_at_5:.3f}",
            f"Recall@10  {report.recall_at_10:.3f}",
            f"MRR        {report.mrr:.3f}",
            f"nDCG@10    {report.ndcg_at_10:.3f}",
            f"violations {report.violations}",
        ]
    )


def format_details(report: EvalReport) -> str:
    """Per question: its title, each gold offer's rank, and what outranked it.

    Args:
        report: A report from `evaluate`.

    Returns:
        Several lines per question (no trailing newline); scores and components
        rounded to two decimals so a miss can be read at a glance.
    """
    lines: list[str] = []
    for result in report.details:
        first = result.first_rank
        mark = "ok " if first == 1 else "   " if first and first <= 5 else "MISS"
        lines.append(f"{mark} {result.key}: {result.title}")
        for offer_id, place in result.relevant_ranks.items():
            where = f"rank {place}" if place else "excluded by a hard rule"
            lines.append(f"     gold {offer_id}: {where}")
        for offer in result.gold:
            lines.append("       " + _describe(offer))
        if result.ahead:
            lines.append("     ranked above the first gold offer:")
            lines.extend("       " + _describe(offer) for offer in result.ahead)
    return "\n".join(lines)


def _describe(offer: RankedOffer) -> str:
    parts = " ".join(f"{k}={v:.2f}" for k, v in offer.components.items())
    return (
        f"{offer.rank:>3}. {offer.score:.3f} {offer.offer_id} [{parts}] {offer.title}"
    )


def _ranked(
    rank_: int, candidate: ScoredCandidate, titles: Mapping[str, str]
) -> RankedOffer:
    return RankedOffer(
        rank=rank_,
        offer_id=candidate.offer_id,
        title=titles.get(candidate.offer_id, ""),
        score=candidate.score,
        components=dict(candidate.components),
    )


def _question_result(
    labelled: LabelledQuestion,
    candidates: Sequence[ScoredCandidate],
    positions: Mapping[str, int],
    titles: Mapping[str, str],
    violations: int,
) -> QuestionResult:
    ranks = {k: positions.get(k) for k in labelled.relevant}
    found = sorted(r for r in ranks.values() if r is not None)
    first = found[0] if found else len(candidates) + 1
    return QuestionResult(
        key=labelled.question.id,
        title=labelled.question.title,
        top=tuple(c.offer_id for c in candidates[:10]),
        relevant_ranks=ranks,
        violations=violations,
        gold=tuple(_ranked(r, candidates[r - 1], titles) for r in found),
        ahead=tuple(
            _ranked(i + 1, candidates[i], titles)
            for i in range(min(first - 1, AHEAD_LIMIT))
        ),
    )
