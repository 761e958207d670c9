"""The `kennisbrug` command line: serve, migrate, seed, create-user, model, reindex,
eval, export/import, privacy and worker."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from alembic import command
from alembic.config import Config

from app.config import Settings, get_settings
from app.jobs.commands import worker
from app.municipalities.commands import municipality_cli
from app.privacy.commands import privacy_cli

if TYPE_CHECKING:
    from sqlalchemy import Connection

cli = typer.Typer(
    help="Kennisbrug: links a city's questions to the capacity of its knowledge institutions.",
    no_args_is_help=True,
    add_completion=False,
)
model_cli = typer.Typer(help="The embedding model.", no_args_is_help=True)
cli.add_typer(model_cli, name="model")
cli.add_typer(privacy_cli, name="privacy")
cli.add_typer(municipality_cli, name="municipality")
cli.command()(worker)


def alembic_config(database_url: str) -> Config:
    """An Alembic config that works from a source checkout and an installed package."""
    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes (uvicorn workers); each loads its own model.",
        ),
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Demo mode: allows the default secret key and plain-http cookies.",
        ),
    ] = False,
) -> None:
    """Serve the web app and API with uvicorn."""
    import uvicorn

    from app.main import create_app
    from app.observability import configure_logging
    from app.server import SERVER_OPTIONS

    if demo:
        os.environ["KENNISBRUG_DEMO_MODE"] = "1"
        # The demo is served over plain http on this machine: a Secure session cookie
        # would be dropped by some browsers. An explicit setting still wins.
        os.environ.setdefault("KENNISBRUG_COOKIE_SECURE", "0")
    # A server process tunes its garbage collector (app/server.py); the worker
    # processes read this from the environment too. An explicit setting wins.
    os.environ.setdefault("KENNISBRUG_SERVER_GC_TUNING", "1")
    get_settings.cache_clear()
    settings = get_settings()
    configure_logging(json=settings.log_json)
    app = create_app(settings)
    typer.echo(f"Kennisbrug serves on http://{host}:{port} (API docs: /docs)")
    if settings.demo_mode:
        password = settings.demo_password.get_secret_value()
        typer.echo(f"Demo logins, all with password '{password}':")
        for email, role in (
            ("makelaar@leiden.example", "kennismakelaar"),
            ("gemeente@leiden.example", "beleidsmedewerker gemeente Leiden"),
            ("docent@hsleiden.example", "docent Hogeschool Leiden"),
            (
                "onderzoeker@universiteitleiden.example",
                "onderzoeker Universiteit Leiden",
            ),
            ("admin@kennisbrug.example", "beheerder"),
            ("netwerk@kennisbrug.example", "programmabureau landelijk netwerk"),
        ):
            typer.echo(f"  {email:42} {role}")
    if workers > 1:
        # Worker processes import the app themselves; os.environ carries the
        # settings (including what --demo set above) to them.
        uvicorn.run(
            "app.server:served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            **SERVER_OPTIONS,
        )
        return
    uvicorn.run(app, host=host, port=port, **SERVER_OPTIONS)


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Bring the database schema up to date (alembic upgrade)."""
    settings = get_settings()
    command.upgrade(alembic_config(settings.database_url), revision)
    typer.echo(f"database at {revision}: {_safe_url(settings)}")


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


