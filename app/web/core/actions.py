"""Run one service call for a button on a page: success or a Dutch message.

The page then redirects (post/redirect/get); the message shows on the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request

from app.errors import AppError
from app.web.core import messages
from app.web.core.session import flash

T = TypeVar("T")


def refusal(
    exc: AppError | ValidationError, labels: dict[str, str] | None = None
) -> str:
    """The Dutch reason a step was refused."""
    if isinstance(exc, AppError):
        return messages.dutch(exc)
    name, message = next(iter(messages.validation_errors(exc).items()))
    label = (labels or {}).get(name)
    return f"{label}: {message}" if label else message


def attempt(
    request: Request,
    session: Session,
    action: Callable[[], T],
    success: str,
    *,
    labels: dict[str, str] | None = None,
) -> T | None:
    """Call `action`; flash `success` or the refusal (after a rollback)."""
    try:
        result = action()
    except (AppError, ValidationError) as exc:
        session.rollback()
        flash(request, refusal(exc, labels), "error")
        return None
    flash(request, success)
    return result
