"""Offline match-quality evaluation on a data set in the format of shared/eval/FORMAT.md.

`evaluate` runs exactly the pipeline the API runs (`OfferIndex.build` + `rank`) and
reports Recall@5, Recall@10, MRR, nDCG@10 (binary relevance) and violations (offers
in any top 10 that break a hard rule, counted by the independent plain-Python
`check_offer`). MRR uses the full ranking of eligible offers; the other metrics the
top 10. Averages are over questions.

For your own use: `python -m matching.evaluation PATH [--json] [--no-model]`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.dataset import Dataset, LabelledQuestion, load_dataset, parse_dataset
from matching.filters import check_offer
from matching.pipeline import OfferIndex, offer_text, question_text, rank

if TYPE_CHECKING:
    from matching.encoders import Encoder

__all__ = [
    "Dataset",
    "EvalReport",
    "LabelledQuestion",
    "evaluate",
    "format_report",
    "load_dataset",
    "parse_dataset",
]


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """Per-question outcome: ids in the top 10 and the rank of each relevant offer."""

    key: str
    top: tuple[str, ...]
    relevant_ranks: dict[str, int | None]
    violations: int


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
    offers = dataset.offers
    vectors = None
    q_vectors = None
    if encoder is not None:
        vectors = encoder.encode_passages(
            [offer_text(o) for o in offers], progress=progress
        )
        q_vectors = encoder.encode_queries(
            [question_text(q.question) for q in dataset.questions], progress=progress
        )
    index = OfferIndex.build(offers, vectors, config)
    by_id = {o.id: o for o in offers}
    items: Sequence[tuple[int, LabelledQuestion]] = list(enumerate(dataset.questions))
    if progress:
        from tqdm import tqdm

        items = tqdm(items, desc="ranking", unit="question")
    recall5: list[float] = []
    recall10: list[float] = []
    rr: list[float] = []
    ndcg: list[float] = []
    violations = 0
    details: list[QuestionResult] = []
    for row, labelled in items:
        ranking = rank(
            labelled.question,
            None if q_vectors is None else q_vectors[row],
            index,
            reference_date=dataset.reference_date,
            config=config,
            limit=len(offers),
            excluded_limit=0,
        )
        ranked = [c.offer_id for c in ranking.candidates]
        relevant = set(labelled.relevant)
        positions = {key: i + 1 for i, key in enumerate(ranked)}
        recall5.append(len(relevant & set(ranked[:5])) / len(relevant))
        recall10.append(len(relevant & set(ranked[:10])) / len(relevant))
        first = min((positions[k] for k in relevant if k in positions), default=None)
        rr.append(1.0 / first if first else 0.0)
        ndcg.append(_ndcg(ranked, relevant, 10))
        broken = sum(
            1
            for key in ranked[:10]
            if check_offer(labelled.question, by_id[key], dataset.reference_date)
        )
        violations += broken
        details.append(
            QuestionResult(
                key=labelled.question.id,
                top=tuple(ranked[:10]),
                relevant_ranks={k: positions.get(k) for k in labelled.relevant},
                violations=broken,
            )
        )
    return EvalReport(
        recall_at_5=float(np.mean(recall5)) if recall5 else 0.0,
        recall_at_10=float(np.mean(recall10)) if recall10 else 0.0,
        mrr=float(np.mean(rr)) if rr else 0.0,
        ndcg_at_10=float(np.mean(ndcg)) if ndcg else 0.0,
        violations=violations,
        questions=len(dataset.questions),
        offers=len(offers),
        dataset=dataset.name,
        config_version=config.version,
        model_name=None if encoder is None else encoder.model_name,
        details=tuple(details),
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


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m matching.evaluation PATH [--json] [--no-model] [--details]`."""
    parser = argparse.ArgumentParser(prog="python -m matching.evaluation")
    parser.add_argument("path")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-model", action="store_true", help="rank without embeddings"
    )
    parser.add_argument("--details", action="store_true", help="per-question ranks")
    args = parser.parse_args(argv)
    dataset = load_dataset(args.path)
    encoder = None
    if not args.no_model:
        from matching.encoders import load_encoder

        encoder = load_encoder(None)
    report = evaluate(dataset, encoder, progress=not args.json)
    out = sys.stdout
    if args.json:
        out.write(json.dumps(report.as_dict()) + "\n")
    else:
        out.write(format_report(report) + "\n")
    if args.details:
        for result in report.details:
            out.write(f"{result.key}: {result.relevant_ranks}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
