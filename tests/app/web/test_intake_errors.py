"""The intake names every error in one round, in Dutch, and keeps what was typed."""

from __future__ import annotations

import re

from tests.app.web.support import csrf, errors_on, login


def test_missing_title_unknown_place_and_reversed_dates_in_one_round(
    client, url, staff
):
    login(client, staff)
    form = {
        "csrf_token": csrf(client, "/vragen/nieuw"),
        "title": "",
        "description": "Hoe bereiken we eenzame ouderen in de wijk en wat helpt hen?",
        "neighbourhood": "Atlantis",
        "wanted_from": "2027-06-30",
        "wanted_until": "2027-02-01",
        "action": "submit",
    }
    page = client.post("/vragen/nieuw", data=form)
    assert page.status_code in (200, 422)
    errors = errors_on(page.text)
    assert errors["title"] == "Vul dit veld in."
    assert "Onbekende wijk of buurt &#39;Atlantis&#39;" in errors["neighbourhood"]
    assert "vóór de begindatum" in errors["wanted_until"]
    for text in errors.values():
        assert "allowed" not in text
        assert "unknown" not in text
        assert not re.search(r"\b[a-z]+-[a-z]+-[a-z]+\b", text), text  # no slugs
    assert 'value="Atlantis"' in page.text  # what was typed stays
    assert "<title>Fout: " in page.text
