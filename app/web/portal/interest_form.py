"""The portal's interest form: a student tells the broker they want to work on an
assignment. Rate-limited like the API; errors come back per field in nl or en."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from app.env import Env
from app.errors import TooManyRequestsError
from app.interests import service as interest_service
from app.interests.errors import LevelNotAccepted
from app.interests.schemas import InterestCreate
from app.ratelimit import client_key, get_rate_limiter
from app.web.core.forms import FormState, payload, read_form
from app.web.portal.translations import TEXTS, PortalLang

INTEREST_FIELDS = ("name", "email", "institution", "level", "motivation")


@dataclass
class InterestResult:
    state: FormState
    status_code: int = 422
    saved: bool = False


def _labels(lang: PortalLang) -> dict[str, str]:
    texts = TEXTS[lang]
    names = ("name", "email", "institution", "your_level", "motivation")
    return dict(zip(INTEREST_FIELDS, (texts[n] for n in names), strict=True))


def empty_form(lang: PortalLang) -> FormState:
    return FormState(labels=_labels(lang))


def submit_interest(
    request: Request,
    session: Session,
    question_id: uuid.UUID,
    form: FormData,
    *,
    lang: PortalLang,
    env: Env,
) -> InterestResult:
    """Count the attempt, validate, store; errors come back per field in `lang`."""
    texts = TEXTS[lang]
    data = read_form(form, skip=("lang",))
    state = FormState(
        data={k: v for k, v in data.items() if k in INTEREST_FIELDS},
        labels=_labels(lang),
    )
    try:
        get_rate_limiter(request).hit("interest", client_key(request))
    except TooManyRequestsError:
        state.errors["form"] = texts["err_rate"]
        return InterestResult(state, status_code=429)
    body: dict[str, Any] = {
        k: v for k, v in payload(state.data).items() if k in INTEREST_FIELDS
    }
    try:
        interest_service.express_interest(
            session, question_id, InterestCreate.model_validate(body), env=env
        )
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "form"
            if name in INTEREST_FIELDS:
                state.errors.setdefault(name, texts[f"err_{name}"])
        return InterestResult(state)
    except LevelNotAccepted as exc:
        session.rollback()
        state.errors["level"] = texts["err_level_not_accepted"].format(
            levels=" / ".join(exc.levels)
        )
        return InterestResult(state)
    return InterestResult(state, status_code=303, saved=True)
