"""Propose-and-confirm in one step for the broker's buttons (question page and
allocation page), composed from the match services."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from app.matches import ranking
from app.matches import service as match_service
from app.matches.adapters import Encoder
from app.matches.schemas import MatchCreate
from app.models import Match, User


def _existing(
    session: Session, question_id: uuid.UUID, offer_id: uuid.UUID
) -> Match | None:
    return next(
        (
            m
            for m in ranking.question_matches(session, question_id)
            if m.offer_id == offer_id
        ),
        None,
    )


def proposal(
    session: Session,
    *,
    question_id: uuid.UUID,
    offer_id: uuid.UUID,
    user: User,
    encoder: Encoder | None,
    today: date,
) -> Match:
    """The pair's match: the existing one, or a new proposal with its score."""
    match = _existing(session, question_id, offer_id)
    if match is not None:
        return match
    proposed = match_service.propose_match(
        session,
        MatchCreate(question_id=question_id, offer_id=offer_id),
        actor=user,
        encoder=encoder,
        today=today,
    )
    # The next step loads the match with its question and offer (the relationships
    # are lazy="raise"); drop the half-loaded new instance so it is read afresh.
    session.expunge(proposed)
    return proposed


def confirm_pair(
    session: Session,
    *,
    question_id: uuid.UUID,
    offer_id: uuid.UUID,
    user: User,
    encoder: Encoder | None,
    today: date,
) -> Match:
    """Propose (unless proposed already) and confirm; 409 when the offer is full."""
    match = proposal(
        session,
        question_id=question_id,
        offer_id=offer_id,
        user=user,
        encoder=encoder,
        today=today,
    )
    return match_service.confirm_match(session, match.id, actor=user)
