"""An offer that serves several cities: each city uses it, only its home city
and its provider change it, and no city sees another's questions through it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.models import Municipality
from app.municipalities import repository as municipality_repository
from tests.app import helpers
from tests.app.test_network import DELFT
from tests.app.web.support import csrf, login, text_of

DELFT_QUESTION: dict[str, Any] = {
    "title": "Hittestress in Tanthof",
    "description": "Hoe verminderen we hittestress in de wijk met meer groen en "
    "schaduw? Bewoners klagen over hete woningen in de zomer.",
    "themes": ["duurzaamheid-biodiversiteit"],
    "neighbourhood": "tanthof",
    "wanted_from": "2027-02-01",
    "wanted_until": "2027-06-30",
}

SHARED_OFFER: dict[str, Any] = {
    "kind": "thesis",
    "title": "Scripties over hittestress in wijken",
    "description": "Masterstudenten onderzoeken hittestress en vergroening in "
    "naoorlogse wijken.",
    "themes": ["duurzaamheid-biodiversiteit"],
    "capacity": 3,
    "available_from": "2027-01-01",
    "available_until": "2027-12-31",
    "municipality": "leiden",
    "municipalities": ["leiden", "delft"],
}


@pytest.fixture
def delft(client: TestClient, make_user, auth, session) -> Municipality:
    made = client.post(
        "/api/municipalities", json=DELFT, headers=auth(make_user("admin"))
    )
    assert made.status_code == 201, made.text
    city = municipality_repository.get_by_slug(session, "delft")
    assert city is not None
    return city


@pytest.fixture
def shared(client, make_user, auth) -> tuple[dict[str, str], dict[str, Any]]:
    """A Universiteit Leiden provider's headers and their offer serving Delft too."""
    provider = auth(make_user("provider", institution="Universiteit Leiden"))
    return provider, helpers.offer(client, provider, **SHARED_OFFER)


def test_a_broker_sees_only_their_own_city_s_questions_on_a_shared_offer_s_page(
    client, make_user, auth, delft, shared
):
    _, o = shared
    leiden_broker = make_user("broker")
    secret = "Vertrouwelijk: jeugdzorg wachtlijst Leiden-Noord"
    q = helpers.open_question(
        client, auth(make_user("staff")), auth(leiden_broker), title=secret,
        is_public=False,
    )  # fmt: skip
    m = helpers.propose(client, auth(leiden_broker), q["id"], o["id"])
    assert (
        helpers.step(client, auth(leiden_broker), m["id"], "confirm").status_code == 200
    )
    login(client, make_user("broker", municipality=delft))
    page = text_of(client.get(f"/aanbod/{o['id']}").text)
    assert "2 van 3 vrij" in page  # the places still count every city's use
    assert secret not in page
    login(client, leiden_broker)
    assert secret in text_of(client.get(f"/aanbod/{o['id']}").text)


def test_a_proposal_is_not_confirmed_after_the_offer_stopped_serving_the_city(
    client, make_user, auth, delft, shared
):
    provider, o = shared
    delft_broker = auth(make_user("broker", municipality=delft))
    q = helpers.open_question(
        client, auth(make_user("staff", municipality=delft)), delft_broker,
        **DELFT_QUESTION,
    )  # fmt: skip
    m = helpers.propose(client, delft_broker, q["id"], o["id"])
    narrowed = client.patch(
        f"/api/offers/{o['id']}", json={"municipalities": ["leiden"]}, headers=provider
    )
    assert narrowed.status_code == 200, narrowed.text
    confirmed = helpers.step(client, delft_broker, m["id"], "confirm")
    assert confirmed.status_code == 409, confirmed.text
    assert confirmed.json()["fields"] == {"offer_id": "city"}
    seen = client.get(f"/api/offers/{o['id']}", headers=provider).json()
    assert seen["remaining_capacity"] == 3


def test_only_the_home_city_s_broker_and_the_provider_change_a_shared_offer(
    client, make_user, auth, delft, shared
):
    provider, o = shared
    delft_broker = auth(make_user("broker", municipality=delft))
    leiden_broker = auth(make_user("broker"))
    refused = client.patch(
        f"/api/offers/{o['id']}",
        json={"status": "archived", "capacity": 0},
        headers=delft_broker,
    )
    assert refused.status_code == 403, refused.text
    assert "Leiden" in refused.json()["detail"]
    seen = client.get(f"/api/offers/{o['id']}", headers=leiden_broker).json()
    assert (seen["status"], seen["capacity"]) == ("active", 3)
    for home in (leiden_broker, provider):
        changed = client.patch(
            f"/api/offers/{o['id']}", json={"capacity": 4}, headers=home
        )
        assert changed.status_code == 200, changed.text


def test_a_served_city_s_broker_sees_the_offer_without_ways_to_change_it(
    client, make_user, auth, delft, shared
):
    _, o = shared
    path = f"/aanbod/{o['id']}"
    notice = (
        "Dit aanbod komt uit Leiden; uw gemeente gebruikt het mee, maar alleen de "
        "aanbieder of de makelaar van Leiden kan het wijzigen."
    )
    login(client, make_user("broker", municipality=delft))
    page = client.get(path)
    assert page.status_code == 200
    assert notice in text_of(page.text)
    assert "3 van 3 vrij" in text_of(page.text)  # it still shows what it offers
    assert f'action="{path}"' not in page.text
    assert f'action="{path}/status"' not in page.text
    assert "Wijzigingen opslaan" not in page.text
    # A change sent anyway is still refused.
    token = csrf(client, path)
    saved = client.post(
        path,
        data={"csrf_token": token, "kind": "thesis", "title": o["title"],
              "description": o["description"], "capacity": "9", "language": "nl"},
    )  # fmt: skip
    assert saved.status_code == 422
    assert notice in text_of(saved.text)
    paused = client.post(f"{path}/status", data={"csrf_token": token, "to": "paused"})
    assert notice in text_of(paused.text)
    seen = client.get(f"/api/offers/{o['id']}", headers=auth(make_user("broker")))
    assert (seen.json()["status"], seen.json()["capacity"]) == ("active", 3)


def test_the_home_city_s_broker_gets_the_form_and_the_status_buttons(
    client, make_user, delft, shared
):
    _, o = shared
    path = f"/aanbod/{o['id']}"
    login(client, make_user("broker"))
    page = client.get(path).text
    assert f'action="{path}"' in page
    assert f'action="{path}/status"' in page
    assert "uw gemeente gebruikt het mee" not in text_of(page)
