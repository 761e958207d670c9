"""Offers over HTTP: providers for their own institution, brokers for their city."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.codes import Level, OfferKind, OfferStatus
from app.deps import OfferUser, SessionDep, SettingsDep, TodayDep
from app.errors import error_responses
from app.offers import service
from app.offers.schemas import (
    OfferCreate,
    OfferRead,
    OfferUpdate,
)
from app.schemas import IsoDate, LimitQuery, OffsetQuery, Page

router = APIRouter(prefix="/api/offers", tags=["offers"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "wrong role or institution",
        404: "no such offer visible to you",
        422: "invalid input",
    }
)


@router.post("", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def create_offer(
    data: OfferCreate,
    session: SessionDep,
    user: OfferUser,
    settings: SettingsDep,
    today: TodayDep,
) -> OfferRead:
    """Register a course, thesis places or research expertise. Provider or broker."""
    o = service.create_offer(session, data, actor=user, settings=settings)
    return OfferRead.at(o, today)


@router.get("", responses=_ERRORS)
def list_offers(
    session: SessionDep,
    user: OfferUser,
    today: TodayDep,
    kind: OfferKind | None = None,
    level: Level | None = None,
    theme: Annotated[str | None, Query(max_length=60)] = None,
    status: Annotated[list[OfferStatus] | None, Query()] = None,
    available_on: IsoDate | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> Page[OfferRead]:
    """Offers of your institution (provider) or your city (broker), newest first."""
    rows, total = service.list_offers(
        session,
        user,
        kind=kind,
        level=level,
        theme=theme,
        statuses=list(status or []),
        available_on=available_on,
        q=q,
        limit=limit,
        offset=offset,
        today=today,
    )
    return Page(
        items=[OfferRead.at(r, today) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{offer_id:uuid}", responses=_ERRORS)
def read_offer(
    offer_id: uuid.UUID, session: SessionDep, user: OfferUser, today: TodayDep
) -> OfferRead:
    """One offer with its remaining capacity. Its institution's providers or the broker."""
    return OfferRead.at(service.get_visible_offer(session, offer_id, user), today)


@router.patch(
    "/{offer_id:uuid}",
    responses={
        **_ERRORS,
        **error_responses({409: "capacity below places taken"}),
    },
)
def update_offer(
    offer_id: uuid.UUID,
    data: OfferUpdate,
    session: SessionDep,
    user: OfferUser,
    today: TodayDep,
) -> OfferRead:
    """Edit, pause or archive an offer (a yearly one: its current edition).

    Its institution's providers or the broker.
    """
    o = service.update_offer(session, offer_id, data, actor=user, today=today)
    return OfferRead.at(o, today)
