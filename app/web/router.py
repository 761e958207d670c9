"""All page routers in one, for create_app."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.broker import allocation_page, board, match_actions, question_page
from app.web.core import assets, home, login
from app.web.provider import import_page, offer_pages
from app.web.staff import question_pages

router = APIRouter(include_in_schema=False)
for _module in (
    assets,
    login,
    home,
    question_pages,
    import_page,
    offer_pages,
    board,
    question_page,
    match_actions,
    allocation_page,
):
    router.include_router(_module.router)
