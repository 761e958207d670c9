"""Locality: is the offer's provider in the place the question is about?

A city's knowledge broker calls local providers first: in the public real pairings
92% of the confirmed providers are in the question's own municipality. This module
finds, in plain text, which Dutch municipality or region a question is about and
where an offer's provider is, from two general tables (no data set in them):

- `data/places.json`: all 342 Dutch municipalities by province, with for the larger
  ones their other names (*'s-Gravenhage*, *Den Bosch*), adjectives and demonyms
  (*Leidse*, *Stadjers*), the towns of merged municipalities (*Geleen*) and common
  district names (*Kralingen*, *Kanaleneiland*); and the major regions (*Twente*,
  *Parkstad*, *Haaglanden*, ...) with their member municipalities;
- `data/institutions.json`: the universities, umc's, hogescholen and large mbo
  colleges with their campus cities, main campus first.

A question's places come from its text; an offer's from its text, its institution
field, and the institutions named in either (a campus city of a multi-campus
institution counts `campus_weight`, its main campus fully). When the offer's text
names municipalities itself, that is where it runs: the institution's cities it does
not name count `campus_weight` times less (*Kenniswerkplaats Den Helder* of a
hogeschool with nine campuses is not local to all nine).

Evidence, per offer, in [0, 1]: 1 in the same municipality, `region_credit` in the
same named region, `province_credit` in the same province, 0 when both places are
known and differ. It is absent (neutral, dropped from the weighted mean) for an
offer whose place is unknown, and entirely when the question names no place. In the
service each city ranks its own pool, so there the signal is mostly neutral; it
matters in mixed pools and for offers that serve several cities.

Matching is a dictionary lookup of folded token n-grams (longest first), so a text
costs O(tokens); the offer side is computed once in `LocalityIndex.build`, the
per-question work is a column slice of a sparse matrix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.splice import RowPlan
from matching.text import fold

__all__ = [
    "Gazetteer",
    "LocalityIndex",
    "Places",
    "default_gazetteer",
]

F32 = npt.NDArray[np.float32]

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# A token after one of these starts a sentence: an ambiguous name there may be the
# common word ("Buren klagen", "Best practices").
_SENTENCE_END = frozenset(".!?:;\n")
# Spaces, quotes and brackets that may stand between a sentence end and a word.
_OPENERS = " \t\"'(\u201c\u2018"


@dataclass(frozen=True, slots=True)
class Places:
    """The places one text names.

    Attributes:
        municipalities: Municipality index -> weight in (0, 1].
        regions: Indices of named regions (not provinces) the text names directly.
        provinces: Indices of provinces the text names directly.
        named: Municipalities the text names itself (not through an institution's
            campuses or a district name several municipalities share).
    """

    municipalities: dict[int, float]
    regions: frozenset[int]
    provinces: frozenset[int]
    named: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.municipalities or self.regions or self.provinces)


@dataclass(frozen=True, slots=True)
class _Target:
    level: str  # "municipality", "region", "province" or "institution"
    index: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Names of Dutch places and institutions, as a token n-gram lookup table.

    Attributes:
        municipalities: Municipality names (M).
        regions: Named regions (R).
        provinces: Province names (P).
        municipality_regions: (M, R) bool membership.
        municipality_province: (M,) province index of each municipality.
        institutions: Institution names.
        institution_cities: Per institution, municipality indices, main first.
        table: Folded token tuple -> (targets, capitalised token mask).
        ambiguous: Folded single-token names that are also common words.
        longest: Longest key length in tokens.
    """

    municipalities: tuple[str, ...]
    regions: tuple[str, ...]
    provinces: tuple[str, ...]
    municipality_regions: npt.NDArray[np.bool_]
    municipality_province: npt.NDArray[np.int64]
    institutions: tuple[str, ...]
    institution_cities: tuple[tuple[int, ...], ...]
    table: dict[tuple[str, ...], tuple[tuple[_Target, ...], tuple[bool, ...]]]
    ambiguous: frozenset[str]
    longest: int

    @classmethod
    def load(
        cls, places_text: str | None = None, institutions_text: str | None = None
    ) -> Gazetteer:
        """Read the two tables (the packaged files when None)."""
        data = resources.files("matching").joinpath("data")
        places = json.loads(
            places_text or data.joinpath("places.json").read_text("utf-8")
        )
        insts = json.loads(
            institutions_text or data.joinpath("institutions.json").read_text("utf-8")
        )
        provinces = tuple(p["name"] for p in places["provinces"])
        province_index = {name: i for i, name in enumerate(provinces)}
        munis = places["municipalities"]
        names = tuple(m["name"] for m in munis)
        muni_index = {name: i for i, name in enumerate(names)}
        regions = tuple(r["name"] for r in places["regions"])
        membership = np.zeros((len(names), len(regions)), dtype=bool)
        for r, region in enumerate(places["regions"]):
            for member in region["members"]:
                membership[muni_index[member], r] = True
        generic = {fold(n) for n in places.get("generic_districts", ())}
        entries: dict[tuple[str, ...], dict[_Target, None]] = {}
        masks: dict[tuple[str, ...], tuple[bool, ...]] = {}

        def add(name: str, target: _Target) -> None:
            key = tuple(fold(name).split())
            if not key:
                return
            entries.setdefault(key, {})[target] = None
            mask = tuple(w[:1].isupper() for w in _TOKEN.findall(name))
            if len(mask) != len(key):
                mask = (True,) * len(key)
            previous = masks.get(key)
            # Several names share a key: require only what all of them capitalise.
            masks[key] = (
                mask
                if previous is None
                else tuple(a and b for a, b in zip(previous, mask, strict=True))
            )

        district_owners: dict[tuple[str, ...], set[int]] = {}
        for i, m in enumerate(munis):
            target = _Target("municipality", i)
            adjectives = m.get("adjectives", ())
            for name in (
                m["name"],
                *m.get("aliases", ()),
                *adjectives,
                *_uninflected(adjectives),
            ):
                add(name.split(" (")[0] if name.endswith(")") else name, target)
            for name in (*m.get("places", ()), *m.get("districts", ())):
                key = tuple(fold(name).split())
                if fold(name) in generic or not key:
                    continue
                district_owners.setdefault(key, set()).add(i)
                add(name, target)
        for r, region in enumerate(places["regions"]):
            for name in (region["name"], *region.get("aliases", ())):
                add(name, _Target("region", r))
        for p, province in enumerate(places["provinces"]):
            for name in (province["name"], *province.get("aliases", ())):
                add(name, _Target("province", p))
        inst_names = []
        inst_cities = []
        for k, inst in enumerate(insts["institutions"]):
            inst_names.append(inst["name"])
            inst_cities.append(tuple(muni_index[c] for c in inst["cities"]))
            for name in (inst["name"], *inst.get("aliases", ())):
                add(name, _Target("institution", k))
        table = {key: (tuple(targets), masks[key]) for key, targets in entries.items()}
        return cls(
            municipalities=names,
            regions=regions,
            provinces=provinces,
            municipality_regions=membership,
            municipality_province=np.array(
                [province_index[m["province"]] for m in munis], dtype=np.int64
            ),
            institutions=tuple(inst_names),
            institution_cities=tuple(inst_cities),
            table=table,
            ambiguous=frozenset(fold(n) for n in places.get("ambiguous", ())),
            longest=max(len(k) for k in table),
        )

    def with_districts(self, districts: Mapping[str, Sequence[str]]) -> Gazetteer:
        """The gazetteer with more district and buurt names of known municipalities.

        For cities that joined with their own districts: a question naming one
        ("Tanthof") is then about that city. A name the tables already know keeps
        its meaning; a city the tables do not know is skipped.

        Args:
            districts: Municipality name -> district and buurt names.

        Returns:
            A new gazetteer (this one when nothing is added).
        """
        cities = {fold(name): i for i, name in enumerate(self.municipalities)}
        table = dict(self.table)
        for city, names in districts.items():
            index = cities.get(fold(city))
            if index is None:
                continue
            for name in names:
                key = tuple(fold(name).split())
                if not key or key in table or fold(name) in self.ambiguous:
                    continue
                mask = tuple(w[:1].isupper() for w in _TOKEN.findall(name))
                table[key] = (
                    (_Target("municipality", index),),
                    mask if len(mask) == len(key) else (True,) * len(key),
                )
        if len(table) == len(self.table):
            return self
        return replace(self, table=table, longest=max(len(k) for k in table))

    def find(self, text: str, *, campus_weight: float = 1.0) -> Places:
        """The places a text names (longest match first, proper nouns only).

        Args:
            text: Any text.
            campus_weight: Weight of an institution's other campuses; its main
                campus counts 1.

        Returns:
            The places; institutions named in the text add their campus cities.
        """
        found = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
        folded = [fold(word) for word, _ in found]
        municipalities: dict[int, float] = {}
        named: set[int] = set()
        regions: set[int] = set()
        provinces: set[int] = set()
        # Names several municipalities share ("Nieuw-West", "Oud-Zuid"): resolved
        # after the scan, from the other places the text names.
        shared: list[tuple[int, ...]] = []
        i = 0
        while i < len(found):
            match = self._match(text, found, folded, i)
            if match is None:
                i += 1
                continue
            length, targets = match
            owners = tuple(t.index for t in targets if t.level == "municipality")
            if len(owners) > 1:
                shared.append(owners)
            for target in targets:
                if target.level == "municipality":
                    if len(owners) == 1:
                        municipalities[target.index] = 1.0
                        named.add(target.index)
                elif target.level == "region":
                    regions.add(target.index)
                elif target.level == "province":
                    provinces.add(target.index)
                else:
                    for rank_, city in enumerate(self.institution_cities[target.index]):
                        weight = 1.0 if rank_ == 0 else campus_weight
                        municipalities[city] = max(
                            municipalities.get(city, 0.0), weight
                        )
            i += length
        for owners in shared:
            self._resolve(owners, municipalities, regions, provinces)
        return Places(
            municipalities, frozenset(regions), frozenset(provinces), frozenset(named)
        )

    def _resolve(
        self,
        owners: tuple[int, ...],
        municipalities: dict[int, float],
        regions: set[int],
        provinces: set[int],
    ) -> None:
        """Credit a name several municipalities share (in place).

        The owners the text also names otherwise (the municipality itself, or its
        region or province) take it; without such context the credit is split
        evenly, so a shared district name alone cannot make a question fully local
        to two cities at once.
        """
        named = [
            c
            for c in owners
            if c in municipalities
            or int(self.municipality_province[c]) in provinces
            or any(bool(self.municipality_regions[c, r]) for r in regions)
        ]
        chosen = named or list(owners)
        weight = 1.0 if named else 1.0 / len(owners)
        for city in chosen:
            municipalities[city] = max(municipalities.get(city, 0.0), weight)

    def _match(
        self,
        text: str,
        found: Sequence[tuple[str, int]],
        folded: Sequence[str],
        start: int,
    ) -> tuple[int, tuple[_Target, ...]] | None:
        for length in range(min(self.longest, len(found) - start), 0, -1):
            key = tuple(folded[start : start + length])
            entry = self.table.get(key)
            if entry is None:
                continue
            targets, mask = entry
            words = [word for word, _ in found[start : start + length]]
            if any(
                must and not (w[:1].isupper() or w[:1].isdigit())
                for must, w in zip(mask, words, strict=True)
            ):
                continue
            if length == 1 and key[0] in self.ambiguous:
                before = text[: found[start][1]].rstrip(_OPENERS)
                if not before or before[-1] in _SENTENCE_END:
                    continue
            return length, targets
        return None


