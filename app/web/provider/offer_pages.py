"""Pages for providers (and the broker): offers with their capacity."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.codes import OfferStatus
from app.deps import SessionDep, SettingsDep, TodayDep
from app.offers import service as offer_service
from app.offers.editions import current_edition
from app.offers.schemas import OfferUpdate
from app.web.core.actions import attempt
from app.web.core.page_deps import CsrfForm, ProviderPage
from app.web.core.session import flash
from app.web.core.templating import render
from app.web.provider import offer_form

router = APIRouter(include_in_schema=False)

_STATUS_STEPS: dict[str, str] = {
    OfferStatus.PAUSED: "gepauzeerd",
    OfferStatus.ACTIVE: "weer actief",
}


@router.get("/aanbod")
def offers_page(
    request: Request,
    session: SessionDep,
    user: ProviderPage,
    today: TodayDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Offers of the provider's institution (or the broker's city), newest first,
    with a search in title and description."""
    text = q.strip()
    rows, total = offer_service.list_offers(
        session,
        user,
        kind=None,
        level=None,
        theme=None,
        statuses=[],
        available_on=None,
        q=text or None,
        limit=100,
        offset=0,
        today=today,
    )
    return render(
        request,
        "provider/offers.html",
        {
            "offers": rows,
            # What each offer is today: a yearly one's current edition.
            "editions": {o.id: current_edition(o, today) for o in rows},
            "total": total,
            "q": text,
        },
    )


@router.get("/aanbod/nieuw")
def new_offer_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ProviderPage,
    today: TodayDep,
) -> Response:
    """The form for a course, thesis places or research expertise."""
    context = offer_form.form_context(
        session, user, offer_form.empty_state(), today=today, settings=settings
    )
    return render(request, "provider/offer_form.html", context)


@router.post("/aanbod/nieuw", name="provider_create_offer")
def create_offer(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ProviderPage,
    form: CsrfForm,
    today: TodayDep,
) -> Response:
    """Register the offer; errors re-show what was typed."""
    result = offer_form.create_offer(session, form, user=user, settings=settings)
    if result.offer is None:
        context = offer_form.form_context(
            session, user, result.state, today=today, settings=settings
        )
        return render(request, "provider/offer_form.html", context, status_code=422)
    flash(request, f"Het aanbod '{result.offer.title}' is geregistreerd.")
    return RedirectResponse(f"/aanbod/{result.offer.id}", status_code=303)


@router.get("/aanbod/{offer_id}")
def offer_page(
    request: Request,
    offer_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    user: ProviderPage,
    today: TodayDep,
) -> Response:
    """One offer: its places, an edit form, pause or resume (the last two not for
    a broker of a city the offer only serves: they may not change it)."""
    offer = offer_service.get_visible_offer(session, offer_id, user)
    state = offer_form.state_of(offer, today)
    context = offer_form.form_context(
        session, user, state, offer, today=today, settings=settings
    )
    return render(request, "provider/offer_form.html", context)


@router.post("/aanbod/{offer_id}", name="provider_update_offer")
def update_offer(
    request: Request,
    offer_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    user: ProviderPage,
    form: CsrfForm,
    today: TodayDep,
) -> Response:
    """Save changes; capacity never drops below the places already taken."""
    offer = offer_service.get_visible_offer(session, offer_id, user)
    result = offer_form.update_offer(session, offer, form, user=user, today=today)
    if result.offer is None:
        offer = offer_service.get_visible_offer(session, offer_id, user)
        context = offer_form.form_context(
            session, user, result.state, offer, today=today, settings=settings
        )
        return render(request, "provider/offer_form.html", context, status_code=422)
    flash(request, "De wijzigingen zijn opgeslagen.")
    return RedirectResponse(f"/aanbod/{offer_id}", status_code=303)


@router.post("/aanbod/{offer_id}/status", name="provider_change_status")
def change_status(
    request: Request,
    offer_id: uuid.UUID,
    session: SessionDep,
    user: ProviderPage,
    form: CsrfForm,
    today: TodayDep,
) -> Response:
    """Pause an offer (no new matches) or make it active again."""
    to = str(form.get("to") or "")
    if to not in _STATUS_STEPS:
        flash(request, "Kies pauzeren of hervatten.", "error")
    else:
        update = OfferUpdate.model_validate({"status": to})
        attempt(
            request,
            session,
            lambda: offer_service.update_offer(
                session, offer_id, update, actor=user, today=today
            ),
            f"Het aanbod is {_STATUS_STEPS[to]}.",
        )
    return RedirectResponse(f"/aanbod/{offer_id}", status_code=303)
