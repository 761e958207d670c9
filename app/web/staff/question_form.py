"""The guided intake form for a question: fields, labels, parsing and saving."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.codes import QuestionStatus, Role
from app.models import Question, User
from app.questions import service as question_service
from app.questions.schemas import QuestionCreate, QuestionUpdate
from app.web.core import options
from app.web.core.forms import (
    FormState,
    FormValue,
    add_problems,
    payload,
    read_form,
    save_form,
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
# An edit that empties these fields clears them: "" for free text, None otherwise.
_CLEAR_TO_EMPTY = ("context", "decision")
_CLEAR_TO_NONE = (
    "expected_output",
    "department",
    "neighbourhood",
    "wanted_from",
    "wanted_until",
    "contact_name",
    "contact_email",
)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    question: Question | None
    state: FormState


def empty_state(user: User) -> FormState:
    return FormState(
        data={"wanted_matches": "1", "department": user.department or ""},
        labels=LABELS,
    )


def _clearable(question: Question, user: User) -> tuple[str, ...]:
    """The optional fields the form shows (and an emptied one clears): a colleague
    gets no contact fields, so their save leaves the contact as it is."""
    if question_service.works_on(question, user):
        return _CLEAR_TO_NONE
    return tuple(n for n in _CLEAR_TO_NONE if n not in question_service.CONTACT_FIELDS)


def state_of(question: Question, user: User) -> FormState:
    """The form filled in with a question's current values; the contact person only
    for those who work on it (`question_service.works_on`)."""
    data: dict[str, FormValue] = {
        "title": question.title,
        "description": question.description,
        "context": question.context,
        "decision": question.decision,
        "wanted_matches": str(question.wanted_matches),
        "levels": list(question.levels),
        "themes": [t.slug for t in question.themes],
        "neighbourhood": question.neighbourhood.name if question.neighbourhood else "",
        "is_public": "1" if question.is_public else "",
        "version": str(question.version),
    }
    for name in _clearable(question, user):
        if name != "neighbourhood":
            value = getattr(question, name)
            data[name] = (
                value.isoformat() if hasattr(value, "isoformat") else value or ""
            )
    return FormState(data=data, labels=LABELS)


def question_path(user: User, question_id: uuid.UUID) -> str:
    """Where a question lives for this user: the broker's page or the staff page."""
    prefix = "/makelaar/vragen" if user.role == Role.BROKER else "/vragen"
    return f"{prefix}/{question_id}"


def form_context(
    session: Session, user: User, state: FormState, question: Question | None = None
) -> dict[str, Any]:
    return {
        "form": state,
        "question": question,
        "shows_contact": question is None or question_service.works_on(question, user),
        "back": question_path(user, question.id) if question else "/vragen",
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
    fields["status"] = (
        QuestionStatus.SUBMITTED
        if form.get("action") == "submit"
        else QuestionStatus.DRAFT
    )
    question = save_form(
        session,
        state,
        lambda: question_service.create_question(
            session, QuestionCreate.model_validate(fields), actor=user
        ),
    )
    if question is None:
        _add_field_problems(session, user, state, fields)
    return IntakeResult(question, state)


def _add_field_problems(
    session: Session, user: User, state: FormState, fields: dict[str, Any]
) -> None:
    """After a schema refusal, also name vocabulary and date errors: one round."""
    add_problems(state, question_service.field_problems(session, user, fields))


def update_question(
    session: Session, question: Question, form: FormData, *, user: User
) -> IntakeResult:
    """Validate like the API's PATCH and save; emptied optional fields are cleared."""
    data = read_form(form, lists=LIST_FIELDS)
    state = FormState(data=data, labels=LABELS)
    fields = payload(data, booleans=BOOLEAN_FIELDS)
    for name in _CLEAR_TO_EMPTY:
        fields.setdefault(name, "")
    for name in _clearable(question, user):
        fields.setdefault(name, None)
    saved = save_form(
        session,
        state,
        lambda: question_service.update_question(
            session, question.id, QuestionUpdate.model_validate(fields), actor=user
        ),
    )
    if saved is None:
        _add_field_problems(session, user, state, fields)
    return IntakeResult(saved, state)
