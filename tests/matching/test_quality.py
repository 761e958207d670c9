"""Match quality with the real converted model.

- the public synthetic dev set (../shared/eval/dev.json) and two synthetic sets
  written independently of the engine (seeds/eval/demo-eval.json from the demo
  world, tests/matching/data/blind-eval.json written blind to the engine and dev set);
- real reported pairings (seeds/eval/real-pairings*.json, each question paired with
  the provider that really took it on, among 170 real providers of 35 cities): the
  tuning half, on which the weights were chosen, and the held-out half, measured
  once at the end.

Every floor sits a little below the measured value (README "Match quality"), so a
change that loses quality on any of them fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.evaluation import evaluate, load_dataset

ROOT = Path(__file__).parents[2]
DEV = ROOT.parent / "shared/eval/dev.json"
# name -> (path, Recall@5 floor, MRR floor)
SETS = {
    # measured (engine 2027.4) 0.900 / 0.923
    "dev": (DEV, 0.88, 0.90),
    # measured 0.926 / 0.954
    "demo-eval": (ROOT / "seeds/eval/demo-eval.json", 0.91, 0.93),
    # measured 0.909 / 0.940
    "blind-eval": (ROOT / "tests/matching/data/blind-eval.json", 0.89, 0.92),
    # measured 0.907 / 0.737 (tuning set: the weights were chosen on it)
    "real-pairings": (ROOT / "seeds/eval/real-pairings.json", 0.88, 0.71),
    # measured 0.769 / 0.663 (held out: used for nothing but this; 0.795 / 0.669
    # before part C's two providers joined the pool)
    "real-pairings-holdout": (
        ROOT / "seeds/eval/real-pairings-holdout.json",
        0.75,
        0.64,
    ),
}


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(SETS))
def test_quality_with_the_real_model(name):
    from matching.encoders import load_encoder

    path, min_recall, min_mrr = SETS[name]
    if not path.exists():
        pytest.skip(f"{path} is not present in this checkout")
    report = evaluate(load_dataset(path), load_encoder(None))
    assert report.violations == 0
    assert report.recall_at_5 >= min_recall, report.as_dict()
    assert report.mrr >= min_mrr, report.as_dict()


def test_quality_without_the_model_degrades_gracefully():
    if not DEV.exists():
        pytest.skip(f"{DEV} is not present in this checkout")
    report = evaluate(load_dataset(DEV), None)
    assert report.violations == 0
    assert report.recall_at_10 >= 0.6, report.as_dict()