@cli.command()
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Also add demo users and a demo world.")
    ] = False,
) -> None:
    """Load reference data (themes, Leiden's districts, institutions); idempotent."""
    from app.db import make_engine, make_session_factory
    from seeds.loader import SeedReport, load_demo, load_reference, read_data

    settings = get_settings()
    if demo and not settings.demo_mode:
        typer.echo(
            "error: --demo adds demo users with a known password; it runs only in "
            "demo mode (KENNISBRUG_DEMO_MODE=1), never against a real database",
            err=True,
        )
        raise typer.Exit(2)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            report = SeedReport()
            load_reference(session, read_data("reference.json"), report)
            typer.echo(f"reference data: {report}")
            if demo:
                demo_report = load_demo(
                    session,
                    read_data("demo.json"),
                    password=settings.demo_password.get_secret_value(),
                    settings=settings,
                )
                typer.echo(f"demo data: {demo_report}")
    finally:
        engine.dispose()


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Login email.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[str, typer.Option(help="staff, provider, broker or admin.")],
    municipality: Annotated[
        str | None, typer.Option(help="Municipality slug (staff, broker).")
    ] = None,
    institution: Annotated[
        str | None, typer.Option(help="Institution name (provider).")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an account (for example the first admin)."""
    from pydantic import ValidationError

    from app.db import make_engine, make_session_factory
    from app.errors import AppError
    from app.users import service
    from app.users.schemas import UserCreate

    try:
        data = UserCreate(
            email=email,
            name=name,
            role=role,
            password=password,
            municipality=municipality,
            institution=institution,
        )
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
        raise typer.Exit(2) from None
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            user = service.create_user(session, data, actor=None)
            typer.echo(f"created {user.role} {user.email}")
    except AppError as exc:
        typer.echo(f"error: {exc.detail} {exc.fields or ''}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@model_cli.command("prepare")
def model_prepare(
    force: Annotated[bool, typer.Option(help="Rebuild even if present.")] = False,
) -> None:
    """Convert the packaged multilingual-e5-small weights into a local model folder."""
    from matching.e5 import prepare_model
    from matching.errors import MatchingError

    cache = get_settings().model_dir
    try:
        path = prepare_model(cache, force=force, progress=True)
    except MatchingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"model ready: {path}")


@cli.command()
def reindex() -> None:
    """Recompute stored vectors whose model or text changed; safe to interrupt and rerun."""
    from app.db import make_engine, make_session_factory
    from app.ranking.adapters import MatchingError, load_encoder_strict
    from app.ranking.embeddings import reindex as run_reindex

    settings = get_settings()
    try:
        encoder = load_encoder_strict(settings)
    except MatchingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            count = run_reindex(session, encoder, progress=True)
    finally:
        engine.dispose()
    typer.echo(f"{count} vector(s) recomputed with {encoder.model_name}")


@cli.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Where to write the JSON export.")],
) -> None:
    """Write all data (every table) to one JSON file."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.dataport import export_data
    from app.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as conn:
            _one_snapshot(conn)
            document = export_data(conn)
    except SQLAlchemyError as exc:
        typer.echo(
            f"error: cannot read the database (is it migrated?): {exc}", err=True
        )
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    try:
        path.write_text(
            json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    except OSError as exc:
        typer.echo(f"error: cannot write {path}: {exc}", err=True)
        raise typer.Exit(2) from None
    rows = sum(len(t) for t in document["tables"].values())
    typer.echo(f"exported {rows} rows to {path}")


def _one_snapshot(conn: Connection) -> None:
    """PostgreSQL: read every table in one snapshot (REPEATABLE READ, read only).

    Under the default READ COMMITTED each table is read at its own moment, so a
    change committed during the export (a city with its districts) lands half in
    the file and the file cannot be imported. SQLite's transaction is one snapshot.
    """
    if conn.dialect.name == "postgresql":
        conn.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )


@cli.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="A file written by `kennisbrug export`.")
    ],
) -> None:
    """Load an export into an empty, migrated database (all or nothing)."""
    from app.dataport import ImportRefusedError, import_data
    from app.db import make_engine

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.echo(f"error: cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from None
    from sqlalchemy.exc import SQLAlchemyError

    engine = make_engine(get_settings().database_url)
    try:
        with engine.begin() as conn:
            counts = import_data(conn, document)
    except (ImportRefusedError, SQLAlchemyError) as exc:
        # One transaction: whatever was inserted before the failure is rolled back.
        typer.echo(f"error: {exc}; nothing was imported", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"imported {sum(counts.values())} rows")


@cli.command()
def learn(
    municipality: Annotated[
        str | None,
        typer.Option(help="Municipality slug; without it, all cities together."),
    ] = None,
) -> None:
    """Train the reranker on the broker's decisions; store it only if it beats the default."""
    from app.db import make_engine, make_session_factory
    from app.learning.training import train
    from app.vocab.repository import get_municipality_by_slug

    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            city_id = None
            if municipality is not None:
                city = get_municipality_by_slug(session, municipality)
                if city is None:
                    typer.echo(
                        f"error: unknown municipality {municipality!r}", err=True
                    )
                    raise typer.Exit(2)
                city_id = city.id
            result = train(session, city_id)
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"{result.decisions} decision(s) on {result.questions} question(s)")
    if result.stored is None:
        typer.echo("guard: kept the default engine (no model stored)")
    else:
        typer.echo(
            f"stored {result.stored.version}: held-out MRR "
            f"{result.validation.get('default_mrr')} -> "
            f"{result.validation.get('learned_mrr')}"
        )


@cli.command("eval")
def evaluate(
    dataset: Annotated[Path, typer.Argument(help="A data set in the eval FORMAT.md.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.")
    ] = False,
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Per question: gold offers' ranks and what outranked them.",
        ),
    ] = False,
    no_model: Annotated[
        bool,
        typer.Option("--no-model", help="Rank without embeddings (lexical fallback)."),
    ] = False,
    feedback_split: Annotated[
        float | None,
        typer.Option(
            "--feedback-split",
            help="Simulate a broker's decisions on this share of the questions, "
            "learn a reranker from them and compare it with the default on the rest.",
            min=0.0,
            max=1.0,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of the --feedback-split question split.")
    ] = 0,
) -> None:
    """Measure match quality (Recall@5/10, MRR, nDCG@10, violations) on a data set."""
    from matching.encoders import load_encoder
    from matching.errors import MatchingError
    from matching.evaluation import evaluate as run_evaluation
    from matching.evaluation import (
        format_details,
        format_report,
        load_dataset,
        simulate_feedback,
    )

    settings = get_settings()
    try:
        data = load_dataset(dataset)
        encoder = (
            None
            if no_model
            else load_encoder(settings.embedding_model, settings.model_dir)
        )
        if feedback_split is not None:
            result = simulate_feedback(data, encoder, split=feedback_split, seed=seed)
        else:
            report = run_evaluation(data, encoder, progress=not as_json)
    except MatchingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if feedback_split is not None:
        outcome = result.as_dict()
        if as_json:
            typer.echo(json.dumps(outcome, ensure_ascii=False))
            return
        for name in ("default", "learned"):
            metrics = outcome[name]
            assert isinstance(metrics, dict)
            typer.echo(f"{name:8} " + "  ".join(f"{k} {v}" for k, v in metrics.items()))
        typer.echo(
            f"trained on {outcome['train_questions']} questions, "
            f"tested on {outcome['test_questions']}; guard: {outcome['guard']}"
        )
        return
    if as_json:
        summary: dict[str, object] = dict(report.as_dict())
        if details:
            summary["details"] = [d.as_dict() for d in report.details]
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    typer.echo(format_report(report))
    if details:
        typer.echo(format_details(report))


def main() -> None:
    cli()
