"""Pages for municipal staff: their city's questions, the intake, one question, edits
(staff and the broker) and the owner's completion of running work with feedback."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.codes import QuestionStatus, labels
from app.deps import EncoderDep, SessionDep, SettingsDep, TodayDep
from app.matches import service as match_service
from app.matches.schemas import MatchRead
from app.questions import service as question_service
from app.questions.lifecycle import EDITABLE, MANUAL
from app.questions.schemas import TransitionRequest
from app.ranking import service as ranking
from app.web.core import completion
from app.web.core.actions import attempt
from app.web.core.error_pages import PageNotFoundError
from app.web.core.page_deps import CsrfForm, QuestionEditorPage, StaffPage
from app.web.core.session import flash
from app.web.core.templating import render
from app.web.staff import question_form

router = APIRouter(include_in_schema=False)

_PAGE_SIZE = 50
_OWNER_STEPS: dict[str, str] = {
    QuestionStatus.SUBMITTED: "Indienen",
    QuestionStatus.WITHDRAWN: "Intrekken",
}


@router.get("/vragen")
def questions_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    status: Annotated[str | None, Query(max_length=20)] = None,
    mine: bool = True,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """ "Mijn vragen" (the user's own) by default, or all the city's questions (staff
    of a city see all its questions, as on a question's own page); newest first,
    with a status filter and a search in title and description."""
    chosen = status if status in labels(QuestionStatus) else None
    text = q.strip()
    rows, total = question_service.list_questions(
        session,
        user,
        statuses=[chosen] if chosen else [],
        theme=None,
        neighbourhood=None,
        q=text or None,
        mine=mine,
        limit=_PAGE_SIZE,
        offset=(page - 1) * _PAGE_SIZE,
    )
    return render(
        request,
        "staff/questions.html",
        {
            "questions": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // _PAGE_SIZE)),
            "status": chosen or "",
            "mine": mine,
            "q": text,
            "statuses": list(labels(QuestionStatus).items()),
        },
    )


@router.get("/vragen/nieuw")
def intake_page(request: Request, session: SessionDep, user: StaffPage) -> Response:
    """The guided intake form."""
    state = question_form.empty_state(user)
    context = question_form.form_context(session, user, state)
    return render(request, "staff/question_form.html", context)


@router.post("/vragen/nieuw", name="staff_create_question")
def create_question(
    request: Request, session: SessionDep, user: StaffPage, form: CsrfForm
) -> Response:
    """Save the question as a draft or submit it; errors re-show what was typed."""
    result = question_form.save_question(session, form, user=user)
    if result.question is None:
        context = question_form.form_context(session, user, result.state)
        return render(request, "staff/question_form.html", context, status_code=422)
    submitted = result.question.status == QuestionStatus.SUBMITTED
    flash(
        request,
        "Uw vraag is ingediend bij de kennismakelaar."
        if submitted
        else "Uw vraag is opgeslagen als concept.",
    )
    return RedirectResponse(f"/vragen/{result.question.id}?nieuw=1", status_code=303)


@router.get("/vragen/{question_id}", name="staff_question_page")
def question_page(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: StaffPage,
    encoder: EncoderDep,
    nieuw: bool = False,
) -> Response:
    """Follow one question: status, matches and outcome, and similar questions."""
    question = question_service.get_visible_question(session, question_id, user)
    matches = [
        MatchRead.model_validate(m)
        for m in question_service.question_matches(session, question.id, user=user)
    ]
    similar = ranking.similar(session, encoder, question.id, user=user, limit=5)
    allowed = []
    if question.owner_id == user.id:
        allowed = [
            (to, text)
            for to, text in _OWNER_STEPS.items()
            if "owner" in MANUAL.get((question.status, to), frozenset())
        ]
    # Withdrawing has no way back: it is asked first, on a confirm step with a reason.
    steps = [(to, t) for to, t in allowed if to != QuestionStatus.WITHDRAWN]
    final_steps = [(to, t) for to, t in allowed if to == QuestionStatus.WITHDRAWN]
    return render(
        request,
        "staff/question_detail.html",
        {
            "question": question,
            "matches": matches,
            "similar": similar,
            "steps": steps,
            "final_steps": final_steps,
            "editable": question.status in EDITABLE,
            "is_owner": question.owner_id == user.id,
            "just_saved": nieuw,
            "lineage": question_service.lineage(session, question),
        },
    )


@router.post("/vragen/{question_id}/status", name="staff_change_status")
def change_status(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffPage,
    form: CsrfForm,
    today: TodayDep,
) -> Response:
    """Submit or withdraw one's own question."""
    to = str(form.get("to") or "")
    note = str(form.get("note") or "").strip() or None
    if to not in _OWNER_STEPS:
        flash(request, "Kies indienen of intrekken.", "error")
    elif to == QuestionStatus.WITHDRAWN and (not note or len(note) < 3):
        flash(
            request,
            "Geef een reden (minstens 3 tekens): intrekken is niet terug te draaien.",
            "error",
        )
    else:
        attempt(  # validated inside: a too long reason is a message, not a 500
            request,
            session,
            lambda: question_service.transition_question(
                session,
                question_id,
                TransitionRequest.model_validate({"to": to, "note": note}),
                actor=user,
                today=today,
                settings=settings,
            ),
            f"De vraag is {'ingediend' if to == 'submitted' else 'ingetrokken'}.",
        )
    return RedirectResponse(f"/vragen/{question_id}", status_code=303)


@router.get("/vragen/{question_id}/bewerken")
def edit_page(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: QuestionEditorPage,
) -> Response:
    """The intake form filled in with the question, while it can still change."""
    question = question_service.get_visible_question(session, question_id, user)
    if question.status not in EDITABLE:
        flash(
            request,
            "Deze vraag is al in behandeling en kan niet meer worden gewijzigd.",
            "error",
        )
        return RedirectResponse(
            question_form.question_path(user, question_id), status_code=303
        )
    state = question_form.state_of(question, user)
    context = question_form.form_context(session, user, state, question)
    return render(request, "staff/question_form.html", context)


@router.post("/vragen/{question_id}/bewerken", name="staff_update_question")
def update_question(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: QuestionEditorPage,
    form: CsrfForm,
) -> Response:
    """Save the changes; errors re-show what was typed, nothing is saved."""
    question = question_service.get_visible_question(session, question_id, user)
    result = question_form.update_question(session, question, form, user=user)
    if result.question is None:
        question = question_service.get_visible_question(session, question_id, user)
        context = question_form.form_context(session, user, result.state, question)
        return render(request, "staff/question_form.html", context, status_code=422)
    flash(request, "De wijzigingen zijn opgeslagen.")
    return RedirectResponse(
        question_form.question_path(user, question_id), status_code=303
    )


@router.post(
    "/vragen/{question_id}/koppelingen/{match_id}/afronden", name="staff_complete_match"
)
def complete_match(
    request: Request,
    question_id: uuid.UUID,
    match_id: uuid.UUID,
    session: SessionDep,
    user: StaffPage,
    form: CsrfForm,
) -> Response:
    """The question's owner records the result and their rating of the work."""
    match = match_service.get_visible_match(session, match_id, user, owner_allowed=True)
    if match.question_id != question_id:
        raise PageNotFoundError("Deze koppeling hoort niet bij deze vraag.")
    result = completion.complete(session, match_id, form, user=user)
    if result.match is None:
        return completion.failed_page(
            request,
            result.state,
            match=match_service.get_visible_match(
                session, match_id, user, owner_allowed=True
            ),
            action=f"/vragen/{question_id}/koppelingen/{match_id}/afronden",
            back=f"/vragen/{question_id}",
            rating_label="Uw waardering",
        )
    flash(request, "Dank u wel: het resultaat en uw beoordeling zijn vastgelegd.")
    return RedirectResponse(f"/vragen/{question_id}", status_code=303)
