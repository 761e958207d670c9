"""The offer form (new and edit): fields, labels, parsing and saving."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.codes import Recurrence, Role
from app.config import Settings
from app.errors import FieldError, FieldRequired
from app.models import Offer, User
from app.offers import service as offer_service
from app.offers.editions import current_edition
from app.offers.errors import NoPlaces
from app.offers.schemas import OfferCreate, OfferUpdate
from app.periods import repository as period_repository
from app.vocab import repository as vocab_repository
from app.vocab import service as vocab
from app.vocab.errors import UnknownMunicipality
from app.web.core import options
from app.web.core.display import date_nl
from app.web.core.forms import (
    FormState,
    FormValue,
    add_problems,
    payload,
    read_form,
    save_form,
)
from app.web.core.messages import dutch

LABELS = {
    "kind": "Soort aanbod",
    "title": "Titel",
    "description": "Beschrijving",
    "institution": "Instelling",
    "level": "Niveau",
    "capacity": "Capaciteit",
    "available_from": "Beschikbaar vanaf",
    "available_until": "Beschikbaar tot en met",
    "intake_deadline": "Uiterste aanmelddatum",
    "period_id": "Onderwijsperiode",
    "recurrence": "Terugkerend aanbod",
    "language": "Taal",
    "themes": "Thema's",
    "neighbourhoods": "Gebonden aan wijken",
    "municipalities": "Steden die het aanbod bedient",
    "contact_name": "Contactpersoon",
    "contact_email": "E-mailadres contactpersoon",
    "form": "Formulier",
}
LIST_FIELDS = ("themes", "neighbourhoods", "municipalities")
# A wrong choice names the allowed values by their Dutch labels, not their codes.
CHOICES = {
    "kind": [text.lower() for _, text in options.KINDS],
    "level": [text for _, text in options.LEVELS],
    "language": [text for _, text in options.LANGUAGES],
    "recurrence": [text.lower() for _, text in options.from_codes(Recurrence)],
}
# Optional fields an edit may clear: an empty input means "no value" (None).
_CLEARABLE = (
    "available_from",
    "available_until",
    "intake_deadline",
    "contact_name",
    "contact_email",
)


# Required fields an edit may not empty: an empty input is refused, not ignored.
_REQUIRED = ("kind", "title", "description", "capacity")


@dataclass(frozen=True, slots=True)
class OfferResult:
    offer: Offer | None
    state: FormState


def empty_state() -> FormState:
    return FormState(
        data={"kind": "course", "language": "nl", "recurrence": "none"}, labels=LABELS
    )


def state_of(offer: Offer, today: date) -> FormState:
    """The form filled in with an offer's values, a yearly one's current edition:
    its dates are the ones a save edits (the service rolls it over first)."""
    edition = current_edition(offer, today)
    data: dict[str, FormValue] = {
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "level": offer.level,
        "capacity": str(offer.capacity),
        "language": offer.language,
        "recurrence": offer.recurrence,
        "themes": [t.slug for t in offer.themes],
        "neighbourhoods": [n.slug for n in offer.neighbourhoods],
        "municipalities": [m.slug for m in offer.served],
        "version": str(offer.version),
    }
    dates: dict[str, date | None] = {
        "available_from": edition.available_from,
        "available_until": edition.available_until,
        "intake_deadline": edition.intake_deadline,
    }
    for name in _CLEARABLE:
        value: Any = dates[name] if name in dates else getattr(offer, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value or ""
    return FormState(data=data, labels=LABELS)


def form_context(
    session: Session,
    user: User,
    state: FormState,
    offer: Offer | None = None,
    *,
    today: date,
    settings: Settings,
) -> dict[str, Any]:
    return {
        "form": state,
        "offer": offer,
        # A yearly offer's places are those of its current edition.
        "edition": current_edition(offer, today) if offer else None,
        "kinds": options.KINDS,
        "levels": options.LEVELS,
        "languages": options.LANGUAGES,
        "recurrences": options.from_codes(Recurrence),
        "periods": _period_options(session, user, offer),
        "themes": options.themes(session),
        "districts": _district_options(session, user, state, offer, settings),
        "institutions": options.institutions(session)
        if user.role == Role.BROKER
        else [],
        # Only the provider sets the cities an offer serves (other cities rely on it).
        "cities": options.cities(session) if user.role == Role.PROVIDER else [],
        "bookings": offer_service.offer_bookings(session, offer.id, user=user)
        if offer
        else [],
        "home_city_only": home_city_only(offer, user),
    }


def home_city_only(offer: Offer | None, user: User) -> str:
    """Why a broker of a city the offer only serves gets no form and no pause
    button (`offer_service.home_city_refusal`), said up front; "" for others."""
    refusal = offer_service.home_city_refusal(offer, user) if offer else None
    return dutch(refusal) if refusal else ""


def _home_id(
    session: Session, user: User, ticked: list[str], settings: Settings
) -> uuid.UUID | None:
    """The home city saving the form gives a new offer, by the service's own rule
    (`offer_service.home_city`, as the API); None when the ticked city is unknown."""
    if user.role != Role.PROVIDER:
        return user.municipality_id
    slug = offer_service.home_city(None, ticked, actor=user, settings=settings)
    try:
        return vocab.resolve_municipality(session, slug).id
    except UnknownMunicipality:
        return None


def _district_options(
    session: Session,
    user: User,
    state: FormState,
    offer: Offer | None,
    settings: Settings,
) -> options.Options:
    """The districts an offer can be tied to: those of its home city. A provider's
    new offer has no home city until cities are ticked (the first one ticked
    becomes it), so then every city's districts are offered, named with the city."""
    if offer is not None:
        return options.districts(session, offer.municipality_id)
    ticked = state.values("municipalities")
    if user.role != Role.PROVIDER or ticked:
        home = _home_id(session, user, ticked, settings)
        if home is not None:
            return options.districts(session, home)
    cities = vocab_repository.list_municipalities(session)
    return [
        (h.slug, f"{h.name} ({city.name})" if len(cities) > 1 else h.name)
        for city in cities
        for h in vocab_repository.list_neighbourhoods(session, city.id)
    ]


