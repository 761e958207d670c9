"""The ranking stamp's writes (app/models/stamp.py calls these at commit)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from app.models.offer import Offer, RankingStamp

# `index_version` of an offer changed in a transaction not committed yet.
PENDING = -1
# Execution option of the stamp's own statements (not marked again).
STAMPING = "kennisbrug_stamping"


def mark_pending(session: Session, offer_ids: Sequence[uuid.UUID]) -> bool:
    """Mark offers (whose stored vector changed) for the coming bump; locks them."""
    result = session.execute(
        update(Offer)
        .where(Offer.id.in_(list(offer_ids)))
        .values(index_version=PENDING)
        .execution_options(synchronize_session=False, **{STAMPING: True})
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def bump(session: Session, *, rebuild: bool) -> int:
    """Take the stamp row (held until commit) and return its next version."""
    values = {"version": RankingStamp.version + 1}
    if rebuild:
        values["rebuild_version"] = RankingStamp.version + 1
    version = session.execute(
        update(RankingStamp)
        .where(RankingStamp.id == 1)
        .values(values)
        .returning(RankingStamp.version)
        .execution_options(synchronize_session=False)
    ).scalar()
    if version is not None:
        return int(version)
    # No row yet (a database made without the migration's insert).
    session.execute(insert(RankingStamp).values(id=1, version=1, rebuild_version=1))
    return 1


def stamp_pending(session: Session, version: int) -> None:
    """Give every offer this transaction marked the new version."""
    session.execute(
        update(Offer)
        .where(Offer.index_version == PENDING)
        .values(index_version=version)
        .execution_options(synchronize_session="evaluate", **{STAMPING: True})
    )
