"""The real-pairings sets: generated from their parts, sourced, and sound."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from matching.dataset import parse_dataset
from matching.filters import check_offer

ROOT = Path(__file__).parents[2]


def _built() -> dict[str, dict[str, Any]]:
    spec = importlib.util.spec_from_file_location(
        "split_real_pairings", ROOT / "scripts/split_real_pairings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built: dict[str, dict[str, Any]] = module.build()
    return built


def test_the_committed_sets_are_what_the_parts_make():
    """Each fact lives in one place: a pairing edited in a part but not re-split
    would leave the eval sets measuring stale data."""
    for name, data in _built().items():
        stored = json.loads((ROOT / f"seeds/eval/{name}.json").read_text())
        assert stored == data, (
            f"{name}.json is stale: run scripts/split_real_pairings.py"
        )


def test_tuning_and_held_out_questions_are_disjoint_and_sourced():
    sets = _built()
    tuning = {q["key"] for q in sets["real-pairings"]["questions"]}
    held = {q["key"] for q in sets["real-pairings-holdout"]["questions"]}
    assert tuning
    assert held
    assert not tuning & held
    for data in sets.values():
        for item in [*data["offers"], *data["questions"]]:
            assert str(item.get("source", "")).startswith("http"), item["key"]


def test_every_gold_offer_keeps_the_hard_rules():
    for data in _built().values():
        dataset = parse_dataset(data)
        offers = {o.id: o for o in dataset.offers}
        for labelled in dataset.questions:
            for key in labelled.relevant:
                broken = check_offer(
                    labelled.question, offers[key], dataset.reference_date
                )
                assert broken == (), (labelled.question.id, key, broken)


def test_the_english_set_differs_only_in_the_university_offers_texts():
    sets = _built()
    dutch = {o["key"]: o for o in sets["real-pairings"]["offers"]}
    changed = 0
    for offer in sets["real-pairings-en-offers"]["offers"]:
        before = dutch[offer["key"]]
        rest = {k: v for k, v in offer.items() if k not in ("title", "description")}
        assert rest == {
            k: v for k, v in before.items() if k not in ("title", "description")
        }
        if (offer["title"], offer["description"]) != (
            before["title"],
            before["description"],
        ):
            assert offer["level"] == "wo", offer["key"]
            changed += 1
    assert changed == 72
    assert (
        sets["real-pairings-en-offers"]["questions"]
        == sets["real-pairings"]["questions"]
    )
