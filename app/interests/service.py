"""Interest use cases: a student signs up for an assignment; the broker follows up.

The audit log records that an interest arrived (question, level, institution) but not
the student's name, e-mail or message: personal data stays in one table, so it can be
corrected or erased in one place.
"""

from __future__ import annotations

import uuid

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import Level, label
from app.config import Settings
from app.csvexport import Separator, to_csv
from app.db import utcnow
from app.env import Env
from app.interests import repository
from app.interests.errors import (
    AssignmentClosed,
    InterestAlreadyHandled,
    InterestNotFound,
    InvalidConfirmation,
    LevelNotAccepted,
)
from app.interests.schemas import InterestCreate
from app.mail.kinds import InterestConfirmation
from app.mail.service import queue_mail
from app.models import Interest, User
from app.portal import service as portal
from app.questions import repository as question_repository
from app.questions import service as question_service

CSV_HEADER = (
    "Naam",
    "E-mailadres",
    "Instelling",
    "Niveau",
    "Motivatie",
    "Aangemeld op",
    "Bijgewerkt op",
)


CONFIRM_HOURS = 72
_TOKEN_SALT = "kennisbrug-interest-confirmation"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), _TOKEN_SALT)


def confirmation_token(settings: Settings, interest: Interest) -> str:
    """A signed link token naming the interest; valid CONFIRM_HOURS."""
    return _serializer(settings).dumps(str(interest.id))


def express_interest(
    session: Session, question_id: uuid.UUID, data: InterestCreate, *, env: Env
) -> Interest:
    """Store a student's interest (unconfirmed) and mail them a confirmation link.

    Double opt-in: an interest counts, and the broker sees it, only once the owner
    of the address confirmed it. A second sign-up from the same address changes
    nothing (anyone can type someone else's address); an unconfirmed one gets its
    link again. The answer is the same in every case, so nobody learns whether an
    address signed up before. Parallel sign-ups: a unique index decides.
    """
    q = portal.get_public_assignment(session, question_id)
    if q.levels and data.level not in q.levels:
        raise LevelNotAccepted(q.levels)
    email = data.email.lower()
    interest = repository.get_by_email(session, q.id, email)
    if interest is None:
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
            session.commit()
            return _stored(session, q.id, email)
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
    if interest.confirmed_at is None:
        # The new link lives CONFIRM_HOURS from now: the week after which an
        # unconfirmed interest is purged counts from here too (updated_at).
        interest.updated_at = utcnow()
        _ask_to_confirm(session, interest, q.title, env)
    session.commit()
    return interest


def _stored(session: Session, question_id: uuid.UUID, email: str) -> Interest:
    found = repository.get_by_email(session, question_id, email)
    assert found is not None
    return found


def _ask_to_confirm(session: Session, interest: Interest, title: str, env: Env) -> None:
    # One link per address and hour: repeating the form does not flood a mailbox.
    hour = utcnow().strftime("%Y-%m-%dT%H")
    queue_mail(
        session,
        settings=env.settings,
        to=interest.email,
        context=InterestConfirmation(
            student_name=interest.name,
            question_title=title,
            confirm_path="/portaal/bevestigen?token="
            + confirmation_token(env.settings, interest),
            valid_hours=CONFIRM_HOURS,
        ),
        dedupe_key=f"interest:{interest.id}:{hour}",
    )


def _question_of(session: Session, payload: object) -> uuid.UUID | None:
    """The assignment of the interest an expired (but genuine) link names;
    AssignmentClosed when it no longer takes students (signing up again is a 404)."""
    try:
        interest = repository.get(session, uuid.UUID(str(payload)))
    except ValueError:
        return None
    if interest is None:
        return None
    _still_open(session, interest)
    return interest.question_id


def _still_open(session: Session, interest: Interest) -> None:
    """Refuse a link whose assignment closed (withdrawn, parked, completed, made
    private) since the sign-up: the broker must not get an interest in closed
    work, and the student would be thanked on a page that is gone."""
    q = question_repository.get(session, interest.question_id)
    if q is None or not portal.takes_students(q):
        raise AssignmentClosed()


def confirm_interest(session: Session, token: str, *, settings: Settings) -> Interest:
    """Confirm the interest a mailed link names; confirming twice is harmless.

    A genuine link that expired names its assignment in the refusal, so the page
    can send the student back to it to sign up again.
    """
    serializer = _serializer(settings)
    try:
        interest_id = uuid.UUID(
            str(serializer.loads(token, max_age=CONFIRM_HOURS * 3600))
        )
    except SignatureExpired as expired:
        payload = serializer.load_payload(expired.payload) if expired.payload else None
        raise InvalidConfirmation(_question_of(session, payload)) from None
    except (BadSignature, ValueError):
        raise InvalidConfirmation() from None
    interest = repository.get(session, interest_id)
    if interest is None:
        raise InvalidConfirmation()
    _still_open(session, interest)
    # One guarded step: of two clicks at once one confirms (and is logged), and
    # an erasure meanwhile makes the link invalid instead of a failed write.
    if repository.mark_confirmed(session, interest.id, at=utcnow()):
        audit.record(
            session,
            actor=None,
            entity_type="interest",
            entity_id=interest.id,
            municipality_id=interest.municipality_id,
            action="confirmed",
            changes={"question_id": str(interest.question_id)},
        )
        session.commit()
    elif not repository.exists(session, interest.id):
        raise InvalidConfirmation()
    return interest


def list_interests(
    session: Session, question_id: uuid.UUID, *, broker: User
) -> list[Interest]:
    """The confirmed interests in a question of the broker's city, oldest first."""
    q = question_service.get_visible_question(session, question_id, broker)
    return repository.list_for_question(session, q.id)


def mark_handled(
    session: Session, question_id: uuid.UUID, interest_id: uuid.UUID, *, broker: User
) -> None:
    """The broker followed the student up: mark it once (a second mark is 409)."""
    q = question_service.get_visible_question(session, question_id, broker)
    interest = repository.get(session, interest_id)
    if interest is None or interest.question_id != q.id or not interest.confirmed_at:
        raise InterestNotFound()
    if not repository.mark_handled(
        session, interest.id, q.id, by=broker.id, at=utcnow()
    ):
        session.rollback()
        raise InterestAlreadyHandled()
    audit.record(
        session,
        actor=broker,
        entity_type="interest",
        entity_id=interest.id,
        municipality_id=q.municipality_id,
        action="handled",
        changes={"question_id": str(q.id)},
    )
    session.commit()


def interests_csv(
    session: Session,
    question_id: uuid.UUID,
    *,
    broker: User,
    separator: Separator = "semicolon",
) -> str:
    """The interests in a question as CSV text for a spreadsheet."""
    rows = [
        (
            i.name,
            i.email,
            i.institution,
            label(Level, i.level),
            i.message,
            i.created_at,
            i.updated_at,
        )
        for i in list_interests(session, question_id, broker=broker)
    ]
    return to_csv(CSV_HEADER, rows, separator=separator)
