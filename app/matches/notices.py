"""The mails a match's steps cause, queued in the step's own transaction.

Who hears what: the offer's owner is asked (proposal); the broker who proposed
hears the answer or that none came; the question's owner hears that work was
found. Mail is never sent here: it goes to the outbox and out by the mail job.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.env import Env
from app.mail import kinds
from app.mail.service import queue_mail
from app.models import Match, User
from app.users import repository as user_repository

PROPOSALS_PATH = "/aanbod/voorstellen"


def _broker_path(m: Match) -> str:
    return f"/makelaar/vragen/{m.question_id}"


def _proposer(session: Session, m: Match) -> User | None:
    return user_repository.get(session, m.proposed_by_id) if m.proposed_by_id else None


def proposal_made(session: Session, m: Match, env: Env, *, broker: User) -> None:
    """Ask the offer's owner to accept or decline."""
    owner = m.offer.owner
    summary = " ".join(m.question.description.split())
    queue_mail(
        session,
        settings=env.settings,
        to=owner.email,
        user=owner,
        context=kinds.ProposalToProvider(
            provider_name=owner.name,
            broker_name=broker.name,
            municipality_name=m.question.municipality.name,
            question_title=m.question.title,
            question_summary=summary[:400] + ("…" if len(summary) > 400 else ""),
            offer_title=m.offer.title,
            respond_path=PROPOSALS_PATH,
            respond_before=m.respond_before,
        ),
    )


def proposal_answered(
    session: Session, m: Match, env: Env, *, provider: User, accepted: bool
) -> None:
    """Tell the broker who proposed how the provider answered."""
    broker = _proposer(session, m)
    if broker is None:
        return
    common = {
        "broker_name": broker.name,
        "provider_name": provider.name,
        "institution_name": m.offer.institution.name,
        "question_title": m.question.title,
        "offer_title": m.offer.title,
        "question_path": _broker_path(m),
    }
    context: kinds.MailContext = (
        kinds.ProposalAccepted(**common)
        if accepted
        else kinds.ProposalDeclined(**common, reason=m.reason or "")
    )
    queue_mail(
        session, settings=env.settings, to=broker.email, user=broker, context=context
    )


def proposal_expired(session: Session, m: Match, env: Env) -> None:
    """Tell the broker who proposed that the provider did not answer in time."""
    broker = _proposer(session, m)
    if broker is None or m.respond_before is None:
        return
    queue_mail(
        session,
        settings=env.settings,
        to=broker.email,
        user=broker,
        context=kinds.ProposalExpired(
            broker_name=broker.name,
            provider_name=m.offer.owner.name,
            institution_name=m.offer.institution.name,
            question_title=m.question.title,
            offer_title=m.offer.title,
            expired_on=m.respond_before,
            question_path=_broker_path(m),
        ),
    )


def match_confirmed(session: Session, m: Match, env: Env) -> None:
    """Tell the question's owner who will work on it, and how to reach them."""
    owner = m.question.owner
    offer = m.offer
    queue_mail(
        session,
        settings=env.settings,
        to=owner.email,
        user=owner,
        context=kinds.MatchConfirmed(
            owner_name=owner.name,
            question_title=m.question.title,
            offer_title=offer.title,
            institution_name=offer.institution.name,
            contact_name=offer.contact_name or offer.owner.name,
            contact_email=offer.contact_email or offer.owner.email,
            question_path=f"/vragen/{m.question_id}",
        ),
    )
