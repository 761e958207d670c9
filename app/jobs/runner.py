"""Run the jobs without a queue server: the SQLite default.

`InProcessRunner` is one loop: every `worker_poll_seconds`, or at once when a
committed transaction asked for a job (`request_run` → `wake_runners`), it claims
the due scheduled runs (app/jobs/schedule.py) and runs them and the requested jobs
one after the other. `kennisbrug serve` runs it on a daemon thread (lifespan);
`kennisbrug worker` runs the same loop in the foreground, `--once` a single pass.
Job failures are logged and do not stop the loop; the jobs' own bookkeeping (mail
backoff, the schedule) decides when they run again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import URL
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import utcnow
from app.jobs.registry import JobContext, JobName, JobRegistry, default_registry
from app.jobs.schedule import SCHEDULES, Schedule, claim_due

logger = logging.getLogger("kennisbrug.jobs")

_ACTIVE: list[InProcessRunner] = []
_ACTIVE_LOCK = threading.Lock()


def _same_database(a: URL, b: URL) -> bool:
    return a.render_as_string(hide_password=False) == b.render_as_string(
        hide_password=False
    )


def wake_runners(url: URL, jobs: Iterable[JobName]) -> None:
    """Hand requested jobs to the running runners of this database (if any)."""
    with _ACTIVE_LOCK:
        runners = [r for r in _ACTIVE if _same_database(r.url, url)]
    for runner in runners:
        runner.wake(jobs)


class InProcessRunner:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        *,
        registry: JobRegistry | None = None,
        schedules: Iterable[Schedule] = SCHEDULES,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._registry = registry or default_registry()
        self._schedules = tuple(schedules)
        self._clock = clock
        self._wakeup = threading.Condition()
        self._requested: set[JobName] = set()
        # The tick each schedule had when this runner last claimed (or found it
        # claimed by another process).
        self._checked: dict[JobName, datetime] = {}
        self._stopping = False
        self._thread: threading.Thread | None = None
        with session_factory() as session:  # no connection is opened for this
            self.url: URL = session.get_bind().engine.url

    @property
    def requested(self) -> frozenset[JobName]:
        """Jobs asked for and not yet started."""
        with self._wakeup:
            return frozenset(self._requested)

    def wake(self, jobs: Iterable[JobName]) -> None:
        with self._wakeup:
            self._requested.update(jobs)
            self._wakeup.notify_all()

    def run_once(self) -> list[JobName]:
        """One pass: the requested jobs and the due scheduled runs; returns them."""
        with self._wakeup:
            jobs = sorted(self._requested)
            self._requested.clear()
        now = self._clock()
        try:
            due = self._claim_due(now)
        except Exception:
            self.wake(jobs)  # not lost: tried again on the next pass
            raise
        jobs += [job for job in due if job not in jobs]
        for job in jobs:
            try:
                # Each job gets the time it starts, not the pass's: a mail job
                # after a slow one would otherwise date its claims from the past,
                # so they expire at once and another worker sends them again.
                self._registry.run(
                    job,
                    JobContext(self._session_factory, self._settings, self._clock()),
                )
            except Exception:  # logged by the registry; the loop goes on
                continue
        return jobs

    def _claim_due(self, now: datetime) -> list[JobName]:
        """Claim due scheduled runs; ticks already looked at are not asked again,
        so most passes write nothing (SQLite has one writer at a time)."""
        ticks = {s.job: s.last_tick(now) for s in self._schedules}
        fresh = [s for s in self._schedules if self._checked.get(s.job) != ticks[s.job]]
        if not fresh:
            return []
        with self._session_factory() as session:
            due = claim_due(session, fresh, now=now, registry=self._registry)
            session.commit()
        self._checked.update({s.job: ticks[s.job] for s in fresh})
        return due

    def run_forever(self) -> None:
        """The loop, until `stop()`; for a thread or a foreground worker."""
        self._register()
        try:
            while not self._stopping:
                try:
                    self.run_once()
                except Exception:
                    logger.exception("job runner pass failed; trying again later")
                with self._wakeup:
                    self._wakeup.wait_for(
                        lambda: self._stopping or bool(self._requested),
                        timeout=self._settings.worker_poll_seconds,
                    )
        finally:
            self._unregister()

    def start(self) -> None:
        """Run the loop on a daemon thread (inside `kennisbrug serve`)."""
        self._register()  # before the thread runs: no wake-up may be missed
        self._thread = threading.Thread(
            target=self.run_forever, name="kennisbrug-jobs", daemon=True
        )
        self._thread.start()

    def request_stop(self) -> None:
        """End the loop after the job in hand (safe from a signal handler)."""
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify_all()

    def stop(self, timeout: float = 30) -> None:
        """Finish the job in hand, end the loop and wait for the thread."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._unregister()

    def _register(self) -> None:
        with _ACTIVE_LOCK:
            if self not in _ACTIVE:
                _ACTIVE.append(self)

    def _unregister(self) -> None:
        with _ACTIVE_LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)


class BackgroundWorker(Protocol):
    def stop(self, timeout: float = 30) -> None: ...


def start_in_process_worker(
    session_factory: sessionmaker[Session], settings: Settings
) -> BackgroundWorker:
    """Start the jobs inside this process (lifespan of `kennisbrug serve`)."""
    if settings.is_sqlite:
        runner = InProcessRunner(session_factory, settings)
        runner.start()
        return runner
    from app.jobs.postgres import PostgresWorkerThread, build_worker_app

    thread = PostgresWorkerThread(
        build_worker_app(settings, session_factory, default_registry(), SCHEDULES)
    )
    thread.start()
    return thread