def _served(data: dict[str, Any], user: User, home: str | None) -> dict[str, Any]:
    """The served cities as the service wants them: from providers only; none
    ticked is the home city only."""
    if user.role != Role.PROVIDER:
        data.pop("municipalities", None)
    elif not data.get("municipalities"):
        if home is None:
            data.pop("municipalities", None)
        else:
            data["municipalities"] = [home]
    return data


def _period_options(
    session: Session, user: User, offer: Offer | None
) -> list[tuple[str, str]]:
    """The periods an offer can take its dates from: of its (or the user's) institution."""
    institution_id = offer.institution_id if offer else user.institution_id
    rows = (
        period_repository.list_periods(session, institution_ids=[institution_id])
        if institution_id
        else period_repository.list_periods(
            session, municipality_id=user.municipality_id
        )
    )
    return [
        (
            str(p.id),
            f"{p.institution.short_name}: {p.name} ({date_nl(p.starts_on)} tot "
            f"{date_nl(p.ends_on)})",
        )
        for p in rows
    ]


def _dates_from_period(fields: dict[str, Any]) -> dict[str, Any]:
    """A chosen period replaces the typed window and deadline (the service copies
    its dates), as the form's hint promises: the deadline field still holds the
    one shown before the period was picked."""
    if fields.get("period_id"):
        fields.pop("available_from", None)
        fields.pop("available_until", None)
        fields.pop("intake_deadline", None)
    return fields


def _capacity(fields: dict[str, Any]) -> int | None:
    try:
        return int(str(fields.get("capacity", "")))
    except ValueError:
        return None


def _new_offer(
    session: Session, fields: dict[str, Any], user: User, settings: Settings
) -> Offer:
    """Validate like the API, but a new offer on the page needs a place: with
    capacity 0 it could never be matched (the API keeps 0 for full offers)."""
    data = OfferCreate.model_validate(fields)
    if data.capacity == 0:
        raise NoPlaces()
    return offer_service.create_offer(session, data, actor=user, settings=settings)


def create_offer(
    session: Session, form: FormData, *, user: User, settings: Settings
) -> OfferResult:
    data = read_form(form, lists=LIST_FIELDS)
    state = FormState(data=data, labels=LABELS)
    fields = _served(_dates_from_period(payload(data)), user, None)
    offer = save_form(
        session,
        state,
        lambda: _new_offer(session, fields, user, settings),
        CHOICES,
    )
    if offer is None:
        home = _home_id(session, user, fields.get("municipalities") or [], settings)
        problems: list[FieldError] = offer_service.field_problems(session, home, fields)
        if _capacity(fields) == 0:
            problems.append(NoPlaces())
        add_problems(state, problems)
    return OfferResult(offer, state)


def update_offer(
    session: Session, offer: Offer, form: FormData, *, user: User, today: date
) -> OfferResult:
    data = read_form(form, lists=LIST_FIELDS, skip=("institution",))
    state = FormState(data=data, labels=LABELS)
    fields = _served(payload(data), user, offer.municipality.slug)
    for name in (*_CLEARABLE, *_REQUIRED):
        fields.setdefault(name, None)
    fields = _dates_from_period(fields)
    municipality_id = offer.municipality_id
    saved = save_form(
        session,
        state,
        lambda: offer_service.update_offer(
            session,
            offer.id,
            OfferUpdate.model_validate(fields),
            actor=user,
            today=today,
        ),
        CHOICES,
    )
    if saved is None:
        emptied = [FieldRequired(n) for n in _REQUIRED if fields[n] is None]
        add_problems(
            state,
            [*emptied, *offer_service.field_problems(session, municipality_id, fields)],
        )
    return OfferResult(saved, state)
