"""Offer use cases: register, list, read and maintain capacity."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import HOLDING_STATUSES, MatchStatus, Recurrence, Role
from app.config import Settings
from app.errors import FieldError, FieldRequired, WindowReversed, raise_all
from app.jobs.queue import request_run
from app.jobs.registry import JobName
from app.matches import repository as match_repository
from app.models import Match, Offer, User
from app.offers import repository
from app.offers.editions import Edition, current_edition
from app.offers.errors import (
    CapacityBelowTaken,
    HomeCityOnly,
    IntakeAfterStart,
    OfferNotFound,
    OtherCity,
    OtherInstitution,
    ServedCitiesByProvider,
    WindowEnded,
)
from app.offers.repository import OfferFilter
from app.offers.schemas import OfferCreate, OfferUpdate
from app.periods import service as periods
from app.periods.errors import PeriodOrDates
from app.questions.errors import NoMunicipality
from app.vocab import service as vocab

AUDITED = (
    "kind",
    "title",
    "description",
    "level",
    "capacity",
    "available_from",
    "available_until",
    "intake_deadline",
    "recurrence",
    "edition",
    "language",
    "status",
    "contact_name",
    "contact_email",
)
_NOT_NULL = {
    "kind",
    "title",
    "description",
    "level",
    "capacity",
    "status",
    "language",
    "recurrence",
    "municipalities",
}


@dataclass(frozen=True, slots=True)
class OfferContact:
    name: str | None
    email: str | None
    institution: str


def _snapshot(o: Offer) -> dict[str, Any]:
    snap = audit.snapshot(o, AUDITED)
    snap["themes"] = [t.slug for t in o.themes]
    snap["neighbourhoods"] = [n.slug for n in o.neighbourhoods]
    snap["municipalities"] = [m.slug for m in o.municipalities]
    return snap


def _can_see(user: User, o: Offer) -> bool:
    if user.role == Role.PROVIDER:
        return o.institution_id == user.institution_id
    if user.role == Role.BROKER:
        return o.serves(user.municipality_id)
    return False


def get_visible_offer(session: Session, offer_id: uuid.UUID, user: User) -> Offer:
    """The offer if the user may see it; 404 hides other institutions' offers."""
    o = repository.get(session, offer_id)
    if o is None or not _can_see(user, o):
        raise OfferNotFound()
    return o


def contacts(
    session: Session, offer_ids: Iterable[uuid.UUID], *, user: User
) -> dict[uuid.UUID, OfferContact]:
    """Whom to reach about each offer the user may see: its contact person and
    institution. Institutions have no website field, so the e-mail is the route."""
    return {
        o.id: OfferContact(o.contact_name, o.contact_email, o.institution.name)
        for o in repository.list_by_ids(session, list(offer_ids))
        if _can_see(user, o)
    }


def _apply(session: Session, o: Offer, changes: dict[str, Any]) -> None:
    """Copy validated fields onto the offer; every wrong field is reported at once."""
    errors: list[FieldError] = []
    period_id = changes.pop("period_id", None)
    if period_id is not None:
        if any(
            changes.get(k) is not None for k in ("available_from", "available_until")
        ):
            errors.append(PeriodOrDates())
        else:
            try:
                period = periods.period_of(session, period_id, o.institution_id)
            except FieldError as exc:
                errors.append(exc)
            else:  # the period's dates, unless the request names its own deadline
                o.available_from, o.available_until = period.starts_on, period.ends_on
                # Empty dates sent beside the period mean "from the period", as on
                # create: they must not blank the window just copied.
                changes.pop("available_from", None)
                changes.pop("available_until", None)
                if changes.get("intake_deadline") is None:
                    changes["intake_deadline"] = period.intake_deadline
    for key, value in changes.items():
        try:
            _set_field(session, o, key, value)
        except FieldError as exc:
            errors.append(exc)
    errors += date_problems(o.available_from, o.available_until, o.intake_deadline)
    raise_all(errors)
    if o.capacity < o.places_taken:
        raise CapacityBelowTaken(o.places_taken)


def date_problems(
    start: date | None, end: date | None, deadline: date | None
) -> list[FieldError]:
    """An offer's dates out of order: the end before the start, or the last day
    to join after the start."""
    errors: list[FieldError] = []
    if start and end and end < start:
        errors.append(
            WindowReversed(start_field="available_from", end_field="available_until")
        )
    if start and deadline and deadline > start:
        errors.append(IntakeAfterStart())
    return errors