def _uninflected(adjectives: Sequence[str]) -> list[str]:
    """The uninflected forms of place adjectives: *Alkmaars Kanaal*, *Haags beleid*
    and *Leids Ontzet* beside *Alkmaarse*, *Haagse* and *Leidse* (Dutch drops the
    -e before a neuter noun and in names)."""
    return [
        a[:-1] for a in adjectives if " " not in a and a.endswith("se") and len(a) > 5
    ]


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged tables, read once per process."""
    return Gazetteer.load()


@dataclass(frozen=True, slots=True)
class LocalityIndex:
    """Where each offer's provider is, built once per offer set.

    Attributes:
        gazetteer: The place tables.
        municipality: (n, M) CSC float32, weight of each municipality per offer.
        region: (n, R) float32, strongest municipality weight per named region.
        province: (n, P) float32, strongest municipality weight per province.
        known: (n,) bool, offers whose place is known.
        region_credit: Evidence for the same named region (not municipality).
        province_credit: Evidence for the same province only.
        campus_weight: Weight of an institution's other campuses.
    """

    gazetteer: Gazetteer
    municipality: sparse.csc_matrix
    region: F32
    province: F32
    known: npt.NDArray[np.bool_]
    region_credit: float
    province_credit: float
    campus_weight: float

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        institutions: Sequence[str],
        *,
        gazetteer: Gazetteer | None = None,
        region_credit: float = 0.5,
        province_credit: float = 0.25,
        campus_weight: float = 0.5,
    ) -> LocalityIndex:
        """Locate every offer from its text and institution.

        Args:
            texts: n offer texts.
            institutions: n institution fields (may be empty).
            gazetteer: The tables; None for the packaged ones.
            region_credit: Evidence for the same named region.
            province_credit: Evidence for the same province.
            campus_weight: Weight of an institution's other campuses.

        Returns:
            The index.
        """
        gaz = default_gazetteer() if gazetteer is None else gazetteer
        m = len(gaz.municipalities)
        empty = cls(
            gazetteer=gaz,
            municipality=sparse.csc_matrix((0, m), dtype=np.float32),
            region=np.zeros((0, len(gaz.regions)), dtype=np.float32),
            province=np.zeros((0, len(gaz.provinces)), dtype=np.float32),
            known=np.zeros(0, dtype=bool),
            region_credit=region_credit,
            province_credit=province_credit,
            campus_weight=campus_weight,
        )
        return empty.spliced(RowPlan.fresh(len(texts)), texts, institutions)

    def spliced(
        self, plan: RowPlan, texts: Sequence[str], institutions: Sequence[str]
    ) -> LocalityIndex:
        """The index after `plan`, locating only the fresh offers.

        An offer's place depends on its own text and institution only, so the old
        rows are reused as they are.

        Args:
            plan: Old rows kept and fresh rows placed (`matching.splice`).
            texts: Texts of the fresh offers.
            institutions: Institution fields of the fresh offers.

        Returns:
            The index a build on the resulting offers gives.
        """
        gaz = self.gazetteer
        n, m = len(texts), len(gaz.municipalities)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        # A pool names a few institutions thousands of times: locate each once.
        located: dict[str, dict[int, float]] = {}
        campus_weight = self.campus_weight
        for row, (text, institution) in enumerate(
            zip(texts, institutions, strict=True)
        ):
            if institution not in located:
                located[institution] = dict(
                    gaz.find(institution, campus_weight=campus_weight).municipalities
                )
            weights = dict(located[institution])
            found = gaz.find(text, campus_weight=campus_weight)
            for city, weight in found.municipalities.items():
                weights[city] = max(weights.get(city, 0.0), weight)
            named = found.named
            if named:
                # The offer's own text says where it runs; the campus cities of its
                # institution that it does not name are only a guess, so they count
                # as another campus does.
                weights = {
                    city: weight if city in named else weight * campus_weight
                    for city, weight in weights.items()
                }
            for city, weight in weights.items():
                rows.append(row)
                cols.append(city)
                vals.append(weight)
        matrix = sparse.csr_matrix(
            (np.array(vals, dtype=np.float32), (rows, cols)), shape=(n, m)
        )
        dense = matrix.toarray()
        region = _strongest(dense, gaz.municipality_regions)
        province = _strongest(
            dense, np.eye(len(gaz.provinces), dtype=bool)[gaz.municipality_province]
        )
        known = np.asarray(dense.max(axis=1) > 0 if n else np.zeros(0, bool))
        return LocalityIndex(
            gazetteer=gaz,
            municipality=sparse.csc_matrix(
                plan.rows(sparse.csr_matrix(self.municipality), matrix)
            ),
            region=plan.array(self.region, region),
            province=plan.array(self.province, province),
            known=plan.array(self.known, known),
            region_credit=self.region_credit,
            province_credit=self.province_credit,
            campus_weight=campus_weight,
        )

    def question_places(self, text: str) -> Places:
        """The places a question text names."""
        return self.gazetteer.find(text, campus_weight=self.campus_weight)

    def scores(self, places: Places) -> F32 | None:
        """Locality evidence of every offer for a question's places.

        Args:
            places: `question_places(text)`.

        Returns:
            (n,) float32 in [0, 1]; None when the question names no place.
        """
        if not places or self.municipality.shape[0] == 0:
            return None
        gaz = self.gazetteer
        cities = sorted(places.municipalities)
        regions = set(places.regions)
        provinces = set(places.provinces)
        for city in cities:
            regions.update(np.flatnonzero(gaz.municipality_regions[city]).tolist())
            provinces.add(int(gaz.municipality_province[city]))
        # The most specific level the question names earns full credit.
        region_credit = self.region_credit if cities else 1.0
        province_credit = (
            self.province_credit
            if cities
            else (self.region_credit if places.regions else 1.0)
        )
        out = np.zeros(self.municipality.shape[0], dtype=np.float32)
        if cities:
            # A city the question names only weakly (a shared district name, an
            # institution's other campus) counts with the question's weight too.
            weights = np.array(
                [places.municipalities[c] for c in cities], dtype=np.float32
            )
            city = self.municipality[:, cities] @ sparse.diags(weights)
            out = np.maximum(out, np.asarray(city.max(axis=1).toarray()).ravel())
        if regions:
            out = np.maximum(
                out, region_credit * self.region[:, sorted(regions)].max(axis=1)
            )
        if provinces:
            out = np.maximum(
                out, province_credit * self.province[:, sorted(provinces)].max(axis=1)
            )
        result: F32 = np.clip(out, 0.0, 1.0).astype(np.float32)
        return result

    def strength(self, evidence: F32, share_full: float) -> float:
        """How much the locality evidence can say in this pool, in [0, 1].

        Like a concept's IDF: when most offers are local to the question (a city's
        own pool), being local says little. With `s` the mean evidence over the
        offers whose place is known, the strength is `ln(1/s) / ln(1/share_full)`,
        clipped to [0, 1]: full when at most `share_full` of the pool is local,
        zero when all of it is.

        Args:
            evidence: (n,) output of `scores`.
            share_full: Local share at and below which the evidence counts fully.

        Returns:
            The factor on the locality weight.
        """
        if not self.known.any() or not 0.0 < share_full < 1.0:
            return 1.0 if share_full <= 0.0 else 0.0
        share = float(evidence[self.known].mean())
        if share <= share_full:
            return 1.0
        return float(np.clip(np.log(share) / np.log(share_full), 0.0, 1.0))

    def shared(self, places: Places, row: int) -> list[str]:
        """Municipalities the question names where this offer's provider is.

        Args:
            places: The question's places.
            row: The offer's row.

        Returns:
            Municipality names, in table order (empty when none is shared).
        """
        cities = sorted(places.municipalities)
        if not cities:
            return []
        hits = np.asarray(self.municipality[:, cities][row].toarray()).ravel()
        return [
            self.gazetteer.municipalities[c]
            for c, w in zip(cities, hits.tolist(), strict=True)
            if w > 0
        ]


def _strongest(
    weights: npt.NDArray[np.float32], membership: npt.NDArray[np.bool_]
) -> F32:
    """(n, G): per group, the strongest weight of a member municipality."""
    n, groups = weights.shape[0], membership.shape[1]
    out = np.zeros((n, groups), dtype=np.float32)
    for g in range(groups):
        members = np.flatnonzero(membership[:, g])
        if members.size:
            out[:, g] = weights[:, members].max(axis=1)
    return out
