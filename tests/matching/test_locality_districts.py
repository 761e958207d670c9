"""Districts a city joined with reach the locality evidence."""

from __future__ import annotations

from matching.locality import default_gazetteer


def test_with_districts_places_a_new_district_in_its_city():
    gaz = default_gazetteer()
    text = "Hoe houden we Buitenwatersloot koel in de zomer?"
    assert not gaz.find(text).municipalities
    extended = gaz.with_districts({"Delft": ["Buitenwatersloot"]})
    delft = gaz.municipalities.index("Delft")
    assert extended.find(text).municipalities == {delft: 1.0}
    assert default_gazetteer().find(text).municipalities == {}  # the shared one stays


def test_with_districts_keeps_known_names_and_skips_unknown_cities():
    gaz = default_gazetteer()
    leiden = gaz.municipalities.index("Leiden")
    extended = gaz.with_districts({"Delft": ["Merenwijk"], "Atlantis": ["Oostkade"]})
    assert extended.find("Eenzaamheid in de Merenwijk").municipalities == {leiden: 1.0}
    assert not extended.find("Wonen aan de Oostkade").municipalities
    assert gaz.with_districts({}) is gaz
