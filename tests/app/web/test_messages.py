"""Every refusal a service can raise has its own Dutch sentence, looked up by class."""

from __future__ import annotations

import importlib
import pkgutil
import uuid

import pytest

import app
from app import errors
from app.matches.errors import OfferFull
from app.web.core import messages

TRUNK = {
    errors.AppError,
    errors.NotAuthenticatedError,
    errors.PermissionDeniedError,
    errors.ConflictError,
    errors.PayloadTooLargeError,
    errors.UnprocessableError,
    errors.ServiceUnavailableError,
    errors.FieldError,
}


def refusal_classes() -> list[type[errors.AppError]]:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(module.name)
    found: list[type[errors.AppError]] = []
    pending = [errors.AppError]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("app.") and sub not in TRUNK:
                found.append(sub)
    return found


@pytest.mark.parametrize("cls", refusal_classes(), ids=lambda c: c.__name__)
def test_every_refusal_has_a_dutch_sentence(cls):
    if getattr(cls, "dutch", False):
        return  # page errors carry their Dutch text themselves
    covered = [c for c in cls.__mro__ if c in messages._REFUSALS and c not in TRUNK]
    assert covered, f"{cls.__name__} would fall back to a generic Dutch sentence"


def test_the_dutch_sentence_does_not_depend_on_the_english_one():
    full = OfferFull(
        offer_id=uuid.uuid4(), offer_title="Minor Zorg", taken=3, capacity=3
    )
    before = messages.dutch(full)
    full.detail = "reworded in English"
    assert (
        messages.dutch(full)
        == before
        == ("Het aanbod 'Minor Zorg' is vol: alle 3 plaatsen zijn bezet.")
    )


def test_several_field_errors_are_reported_together():
    from app.vocab.errors import UnknownNeighbourhood

    combined = errors.InvalidFields(
        [
            UnknownNeighbourhood(
                "Atlantis",
                known_slugs=["merenwijk"],
                known=["Merenwijk", "Stevenshof"],
                field="neighbourhood",
            ),
            errors.WindowReversed(start_field="wanted_from", end_field="wanted_until"),
        ]
    )
    shown = messages.field_errors(combined, ["neighbourhood", "wanted_until"])
    assert shown == {
        "neighbourhood": "Onbekende wijk of buurt 'Atlantis'. Kies een wijk "
        "(Merenwijk of Stevenshof) of een buurt daarin.",
        "wanted_until": "De einddatum ligt vóór de begindatum.",
    }
    assert "merenwijk" not in str(shown)  # Dutch names, never slugs
