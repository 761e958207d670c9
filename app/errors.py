"""Domain errors and the one place that turns every error into the JSON error shape.

Every error response is `{"error": <kind>, "detail": <message>, "fields": {...}}`.

Each refusal has its own class with its facts as attributes (as httpx and Polar
type theirs): `OfferFull(offer_title=..., taken=..., capacity=...)`. The API shows
the class name and its English detail; the pages look up a Dutch sentence by class
(app/web/core/messages.py), so no text is ever parsed to be translated. The status
classes below are the tree's trunk; each domain adds its refusals in `errors.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from matching.errors import EncoderError, InvalidQueryError, MatchingError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class AppError(Exception):
    """Base of domain errors; subclasses fix the HTTP status.

    `kind` is what the API shows as `error`: the status class a refusal belongs to
    (NotFoundError, ConflictError, ...), so clients keep one small set of kinds
    while the pages tell refusals apart by their own class.
    """

    status_code = 400
    kind = "AppError"

    def __init__(
        self,
        detail: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


class NotAuthenticatedError(AppError):
    status_code = 401
    kind = "NotAuthenticatedError"


class PermissionDeniedError(AppError):
    status_code = 403
    kind = "PermissionDeniedError"


class NotFoundError(AppError):
    status_code = 404
    kind = "NotFoundError"


class ConflictError(AppError):
    status_code = 409
    kind = "ConflictError"


class EditedMeanwhile(ConflictError):
    """Someone saved the record after the caller read it: their edit would be lost."""

    def __init__(self, *, read: int, current: int) -> None:
        super().__init__(
            f"this was edited after you read it (you read version {read}, "
            f"it is now {current}); read it again and reapply your change",
            fields={"version": f"the current version is {current}"},
        )
        self.read = read
        self.current = current


class PayloadTooLargeError(AppError):
    status_code = 413
    kind = "PayloadTooLargeError"


class UnprocessableError(AppError):
    status_code = 422
    kind = "UnprocessableError"


class TooManyRequestsError(AppError):
    status_code = 429
    kind = "TooManyRequestsError"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class ServiceUnavailableError(AppError):
    status_code = 503
    kind = "ServiceUnavailableError"


class FieldError(UnprocessableError):
    """One input field is wrong; `field` names it (for the API and the form)."""

    def __init__(self, detail: str, *, field: str, field_message: str) -> None:
        super().__init__(detail, fields={field: field_message})
        self.field = field


class FieldRequired(FieldError):
    def __init__(self, field: str) -> None:
        super().__init__(
            f"{field} cannot be null", field=field, field_message="cannot be null"
        )


class WindowReversed(FieldError):
    """An end date before its start date."""

    def __init__(self, *, start_field: str, end_field: str) -> None:
        super().__init__(
            f"{end_field} is before {start_field}",
            field=end_field,
            field_message=f"must not be before {start_field}",
        )
        self.start_field = start_field


class InvalidFields(UnprocessableError):
    """Several fields are wrong at once: every one is reported in one answer."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        fields: dict[str, str] = {}
        for error in errors:
            fields.update(error.fields)
        super().__init__("; ".join(e.detail for e in errors), fields=fields)
        self.errors = list(errors)


def raise_all(errors: Sequence[FieldError]) -> None:
    """Raise nothing, the one error, or all of them together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InvalidFields(errors)


class DatabaseUnavailable(ServiceUnavailableError):
    def __init__(self) -> None:
        super().__init__(
            "the database is unavailable; try again in a few seconds",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class ConcurrentChange(ConflictError):
    """A parallel request saved a conflicting change first (constraint, deadlock)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class ErrorRead(BaseModel):
    """The body of every API error response."""

    error: str = Field(description="The kind, e.g. NotFoundError or ValidationError.")
    detail: str = Field(description="What went wrong, for people.")
    fields: dict[str, str] = Field(
        description="Messages per input field (`body` for the body as a whole)."
    )


