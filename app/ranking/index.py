"""The in-process offer index: built once per offer set, reused per request.

Ranking a question against an index takes a few milliseconds; building one (the
lexical and concept models) takes far longer, so the index is cached per city
and offer texts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from app.models import Offer
from app.municipalities import repository as municipality_repository
from app.ranking import embeddings
from app.ranking.adapters import (
    DEFAULT_CONFIG,
    Encoder,
    OfferIndex,
    city_gazetteer,
    offer_input,
)


class _IndexCache:
    """A few recently built offer indexes, keyed by what their text models depend on.

    Building an index (lexical and concept models) costs about 0.1-0.3 s for a city's
    offers; ranking against it a few ms. The key is every offer's ranking input
    except its availability (remaining capacity, status), which changes with every
    confirm: on a hit only the hard-rule columns are refreshed. One lock makes
    concurrent misses wait for a single build instead of each building.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._items: OrderedDict[tuple[object, ...], OfferIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(
        self, key: tuple[object, ...], build: Callable[[], OfferIndex]
    ) -> OfferIndex:
        with self._lock:
            index = self._items.get(key)
            if index is None:
                index = build()
                self._items[key] = index
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            return index


_cache = _IndexCache()


def build_index(
    session: Session, encoder: Encoder | None, offers: Sequence[Offer], today: date
) -> OfferIndex:
    """The index of the offers as they stand on `today` (current editions)."""
    inputs = tuple(offer_input(o, today) for o in offers)
    texts_only = tuple(replace(o, remaining_capacity=0, is_active=True) for o in inputs)
    # Districts cities joined with (in the database) reach the locality evidence.
    districts = {
        city: [name for names in hoods.values() for name in names]
        for city, hoods in municipality_repository.district_names(session).items()
    }
    places = tuple(sorted((c, tuple(n)) for c, n in districts.items()))
    key = (
        encoder.model_name if encoder else None,
        DEFAULT_CONFIG.version,
        texts_only,
        places,
    )

    def build() -> OfferIndex:
        vectors = (
            embeddings.offer_vectors(session, encoder, offers) if encoder else None
        )
        return OfferIndex.build(
            inputs, vectors, DEFAULT_CONFIG, gazetteer=city_gazetteer(districts)
        )

    index = _cache.get_or_build(key, build)
    return index if index.offers == inputs else index.with_availability(inputs)
