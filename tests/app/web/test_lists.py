"""Search on the staff's and the provider's lists, and "Mijn vragen" next to the
city's questions."""

from __future__ import annotations

import re

from tests.app.helpers import QUESTION, offer
from tests.app.web.support import login


def _titles(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="/{prefix}/[0-9a-f-]{{36}}">([^<]+)</a>', html)


def _ask(client, auth, user, title: str, description: str = "Waarom?") -> None:
    body = {**QUESTION, "title": title, "description": description}
    response = client.post("/api/questions", json=body, headers=auth(user))
    assert response.status_code == 201, response.text


def test_my_questions_by_default_and_the_city_s_on_a_tab(
    client, auth, staff, make_user
):
    colleague = make_user("staff")
    _ask(client, auth, staff, "Mijn eigen vraag")
    _ask(client, auth, colleague, "Vraag van een collega")
    login(client, staff)
    mine = client.get("/vragen")
    assert _titles(mine.text, "vragen") == ["Mijn eigen vraag"]
    assert '<h1 class="utrecht-heading-1">Mijn vragen</h1>' in mine.text
    city = client.get("/vragen?mine=false")
    assert sorted(_titles(city.text, "vragen")) == [
        "Mijn eigen vraag",
        "Vraag van een collega",
    ]
    assert 'aria-current="page">Alle vragen van de gemeente' in city.text


def test_staff_search_ignores_case_and_accents_in_title_and_description(
    client, auth, staff
):
    _ask(client, auth, staff, "Café-bezoek van ouderen")
    _ask(client, auth, staff, "Groen in de wijk", "Een rondje langs het CAFÉ.")
    _ask(client, auth, staff, "Fietsparkeren")
    login(client, staff)
    found = client.get("/vragen", params={"q": "cafe"})
    assert sorted(_titles(found.text, "vragen")) == [
        "Café-bezoek van ouderen",
        "Groen in de wijk",
    ]
    assert 'value="cafe"' in found.text  # the search box keeps the text
    none = client.get("/vragen", params={"q": "zwembad", "mine": "false"})
    assert _titles(none.text, "vragen") == []


def test_provider_searches_their_offers(client, auth, provider):
    offer(client, auth(provider), title="Minor Zorg en Welzijn")
    offer(
        client, auth(provider), title="Stage Ruimte", description="Ontwerp een plein."
    )
    login(client, provider)
    assert _titles(client.get("/aanbod", params={"q": "WELZIJN"}).text, "aanbod") == [
        "Minor Zorg en Welzijn"
    ]
    found = client.get("/aanbod", params={"q": "plein"})
    assert _titles(found.text, "aanbod") == ["Stage Ruimte"]
    missing = client.get("/aanbod", params={"q": "zwembad"})
    assert "Geen aanbod gevonden met" in missing.text
