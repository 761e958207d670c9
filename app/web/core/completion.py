"""The completion form of a match (broker or question owner): the outcome in plain
language, a link, a rating and remarks.

On a refusal the form comes back on its own page with every error and all that
was typed, instead of a message on the question page that loses the text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.matches import service as match_service
from app.matches.schemas import CompleteRequest
from app.models import Match, User
from app.web.core.display import COMPLETE_LABELS
from app.web.core.forms import FormState, payload, read_form, save_form
from app.web.core.templating import render

FIELDS = ("outcome_summary", "result_url", "rating", "remarks")
RATINGS = [(str(n), f"{n} van 5") for n in range(1, 6)]


@dataclass(frozen=True, slots=True)
class Completion:
    match: Match | None
    state: FormState


def complete(
    session: Session, match_id: uuid.UUID, form: FormData, *, user: User
) -> Completion:
    """Validate like the API and complete the match; the errors all at once."""
    data = {k: v for k, v in read_form(form).items() if k in FIELDS}
    state = FormState(data=data, labels=COMPLETE_LABELS)
    done = save_form(
        session,
        state,
        lambda: match_service.complete_match(
            session,
            match_id,
            CompleteRequest.model_validate(payload(data)),
            actor=user,
        ),
    )
    return Completion(done, state)


def failed_page(
    request: Request,
    state: FormState,
    *,
    match: Match,
    action: str,
    back: str,
    rating_label: str,
) -> Response:
    """The completion form again (422): what was typed, each error at its field."""
    return render(
        request,
        "matches/complete.html",
        {
            "form": state,
            "match": match,
            "action": action,
            "back": back,
            "rating_label": rating_label,
            "ratings": RATINGS,
        },
        status_code=422,
    )
