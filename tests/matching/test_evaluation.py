from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matching.encoders import HashingEncoder
from matching.errors import DatasetError
from matching.evaluation import (
    evaluate,
    format_details,
    format_report,
    load_dataset,
    parse_dataset,
)
from matching.types import Level, OfferKind

DATA: dict[str, Any] = {
    "name": "tiny",
    "reference_date": "2027-01-15",
    "offers": [
        {
            "key": "heat",
            "kind": "research",
            "title": "Urban heat islands",
            "description": "Mapping hot spots and cooling with trees and shade.",
            "institution": "TU Delft",
            "level": "wo",
            "themes": ["duurzaamheid-biodiversiteit"],
            "neighbourhoods": [],
            "capacity": 2,
            "available_from": "2027-01-01",
            "available_until": "2027-12-31",
        },
        {
            "key": "bikes",
            "kind": "course",
            "title": "Fietsparkeren bij het station",
            "description": "Waarom zetten reizigers hun fiets buiten de stalling?",
            "level": "hbo",
            "themes": ["wonen-leefomgeving"],
            "neighbourhoods": [],
            "capacity": 1,
            "available_from": "2027-02-01",
            "available_until": "2027-06-30",
        },
        {
            "key": "full",
            "kind": "course",
            "title": "Hittestress in de stad",
            "description": "Hitte meten in versteende straten.",
            "level": "hbo",
            "themes": ["duurzaamheid-biodiversiteit"],
            "neighbourhoods": [],
            "capacity": 0,
            "available_from": "2027-02-01",
            "available_until": "2027-06-30",
        },
    ],
    "questions": [
        {
            "key": "q-heat",
            "title": "Hitteplan",
            "description": "Waar liggen de heetste plekken tijdens een hittegolf?",
            "themes": ["duurzaamheid-biodiversiteit"],
            "levels": [],
            "neighbourhood": None,
            "wanted_from": "2027-03-01",
            "wanted_until": "2027-08-31",
            "relevant": ["heat"],
        },
        {
            "key": "q-bikes",
            "title": "Fietsen buiten de rekken",
            "description": "Reizigers laten de stalling bij het station links liggen.",
            "themes": ["wonen-leefomgeving"],
            "levels": ["hbo"],
            "neighbourhood": "stationsdistrict",
            "wanted_from": "2027-02-01",
            "wanted_until": "2027-06-30",
            "relevant": ["bikes"],
        },
    ],
}


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_load_dataset_converts_to_engine_types(tmp_path):
    dataset = load_dataset(_write(tmp_path, DATA))
    assert dataset.name == "tiny"
    assert [o.id for o in dataset.offers] == ["heat", "bikes", "full"]
    assert dataset.offers[2].remaining_capacity == 0
    assert dataset.questions[1].question.levels == (Level.HBO,)
    assert dataset.questions[0].relevant == ("heat",)


def test_load_dataset_reads_codes_as_the_enums_of_matching_types(tmp_path):
    dataset = load_dataset(_write(tmp_path, DATA))
    assert [o.kind for o in dataset.offers] == [
        OfferKind.RESEARCH,
        OfferKind.COURSE,
        OfferKind.COURSE,
    ]
    assert all(type(o.level) is Level for o in dataset.offers)
    assert all(
        type(level) is Level for q in dataset.questions for level in q.question.levels
    )


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="file not found"):
        load_dataset(tmp_path / "nope.json")


def test_bad_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "name": "x",\n  oops\n}', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"line 3, column 3"):
        load_dataset(path)


