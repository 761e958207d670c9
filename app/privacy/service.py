"""A person's data on request (AVG art. 15 and 17) and the retention of interests.

Questions, offers and matches are the city's records and stay; what identifies a
person (account, interests, contact fields, names and addresses in the audit log)
is exported or erased. Admin only (router), or `kennisbrug privacy` on the server.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import serialise, utcnow
from app.interests import repository as interest_repository
from app.mail import service as mail_service
from app.models import Event, Interest, Offer, Question, User
from app.privacy import repository
from app.privacy.schemas import ErasureReport, PersonExport, PurgeReport
from app.security import hash_password
from app.users import service as user_service

ERASED = "[verwijderd]"
ERASED_NAME = "Verwijderde gebruiker"
WITHHELD = "[andere persoon]"
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "user": ("name", "email"),
    "question": ("contact_name", "contact_email"),
    "offer": ("contact_name", "contact_email"),
}
"""The audited values, per entity type, that identify a person."""


def _account(user: User) -> dict[str, Any]:
    return audit.snapshot(
        user,
        ("id", "email", "name", "role", "department", "is_active", "created_at"),
    ) | {
        "municipality": user.municipality.slug if user.municipality else None,
        "institution": user.institution.name if user.institution else None,
    }


@dataclass(frozen=True, slots=True)
class _Person:
    """What identifies one person: their accounts, addresses and names.

    `addresses`: the one asked for and every earlier address of its accounts (a
    contact field or interest may still hold an old one); `needles`: every name
    and address, lower-cased, to find them in the audit log and in mail.
    """

    accounts: list[User]
    addresses: set[str]
    needles: set[str]


def _person(session: Session, email: str) -> _Person:
    accounts = repository.users_with_email(session, email)
    history = repository.account_events(session, [u.id for u in accounts])
    addresses = {email} | _values(history, "email")
    needles = addresses | _values(history, "name") | _names(accounts)
    needles |= _names(repository.interests_with_email(session, addresses))
    needles |= _names(_contact_rows(session, addresses))
    return _Person(accounts=accounts, addresses=addresses, needles=needles)


def _values(events: list[Event], key: str) -> set[str]:
    """Every value `key` had in these account events (created, or before/after)."""
    found: set[str | None] = set()
    for event in events:
        value = event.changes.get(key)
        if isinstance(value, dict):  # an update: {"before": …, "after": …}
            found |= {value.get("before"), value.get("after")}
        else:  # the creation
            found.add(value)
    return _lowered(found)


def _names(rows: Sequence[User | Interest | Question | Offer]) -> set[str]:
    return _lowered(
        {r.contact_name if isinstance(r, Question | Offer) else r.name for r in rows}
    )


def _lowered(values: set[str | None]) -> set[str]:
    return {
        v.strip().lower()
        for v in values
        if isinstance(v, str) and v.strip() and v not in (ERASED, ERASED_NAME)
    }


def _contact_rows(session: Session, addresses: set[str]) -> list[Question | Offer]:
    return [
        *repository.questions_with_contact(session, addresses),
        *repository.offers_with_contact(session, addresses),
    ]


def _mentions(value: Any, needles: set[str]) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in needles
    if isinstance(value, dict):
        return any(_mentions(v, needles) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, needles) for v in value)
    return False


def _scrubbed(value: Any, needles: set[str]) -> Any:
    if isinstance(value, str):
        return ERASED if value.strip().lower() in needles else value
    if isinstance(value, dict):
        return {k: _scrubbed(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, needles) for v in value]
    return value


def _withheld(event: Event, needles: set[str]) -> dict[str, Any]:
    """The event's changes with other people's names and addresses withheld: an
    export is the person's own data (AVG art. 15(4)), and the events an admin or
    broker made also hold the accounts and contacts they edited."""
    changes = dict(event.changes)
    for key in PERSONAL_FIELDS.get(event.entity_type, ()):
        if key in changes:
            value = changes[key]
            if isinstance(value, dict):  # an update: {"before": …, "after": …}
                changes[key] = {k: _own(v, needles) for k, v in value.items()}
            else:
                changes[key] = _own(value, needles)
    return changes


def _own(value: Any, needles: set[str]) -> Any:
    if isinstance(value, str) and value.strip().lower() not in needles:
        return WITHHELD
    return value


def _events(session: Session, person: _Person) -> list[Event]:
    """Audit events made by the person, or with one of their names or addresses as
    a value (matched in Python on the decoded JSON, whatever the case)."""
    actors = {u.id for u in person.accounts}
    return [
        e
        for e in repository.stream_events(session)
        if e.actor_id in actors or _mentions(e.changes, person.needles)
    ]


def export_person(session: Session, email: str) -> PersonExport:
    """Everything stored about the person with this address (or an earlier one)."""
    email = email.strip().lower()
    person = _person(session, email)
    own_ids = {u.id for u in person.accounts}
    return PersonExport(
        email=email,
        exported_at=utcnow(),
        accounts=[_account(u) for u in person.accounts],
        interests=[
            audit.snapshot(
                i,
                (
                    "id",
                    "question_id",
                    "name",
                    "email",
                    "institution",
                    "level",
                    "message",
                    "created_at",
                ),
            )
            for i in repository.interests_with_email(session, person.addresses)
        ],
        question_contacts=[
            audit.snapshot(q, ("id", "title", "contact_name", "contact_email"))
            for q in repository.questions_with_contact(session, person.addresses)
        ],
        offer_contacts=[
            audit.snapshot(o, ("id", "title", "contact_name", "contact_email"))
            for o in repository.offers_with_contact(session, person.addresses)
        ],
        audit_events=[
            audit.snapshot(
                e, ("id", "entity_type", "entity_id", "action", "created_at")
            )
            | {
                "changes": _withheld(e, person.needles),
                "by_this_person": e.actor_id in own_ids,
            }
            for e in _events(session, person)
        ],
    )


def erase_person(session: Session, email: str, *, actor: User | None) -> ErasureReport:
    """Delete the person's interests and mail, anonymise their account and contact
    fields and scrub their names and addresses (also earlier ones) from the audit
    log and from mail to others, in one transaction.

    Refused (409) for the actor's own account or the last active admin, as
    `update_user` refuses deactivating them.
    """
    email = email.strip().lower()
    # One erasure at a time: each rewrites whole events and mails from what it
    # read, so two at once would put back what the other removed.
    serialise(session, "erasure")
    person = _person(session, email)
    accounts = person.accounts
    user_service.check_deactivation(session, accounts, actor=actor)
    scrubbed = 0
    for event in _events(session, person):
        cleaned = _scrubbed(event.changes, person.needles)
        if cleaned != event.changes:
            event.changes = cleaned
            scrubbed += 1
    interests = repository.interests_with_email(session, person.addresses)
    for interest in interests:
        session.delete(interest)
    cleared = 0
    for row in _contact_rows(session, person.addresses):
        row.contact_name = None
        row.contact_email = None
        cleared += 1
    for user in accounts:
        _anonymise(user)
    mails = mail_service.forget_address(
        session, person.addresses, user_ids=[u.id for u in accounts]
    )
    mails_scrubbed = mail_service.scrub_mentions(
        session, person.needles, placeholder=ERASED
    )
    audit.record(
        session,
        actor=actor,
        entity_type="person",
        entity_id=accounts[0].id if accounts else uuid.uuid4(),
        municipality_id=None,
        action="erased",
        changes={
            "interests_deleted": len(interests),
            "contact_fields_cleared": cleared,
            "audit_events_scrubbed": scrubbed,
            "mails_deleted": mails,
            "mails_scrubbed": mails_scrubbed,
        },
    )
    session.commit()
    return ErasureReport(
        accounts_anonymised=[u.id for u in accounts],
        interests_deleted=len(interests),
        contact_fields_cleared=cleared,
        audit_events_scrubbed=scrubbed,
    )


def _anonymise(user: User) -> None:
    """The account stays (questions and offers point to it) but names no one."""
    user.email = f"verwijderd-{user.id.hex}@verwijderd.invalid"
    user.name = ERASED_NAME
    user.department = None
    user.is_active = False
    user.password_hash = hash_password(uuid.uuid4().hex)  # nobody knows it
    user.session_version = User.session_version + 1  # the stored one


# An interest nobody confirmed (double opt-in) is kept this long, then deleted.
UNCONFIRMED_DAYS = 7


def purge_interests(
    session: Session, *, retention_days: int, now: datetime | None = None
) -> PurgeReport:
    """Delete students' interests older than the retention period, and unconfirmed
    ones after a week."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    deleted = repository.delete_interests_before(session, cutoff)
    deleted += interest_repository.delete_unconfirmed_before(
        session, now - timedelta(days=UNCONFIRMED_DAYS)
    )
    session.commit()
    return PurgeReport(interests_deleted=deleted, older_than=cutoff)