def field_problems(
    session: Session, municipality_id: uuid.UUID | None, fields: dict[str, Any]
) -> list[FieldError]:
    """The vocabulary and date errors of raw input, without saving anything.

    A form whose schema check failed (say, the title is missing) still names
    reversed dates and unknown themes in the same round.
    """
    errors: list[FieldError] = []
    checks: list[tuple[str, Any]] = [
        ("themes", lambda v: vocab.resolve_themes(session, v)),
        (
            "municipalities",
            lambda v: [
                vocab.resolve_municipality(session, s, field="municipalities")
                for s in v
            ],
        ),
    ]
    if municipality_id is not None:
        checks.append(
            (
                "neighbourhoods",
                lambda v: vocab.resolve_neighbourhoods(session, municipality_id, v),
            )
        )
    for name, check in checks:
        if fields.get(name):
            try:
                check(list(fields[name]))
            except FieldError as exc:
                errors.append(exc)
    return errors + date_problems(
        *(
            _as_date(fields.get(k))
            for k in ("available_from", "available_until", "intake_deadline")
        )
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _set_field(session: Session, o: Offer, key: str, value: Any) -> None:
    if value is None and key in _NOT_NULL:
        raise FieldRequired(key)
    if key == "themes":
        o.themes = vocab.resolve_themes(session, value or [])
    elif key == "municipalities":
        served = {
            m.id: m
            for m in (
                vocab.resolve_municipality(session, slug, field=key) for slug in value
            )
        }
        if o.municipality_id not in served:  # the home city is always served
            served[o.municipality_id] = vocab.get_municipality(
                session, o.municipality_id
            )
        o.municipalities = sorted(served.values(), key=lambda m: m.slug)
    elif key == "neighbourhoods":
        o.neighbourhoods = vocab.resolve_neighbourhoods(
            session, o.municipality_id, value or []
        )
    else:
        setattr(o, key, value)


def home_city(
    named: str | None, served: Sequence[str] | None, *, actor: User, settings: Settings
) -> str:
    """The slug of a new offer's home city when a provider registers it (API, CSV
    and page alike): the city named, else their own city unless the cities listed
    leave it out, else the first city listed (a provider ticking only Delft means
    Delft, not Delft and the default city), else the default city. A broker's
    offer is always their own city's (`_municipality_for`)."""
    own = actor.municipality.slug if actor.municipality else None
    if named:
        return named
    if own and (not served or own in served):
        return own
    return served[0] if served else settings.default_municipality


def _municipality_for(
    session: Session, data: OfferCreate, actor: User, settings: Settings
) -> uuid.UUID:
    if actor.role == Role.BROKER:
        if actor.municipality is None:
            raise NoMunicipality()
        if data.municipality and data.municipality != actor.municipality.slug:
            raise OtherCity()
        return actor.municipality.id
    slug = home_city(
        data.municipality, data.municipalities, actor=actor, settings=settings
    )
    # Not named: an unknown slug can only be the first one listed.
    field = "municipality" if data.municipality else "municipalities"
    return vocab.resolve_municipality(session, slug, field=field).id


def create_offer(
    session: Session, data: OfferCreate, *, actor: User, settings: Settings
) -> Offer:
    """Register an offer for the provider's own institution (or, by a broker, any)."""
    o = stage_offer(session, data, actor=actor, settings=settings)
    session.commit()
    return o


def stage_offer(
    session: Session, data: OfferCreate, *, actor: User, settings: Settings
) -> Offer:
    """Validate and add an offer with its audit event, without committing.

    For use cases that register several offers in one transaction (CSV import);
    the caller commits or rolls back.
    """
    institution = vocab.institution_for(
        session, data.institution, actor, not_own=OtherInstitution
    )
    o = Offer(
        municipality_id=_municipality_for(session, data, actor, settings),
        institution=institution,
        institution_id=institution.id,
        level=data.level or institution.level,
        owner=actor,
        kind=data.kind,
        title=data.title,
        description=data.description,
        capacity=data.capacity,
        places_taken=0,
        status=data.status,
        language="nl",
    )
    fields = data.model_dump(
        exclude_unset=True,
        exclude={
            "kind",
            "title",
            "description",
            "level",
            "capacity",
            "status",
            "institution",
            "municipality",
        },
    )
    fields.setdefault("municipalities", [])  # the home city only, unless listed
    _apply(session, o, {k: v for k, v in fields.items() if v is not None})
    repository.add(session, o)
    audit.record_for(
        session,
        "offer",
        o,
        actor=actor,
        action="created",
        changes=audit.diff({}, _snapshot(o)),
    )
    request_run(session, JobName.EMBEDDING)  # the caller commits
    return o


def list_offers(
    session: Session,
    user: User,
    *,
    kind: str | None,
    level: str | None,
    theme: str | None,
    statuses: list[str],
    available_on: date | None,
    q: str | None,
    limit: int,
    offset: int,
    today: date,
) -> tuple[list[Offer], int]:
    """A page of the offers the caller may see, newest first.

    `available_on` is read against each offer's current edition, the window the
    list shows; a yearly offer's stored row may still hold an earlier year's, so
    that filter runs in Python over the rows the database narrowed down.
    """
    if theme:
        vocab.resolve_themes(session, [theme], field="theme")
    f = OfferFilter(
        municipality_id=user.municipality_id if user.role == Role.BROKER else None,
        institution_id=user.institution_id if user.role == Role.PROVIDER else None,
        kind=kind,
        level=level,
        theme=theme,
        statuses=statuses,
        available_on=available_on,
    )

    def everything() -> list[Offer]:
        rows = repository.list_all(session, f)
        if available_on is None:
            return rows
        return [o for o in rows if _runs_on(current_edition(o, today), available_on)]

    def page() -> tuple[list[Offer], int]:
        if available_on is None:
            return repository.list_page(session, f, limit=limit, offset=offset)
        rows = sorted(everything(), key=lambda o: (o.created_at, o.id), reverse=True)
        return rows[offset : offset + limit], len(rows)

    return vocab.searched_page(
        q,
        page=page,
        everything=everything,
        text_of=_searchable,
        newest=lambda row: row.created_at,
        limit=limit,
        offset=offset,
    )


def _runs_on(edition: Edition, day: date) -> bool:
    start, until = edition.available_from, edition.available_until
    return (start is None or start <= day) and (until is None or until >= day)


def _searchable(o: Offer) -> str:
    return f"{o.title} {o.description}"


def home_city_refusal(o: Offer, actor: User) -> HomeCityOnly | None:
    """A broker changes their own city's offers only, not those of a city whose
    offer merely serves theirs: its home city's provider or broker decides."""
    if actor.role == Role.BROKER and o.municipality_id != actor.municipality_id:
        return HomeCityOnly(o.municipality.name)
    return None


def update_offer(
    session: Session,
    offer_id: uuid.UUID,
    data: OfferUpdate,
    *,
    actor: User,
    today: date,
) -> Offer:
    """Edit an offer, pause or archive it; capacity never below the places taken.

    A yearly offer is first moved to its current edition, so the change applies
    to that edition; `recurrence: none` ends the series.
    """
    o = get_visible_offer(session, offer_id, actor)
    if (refusal := home_city_refusal(o, actor)) is not None:
        raise refusal
    o = repository.lock(session, o.id)  # capacity is checked on the places taken now
    if repository.roll_over(session, o, today):  # not an edit: the version stays
        o = repository.lock(session, o.id)
    changes = data.model_dump(exclude_unset=True)
    o.next_edit(changes.pop("version", None))
    before = _snapshot(o)
    if "municipalities" in changes and actor.role != Role.PROVIDER:
        raise ServedCitiesByProvider()
    current = (o.recurrence, o.available_from, o.available_until)
    _apply(session, o, changes)
    _keep_the_edition(o, current, today)
    audit.record_update(
        session, "offer", o, actor=actor, before=before, after=_snapshot(o)
    )
    request_run(session, JobName.EMBEDDING)  # new or changed text: a vector
    session.commit()
    return o


def _keep_the_edition(
    o: Offer, before: tuple[str, date | None, date | None], today: date
) -> None:
    """Refuse an edit that leaves a yearly series' window over (`WindowEnded`):
    the row holds the current edition's places, which an ended window would hand
    out again as a new edition's."""
    recurrence, start, until = before
    yearly = recurrence == Recurrence.YEARLY == o.recurrence
    moved = o.available_until != until  # an edit of other fields keeps the window
    ended = o.available_until is not None and o.available_until < today
    if yearly and moved and ended and until is not None:
        raise WindowEnded(current_from=start, current_until=until)


# A provider's bookings: the places taken plus the proposals waiting on them.
BOOKING_STATUSES = (MatchStatus.PROPOSED, *HOLDING_STATUSES)


def offer_bookings(session: Session, offer_id: uuid.UUID, *, user: User) -> list[Match]:
    """Which questions hold (or are proposed for) the offer's places, with status.

    A broker sees only their own city's questions: an offer serving several
    cities must not show one city's questions to another (its free places still
    count every city's).
    """
    o = get_visible_offer(session, offer_id, user)
    bookings = match_repository.list_for_offer(session, o.id, BOOKING_STATUSES)
    if user.role == Role.BROKER:
        return [m for m in bookings if m.municipality_id == user.municipality_id]
    return bookings
