"""The PostgreSQL side: procrastinate defers in our transaction and runs the workers.

Two procrastinate apps, on purpose. Deferring goes through an app whose
`SyncPsycopgConnector` is never opened: every defer passes `connection=` the
psycopg connection under the caller's SQLAlchemy session, so the job row is part
of that transaction and no pool is needed. The worker app has an async
`PsycopgConnector` (LISTEN/NOTIFY, heartbeats); once that one is open it would
treat a sync connection as async, so jobs that defer other jobs (a job that
queues mail) must not use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import utcnow
from app.jobs.queue import request_run
from app.jobs.registry import JobContext, JobName, JobRegistry
from app.jobs.schedule import Schedule, claim_due

logger = logging.getLogger("kennisbrug.jobs")
TICK_TASK = "kennisbrug.tick"
# A failing run (the database away) is retried a few times; the schedule brings
# it back anyway.
RETRY = procrastinate.RetryStrategy(max_attempts=3, exponential_wait=5)


def task_name(job: JobName) -> str:
    return f"kennisbrug.{job.value}"


@lru_cache(maxsize=1)
def _deferrer() -> procrastinate.App:
    return procrastinate.App(connector=procrastinate.SyncPsycopgConnector())


def defer_in_transaction(session: Session, jobs: Iterable[JobName]) -> None:
    """Insert one waiting run per job on the session's connection (same transaction).

    A run of the job that is already waiting (its queueing lock) makes this a
    no-op; the savepoint keeps that refusal from aborting the caller's transaction.
    """
    for job in sorted(jobs):
        name = task_name(job)
        try:
            with session.begin_nested():
                # Asking for the connection inside the block is what makes
                # SQLAlchemy emit the SAVEPOINT; without it the refusal would abort
                # the whole transaction and its COMMIT would silently roll back.
                connection = session.connection().connection.driver_connection
                _deferrer().configure_task(
                    name, queueing_lock=name, connection=connection
                ).defer()
        except AlreadyEnqueued:
            continue


def conninfo(database_url: str) -> str:
    """The libpq URL of a SQLAlchemy one (postgresql+psycopg://… → postgresql://…)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def enqueue_due(
    session_factory: sessionmaker[Session],
    registry: JobRegistry,
    schedules: Iterable[Schedule],
    *,
    now: datetime,
) -> list[JobName]:
    """Claim the due scheduled runs and defer them, in one transaction."""
    with session_factory() as session:
        jobs = claim_due(session, schedules, now=now, registry=registry)
        for job in jobs:
            request_run(session, job)
        session.commit()
    return jobs


def build_worker_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    registry: JobRegistry,
    schedules: Iterable[Schedule],
    *,
    clock: Callable[[], datetime] = utcnow,
) -> procrastinate.App:
    """A procrastinate app with one task per registered job and the minute tick."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(settings.database_url)
        )
    )

    def runner(job: JobName) -> Callable[[], None]:
        def run() -> None:
            registry.run(job, JobContext(session_factory, settings, clock()))

        run.__name__ = f"run_{job.name.lower()}"
        return run

    for job in registry.names():
        app.task(name=task_name(job), retry=RETRY, pass_context=False)(runner(job))

    schedules = tuple(schedules)
    if schedules:

        def tick(timestamp: int) -> None:
            enqueue_due(session_factory, registry, schedules, now=clock())

        app.periodic(cron="* * * * *", periodic_id="tick")(
            app.task(name=TICK_TASK, pass_context=False)(tick)
        )
    return app


def _worker_name() -> str:
    return f"kennisbrug-{socket.gethostname()}-{os.getpid()}"


def run_worker(app: procrastinate.App, *, once: bool) -> None:
    """Run the worker in the foreground; `once`: until the queue is empty."""

    async def main() -> None:
        async with app.open_async():
            await app.run_worker_async(
                name=_worker_name(),
                wait=not once,
                delete_jobs="successful",
                listen_notify=not once,
                install_signal_handlers=not once,
            )

    asyncio.run(main())


class PostgresWorkerThread:
    """The procrastinate worker on a thread of `kennisbrug serve` (opt-in on
    PostgreSQL with KENNISBRUG_IN_PROCESS_WORKER=1)."""

    def __init__(self, app: procrastinate.App) -> None:
        self._app = app
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(
            target=self._main, name="kennisbrug-worker", daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(timeout=30)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with self._app.open_async():
            self._task = asyncio.create_task(
                self._app.run_worker_async(
                    name=_worker_name(),
                    delete_jobs="successful",
                    install_signal_handlers=False,
                )
            )
            self._ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def stop(self, timeout: float = 30) -> None:
        if self._loop is not None and self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout)
