"""Match quality on the public evaluation set with the real converted model."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.evaluation import evaluate, load_dataset

DEV = Path(__file__).parents[2].parent / "shared/eval/dev.json"


@pytest.mark.model
def test_quality_on_the_public_dev_set():
    from matching.encoders import load_encoder

    if not DEV.exists():
        pytest.skip(f"{DEV} is not present in this checkout")
    report = evaluate(load_dataset(DEV), load_encoder(None))
    assert report.violations == 0
    assert report.recall_at_5 >= 0.80, report.as_dict()
    assert report.mrr >= 0.80, report.as_dict()


def test_quality_without_the_model_degrades_gracefully():
    if not DEV.exists():
        pytest.skip(f"{DEV} is not present in this checkout")
    report = evaluate(load_dataset(DEV), None)
    assert report.violations == 0
    assert report.recall_at_10 >= 0.6, report.as_dict()
