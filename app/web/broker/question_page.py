"""The broker's page for one question: ranked candidates with their explanation,
near-misses, matches, history and the status steps."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.codes import HOLDING_STATUSES, Level, QuestionStatus, label, values
from app.deps import EncoderDep, SessionDep, SettingsDep, TodayDep
from app.interests import service as interest_service
from app.learning import training
from app.models import Question
from app.offers import service as offer_service
from app.offers.editions import current_edition
from app.questions import service as question_service
from app.questions.lifecycle import EDITABLE, MANUAL, TAKES_MATCHES
from app.questions.schemas import SplitRequest, TransitionRequest
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
    QuestionStatus.PARKED: "Parkeren tot een datum",
}
# Steps with no way back: asked first, on a confirm step with a reason.
IRREVERSIBLE = (QuestionStatus.NOT_MATCHED, QuestionStatus.WITHDRAWN)


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


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
        if to != QuestionStatus.PARKED  # its own form: it needs a date
        and "broker" in MANUAL.get((question.status, to), frozenset())
    ]
    can_park = "broker" in MANUAL.get(
        (question.status, QuestionStatus.PARKED), frozenset()
    )
    held = sum(1 for m in matches if m.status in HOLDING_STATUSES)
    # The cards offer Bevestigen where the server takes a match (open, matched
    # or running); one that already holds all the matches it asked for takes no
    # more from its cards: Bevestigen there invites a booking nobody wanted.
    takes_matches = question.status in TAKES_MATCHES
    has_enough = takes_matches and held >= question.wanted_matches
    steps = [(to, text) for to, text in allowed if to not in IRREVERSIBLE]
    final_steps = [(to, text) for to, text in allowed if to in IRREVERSIBLE]
    return render(
        request,
        "broker/question.html",
        {
            "question": question,
            "ranking": candidates,
            # Personal data of the offer's contact: on this broker-only page only.
            "contacts": offer_service.contacts(
                session, [c.offer.id for c in candidates.candidates], user=user
            ),
            "matches": matches,
            # Free places of each offer's current edition (a yearly offer's row
            # may still hold last year's until the nightly job ran).
            "editions": {m.offer_id: current_edition(m.offer, today) for m in matches},
            "takes_matches": takes_matches,
            "has_enough": has_enough,
            # A proposal whose offer has no card (ranked below the cards) is
            # confirmed from its match; a near-miss would be refused, so not it.
            "without_card": {
                m.offer_id
                for m in matches
                if m.offer_id not in {c.offer.id for c in candidates.candidates}
                and m.offer_id not in {e.offer.id for e in candidates.excluded}
            },
            "history": history.history(session, question, matches),
            "steps": steps,
            "can_park": can_park,
            "final_steps": final_steps,
            "editable": question.status in EDITABLE,
            "lineage": question_service.lineage(session, question),
            "articulation": history.articulation(session, question),
            "split_levels": split_levels(question),
            "learning": training.switch_state(session, question.municipality_id),
            "interests": interest_service.list_interests(
                session, question.id, broker=user
            ),
        },
    )


def split_levels(question: Question) -> list[tuple[str, str]]:
    """The levels a question can be split into; empty when it cannot split."""
    if question.status not in question_service.SPLITTABLE or question.parent_id:
        return []
    accepted = list(question.levels) or [str(lv) for lv in Level]
    return [(lv, label(Level, lv)) for lv in accepted] if len(accepted) > 1 else []


@router.post("/makelaar/vragen/{question_id}/splitsen", name="broker_split_question")
def split_question(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    form: CsrfForm,
) -> Response:
    """Split the question into one sub-question per chosen level."""
    levels = [str(v) for v in form.getlist("levels") if str(v) in values(Level)]
    if len(levels) < 2:
        flash(request, "Kies minstens twee niveaus om de vraag te splitsen.", "error")
    else:
        attempt(
            request,
            session,
            lambda: question_service.split_question(
                session,
                question_id,
                SplitRequest.model_validate({"levels": levels}),
                actor=user,
            ),
            "De vraag is gesplitst in deelvragen per niveau.",
        )
    return RedirectResponse(f"/makelaar/vragen/{question_id}", status_code=303)


@router.post("/makelaar/vragen/{question_id}/status", name="broker_change_status")
def change_status(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    user: BrokerPage,
    form: CsrfForm,
    today: TodayDep,
) -> Response:
    """Open a question, mark it not matchable, send it back, park or withdraw it."""
    to = str(form.get("to") or "")
    note = str(form.get("note") or "").strip() or None
    until = _date_or_none(str(form.get("until") or ""))
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
                TransitionRequest(to=QuestionStatus(to), note=note, until=until),
                actor=user,
                today=today,
                settings=settings,
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
