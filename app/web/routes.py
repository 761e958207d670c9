"""Every page router, in one place: create_app includes this `router` once.

Order matters where paths overlap: the CSV import (/aanbod/import) comes before
the offer pages, whose /aanbod/{offer_id} would otherwise catch it.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.web.admin import accounts_page, municipalities_page
from app.web.broker import (
    allocation_page,
    board,
    learning_switch,
    match_actions,
    question_page,
)
from app.web.core import (
    assets,
    home,
    info_pages,
    login,
    mail_preferences,
    password_page,
    password_reset,
)
from app.web.portal import confirm_page, student_pages
from app.web.provider import import_page, offer_pages, proposals_page
from app.web.reports import capacity_page, network_page, summary_page
from app.web.staff import intake_help, question_pages

router = APIRouter(include_in_schema=False)
for _module in (
    assets,
    login,
    home,
    mail_preferences,
    password_reset,
    intake_help,
    question_pages,
    import_page,
    proposals_page,
    offer_pages,
    board,
    question_page,
    match_actions,
    allocation_page,
    confirm_page,
    student_pages,
    summary_page,
    capacity_page,
    learning_switch,
    accounts_page,
    info_pages,
    password_page,
    network_page,
    municipalities_page,
):
    router.include_router(_module.router)
