"""The broker's page for one question: ranked candidates with their explanation,
near-misses, matches, history and the status steps."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.codes import QuestionStatus, label
from app.deps import EncoderDep, SessionDep, TodayDep
from app.interests import service as interest_service
from app.questions import service as question_service
from app.questions.lifecycle import EDITABLE, MANUAL
from app.questions.schemas import TransitionRequest
from app.ranking import service as ranking
from app.web.broker import history
from app.web.core.actions import attempt
from app.web.core.page_deps import BrokerPage, CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

CANDIDATE_LIMIT = 10
_STEP_TEXT = {
    QuestionStatus.OPEN: "Vraag openen voor koppelingen",
    QuestionStatus.NOT_MATCHED: "Markeren als niet te koppelen",
    QuestionStatus.DRAFT: "Terug naar concept (aanvullen met de eigenaar)",
    QuestionStatus.WITHDRAWN: "Intrekken",
}
# Steps with no way back: asked first, on a confirm step with a reason.
IRREVERSIBLE = (QuestionStatus.NOT_MATCHED, QuestionStatus.WITHDRAWN)


@router.get("/makelaar/vragen/{question_id}", name="broker_question_page")
def question_page(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    encoder: EncoderDep,
    today: TodayDep,
) -> Response:
    """The question, ranked candidates with explanation, near-misses, matches, history."""
    question = question_service.get_visible_question(session, question_id, user)
    candidates = ranking.candidates(
        session, encoder, question.id, user=user, today=today, limit=CANDIDATE_LIMIT
    )
    matches = question_service.question_matches(session, question.id, user=user)
    allowed = [
        (to, text)
        for to, text in _STEP_TEXT.items()
        if "broker" in MANUAL.get((question.status, to), frozenset())
    ]
    steps = [(to, text) for to, text in allowed if to not in IRREVERSIBLE]
    final_steps = [(to, text) for to, text in allowed if to in IRREVERSIBLE]
    return render(
        request,
        "broker/question.html",
        {
            "question": question,
            "ranking": candidates,
            "matches": matches,
            "history": history.history(session, question, matches),
            "steps": steps,
            "final_steps": final_steps,
            "editable": question.status in EDITABLE,
            "interests": interest_service.list_interests(
                session, question.id, broker=user
            ),
        },
    )


@router.post("/makelaar/vragen/{question_id}/status", name="broker_change_status")
def change_status(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    form: CsrfForm,
) -> Response:
    """Open a question, mark it not matchable, send it back or withdraw it."""
    to = str(form.get("to") or "")
    note = str(form.get("note") or "").strip() or None
    if to not in _STEP_TEXT:
        flash(request, "Kies een geldige stap.", "error")
    elif to in IRREVERSIBLE and (not note or len(note) < 3):
        flash(
            request,
            "Geef een reden (minstens 3 tekens): deze stap is niet terug te draaien.",
            "error",
        )
    else:
        attempt(
            request,
            session,
            lambda: question_service.transition_question(
                session,
                question_id,
                TransitionRequest.model_validate({"to": to, "note": note}),
                actor=user,
            ),
            f"De vraag heeft nu de status '{label(QuestionStatus, to)}'.",
        )
    return RedirectResponse(f"/makelaar/vragen/{question_id}", status_code=303)


@router.post(
    "/makelaar/vragen/{question_id}/belangstelling/{interest_id}/behandeld",
    name="broker_interest_handled",
)
def interest_handled(
    request: Request,
    question_id: uuid.UUID,
    interest_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    form: CsrfForm,
) -> Response:
    """Mark a student's interest as followed up (once; a second mark is refused)."""
    attempt(
        request,
        session,
        lambda: interest_service.mark_handled(
            session, question_id, interest_id, broker=user
        ),
        "De aanmelding is gemarkeerd als behandeld.",
    )
    return RedirectResponse(
        f"/makelaar/vragen/{question_id}#belangstelling", status_code=303
    )
