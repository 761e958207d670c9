"""`import matching` exposes a small public surface, each name importable."""

from __future__ import annotations

import matching


def test_every_public_name_is_importable_from_the_package():
    assert 10 <= len(matching.__all__) <= 16
    for name in matching.__all__:
        assert getattr(matching, name) is not None


def test_levels_and_kinds_are_one_code_list_each():
    assert [level.value for level in matching.Level] == ["mbo", "hbo", "wo"]
    assert [kind.value for kind in matching.OfferKind] == [
        "course",
        "thesis",
        "research",
    ]
    assert matching.Level("hbo") == "hbo"  # StrEnum: compares and serialises as str
