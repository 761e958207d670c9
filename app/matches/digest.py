"""The broker's weekly digest: what waits on whom, one mail per broker per week.

Sections: proposals the providers have not answered, submitted questions waiting
to be opened, and running work past the question's end date. A broker with
nothing waiting gets no mail; a week's digest is never queued twice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.codes import MatchStatus, QuestionStatus, Role
from app.env import AMSTERDAM, Env
from app.mail.kinds import BrokerDigest, DigestItem, DigestSection
from app.mail.service import queue_mail
from app.matches import repository
from app.models import User
from app.questions import repository as question_repository
from app.questions.repository import QuestionFilter
from app.users import repository as user_repository


def _sections(session: Session, broker: User, today: date) -> tuple[DigestSection, ...]:
    assert broker.municipality_id is not None
    city = broker.municipality_id
    proposed = repository.list_in_city(session, city, [MatchStatus.PROPOSED])
    running = repository.list_in_city(session, city, [MatchStatus.IN_PROGRESS])
    submitted = question_repository.list_all(
        session,
        QuestionFilter(municipality_id=city, statuses=[QuestionStatus.SUBMITTED]),
    )
    sections = (
        DigestSection(
            heading="Voorstellen zonder antwoord van de aanbieder",
            items=tuple(
                DigestItem(
                    title=m.question.title,
                    path=f"/makelaar/vragen/{m.question_id}",
                    detail=f"{m.offer.title} ({m.offer.institution.short_name})",
                    since=m.created_at.astimezone(AMSTERDAM).date(),
                )
                for m in proposed
            ),
        ),
        DigestSection(
            heading="Ingediende vragen die wachten op articulatie",
            items=tuple(
                DigestItem(
                    title=q.title,
                    path=f"/makelaar/vragen/{q.id}",
                    detail=q.department or "",
                    since=q.submitted_at.astimezone(AMSTERDAM).date()
                    if q.submitted_at
                    else None,
                )
                for q in submitted
            ),
        ),
        DigestSection(
            heading="Lopend werk voorbij de einddatum",
            items=tuple(
                DigestItem(
                    title=m.question.title,
                    path=f"/makelaar/vragen/{m.question_id}",
                    detail=f"{m.offer.title}; einddatum {m.question.wanted_until}",
                    since=m.question.wanted_until,
                )
                for m in running
                if m.question.wanted_until and m.question.wanted_until < today
            ),
        ),
    )
    return tuple(s for s in sections if s.items)


def queue_digests(session: Session, env: Env) -> int:
    """Queue this week's digest for every active broker with something waiting."""
    year, week, _ = env.today.isocalendar()
    queued = 0
    for broker in user_repository.active_with_role(session, Role.BROKER):
        sections = _sections(session, broker, env.today)
        if not sections or broker.municipality is None:
            continue
        mail = queue_mail(
            session,
            settings=env.settings,
            to=broker.email,
            user=broker,
            context=BrokerDigest(
                broker_name=broker.name,
                municipality_name=broker.municipality.name,
                week_of=date.fromisocalendar(year, week, 1),
                sections=sections,
                board_path="/makelaar",
            ),
            dedupe_key=f"digest:{broker.id}:{year}-W{week:02d}",
        )
        queued += mail is not None
    session.commit()
    return queued
