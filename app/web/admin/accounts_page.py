"""The admin's account pages: list, create, (de)activate; no curl needed."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.codes import Role, labels
from app.deps import SessionDep
from app.models import User
from app.users import service as user_service
from app.users.schemas import UserCreate, UserUpdate
from app.web.core import options
from app.web.core.actions import attempt
from app.web.core.forms import FormState, payload, read_form, save_form
from app.web.core.page_deps import AdminPage, CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

LABELS = {
    "email": "E-mailadres",
    "name": "Naam",
    "role": "Rol",
    "password": "Eerste wachtwoord",
    "municipality": "Gemeente (voor beleidsmedewerkers en makelaars)",
    "institution": "Instelling (voor aanbieders)",
    "department": "Afdeling",
    "form": "Formulier",
}


def _context(session: Session, state: FormState, q: str = "") -> dict[str, Any]:
    users = user_service.list_users(session)
    if q:
        needle = q.casefold()
        users = [u for u in users if needle in f"{u.name} {u.email}".casefold()]
    return {
        "form": state,
        "users": users,
        "q": q,
        "roles": list(labels(Role).items()),
        "municipalities": options.municipalities(session),
        "institutions": options.institutions(session),
    }


@router.get("/beheer")
def accounts_page(
    request: Request, session: SessionDep, user: AdminPage, q: str = ""
) -> Response:
    """Every account, a search box, and the form for a new one."""
    state = FormState(labels=LABELS)
    return render(
        request, "admin/accounts.html", _context(session, state, q.strip()[:200])
    )


@router.post("/beheer", name="admin_create_account")
def create_account(
    request: Request, session: SessionDep, user: AdminPage, form: CsrfForm
) -> Response:
    """Create the account; errors name every field, what was typed stays."""
    data = read_form(form)
    state = FormState(data=data, labels=LABELS)
    fields = payload(data)
    shown = {k: v for k, v in data.items() if k != "password"}
    created = save_form(
        session,
        state,
        lambda: user_service.create_user(
            session, UserCreate.model_validate(fields), actor=user
        ),
    )
    if created is None:
        state.data = shown  # never echo a password back
        return render(
            request, "admin/accounts.html", _context(session, state), status_code=422
        )
    flash_text = f"Het account voor {created.name} ({created.email}) is aangemaakt."
    flash(request, flash_text)
    return RedirectResponse("/beheer", status_code=303)


@router.post("/beheer/{user_id}/actief", name="admin_account_active")
def set_active(
    request: Request,
    user_id: uuid.UUID,
    session: SessionDep,
    user: AdminPage,
    form: CsrfForm,
) -> Response:
    """Deactivate (ends every session) or reactivate an account; not your own."""
    active = form.get("active") == "1"
    if user_id == user.id:
        flash(request, "U kunt uw eigen account niet uitschakelen.", "error")
    else:
        attempt(
            request,
            session,
            lambda: _set(session, user_id, active, user),
            "Het account is weer actief."
            if active
            else "Het account is uitgeschakeld.",
        )
    return RedirectResponse("/beheer", status_code=303)


def _set(session: Session, user_id: uuid.UUID, active: bool, actor: User) -> User:
    return user_service.update_user(
        session, user_id, UserUpdate(is_active=active), actor=actor
    )
