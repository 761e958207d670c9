"""Hard rules: an offer that breaks one is never proposed (FORMAT.md "Hard rules").

The rules are evaluated for all offers at once on arrays prepared in `RuleTable.build`
(once per offer set), so checking a question against 100,000 offers is a handful of
vectorised comparisons.

Rules, in the order they are reported when an offer breaks several:

| code       | Dutch label          | broken when                                          |
|------------|----------------------|------------------------------------------------------|
| `inactive` | aanbod gepauzeerd    | the offer is not active (paused or archived)          |
| `capacity` | capaciteit vol       | remaining capacity <= 0                               |
| `level`    | niveau past niet     | the question lists levels and the offer's is not one |
| `expired`  | periode verlopen     | the offer's window ended before the reference date   |
| `intake`   | aanmelding gesloten  | the offer's intake deadline is before the reference  |
|            | op <dag maand>       | date (the label names the deadline, `rule_label`)    |
| `window`   | periode past niet    | the offer and question windows do not overlap         |
| `place`    | andere wijk          | the offer is tied to neighbourhoods and the          |
|            |                      | question's is not among them (citywide included)     |

Windows are inclusive; a missing date is an open end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.postings import column_mask
from matching.splice import RowPlan
from matching.types import OfferInput, QuestionInput

__all__ = [
    "RULES",
    "RULE_LABELS",
    "RuleTable",
    "check_offer",
    "dutch_day",
    "rule_label",
]

RULES: tuple[str, ...] = (
    "inactive",
    "capacity",
    "level",
    "expired",
    "intake",
    "window",
    "place",
)
RULE_LABELS: dict[str, str] = {
    "inactive": "aanbod gepauzeerd",
    "capacity": "capaciteit vol",
    "level": "niveau past niet",
    "expired": "periode verlopen",
    "intake": "aanmelding gesloten",
    "window": "periode past niet",
    "place": "andere wijk",
}
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_OPEN_START = -(2**31)
_OPEN_END = 2**31 - 1


def dutch_day(value: date) -> str:
    """`10 januari`: a day in the Dutch way, without the year."""
    return f"{value.day} {_MONTHS[value.month - 1]}"


def rule_label(rule: str, offer: OfferInput) -> str:
    """The Dutch label of a broken rule for this offer; the intake rule names its date."""
    if rule == "intake" and offer.intake_deadline is not None:
        return f"{RULE_LABELS[rule]} op {dutch_day(offer.intake_deadline)}"
    return RULE_LABELS[rule]


def _day(value: date | None, default: int) -> int:
    return value.toordinal() if value is not None else default


@dataclass(frozen=True, slots=True)
class RuleTable:
    """Column arrays of everything the hard rules read, row-aligned with the offers.

    Attributes:
        active: (n,) bool.
        capacity: (n,) int64 remaining capacity.
        level: (n,) object array of level strings.
        start: (n,) int64 ordinal of `available_from` (open start = very small).
        end: (n,) int64 ordinal of `available_until` (open end = very large).
        intake: (n,) int64 ordinal of `intake_deadline` (none = very large).
        places: (n, n_places) CSC bool matrix of neighbourhood ties.
        place_index: neighbourhood slug -> column of `places`.
        tied: (n,) bool, True when the offer is tied to any neighbourhood.
    """

    active: npt.NDArray[np.bool_]
    capacity: npt.NDArray[np.int64]
    level: npt.NDArray[np.str_]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    intake: npt.NDArray[np.int64]
    places: sparse.csc_matrix
    place_index: dict[str, int]
    tied: npt.NDArray[np.bool_]

    @classmethod
    def build(cls, offers: Sequence[OfferInput]) -> RuleTable:
        """Collect the rule columns of an offer set.

        Args:
            offers: n offers.

        Returns:
            The table, row i describing `offers[i]`.
        """
        return cls._with_places(_columns(offers), offers)

    def spliced(
        self,
        plan: RowPlan,
        fresh: Sequence[OfferInput],
        offers: Sequence[OfferInput],
    ) -> RuleTable:
        """The table after `plan`, reading only the fresh offers' columns.

        Args:
            plan: Old rows kept and fresh rows placed (`matching.splice`).
            fresh: The fresh offers.
            offers: All offers after the update, in row order.

        Returns:
            The table `build(offers)` gives.
        """
        columns = {
            name: plan.array(getattr(self, name), values)
            for name, values in _columns(fresh).items()
        }
        return self._with_places(columns, offers)

    @classmethod
    def _with_places(
        cls,
        columns: dict[str, npt.NDArray[Any]],
        offers: Sequence[OfferInput],
    ) -> RuleTable:
        """The table from its row columns, with the ties matrix (few offers have any)."""
        place_index: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, offer in enumerate(offers):
            for slug in offer.neighbourhoods:
                rows.append(row)
                cols.append(place_index.setdefault(slug, len(place_index)))
        places = sparse.csc_matrix(
            (np.ones(len(rows), dtype=bool), (rows, cols)),
            shape=(len(offers), max(len(place_index), 1)),
            dtype=bool,
        )
        return cls(
            active=columns["active"],
            capacity=columns["capacity"],
            level=columns["level"],
            start=columns["start"],
            end=columns["end"],
            intake=columns["intake"],
            places=places,
            place_index=place_index,
            tied=columns["tied"],
        )

    def same_place(self, neighbourhood: str | None) -> npt.NDArray[np.bool_]:
        """Offers tied to `neighbourhood` (all False for citywide or unknown).

        Returns:
            (n,) bool.
        """
        column = self.place_index.get(neighbourhood) if neighbourhood else None
        if column is None:
            return np.zeros(self.tied.shape, dtype=bool)
        return column_mask(self.places, column)

    def violations(
        self, question: QuestionInput, reference_date: date
    ) -> npt.NDArray[np.bool_]:
        """Which rules each offer breaks.

        Args:
            question: The question.
            reference_date: "Today" for the expiry rule.

        Returns:
            (n, len(RULES)) bool; column j is `RULES[j]`.
        """
        n = self.active.shape[0]
        # Column-major: each rule is one contiguous column, and "breaks any rule"
        # (`any(axis=1)`, per question) is a few vector ORs, not a strided scan.
        out = np.zeros((n, len(RULES)), dtype=bool, order="F")
        out[:, 0] = ~self.active
        out[:, 1] = self.capacity <= 0
        if question.levels:
            wanted = np.zeros(n, dtype=bool)
            for level in set(question.levels):  # a few levels: no sort as in isin
                wanted |= self.level == level
            out[:, 2] = ~wanted
        out[:, 3] = self.end < reference_date.toordinal()
        out[:, 4] = self.intake < reference_date.toordinal()
        q_start = _day(question.wanted_from, _OPEN_START)
        q_end = _day(question.wanted_until, _OPEN_END)
        out[:, 5] = (self.start > q_end) | (self.end < q_start)
        out[:, 6] = self.tied & ~self.same_place(question.neighbourhood)
        return out


def _columns(offers: Sequence[OfferInput]) -> dict[str, npt.NDArray[Any]]:
    """The per-offer rule columns (all but the ties matrix) of some offers."""
    return {
        "active": np.array([o.is_active for o in offers], dtype=bool),
        "capacity": np.array([o.remaining_capacity for o in offers], dtype=np.int64),
        "level": np.array([o.level for o in offers], dtype=np.str_),
        "start": np.array(
            [_day(o.available_from, _OPEN_START) for o in offers], dtype=np.int64
        ),
        "end": np.array(
            [_day(o.available_until, _OPEN_END) for o in offers], dtype=np.int64
        ),
        "intake": np.array(
            [_day(o.intake_deadline, _OPEN_END) for o in offers], dtype=np.int64
        ),
        "tied": np.array([bool(o.neighbourhoods) for o in offers], dtype=bool),
    }


def check_offer(
    question: QuestionInput, offer: OfferInput, reference_date: date
) -> tuple[str, ...]:
    """The rules one offer breaks for one question (reference implementation).

    A plain-Python restatement of the rules, used by the evaluation to count
    violations independently of the vectorised `RuleTable`.

    Args:
        question: The question.
        offer: The offer.
        reference_date: "Today" for the expiry rule.

    Returns:
        Rule codes in `RULES` order; empty when the offer may be proposed.
    """
    broken: list[str] = []
    if not offer.is_active:
        broken.append("inactive")
    if offer.remaining_capacity <= 0:
        broken.append("capacity")
    if question.levels and offer.level not in question.levels:
        broken.append("level")
    if offer.available_until is not None and offer.available_until < reference_date:
        broken.append("expired")
    if offer.intake_deadline is not None and offer.intake_deadline < reference_date:
        broken.append("intake")
    starts_after = (
        offer.available_from is not None
        and question.wanted_until is not None
        and offer.available_from > question.wanted_until
    )
    ends_before = (
        offer.available_until is not None
        and question.wanted_from is not None
        and offer.available_until < question.wanted_from
    )
    if starts_after or ends_before:
        broken.append("window")
    if offer.neighbourhoods and question.neighbourhood not in offer.neighbourhoods:
        broken.append("place")
    return tuple(broken)
