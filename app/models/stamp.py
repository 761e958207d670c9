"""The ranking stamp: one counter that every change to an offer's ranking input bumps.

Each process keeps its own offer index per city (app/ranking/index.py) and reads
this one row per request: an unchanged `version` means the index is current; a
higher one means "load the offers whose `index_version` is above the version you
have". `rebuild_version` is the version of the last change that every index must
be rebuilt for (a district renamed, an institution renamed, an offer deleted).

The bump happens here and nowhere else, in the writer's own transaction:

- `before_flush` marks new and changed offers (`index_version = PENDING`) and
  notes offers whose stored vector changed (the embedding job's writes);
- `do_orm_execute` adds `index_version = PENDING` to bulk UPDATEs of offers
  (taking and freeing places, the yearly roll-over);
- `before_commit` of the outermost transaction then takes the counter row last
  (after every offer row it touches, so two writers never wait for each other in
  opposite orders), and gives the marked offers the new version.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
)
from sqlalchemy.sql import Update

from app.models import repository
from app.models.embedding import Embedding
from app.models.offer import Offer
from app.models.vocabulary import Institution, Municipality, Neighbourhood, Theme

PENDING = repository.PENDING

# Every Offer attribute `app.ranking.adapters.offer_input` reads (besides the id).
RANKED_ATTRIBUTES = (
    "kind",
    "title",
    "description",
    "level",
    "capacity",
    "places_taken",
    "available_from",
    "available_until",
    "intake_deadline",
    "recurrence",
    "edition",
    "status",
    "municipality_id",
    "institution_id",
    "themes",
    "neighbourhoods",
    "municipalities",
)
# Changes that reach every offer's locality or theme evidence: a full rebuild.
_REBUILD_ATTRIBUTES: dict[type[Any], tuple[str, ...]] = {
    Neighbourhood: ("slug", "name", "aliases", "municipality_id"),
    Municipality: ("name",),
    Institution: ("name",),
    Theme: ("slug",),
}

_CHANGED = "kennisbrug.stamp.changed"  # some offer row holds PENDING
_VECTORS = "kennisbrug.stamp.vectors"  # offer ids whose stored vector changed
_REBUILD = "kennisbrug.stamp.rebuild"  # every index must rebuild


def _modified(obj: object, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    info = session.info
    for obj in session.new:
        if isinstance(obj, Offer):
            obj.index_version = PENDING
            info[_CHANGED] = True
        elif isinstance(obj, Embedding) and obj.owner_type == "offer":
            info.setdefault(_VECTORS, set()).add(obj.owner_id)
        elif isinstance(obj, Neighbourhood):  # a new district's names
            info[_REBUILD] = True
    for obj in session.dirty:
        if isinstance(obj, Offer):
            if _modified(obj, RANKED_ATTRIBUTES):
                obj.index_version = PENDING
                info[_CHANGED] = True
        elif isinstance(obj, Embedding):
            if obj.owner_type == "offer" and _modified(obj, ("vector", "model_name")):
                info.setdefault(_VECTORS, set()).add(obj.owner_id)
        elif type(obj) in _REBUILD_ATTRIBUTES and _modified(
            obj, _REBUILD_ATTRIBUTES[type(obj)]
        ):
            info[_REBUILD] = True
    for obj in session.deleted:
        if isinstance(obj, Embedding) and obj.owner_type == "offer":
            info.setdefault(_VECTORS, set()).add(obj.owner_id)
        elif isinstance(obj, Offer | Neighbourhood):
            info[_REBUILD] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> Any:
    """Bulk UPDATEs of offers mark what they change; bulk DELETEs force a rebuild."""
    if not (state.is_update or state.is_delete) or state.execution_options.get(
        repository.STAMPING
    ):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not Offer:
        return None
    if state.is_delete:
        state.session.info[_REBUILD] = True
        return None
    statement = state.statement
    assert isinstance(statement, Update)
    state.session.info[_CHANGED] = True
    return state.invoke_statement(statement=statement.values(index_version=PENDING))


@event.listens_for(Session, "before_commit", insert=True)
def _before_commit(session: Session) -> None:
    """Bump once per committed transaction that changed ranking input, last."""
    if session.in_nested_transaction():
        return
    session.flush()
    info = session.info
    changed = bool(info.pop(_CHANGED, False))
    vectors: set[uuid.UUID] = info.pop(_VECTORS, set())
    rebuild = bool(info.pop(_REBUILD, False))
    if not (changed or vectors or rebuild):
        return
    if vectors:
        changed = repository.mark_pending(session, sorted(vectors)) or changed
    version = repository.bump(session, rebuild=rebuild)
    if changed:
        repository.stamp_pending(session, version)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back: start afresh
        for key in (_CHANGED, _VECTORS, _REBUILD):
            session.info.pop(key, None)


def pending(session: Session) -> bool:
    """Whether this session changed ranking input it has not committed yet."""
    info = session.info
    return bool(
        info.get(_CHANGED)
        or info.get(_VECTORS)
        or info.get(_REBUILD)
        or any(isinstance(o, Offer) for o in (*session.new, *session.dirty))
    )
