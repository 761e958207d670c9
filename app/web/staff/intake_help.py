"""The intake help on the form: "Controleer mijn vraag" re-renders the form with the
suggestions beside it; what was typed stays (no JavaScript needed)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.codes import ExpectedOutput, Level, values
from app.deps import EncoderDep, SessionDep, TodayDep
from app.intake import service as intake
from app.intake.schemas import DraftQuestion
from app.schemas import day_in_range
from app.web.core.forms import FormState, FormValue, read_form
from app.web.core.page_deps import CsrfForm, StaffPage
from app.web.core.templating import render
from app.web.staff import question_form

router = APIRouter(include_in_schema=False)


def _date(raw: str) -> date | None:
    """The typed date if the API would take it, else None: one date outside 1900
    to 2999 must not fail the whole draft (and drop the help for what is typed)."""
    try:
        return day_in_range(raw) if raw else None
    except ValueError:
        return None  # the form's own check names a bad date when it is saved


def draft_of(state: FormState) -> DraftQuestion:
    """What is typed, as a draft; values that are not valid yet are left out."""
    fields: dict[str, object] = {
        "title": state.value("title")[:200],
        "description": state.value("description")[:10_000],
        "context": state.value("context")[:10_000],
        "decision": state.value("decision")[:2_000],
        "expected_output": state.value("expected_output")
        if state.value("expected_output") in values(ExpectedOutput)
        else None,
        "themes": state.values("themes")[:10],
        "levels": [lv for lv in state.values("levels") if lv in values(Level)][:3],
        "neighbourhood": state.value("neighbourhood")[:120] or None,
        "wanted_from": _date(state.value("wanted_from")),
        "wanted_until": _date(state.value("wanted_until")),
    }
    try:
        return DraftQuestion.model_validate(fields)
    except ValidationError:
        return DraftQuestion(title=str(fields["title"]))


@router.post("/vragen/nieuw/controleren", name="staff_check_question")
def check_question(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    form: CsrfForm,
    encoder: EncoderDep,
    today: TodayDep,
) -> Response:
    """Show the intake form again, as typed, with the help beside it."""
    data: dict[str, FormValue] = read_form(form, lists=question_form.LIST_FIELDS)
    state = FormState(data=data, labels=question_form.LABELS)
    context = question_form.form_context(session, user, state)
    context["assist"] = intake.assist(
        session, encoder, draft_of(state), user=user, today=today
    )
    return render(request, "staff/question_form.html", context)