def _broken(mutate: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(DATA)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["offers"][1].pop("level"),
            r"offer 'bikes': missing field 'level'",
        ),
        (
            lambda d: d["offers"][0].update(level="phd"),
            r"offer 'heat': unknown level 'phd'",
        ),
        (lambda d: d["offers"][0].update(kind="x"), r"offer 'heat': unknown kind"),
        (
            lambda d: d["offers"][0].update(available_from="2027-13-01"),
            r"offer 'heat': field 'available_from' is not an ISO date",
        ),
        (
            lambda d: d["offers"][0].update(capacity="2"),
            r"'capacity' must be an integer",
        ),
        (
            lambda d: d["questions"][0].update(relevant=["ghost"]),
            r"question 'q-heat': relevant offer\(s\) not among the offers: \['ghost'\]",
        ),
        (lambda d: d["questions"][0].update(relevant=[]), r"at least one offer key"),
        (lambda d: d["questions"][1].update(levels=["hbo", "x"]), r"unknown level 'x'"),
        (
            lambda d: d["questions"][0].pop("title"),
            r"question 'q-heat': missing field 'title'",
        ),
        (lambda d: d.pop("reference_date"), r"missing field 'reference_date'"),
        (lambda d: d["offers"].append(d["offers"][0]), r"duplicate offer key"),
    ],
)
def test_format_errors_name_the_item(mutate, message):
    with pytest.raises(DatasetError, match=message):
        parse_dataset(_broken(mutate))


def test_top_level_must_be_an_object():
    with pytest.raises(DatasetError, match="JSON object"):
        parse_dataset([])


def test_evaluate_scores_rankings_and_counts_no_violations(tmp_path):
    dataset = load_dataset(_write(tmp_path, DATA))
    report = evaluate(dataset, HashingEncoder(64))
    assert report.as_dict() == {
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr": 1.0,
        "ndcg@10": 1.0,
        "violations": 0,
        "questions": 2,
        "offers": 3,
    }
    assert report.model_name == "hashing-64"
    assert {d.key for d in report.details} == {"q-heat", "q-bikes"}
    assert all("full" not in d.top for d in report.details)


def test_evaluate_without_encoder(tmp_path):
    report = evaluate(load_dataset(_write(tmp_path, DATA)), None)
    assert report.model_name is None
    assert report.violations == 0
    assert report.recall_at_10 == 1.0


def test_metrics_for_a_relevant_offer_ranked_second(tmp_path):
    data = _broken(
        lambda d: d["questions"][1].update(relevant=["bikes", "heat"], levels=[])
    )
    data["questions"] = data["questions"][1:]
    report = evaluate(parse_dataset(data), None)
    # both relevant offers are the only eligible ones: both in the top 2
    assert report.recall_at_5 == 1.0
    assert report.mrr == 1.0
    assert report.ndcg_at_10 == pytest.approx(1.0)


def test_format_report_is_human_readable(tmp_path):
    report = evaluate(load_dataset(_write(tmp_path, DATA)), None)
    text = format_report(report)
    assert "Recall@5   1.000" in text
    assert "violations 0" in text


def test_details_name_each_gold_rank_and_what_outranked_it(tmp_path):
    data = _broken(lambda d: d["questions"][0].update(relevant=["bikes"], levels=[]))
    report = evaluate(parse_dataset(data), None)
    heat = next(d for d in report.details if d.key == "q-heat")
    # "heat" is the topical offer, so it outranks the (wrongly) gold "bikes"
    assert heat.relevant_ranks == {"bikes": 2}
    assert heat.first_rank == 2
    assert [o.offer_id for o in heat.ahead] == ["heat"]
    assert [(o.rank, o.offer_id) for o in heat.gold] == [(2, "bikes")]
    assert heat.ahead[0].score >= heat.gold[0].score
    assert set(heat.ahead[0].components) >= {"concept", "theme", "window"}
    text = format_details(report)
    assert "q-heat: Hitteplan" in text
    assert "gold bikes: rank 2" in text
    assert "ranked above the first gold offer" in text


def test_details_of_a_gold_offer_a_hard_rule_removed(tmp_path):
    data = _broken(lambda d: d["questions"][0].update(relevant=["full"]))
    report = evaluate(parse_dataset(data), None)
    heat = next(d for d in report.details if d.key == "q-heat")
    assert heat.relevant_ranks == {"full": None}
    assert heat.gold == ()
    assert len(heat.ahead) == 2  # every eligible offer outranks it
    assert "gold full: excluded by a hard rule" in format_details(report)
