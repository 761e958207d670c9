"""The CSV import page for offers, its documentation and the template file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.deps import SessionDep, SettingsDep
from app.errors import AppError
from app.offers import importer
from app.offers.errors import ImportRejected
from app.offers.import_router import read_upload
from app.web.core import options
from app.web.core.messages import dutch
from app.web.core.page_deps import CsrfForm, ProviderPage
from app.web.core.session import flash
from app.web.core.templating import render
from app.web.provider import import_texts

router = APIRouter(include_in_schema=False)


def _page(request: Request, **context: object) -> Response:
    status_code = context.pop("status_code", 200)
    assert isinstance(status_code, int)
    full = {
        "columns": import_texts.COLUMN_HELP,
        "max_rows": importer.MAX_ROWS,
        "problems": [],
        "error": "",
        **context,
    }
    return render(request, "provider/import.html", full, status_code=status_code)


def _theme_codes(session: Session) -> str:
    """What the themes column allows: every theme code, with its Dutch name."""
    codes = ", ".join(f"{code} ({name})" for code, name in options.themes(session))
    return f"Thema-codes gescheiden door |: {codes}."


@router.get("/aanbod/import/sjabloon.csv")
def template_file(user: ProviderPage) -> Response:
    """An example CSV with every column."""
    return Response(
        "\ufeff" + importer.template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kennisbrug-aanbod.csv"'},
    )


@router.get("/aanbod/import")
def import_page(request: Request, user: ProviderPage) -> Response:
    """How the CSV file looks, and the upload form."""
    return _page(request)


@router.post("/aanbod/import")
def import_file(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ProviderPage,
    form: CsrfForm,
) -> Response:
    """Import every row or none; show the errors per row."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, error="Kies een CSV-bestand.", status_code=422)
    try:
        data = read_upload(upload)
        offers = importer.import_offers(session, data, actor=user, settings=settings)
    except ImportRejected as exc:
        return _page(
            request,
            error=f"Er is niets geïmporteerd: {len({e.row for e in exc.row_errors})} rij(en) bevatten fouten. Verbeter ze en importeer het bestand opnieuw.",
            problems=import_texts.row_problems(exc, {"themes": _theme_codes(session)}),
            total_errors=exc.total_errors,
            status_code=422,
        )
    except AppError as exc:
        return _page(request, error=dutch(exc), status_code=exc.status_code)
    flash(request, f"Het aanbod is geïmporteerd: {len(offers)} rij(en).")
    return RedirectResponse("/aanbod", status_code=303)
