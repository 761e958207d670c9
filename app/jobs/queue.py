"""Ask for a prompt run of a job, bound to the caller's transaction.

`request_run(session, JobName.MAIL)` records the wish on the session; at commit:

- PostgreSQL: just before COMMIT, the session is flushed and a procrastinate job
  is inserted on the session's own connection, so it commits or rolls back with
  the change. Inserting last keeps the queue's lock out of the middle of the
  use case, where it could take part in a deadlock. A `queueing_lock` per job
  collapses bursts: while one run waits, more requests add nothing (it will see
  their work, or the next scheduled tick will).
- SQLite: right after COMMIT, the in-process runner of this database is woken
  (app/jobs/runner.py). A separate `kennisbrug worker` finds the work on its next
  poll or tick.

A rollback forgets the wish. Jobs find their own work, so a request carries no
arguments and an extra run is harmless.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.jobs.registry import JobName

_REQUESTED = "kennisbrug.jobs.requested"
_COMMITTING = "kennisbrug.jobs.committing"


def request_run(session: Session, job: JobName) -> None:
    """Run `job` soon after this session's transaction commits; never on rollback."""
    session.connection()  # begin the transaction whose commit we wait for
    session.info.setdefault(_REQUESTED, set()).add(job)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    jobs: set[JobName] | None = session.info.pop(_REQUESTED, None)
    if not jobs:
        return
    if session.get_bind().dialect.name == "postgresql":
        from app.jobs.postgres import defer_in_transaction

        session.flush()
        defer_in_transaction(session, jobs)
    else:
        session.info[_COMMITTING] = jobs


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    jobs: set[JobName] | None = session.info.pop(_COMMITTING, None)
    if jobs:
        from app.jobs.runner import wake_runners

        wake_runners(session.get_bind().engine.url, jobs)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one: committed or rolled back
        session.info.pop(_REQUESTED, None)
        session.info.pop(_COMMITTING, None)
