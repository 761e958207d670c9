"""The admin's account pages: list, create, edit, (de)activate; no curl needed."""

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
from app.vocab import service as vocab
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
# The edit form always sends these: an empty choice clears (or is refused).
_EDITED = ("email", "name", "role", "municipality", "institution", "department")


def _choices(session: Session) -> dict[str, Any]:
    """The account form's choice lists (admin/_account_fields.html)."""
    return {
        "roles": list(labels(Role).items()),
        "municipalities": options.municipalities(session),
        "institutions": options.institutions(session),
    }


def _context(session: Session, state: FormState, q: str = "") -> dict[str, Any]:
    users = user_service.list_users(session)
    users = vocab.text_filter(users, lambda u: f"{u.name} {u.email}", q)
    return {"form": state, "users": users, "q": q, **_choices(session)}


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
    attempt(  # the service refuses your own account and the last admin
        request,
        session,
        lambda: _set(session, user_id, active, user),
        "Het account is weer actief." if active else "Het account is uitgeschakeld.",
    )
    return RedirectResponse("/beheer", status_code=303)


def _set(session: Session, user_id: uuid.UUID, active: bool, actor: User) -> User:
    return user_service.update_user(
        session, user_id, UserUpdate(is_active=active), actor=actor
    )


def _edit_context(session: Session, state: FormState, account: User) -> dict[str, Any]:
    return {"form": state, "account": account, **_choices(session)}


@router.get("/beheer/{user_id:uuid}", name="admin_account_page")
def account_page(
    request: Request, user_id: uuid.UUID, session: SessionDep, user: AdminPage
) -> Response:
    """One account's edit form: e-mail, name, role, municipality or institution."""
    account = user_service.get_user(session, user_id)
    state = FormState(
        data={
            "email": account.email,
            "name": account.name,
            "role": account.role,
            "municipality": account.municipality.slug if account.municipality else "",
            "institution": account.institution.name if account.institution else "",
            "department": account.department or "",
            "version": str(account.version),
        },
        labels=LABELS,
    )
    return render(request, "admin/account.html", _edit_context(session, state, account))


@router.post("/beheer/{user_id:uuid}", name="admin_update_account")
def update_account(
    request: Request,
    user_id: uuid.UUID,
    session: SessionDep,
    user: AdminPage,
    form: CsrfForm,
) -> Response:
    """Save the edit; errors name every field and what was typed stays. A new role
    or affiliation logs the user out everywhere (the service does that)."""
    account = user_service.get_user(session, user_id)
    data = {k: v for k, v in read_form(form).items() if k in (*_EDITED, "version")}
    state = FormState(data=data, labels=LABELS)
    fields = {name: data.get(name) or None for name in (*_EDITED, "version")}
    saved = save_form(
        session,
        state,
        lambda: user_service.update_user(
            session, user_id, UserUpdate.model_validate(fields), actor=user
        ),
    )
    if saved is None:
        context = _edit_context(session, state, account)
        return render(request, "admin/account.html", context, status_code=422)
    flash(request, f"De gegevens van {saved.name} ({saved.email}) zijn opgeslagen.")
    return RedirectResponse("/beheer", status_code=303)
