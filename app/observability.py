"""Request ids, structured logs, an access log line per request, and a body size cap.

Every response carries `X-Request-ID` (the caller's, if it is a sane token, else a new
one) and every log line written while handling the request carries the same id.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from pythonjsonlogger.json import JsonFormatter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("kennisbrug.access")


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every record (as `request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(*, json: bool, level: int = logging.INFO) -> None:
    """Plain or JSON lines on stderr, each with the request id."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    fmt = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
    handler.setFormatter(JsonFormatter(fmt) if json else logging.Formatter(fmt))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our access log has the id


class RequestContextMiddleware:
    """Request id, access log and a cap on the request body size (pure ASGI)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            declared = headers.get(b"content-length")
            if (
                declared is not None
                and declared.isdigit()
                and int(declared) > self.max_body_bytes
            ):
                await self._too_large(send_with_id)
                return
            await self.app(scope, self._capped(receive), send_with_id)
        except _BodyTooLarge:
            if not response_started:
                await self._too_large(send_with_id)
        finally:
            access_log.info(
                "%s %s %s %.1fms",
                scope.get("method"),
                scope.get("path"),
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id_var.reset(token)

    def _capped(self, receive: Receive) -> Receive:
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise _BodyTooLarge()
            return message

        return counting

    async def _too_large(self, send: Send) -> None:
        import json

        body = json.dumps(
            error_body(
                "PayloadTooLargeError",
                f"request body over {self.max_body_bytes} bytes",
                {"body": f"at most {self.max_body_bytes} bytes"},
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` when a streamed body passes the cap.

    An HTTPException, because FastAPI re-raises those from body parsing (other
    errors there become a 400), so the one error handler renders it as a 413.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")
