"""Liveness (`/healthz`: the database) and readiness (`/readyz`: database and model)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.deps import EncoderDep, SessionDep

router = APIRouter(tags=["health"])


class HealthRead(BaseModel):
    status: Literal["ok", "ready", "degraded", "error"]
    database: Literal["ok", "unreachable"]
    model: str | None = None


_UNREACHABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": HealthRead, "description": "database unreachable"}
}


def _database_ok(session: SessionDep) -> bool:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


@router.get("/healthz", response_model=HealthRead, responses=_UNREACHABLE)
def healthz(session: SessionDep) -> JSONResponse:
    """Is the service up and its database reachable? Anyone."""
    if not _database_ok(session):
        return JSONResponse(
            {"status": "error", "database": "unreachable"}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/readyz", response_model=HealthRead, responses=_UNREACHABLE)
def readyz(session: SessionDep, encoder: EncoderDep) -> JSONResponse:
    """Ready to serve? Database reachable; model loaded, or `degraded` when ranking
    runs on words and themes only (the service still works). Anyone."""
    if not _database_ok(session):
        return JSONResponse(
            {"status": "error", "database": "unreachable", "model": None},
            status_code=503,
        )
    if encoder is None:
        return JSONResponse(
            {
                "status": "degraded",
                "database": "ok",
                "model": "unavailable: lexical ranking",
            }
        )
    return JSONResponse(
        {"status": "ready", "database": "ok", "model": encoder.model_name}
    )
