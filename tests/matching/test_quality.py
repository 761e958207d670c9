"""Match quality with the real converted model.

- the public synthetic dev set (../shared/eval/dev.json) and two synthetic sets
  written independently of the engine (seeds/eval/demo-eval.json from the demo
  world, tests/matching/data/blind-eval.json written blind to the engine and dev set):
  Recall@5 >= 0.80 and MRR >= 0.80;
- real reported pairings (seeds/eval/real-pairings*.json, each question paired with
  the provider that really took it on, among 168 real providers of 35 cities): the
  tuning half, on which the weights were chosen, and the held-out half, measured
  once at the end. Their floors sit a little below the measured values (README
  "Match quality"), so a change that loses real-world quality fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.evaluation import evaluate, load_dataset

ROOT = Path(__file__).parents[2]
DEV = ROOT.parent / "shared/eval/dev.json"
# name -> (path, Recall@5 floor, MRR floor)
SETS = {
    "dev": (DEV, 0.80, 0.80),
    "demo-eval": (ROOT / "seeds/eval/demo-eval.json", 0.80, 0.80),
    "blind-eval": (ROOT / "tests/matching/data/blind-eval.json", 0.80, 0.80),
    # measured 0.673 / 0.494 (tuning set: the weights were chosen on it)
    "real-pairings": (ROOT / "seeds/eval/real-pairings.json", 0.65, 0.47),
    # measured 0.641 / 0.470 (held out: used for nothing but this)
    "real-pairings-holdout": (
        ROOT / "seeds/eval/real-pairings-holdout.json",
        0.62,
        0.45,
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
