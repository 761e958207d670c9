"""The in-process offer index of each city, kept current by the ranking stamp.

Building an index (lexical, concept and locality models) takes seconds for
thousands of offers; ranking against one a few milliseconds. So each process keeps
one index per city (and model) and, per request, reads the ranking stamp
(app/models/stamp.py), one tiny query:

- unchanged: the cached index is used as it is, no offer is loaded;
- changed: only the offers whose `index_version` is above the cached version are
  loaded; those still serving the city (and not archived) replace or join their
  rows, the others leave (`OfferIndex.updated`); a change of availability only
  (capacity, status) just refreshes the hard-rule columns;
- first use, a new day (a yearly offer's current edition depends on it) or a
  change every index must rebuild for: a full build.

Vectors come only from the stored embeddings (the embedding job writes them and
bumps the stamp). One lock per city makes concurrent misses wait for one build.
The cache belongs to the session's bind: one per engine (an app, a process); the
tests' sessions bound to a rolled-back connection get one per connection.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from app.codes import OfferStatus
from app.models import Offer
from app.models.stamp import pending
from app.municipalities import repository as municipality_repository
from app.ranking import embeddings, repository
from app.ranking.adapters import (
    DEFAULT_CONFIG,
    Encoder,
    OfferIndex,
    city_gazetteer,
    offer_input,
)


@dataclass(frozen=True, slots=True)
class CityIndex:
    """A city's offer index at one stamp version, with each offer id's row."""

    index: OfferIndex
    rows: dict[str, int]
    version: int
    today: date

    @classmethod
    def of(cls, index: OfferIndex, version: int, today: date) -> CityIndex:
        rows = {o.id: k for k, o in enumerate(index.offers)}
        return cls(index=index, rows=rows, version=version, today=today)


_Key = tuple[uuid.UUID, str | None, str]


class OfferIndexes:
    """The cached index per (city, model, engine version) of one database."""

    def __init__(self) -> None:
        self._items: dict[_Key, CityIndex] = {}
        self._locks: dict[_Key, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: _Key) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(
        self,
        session: Session,
        encoder: Encoder | None,
        city: uuid.UUID,
        today: date,
    ) -> CityIndex:
        """The city's index as of the committed stamp (see the module docstring)."""
        version, rebuild = repository.stamp(session)
        key = (city, encoder.model_name if encoder else None, DEFAULT_CONFIG.version)
        cached = self._items.get(key)
        if _current(cached, version, today):
            assert cached is not None
            return cached
        if pending(session):
            # This transaction changed offers it has not committed: what it reads
            # is not what other requests may see, so it is used but not kept.
            return _refreshed(session, encoder, city, today, cached, version, rebuild)
        with self._lock(key):
            cached = self._items.get(key)
            if _current(cached, version, today):
                assert cached is not None
                return cached
            fresh = _refreshed(session, encoder, city, today, cached, version, rebuild)
            self._items[key] = fresh
            return fresh


def _current(cached: CityIndex | None, version: int, today: date) -> bool:
    return cached is not None and cached.today == today and cached.version >= version


_caches: weakref.WeakKeyDictionary[Any, OfferIndexes] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def indexes_of(session: Session) -> OfferIndexes:
    """The cache of the session's database connection pool (engine)."""
    bind = session.get_bind()
    with _caches_lock:
        found = _caches.get(bind)
        if found is None:
            found = _caches[bind] = OfferIndexes()
        return found


def city_index(
    session: Session, encoder: Encoder | None, city: uuid.UUID, today: date
) -> CityIndex:
    """The current offer index of a city (every offer serving it, not archived)."""
    return indexes_of(session).get(session, encoder, city, today)


def _refreshed(
    session: Session,
    encoder: Encoder | None,
    city: uuid.UUID,
    today: date,
    cached: CityIndex | None,
    version: int,
    rebuild: int,
) -> CityIndex:
    if cached is None or cached.today != today or rebuild > cached.version:
        return CityIndex.of(_build(session, encoder, city, today), version, today)
    changed = repository.offers_changed_since(session, cached.version)
    return CityIndex.of(
        _updated(session, encoder, city, cached, changed), version, today
    )


def _belongs(o: Offer, city: uuid.UUID) -> bool:
    return o.serves(city) and o.status != OfferStatus.ARCHIVED


def _build(
    session: Session, encoder: Encoder | None, city: uuid.UUID, today: date
) -> OfferIndex:
    offers = repository.offer_pool(session, city)
    inputs = [offer_input(o, today, city) for o in offers]
    vectors = (
        embeddings.stored_offer_vectors(session, encoder, [o.id for o in inputs])
        if encoder
        else None
    )
    # Districts cities joined with (in the database) reach the locality evidence,
    # and this city's district and buurt names the neighbourhood evidence.
    districts = {
        name: [n for names in hoods.values() for n in names]
        for name, hoods in municipality_repository.district_names(session).items()
    }
    return OfferIndex.build(
        inputs,
        vectors,
        DEFAULT_CONFIG,
        gazetteer=city_gazetteer(districts),
        neighbourhood_names=municipality_repository.neighbourhood_names(session, city),
    )


def _updated(
    session: Session,
    encoder: Encoder | None,
    city: uuid.UUID,
    cached: CityIndex,
    changed: list[Offer],
) -> OfferIndex:
    index = cached.index
    kept = [offer_input(o, cached.today, city) for o in changed if _belongs(o, city)]
    removed = [
        str(o.id) for o in changed if not _belongs(o, city) and str(o.id) in cached.rows
    ]
    vectors = (
        embeddings.stored_offer_vectors(session, encoder, [o.id for o in kept])
        if encoder
        else None
    )
    if not kept and not removed:
        return index
    if not removed and _availability_only(cached, kept, vectors):
        offers = list(index.offers)
        for o in kept:
            offers[cached.rows[o.id]] = o
        return index.with_availability(offers)
    return index.updated(kept, vectors, removed)


def _availability_only(
    cached: CityIndex, kept: list[Any], vectors: np.ndarray[Any, Any] | None
) -> bool:
    """Whether the changed offers are all known and differ only in capacity or status
    (what a confirm or a pause changes): then the text models stay as they are."""
    index = cached.index
    for k, o in enumerate(kept):
        row = cached.rows.get(o.id)
        if row is None:
            return False
        old = index.offers[row]
        if replace(o, remaining_capacity=0, is_active=True) != replace(
            old, remaining_capacity=0, is_active=True
        ):
            return False
        if (
            vectors is not None
            and index.source_vectors is not None
            and not np.array_equal(vectors[k], index.source_vectors[row])
        ):
            return False
    return True
