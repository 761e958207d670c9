"""The broker's switch for learned ranking in their city (on the candidates page)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.learning import training
from app.questions import service as question_service
from app.web.core.page_deps import BrokerPage, CsrfForm
from app.web.core.session import flash

router = APIRouter(include_in_schema=False)


@router.post("/makelaar/vragen/{question_id}/geleerde-rangschikking")
def switch(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    form: CsrfForm,
) -> Response:
    """Switch learned ranking on or off for the question's city. Broker."""
    question = question_service.get_visible_question(session, question_id, user)
    choice = str(form.get("aan") or "")
    if choice not in ("ja", "nee"):
        flash(request, "Kies aan of uit voor de geleerde rangschikking.", "error")
    else:
        training.set_learned_ranking(session, question.municipality_id, choice == "ja")
        session.commit()
        flash(
            request,
            "De geleerde rangschikking staat aan."
            if choice == "ja"
            else "De geleerde rangschikking staat uit: de standaardrangschikking geldt.",
        )
    return RedirectResponse(
        f"/makelaar/vragen/{question_id}#kandidaten", status_code=303
    )
