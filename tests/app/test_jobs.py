"""Background jobs: the schedule (Dutch time, each tick once), runs requested in a
transaction (only after it commits), the in-process runner, procrastinate on
PostgreSQL, `kennisbrug worker --once` and the retention job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import utcnow
from app.jobs.queue import request_run
from app.jobs.registry import JobContext, JobName, JobRegistry, default_registry
from app.jobs.runner import InProcessRunner
from app.jobs.schedule import SCHEDULES, Schedule, claim_due
from app.mail.kinds import MatchConfirmed
from app.mail.service import queue_mail
from app.main import create_app
from app.models import OutboxMail, ScheduledJob
from app.privacy.schemas import PurgeReport
from tests.app.mail_support import (
    on_postgres,
    procrastinate_app,
)

postgres_only = pytest.mark.skipif(
    not on_postgres(), reason="procrastinate: PostgreSQL"
)
CONFIRMED = MatchConfirmed(
    owner_name="Gea Gemeente",
    question_title="Hittestress",
    offer_title="Stadsklimaat",
    institution_name="Hogeschool Leiden",
    contact_name="Piet Docent",
    contact_email="piet@hsleiden.example",
    question_path="/vragen/1",
)


def recorder(*names: JobName) -> tuple[JobRegistry, dict[JobName, threading.Event]]:
    """A registry whose jobs only note that they ran."""
    ran = {name: threading.Event() for name in names}

    def job(name: JobName):
        def run(ctx: JobContext) -> int:
            ran[name].set()
            return 1

        return run

    return JobRegistry({name: job(name) for name in names}), ran


def start_worker(db, settings: Settings, registry: JobRegistry):
    """The in-process worker of the database under test, without schedules."""
    if on_postgres():
        from app.jobs.postgres import PostgresWorkerThread, build_worker_app

        worker = PostgresWorkerThread(build_worker_app(settings, db, registry, ()))
    else:
        worker = InProcessRunner(db, settings, registry=registry, schedules=())
    worker.start()
    return worker


class TestSchedule:
    def test_the_digest_is_monday_seven_in_dutch_time_winter_and_summer(self):
        digest = Schedule(JobName.DIGEST, "0 7 * * 1")
        winter = datetime(2027, 1, 18, 6, 30, tzinfo=UTC)  # Monday, CET (UTC+1)
        summer = datetime(2027, 6, 14, 5, 30, tzinfo=UTC)  # Monday, CEST (UTC+2)
        assert digest.last_tick(winter) == datetime(2027, 1, 18, 6, 0, tzinfo=UTC)
        assert digest.last_tick(summer) == datetime(2027, 6, 14, 5, 0, tzinfo=UTC)
        just_before = datetime(2027, 1, 18, 5, 59, 59, tzinfo=UTC)
        assert digest.last_tick(just_before) == datetime(2027, 1, 11, 6, 0, tzinfo=UTC)

    def test_the_declared_schedules(self):
        crons = {s.job: s.cron for s in SCHEDULES}
        assert crons[JobName.MAIL] == "* * * * *"
        assert crons[JobName.DIGEST] == "0 7 * * 1"
        assert crons[JobName.RETENTION].split()[1] == "3"  # at night
        assert crons[JobName.RETRAIN].split()[1:] == ["4", "*", "*", "*"]  # nightly
        assert set(crons) == set(JobName)
        with pytest.raises(ValueError, match="cron"):
            Schedule(JobName.MAIL, "every minute")

    def test_each_tick_is_claimed_once_and_missed_ticks_are_caught_up_once(self, db):
        registry, _ = recorder(JobName.MAIL, JobName.RETENTION)
        monday = datetime(2027, 1, 18, 9, 0, 30, tzinfo=UTC)

        def claim(now):
            with db() as session:
                jobs = claim_due(session, SCHEDULES, now=now, registry=registry)
                session.commit()
                return jobs

        # Never ran: both due at once; the digest has no function, so never.
        assert claim(monday) == [JobName.MAIL, JobName.RETENTION]
        assert claim(monday) == []
        assert claim(monday + timedelta(seconds=20)) == []
        assert claim(monday + timedelta(minutes=1)) == [JobName.MAIL]
        # Three days without a worker: one run of each, then quiet again.
        later = monday + timedelta(days=3)
        assert claim(later) == [JobName.MAIL, JobName.RETENTION]
        assert claim(later) == []
        with db() as session:
            state = session.get(ScheduledJob, "retention")
            assert state is not None
            assert state.last_due_at == datetime(2027, 1, 21, 2, 30, tzinfo=UTC)
            assert state.last_started_at == later

    def test_the_in_process_worker_defaults_to_sqlite_only(self):
        assert Settings(database_url="sqlite:///x.db").runs_in_process_worker
        pg = "postgresql+psycopg://u@h/db"
        assert not Settings(database_url=pg).runs_in_process_worker
        assert Settings(database_url=pg, in_process_worker=True).runs_in_process_worker
        assert not Settings(in_process_worker=False).runs_in_process_worker

    def test_the_default_registry_has_mail_and_retention(self):
        registry = default_registry()
        assert {JobName.MAIL, JobName.RETENTION} <= set(registry.names())


class TestRequestedRuns:
    def test_the_in_process_worker_runs_a_requested_job_after_commit(
        self, db, settings
    ):
        registry, ran = recorder(JobName.EMBEDDING)
        worker = start_worker(db, settings, registry)
        try:
            with db() as session:
                request_run(session, JobName.EMBEDDING)
                session.rollback()
            with db() as session:
                request_run(session, JobName.EMBEDDING)
                if isinstance(worker, InProcessRunner):
                    assert worker.requested == frozenset()
                assert not ran[JobName.EMBEDDING].is_set()
                session.commit()
            assert ran[JobName.EMBEDDING].wait(10)
        finally:
            worker.stop()

    def test_a_rolled_back_request_wakes_nobody(self, db, settings):
        registry, _ = recorder(JobName.EMBEDDING)
        runner = InProcessRunner(db, settings, registry=registry, schedules=())
        runner._register()
        try:
            with db() as session:
                request_run(session, JobName.EMBEDDING)
                session.rollback()
            assert runner.requested == frozenset()
            with db() as session:
                request_run(session, JobName.EMBEDDING)
                session.commit()
            expected = frozenset() if on_postgres() else {JobName.EMBEDDING}
            assert runner.requested == expected
        finally:
            runner._unregister()

    def test_a_failing_job_does_not_stop_the_others(self, db, settings, caplog):
        ran = threading.Event()

        def broken(ctx: JobContext) -> int:
            raise RuntimeError("boom")

        def fine(ctx: JobContext) -> int:
            ran.set()
            return 1

        registry = JobRegistry({JobName.EMBEDDING: broken, JobName.DIGEST: fine})
        runner = InProcessRunner(db, settings, registry=registry, schedules=())
        # REOPEN_PARKED has no function in this registry: skipped with a warning.
        runner.wake([JobName.EMBEDDING, JobName.DIGEST, JobName.REOPEN_PARKED])
        assert runner.run_once() == [
            JobName.DIGEST,
            JobName.EMBEDDING,
            JobName.REOPEN_PARKED,
        ]
        assert ran.is_set()
        assert "job embedding failed" in caplog.text
        assert "reopen-parked has no function" in caplog.text

    @postgres_only
    def test_a_deferred_job_exists_only_if_its_transaction_commits(self, db, engine):
        from app.jobs.postgres import defer_in_transaction

        queue = procrastinate_app(engine)
        lock = "kennisbrug.retention"
        try:
            with db() as session:
                defer_in_transaction(session, [JobName.RETENTION])
                # Not visible outside the transaction, and gone with it.
                assert queue.job_manager.list_jobs(queueing_lock=lock) == []
                session.rollback()
            assert queue.job_manager.list_jobs(queueing_lock=lock) == []
            with db() as session:
                request_run(session, JobName.RETENTION)
                session.commit()
            [job] = queue.job_manager.list_jobs(queueing_lock=lock)
            assert (job.task_name, job.status) == ("kennisbrug.retention", "todo")
        finally:
            queue.close()

    @postgres_only
    def test_a_burst_of_requests_waits_as_one_run_and_keeps_every_change(
        self, db, engine, settings
    ):
        for n in range(3):
            with db() as session:
                queue_mail(
                    session, settings=settings, to=f"s{n}@b.example", context=CONFIRMED
                )
                session.commit()
        queue = procrastinate_app(engine)
        try:
            jobs = queue.job_manager.list_jobs(
                queueing_lock="kennisbrug.mail", status="todo"
            )
        finally:
            queue.close()
        assert len(jobs) == 1
        with db() as session:
            assert len(session.scalars(select(OutboxMail)).all()) == 3


class TestWorker:
    def test_worker_once_delivers_due_mail(self, db, settings, smtp, monkeypatch):
        mail_settings = smtp.settings(settings)
        with db() as session:
            queue_mail(
                session,
                settings=mail_settings,
                to="gea@leiden.example",
                context=CONFIRMED,
            )
            session.commit()
        for key, value in {
            "DATABASE_URL": settings.database_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_STARTTLS": "0",
            "BASE_URL": mail_settings.base_url,
        }.items():
            monkeypatch.setenv(f"KENNISBRUG_{key}", value)
        monkeypatch.setattr("app.observability.configure_logging", lambda **kw: None)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["worker", "--once"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        [message] = smtp.inbox.wait_for(1)
        assert message["To"] == "gea@leiden.example"
        with db() as session:
            assert session.scalars(select(OutboxMail.status)).all() == ["sent"]

    def test_worker_has_help(self):
        result = CliRunner().invoke(cli, ["worker", "--help"])
        assert result.exit_code == 0
        assert "--once" in result.output

    def test_the_app_runs_and_stops_the_in_process_worker(self, db, engine, settings):
        names = {"kennisbrug-jobs", "kennisbrug-worker"}
        app = create_app(
            settings.model_copy(update={"in_process_worker": True}), engine=engine
        )
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            alive = [t for t in threading.enumerate() if t.name in names]
            assert len(alive) == 1
        alive[0].join(10)
        assert not alive[0].is_alive()

    def test_retention_purges_old_interests_and_old_mail(
        self, db, settings, monkeypatch
    ):
        from app.privacy import tasks

        now = utcnow()
        seen = {}

        def purge_interests(session, *, retention_days, now):
            seen.update(retention_days=retention_days, now=now)
            return PurgeReport(interests_deleted=2, older_than=now)

        monkeypatch.setattr(tasks, "purge_interests", purge_interests)
        with db() as session:
            for age in (100, 10):
                mail = queue_mail(
                    session, settings=settings, to="a@b.example", context=CONFIRMED
                )
                assert mail is not None
                mail.status, mail.created_at = "sent", now - timedelta(days=age)
            session.commit()
        ctx = JobContext(
            db, settings.model_copy(update={"interest_retention_days": 30}), now
        )
        assert tasks.purge_expired_personal_data(ctx) == 3
        assert seen == {"retention_days": 30, "now": now}
        with db() as session:
            [kept] = session.scalars(select(OutboxMail)).all()
            assert kept.created_at == now - timedelta(days=10)
