"""A match's audit events, and the proposals that end with their question.

Separate from `app.matches.service` so that the question use cases (which that
module builds on) can end a question's pending proposals without an import cycle.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import MatchStatus
from app.config import Settings
from app.db import utcnow
from app.mail import kinds
from app.mail.service import queue_mail
from app.matches import repository
from app.matches.notices import PROPOSALS_PATH
from app.models import Match, User


def record(
    session: Session, m: Match, actor: User | None, action: str, **changes: Any
) -> None:
    """Log one event of the match, naming its question and offer."""
    audit.record_for(
        session,
        "match",
        m,
        actor=actor,
        action=action,
        changes={
            "question_id": str(m.question_id),
            "offer_id": str(m.offer_id),
            **changes,
        },
    )


def cancel_proposals(
    session: Session,
    question_id: uuid.UUID,
    *,
    actor: User,
    reason: str,
    settings: Settings,
) -> int:
    """Cancel the question's unanswered proposals; returns how many.

    Called when the question stops taking matches (withdrawn, not matched,
    parked): a provider could no longer accept them, so they must not wait in the
    provider's list, the bookings or the broker's digest, nor expire later with a
    mail saying the provider never answered. A proposal holds no place, so none is
    freed. The provider who was asked is told, in the same transaction. The caller
    holds the question's lock and commits.
    """
    now = utcnow()
    cancelled = 0
    for m in repository.list_for_questions(session, [question_id]):
        if m.status != MatchStatus.PROPOSED:
            continue
        if repository.move(
            session,
            m.id,
            from_statuses=(MatchStatus.PROPOSED,),
            to=MatchStatus.CANCELLED,
            at=now,
            reason=reason,
        ):
            record(
                session,
                m,
                actor,
                "status_changed",
                status={"before": MatchStatus.PROPOSED, "after": MatchStatus.CANCELLED},
                reason=reason,
            )
            tell_provider(session, m, settings, reason=reason)
            cancelled += 1
    return cancelled


def tell_provider(
    session: Session, m: Match, settings: Settings, *, reason: str
) -> None:
    """Mail the offer's owner, who was asked to answer (`notices.proposal_made`),
    that the proposal needs no answer any more: otherwise it just vanishes."""
    owner = m.offer.owner
    queue_mail(
        session,
        settings=settings,
        to=owner.email,
        user=owner,
        context=kinds.ProposalCancelled(
            provider_name=owner.name,
            municipality_name=m.question.municipality.name,
            question_title=m.question.title,
            offer_title=m.offer.title,
            reason=reason,
            proposals_path=PROPOSALS_PATH,
            parked_until=m.question.parked_until,
        ),
    )
