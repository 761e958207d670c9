"""All page routers in one, for create_app."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import (
    allocation,
    assets,
    auth,
    broker,
    broker_actions,
    common,
    imports,
    provider,
    staff,
)

router = APIRouter(include_in_schema=False)
for _module in (
    assets,
    auth,
    common,
    staff,
    imports,
    provider,
    broker,
    broker_actions,
    allocation,
):
    router.include_router(_module.router)
