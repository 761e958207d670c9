"""Match quality with the real converted model: the public dev set and two held-out
sets written independently of the engine (seeds/eval/demo-eval.json from the demo
world, tests/matching/data/blind-eval.json written blind to the engine and dev set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.evaluation import evaluate, load_dataset

ROOT = Path(__file__).parents[2]
DEV = ROOT.parent / "shared/eval/dev.json"
SETS = {
    "dev": DEV,
    "demo-eval": ROOT / "seeds/eval/demo-eval.json",
    "blind-eval": ROOT / "tests/matching/data/blind-eval.json",
}


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(SETS))
def test_quality_with_the_real_model(name):
    from matching.encoders import load_encoder

    path = SETS[name]
    if not path.exists():
        pytest.skip(f"{path} is not present in this checkout")
    report = evaluate(load_dataset(path), load_encoder(None))
    assert report.violations == 0
    assert report.recall_at_5 >= 0.80, report.as_dict()
    assert report.mrr >= 0.80, report.as_dict()


def test_quality_without_the_model_degrades_gracefully():
    if not DEV.exists():
        pytest.skip(f"{DEV} is not present in this checkout")
    report = evaluate(load_dataset(DEV), None)
    assert report.violations == 0
    assert report.recall_at_10 >= 0.6, report.as_dict()
