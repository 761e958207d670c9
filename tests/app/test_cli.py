"""The `kennisbrug` command line: help for every command, clear errors, eval output,
migrate/seed/create-user/export/import on a fresh database, and demo serving."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings

runner = CliRunner()
COMMANDS = [
    ["serve"],
    ["migrate"],
    ["seed"],
    ["create-user"],
    ["model", "prepare"],
    ["reindex"],
    ["eval"],
    ["export"],
    ["import"],
]
TINY_SET = {
    "name": "tiny",
    "reference_date": "2027-01-15",
    "offers": [
        {
            "key": "heat",
            "kind": "research",
            "title": "Urban heat islands",
            "description": "Mapping hot spots in stony streets.",
            "institution": "TU Delft",
            "level": "wo",
            "themes": ["duurzaamheid-biodiversiteit"],
            "neighbourhoods": [],
            "capacity": 1,
            "available_from": "2027-01-01",
            "available_until": "2027-12-31",
        },
        {
            "key": "bikes",
            "kind": "course",
            "title": "Fietsparkeren bij het station",
            "description": "Waar laten reizigers hun fiets?",
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "themes": ["wonen-leefomgeving"],
            "neighbourhoods": [],
            "capacity": 1,
            "available_from": "2027-01-01",
            "available_until": "2027-12-31",
        },
    ],
    "questions": [
        {
            "key": "q-heat",
            "title": "Hittestress in de binnenstad",
            "description": "Waar is het tijdens een hittegolf het heetst?",
            "themes": ["duurzaamheid-biodiversiteit"],
            "levels": [],
            "neighbourhood": None,
            "wanted_from": "2027-02-01",
            "wanted_until": "2027-06-30",
            "relevant": ["heat"],
        }
    ],
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., None]:
    """Set KENNISBRUG_* variables for one command (the settings cache is cleared)."""

    def _set(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"KENNISBRUG_{key.upper()}", value)
        get_settings.cache_clear()

    monkeypatch.chdir(tmp_path)
    yield _set
    get_settings.cache_clear()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_eval_prints_the_metrics_as_json(tmp_path, env):
    env(embedding_model="hashing-64")
    dataset = tmp_path / "tiny.json"
    dataset.write_text(json.dumps(TINY_SET), encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(dataset), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) >= {
        "recall@5",
        "recall@10",
        "mrr",
        "ndcg@10",
        "violations",
        "questions",
        "offers",
    }
    assert (report["questions"], report["offers"], report["violations"]) == (1, 2, 0)


def test_eval_details_show_gold_ranks_and_what_outranked_them(tmp_path, env):
    env(embedding_model="hashing-64")
    data = {
        **TINY_SET,
        "questions": [{**TINY_SET["questions"][0], "relevant": ["bikes"]}],
    }
    dataset = tmp_path / "tiny.json"
    dataset.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(dataset), "--details"])
    assert result.exit_code == 0, result.output
    assert "q-heat: Hittestress in de binnenstad" in result.output
    assert "gold bikes: rank 2" in result.output
    assert "ranked above the first gold offer" in result.output
    assert "heat" in result.output.split("ranked above the first gold offer")[1]


def test_eval_json_details_and_no_model(tmp_path, env):
    env(embedding_model="no-such-model-is-loaded")  # --no-model never loads it
    dataset = tmp_path / "tiny.json"
    dataset.write_text(json.dumps(TINY_SET), encoding="utf-8")
    result = runner.invoke(
        cli, ["eval", str(dataset), "--json", "--details", "--no-model"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["questions"] == 1
    (question,) = report["details"]
    assert question["relevant_ranks"] == {"heat": 1}
    assert question["ahead"] == []
    assert question["gold"][0]["offer"] == "heat"
    assert "dense" not in question["gold"][0]["components"]


def test_eval_feedback_split_compares_default_and_learned(tmp_path, env):
    env(embedding_model="hashing-64")
    questions = [{**TINY_SET["questions"][0], "key": f"q-{i}"} for i in range(4)]
    dataset = tmp_path / "tiny.json"
    dataset.write_text(json.dumps({**TINY_SET, "questions": questions}), "utf-8")
    result = runner.invoke(
        cli,
        ["eval", str(dataset), "--feedback-split", "0.5", "--seed", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (report["train_questions"], report["test_questions"]) == (2, 2)
    for name in ("default", "learned"):
        assert set(report[name]) == {
            "recall@5",
            "recall@10",
            "mrr",
            "ndcg@10",
            "violations",
        }
    # Two decisions are too few to learn from: the guard keeps the default.
    assert report["guard"] == "kept default"
    assert report["guard_kept_default"] is True
    assert report["learned"] == report["default"]


@pytest.mark.parametrize(
    ("content", "mentions"),
    [
        (None, "not"),  # missing file
        ("{ not json", "line 1"),
        (json.dumps({**TINY_SET, "offers": [{"key": "x"}]}), "x"),
    ],
)
def test_eval_names_the_problem_of_a_bad_file(tmp_path, env, content, mentions):
    env(embedding_model="hashing-64")
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(path)])
    assert result.exit_code == 2
    assert "error:" in result.output
    assert mentions in result.output
    assert "Traceback" not in result.output


def test_migrate_seed_create_user_export_import_on_a_fresh_database(tmp_path, env):
    env(database_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    seeded = runner.invoke(cli, ["seed"])
    assert seeded.exit_code == 0, seeded.output
    assert "10 themes" in seeded.output
    assert "nothing new" in runner.invoke(cli, ["seed"]).output
    made = runner.invoke(
        cli,
        [
            "create-user",
            "--email",
            "beheer@leiden.example",
            "--name",
            "Beheer",
            "--role",
            "admin",
        ],
        input="een-lang-wachtwoord\neen-lang-wachtwoord\n",
    )
    assert made.exit_code == 0, made.output
    again = runner.invoke(
        cli,
        [
            "create-user",
            "--email",
            "beheer@leiden.example",
            "--name",
            "B",
            "--role",
            "admin",
        ],
        input="een-lang-wachtwoord\neen-lang-wachtwoord\n",
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad_role = runner.invoke(
        cli,
        ["create-user", "--email", "x@leiden.example", "--name", "X", "--role", "god"],
        input="een-lang-wachtwoord\neen-lang-wachtwoord\n",
    )
    assert bad_role.exit_code == 2
    assert "role" in bad_role.output
    dump = tmp_path / "data.json"
    assert runner.invoke(cli, ["export", str(dump)]).exit_code == 0
    env(database_url=f"sqlite:///{tmp_path / 'b.db'}")
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    loaded = runner.invoke(cli, ["import", str(dump)])
    assert loaded.exit_code == 0, loaded.output
    refused = runner.invoke(cli, ["import", str(dump)])
    assert refused.exit_code == 1
    assert "empty" in refused.output


def test_serve_demo_allows_plain_http_cookies(monkeypatch, env):
    env()
    # Recorded by monkeypatch so that what `serve --demo` sets is undone afterwards.
    for name in (
        "KENNISBRUG_DEMO_MODE",
        "KENNISBRUG_COOKIE_SECURE",
        "KENNISBRUG_SERVER_GC_TUNING",
    ):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setattr("app.observability.configure_logging", lambda **kw: None)
    result = runner.invoke(cli, ["serve", "--demo", "--port", "8123"])
    assert result.exit_code == 0, result.output
    settings = seen["app"].state.settings
    assert settings.demo_mode is True
    assert settings.cookie_secure is False
    assert settings.server_gc_tuning is True  # app/server.py
    assert seen["port"] == 8123
    assert seen["proxy_headers"] is False  # forwarded headers only via the app
    assert "makelaar@leiden.example" in result.output


def test_the_model_folder_comes_from_the_settings(tmp_path, env):
    env(model_cache=str(tmp_path / "models"))
    assert get_settings().model_dir == tmp_path / "models"


def test_serve_workers_runs_the_app_factory_in_several_processes(monkeypatch, env):
    env()
    monkeypatch.setenv("KENNISBRUG_DEMO_MODE", "1")
    monkeypatch.setenv("KENNISBRUG_SERVER_GC_TUNING", "placeholder")
    monkeypatch.delenv("KENNISBRUG_SERVER_GC_TUNING")  # undone afterwards
    get_settings.cache_clear()
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setattr("app.observability.configure_logging", lambda **kw: None)
    result = runner.invoke(cli, ["serve", "--workers", "2", "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert seen["workers"] == 2
    assert seen["factory"] is True
    assert seen["proxy_headers"] is False
    module, _, name = seen["app"].partition(":")
    factory = getattr(__import__(module, fromlist=[name]), name)
    built = factory().state.settings  # what each worker builds
    assert built.demo_mode is True
    assert built.server_gc_tuning is True


def test_serve_refuses_zero_workers(env):
    env()
    assert runner.invoke(cli, ["serve", "--workers", "0"]).exit_code == 2
