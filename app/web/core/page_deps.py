"""Page dependencies: the logged-in user (from the session cookie) and the CSRF check.

Not logged in -> redirect to /inloggen?next=<this page>; logged in with the wrong
role -> the Dutch 403 page. Every form post takes `form: CsrfForm`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from app.codes import Role
from app.deps import SessionDep
from app.models import User
from app.users import repository as user_repository
from app.web.core.error_pages import CsrfError, LoginRequiredError, PageForbiddenError
from app.web.core.session import CSRF_FIELD, csrf_matches, end_session, session_user

# Pages that posts may come back from a form upload (CSV import): 1 MB file + margin.
MAX_FORM_PART_BYTES = 2 * 1024 * 1024


def optional_page_user(request: Request, session: SessionDep) -> User | None:
    """The logged-in, still active user, or None (a stale session is cleared)."""
    who = session_user(request)
    if who is None:
        return None
    user = user_repository.get(session, who.id)
    if (
        user is None
        or not user.is_active
        or user.role != who.role
        or user.session_version != who.session_version
    ):
        end_session(request)
        return None
    return user


PageUserOrNone = Annotated[User | None, Depends(optional_page_user)]


def _this_page(request: Request) -> str:
    """Where to return after logging in: this page, but never a form post's target."""
    if request.method not in ("GET", "HEAD"):
        return ""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def require_page_roles(*roles: str) -> Callable[[Request, User | None], User]:
    def _check(request: Request, user: PageUserOrNone) -> User:
        if user is None:
            raise LoginRequiredError(_this_page(request))
        if user.role not in roles:
            raise PageForbiddenError(
                "U heeft geen toegang tot deze pagina met uw rol. "
                "Ga naar de startpagina voor de onderdelen die u wel kunt gebruiken."
            )
        return user

    return _check


StaffPage = Annotated[User, Depends(require_page_roles(Role.STAFF))]
# Staff edit their city's questions; the broker sharpens them (themes, place, level).
QuestionEditorPage = Annotated[
    User, Depends(require_page_roles(Role.STAFF, Role.BROKER))
]
ProviderPage = Annotated[User, Depends(require_page_roles(Role.PROVIDER, Role.BROKER))]
# Any logged-in user: their own account settings.
AccountPage = Annotated[User, Depends(require_page_roles(*Role))]
# Only a provider answers proposals for their institution's offers.
ProviderOnlyPage = Annotated[User, Depends(require_page_roles(Role.PROVIDER))]
BrokerPage = Annotated[User, Depends(require_page_roles(Role.BROKER))]
AdminPage = Annotated[User, Depends(require_page_roles(Role.ADMIN))]


async def csrf_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session's (403)."""
    form = await request.form(max_part_size=MAX_FORM_PART_BYTES)
    if not csrf_matches(request, form.get(CSRF_FIELD)):
        raise CsrfError()
    return form


CsrfForm = Annotated[FormData, Depends(csrf_form)]
