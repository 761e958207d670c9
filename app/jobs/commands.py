"""`kennisbrug worker`: the background jobs as a process of their own."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer


def worker(
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Run every due and waiting job once, then exit (for cron and tests).",
        ),
    ] = False,
) -> None:
    """Run the background jobs: mail delivery, retention and the scheduled runs.

    PostgreSQL: a procrastinate worker (several may run at once). SQLite: the loop
    that `kennisbrug serve` also runs inside itself (KENNISBRUG_IN_PROCESS_WORKER).
    """
    from app.config import get_settings
    from app.db import make_engine, make_session_factory, utcnow
    from app.jobs.registry import default_registry
    from app.jobs.schedule import SCHEDULES
    from app.observability import configure_logging

    settings = get_settings()
    configure_logging(json=settings.log_json)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    registry = default_registry()
    try:
        if settings.is_sqlite:
            from app.jobs.runner import InProcessRunner

            runner = InProcessRunner(session_factory, settings, registry=registry)
            if once:
                jobs = runner.run_once()
                typer.echo(f"ran: {', '.join(jobs) or 'nothing due'}")
                return

            def _stop(signum: int, frame: FrameType | None) -> None:
                runner.request_stop()

            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
            typer.echo("kennisbrug worker (SQLite) running; Ctrl+C stops it")
            runner.run_forever()
        else:
            from app.jobs.postgres import build_worker_app, enqueue_due, run_worker

            app = build_worker_app(settings, session_factory, registry, SCHEDULES)
            if once:
                jobs = enqueue_due(session_factory, registry, SCHEDULES, now=utcnow())
                typer.echo(f"scheduled: {', '.join(jobs) or 'nothing due'}")
            run_worker(app, once=once)
    finally:
        engine.dispose()