def error_responses(
    described: Mapping[int, str],
) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` for its error statuses, all with the ErrorRead shape."""
    return {
        code: {"model": ErrorRead, "description": text}
        for code, text in described.items()
    }


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path, for a 405's `Allow` header.

    Starlette fills `Allow` from the first route whose path matches, but FastAPI
    registers one route per method, so that would name only one of them.
    """
    methods: set[str] = set()
    # Included routers are one entry each in app.routes; this walks their routes.
    for route in iter_route_contexts(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(route.methods or ())
    return ", ".join(sorted(methods))


def allowed(values: Sequence[str]) -> str:
    """Render allowed values for an error message: "'a', 'b' or 'c'"."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def error_body(
    error: str, detail: str, fields: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {"error": error, "detail": detail, "fields": dict(fields or {})}


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_fields(exc: RequestValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = _field_name(err.get("loc", ()))
        message = str(err.get("msg", "invalid value"))
        if err.get("type") == "json_invalid":
            name, message = (
                "body",
                "malformed JSON: "
                + str(err.get("ctx", {}).get("error", "cannot be parsed")),
            )
        fields.setdefault(name, message.removeprefix("Value error, "))
    return fields


def http_error_headers(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    """The headers of a framework HTTP error, with a complete `Allow` on a 405."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return headers


def database_error(exc: sa_exc.SQLAlchemyError) -> AppError | None:
    """The domain error a database failure means for the caller, if it has one.

    - a constraint the request broke (a duplicate created by a parallel request, a
      capacity below the places taken) is a conflict: 409;
    - a transaction the database aborted to resolve a race (serialisation failure,
      deadlock: SQLSTATE class 40) is a conflict the caller may retry: 409;
    - a database that cannot be reached, is restarting or locked, or a connection
      pool that is exhausted: 503 with Retry-After. The pool re-connects by itself
      (pre-ping) once the database is back.
    Anything else is a bug and stays a 500.
    """
    if isinstance(exc, sa_exc.IntegrityError):
        return ConcurrentChange(
            "this conflicts with data saved at the same moment "
            "(a duplicate or a limit); reload and try again"
        )
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    if isinstance(exc, sa_exc.OperationalError) and sqlstate.startswith("40"):
        return ConcurrentChange(
            "another change to the same data was saved at the same moment; "
            "reload and try again"
        )
    unavailable = isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
    ) or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated)
    if unavailable:
        logger.warning("database unavailable: %s", exc.__class__.__name__)
        return DatabaseUnavailable()
    return None


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        headers = dict(exc.headers)
        if exc.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return JSONResponse(
            error_body(exc.kind, exc.detail, exc.fields),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(
        request: Request, exc: RequestValidationError
    ) -> JSONResponse:
        fields = validation_fields(exc)
        detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
        return JSONResponse(
            error_body("ValidationError", detail or "invalid request", fields),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = http_error_headers(request, exc)
        if exc.status_code == 400:
            # FastAPI and Starlette raise 400 for a body they cannot parse at all
            # (JSON that is not UTF-8, broken multipart). Malformed JSON is already
            # a 422 ValidationError, so every unparseable body is one as well.
            detail = f"malformed request body: {exc.detail}"
            return JSONResponse(
                error_body("ValidationError", detail, {"body": detail}),
                status_code=422,
                headers=headers,
            )
        kind = {
            404: "NotFoundError",
            405: "MethodNotAllowed",
            413: "PayloadTooLargeError",
        }.get(exc.status_code, "HTTPError")
        return JSONResponse(
            error_body(kind, str(exc.detail)),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(sa_exc.SQLAlchemyError)
    async def _database(request: Request, exc: sa_exc.SQLAlchemyError) -> Any:
        mapped = database_error(exc)
        if mapped is None:
            raise exc  # a bug: the last-resort handler logs it and answers 500
        # The AppError handler in force (pages wrap it) renders the mapped error.
        handler = request.app.exception_handlers[AppError]
        return await handler(request, mapped)

    @app.exception_handler(MatchingError)
    async def _matching(request: Request, exc: MatchingError) -> JSONResponse:
        if isinstance(exc, InvalidQueryError):
            status = 422
        elif isinstance(exc, EncoderError):
            status = 503
        else:
            status = 500
            logger.error("matching failed", exc_info=exc)
        return JSONResponse(
            error_body(type(exc).__name__, str(exc)), status_code=status
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Never show a stack trace to a user; the log has it with the request id.
        logger.error("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body("InternalError", "internal error; it has been logged"),
            status_code=500,
        )
