"""The nightly retention job: personal data past its keeping period goes."""

from __future__ import annotations

from datetime import timedelta

from app.jobs.registry import JobContext
from app.mail.service import purge_old_mail
from app.privacy.service import purge_interests


def purge_expired_personal_data(ctx: JobContext) -> int:
    """Delete students' interests and sent mail older than their retention periods."""
    with ctx.session_factory() as session:
        report = purge_interests(
            session,
            retention_days=ctx.settings.interest_retention_days,
            now=ctx.now,
        )
    with ctx.session_factory() as session:
        mails = purge_old_mail(
            session, before=ctx.now - timedelta(days=ctx.settings.mail_retention_days)
        )
        session.commit()
    return report.interests_deleted + mails
