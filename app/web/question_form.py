"""The guided intake form for a question: fields, labels, parsing and saving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.errors import AppError
from app.models import Question, User
from app.questions import service as question_service
from app.questions.schemas import QuestionCreate
from app.web import options
from app.web.forms import (
    FormState,
    app_error_fields,
    payload,
    read_form,
    validation_errors,
)

LABELS = {
    "title": "Korte titel van uw vraag",
    "description": "Uw vraag",
    "context": "Aanleiding en wat u al weet",
    "decision": "Welk besluit hangt ervan af?",
    "expected_output": "Wat wilt u als resultaat?",
    "department": "Afdeling",
    "wanted_from": "Gewenst vanaf",
    "wanted_until": "Gewenst tot en met",
    "wanted_matches": "Hoeveel teams of koppelingen zoekt u?",
    "neighbourhood": "Wijk of buurt",
    "levels": "Welk onderwijsniveau past?",
    "themes": "Thema's",
    "is_public": "Openbaar voor studenten",
    "contact_name": "Contactpersoon",
    "contact_email": "E-mailadres contactpersoon",
    "form": "Formulier",
}
LIST_FIELDS = ("levels", "themes")
BOOLEAN_FIELDS = ("is_public",)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    question: Question | None
    state: FormState


def empty_state(user: User) -> FormState:
    return FormState(
        data={"wanted_matches": "1", "department": user.department or ""},
        labels=LABELS,
    )


def form_context(session: Session, user: User, state: FormState) -> dict[str, Any]:
    return {
        "form": state,
        "themes": options.themes(session),
        "levels": options.LEVELS,
        "outputs": options.OUTPUTS,
        "place_names": options.place_names(session, user.municipality_id),
    }


def save_question(session: Session, form: FormData, *, user: User) -> IntakeResult:
    """Validate like the API does and create the question (draft or submitted)."""
    data = read_form(form, lists=LIST_FIELDS)
    state = FormState(data=data, labels=LABELS)
    fields = payload(data, booleans=BOOLEAN_FIELDS)
    fields["status"] = "submitted" if form.get("action") == "submit" else "draft"
    try:
        create = QuestionCreate.model_validate(fields)
    except ValidationError as exc:
        state.errors = validation_errors(exc)
        return IntakeResult(None, state)
    try:
        question = question_service.create_question(session, create, actor=user)
    except AppError as exc:
        session.rollback()
        state.errors = app_error_fields(exc, LABELS)
        return IntakeResult(None, state)
    return IntakeResult(question, state)
