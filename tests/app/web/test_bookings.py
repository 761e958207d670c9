"""A provider sees which questions hold each offer's places, with their status."""

from __future__ import annotations

from tests.app.helpers import offer, open_question, propose, step
from tests.app.web.support import login, text_of


def test_offer_page_lists_the_questions_holding_its_places(
    client, url, broker, staff, provider, auth
):
    b, s, p = auth(broker), auth(staff), auth(provider)
    held = open_question(client, s, b, title="Vraag die een plaats heeft")
    asked = open_question(client, s, b, title="Vraag die is voorgesteld")
    turned = open_question(client, s, b, title="Vraag die is afgewezen")
    mine = offer(client, p, capacity=2)
    step(client, b, propose(client, b, held["id"], mine["id"])["id"], "confirm")
    propose(client, b, asked["id"], mine["id"])
    rejected = propose(client, b, turned["id"], mine["id"])
    step(client, b, rejected["id"], "reject", reason="past niet")
    login(client, provider)
    page = text_of(client.get(f"/aanbod/{mine['id']}").text)
    assert "Wie gebruikt de plaatsen" in page
    assert "Vraag die een plaats heeft Bevestigd" in page
    assert "Vraag die is voorgesteld Voorgesteld" in page
    assert "Voorstel beantwoorden" in page
    assert "Vraag die is afgewezen" not in page
