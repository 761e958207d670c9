"""Interest use cases: a student signs up for an assignment; the broker follows up.

The audit log records that an interest arrived (question, level, institution) but not
the student's name, e-mail or message: personal data stays in one table, so it can be
corrected or erased in one place.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.csvexport import Separator, to_csv
from app.interests import repository
from app.interests.errors import LevelNotAccepted
from app.interests.schemas import InterestCreate
from app.models import Interest, User
from app.portal import service as portal
from app.questions import service as question_service

CSV_HEADER = (
    "naam",
    "e-mail",
    "instelling",
    "niveau",
    "motivatie",
    "aangemeld op",
    "bijgewerkt op",
)


def express_interest(
    session: Session, question_id: uuid.UUID, data: InterestCreate
) -> tuple[Interest, bool]:
    """Store a student's interest in a public assignment (one per e-mail address).

    Returns the interest and whether it is new. A second sign-up with the same
    address changes nothing: anyone can type someone else's address, so only the
    first submission counts (also when two arrive at once: a unique index decides).
    """
    q = portal.get_public_assignment(session, question_id)
    if q.levels and data.level not in q.levels:
        raise LevelNotAccepted(q.levels)
    email = data.email.lower()
    existing = repository.get_by_email(session, q.id, email)
    if existing is not None:
        return existing, False
    interest = Interest(
        municipality_id=q.municipality_id,
        question_id=q.id,
        email=email,
        name=data.name,
        institution=data.institution,
        level=data.level,
        message=data.motivation,
    )
    try:
        with session.begin_nested():
            repository.add(session, interest)
    except IntegrityError:  # the same address, stored by a parallel request
        existing = repository.get_by_email(session, q.id, email)
        assert existing is not None
        return existing, False
    audit.record(
        session,
        actor=None,
        entity_type="interest",
        entity_id=interest.id,
        municipality_id=q.municipality_id,
        action="created",
        changes={
            "question_id": str(q.id),
            "level": data.level,
            "institution": data.institution,
        },
    )
    session.commit()
    return interest, True


def list_interests(
    session: Session, question_id: uuid.UUID, *, broker: User
) -> list[Interest]:
    """The interests in a question of the broker's municipality, oldest first."""
    q = question_service.get_visible_question(session, question_id, broker)
    return repository.list_for_question(session, q.id)


def interests_csv(
    session: Session,
    question_id: uuid.UUID,
    *,
    broker: User,
    separator: Separator = "comma",
) -> str:
    """The interests in a question as CSV text for a spreadsheet."""
    rows = [
        (i.name, i.email, i.institution, i.level, i.message, i.created_at, i.updated_at)
        for i in list_interests(session, question_id, broker=broker)
    ]
    return to_csv(CSV_HEADER, rows, separator=separator)
