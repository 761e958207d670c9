from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.filters import RULE_LABELS, RULES, RuleTable, check_offer
from matching.types import OfferInput, QuestionInput
from tests.matching._factories import REFERENCE, offer, question


def _broken(
    q: QuestionInput, o: OfferInput, reference: date = REFERENCE
) -> tuple[str, ...]:
    row = RuleTable.build([o]).violations(q, reference)[0]
    return tuple(RULES[j] for j in np.flatnonzero(row))


def test_labels_are_the_agreed_dutch_texts():
    assert RULE_LABELS == {
        "inactive": "aanbod gepauzeerd",
        "capacity": "capaciteit vol",
        "level": "niveau past niet",
        "expired": "periode verlopen",
        "intake": "aanmelding gesloten",
        "window": "periode past niet",
        "place": "andere wijk",
    }


def test_a_fitting_offer_breaks_nothing():
    assert _broken(question(), offer()) == ()


@pytest.mark.parametrize(
    ("q", "o", "rule"),
    [
        (question(), offer(is_active=False), "inactive"),
        (question(), offer(remaining_capacity=0), "capacity"),
        (question(), offer(remaining_capacity=-1), "capacity"),
        (question(levels=("wo",)), offer(level="hbo"), "level"),
        (
            question(wanted_from=date(2026, 9, 1)),
            offer(available_until=date(2027, 1, 14)),
            "expired",
        ),
        (question(), offer(intake_deadline=date(2027, 1, 14)), "intake"),
        (question(), offer(available_from=date(2027, 7, 1)), "window"),
        (question(wanted_from=date(2027, 8, 1), wanted_until=None), offer(), "window"),
        (
            question(neighbourhood="merenwijk"),
            offer(neighbourhoods=("stevenshof",)),
            "place",
        ),
        (question(neighbourhood=None), offer(neighbourhoods=("stevenshof",)), "place"),
    ],
)
def test_each_rule(q, o, rule):
    assert _broken(q, o) == (rule,)
    assert check_offer(q, o, REFERENCE) == (rule,)


def test_level_rule_accepts_listed_level_and_empty_list():
    assert _broken(question(levels=("hbo", "wo")), offer(level="hbo")) == ()
    assert _broken(question(levels=()), offer(level="mbo")) == ()


def test_windows_are_inclusive():
    q = question(wanted_from=date(2027, 7, 1), wanted_until=date(2027, 8, 1))
    assert _broken(q, offer(available_until=date(2027, 7, 1))) == ()


def test_offer_ending_on_the_reference_date_is_not_expired():
    q = question(wanted_from=date(2027, 1, 1))
    assert _broken(q, offer(available_until=REFERENCE)) == ()


def test_open_windows_never_conflict():
    q = question(wanted_from=None, wanted_until=None)
    o = offer(available_from=None, available_until=None)
    assert _broken(q, o) == ()


def test_tied_offer_in_the_question_neighbourhood_passes():
    q = question(neighbourhood="stevenshof")
    assert _broken(q, offer(neighbourhoods=("merenwijk", "stevenshof"))) == ()


def test_several_broken_rules_are_reported_in_rule_order():
    o = offer(remaining_capacity=0, level="mbo", is_active=False)
    assert _broken(question(levels=("wo",)), o) == ("inactive", "capacity", "level")


def test_same_place_is_false_for_unknown_or_citywide():
    table = RuleTable.build([offer(neighbourhoods=("merenwijk",)), offer("o2")])
    assert table.same_place("merenwijk").tolist() == [True, False]
    assert not table.same_place("stevenshof").any()
    assert not table.same_place(None).any()


_days = st.integers(min_value=-60, max_value=240).map(
    lambda d: REFERENCE + timedelta(days=d)
)
_maybe_day = st.one_of(st.none(), _days)
_places = st.sampled_from(["merenwijk", "stevenshof", "leiden-noord"])


@st.composite
def _pairs(draw):
    q = question(
        levels=tuple(
            draw(st.lists(st.sampled_from(["mbo", "hbo", "wo"]), unique=True))
        ),
        neighbourhood=draw(st.one_of(st.none(), _places)),
        wanted_from=draw(_maybe_day),
        wanted_until=draw(_maybe_day),
    )
    offers = [
        offer(
            f"o{i}",
            level=draw(st.sampled_from(["mbo", "hbo", "wo"])),
            neighbourhoods=tuple(draw(st.lists(_places, unique=True, max_size=2))),
            remaining_capacity=draw(st.integers(min_value=-1, max_value=2)),
            available_from=draw(_maybe_day),
            available_until=draw(_maybe_day),
            is_active=draw(st.booleans()),
        )
        for i in range(draw(st.integers(min_value=1, max_value=6)))
    ]
    return q, offers


@settings(max_examples=200, deadline=None)
@given(_pairs())
def test_vectorised_rules_agree_with_the_reference(pair):
    q, offers = pair
    table = RuleTable.build(offers).violations(q, REFERENCE)
    for row, o in zip(table, offers, strict=True):
        assert tuple(RULES[j] for j in np.flatnonzero(row)) == check_offer(
            q, o, REFERENCE
        )


def test_a_closed_intake_is_named_with_its_date_and_never_proposed():
    from matching.filters import rule_label

    closed = offer(intake_deadline=date(2027, 1, 10))
    assert check_offer(question(), closed, REFERENCE) == ("intake",)
    assert rule_label("intake", closed) == "aanmelding gesloten op 10 januari"
    # On the deadline itself the intake is still open.
    assert _broken(question(), offer(intake_deadline=REFERENCE)) == ()
