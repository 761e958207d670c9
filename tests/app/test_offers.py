"""Offers over HTTP: registration, capacity, validation and institution boundaries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import Offer
from tests.app.helpers import offer


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "course",
        "title": "Minor Wijkgerichte Zorg",
        "description": "Studenten Verpleegkunde ontwikkelen een preventieve aanpak.",
        "themes": ["gezondheid-welzijn"],
        "capacity": 3,
        "available_from": "2027-02-01",
        "available_until": "2027-07-01",
    }
    body.update(overrides)
    return body


def create(client, headers, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/offers", json=payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


class TestCreate:
    def test_provider_registers_for_own_institution_with_its_level(
        self, client, provider, auth
    ):
        body = create(client, auth(provider))
        assert body["institution"] == "Hogeschool Leiden"
        assert body["level"] == "hbo"
        assert body["remaining_capacity"] == 3
        assert body["places_taken"] == 0
        assert body["status"] == "active"
        assert body["municipality"] == "leiden"

    def test_neighbourhood_aliases_resolve(self, client, provider, auth):
        body = create(
            client,
            auth(provider),
            neighbourhoods=["De Kooi", "Slaaghwijk", "merenwijk"],
        )
        assert body["neighbourhoods"] == ["leiden-noord", "merenwijk"]

    def test_provider_cannot_register_for_another_institution(
        self, client, provider, auth
    ):
        response = client.post(
            "/api/offers",
            json=payload(institution="Universiteit Leiden"),
            headers=auth(provider),
        )
        assert response.status_code == 403

    def test_broker_names_the_institution(self, client, broker, auth):
        response = client.post("/api/offers", json=payload(), headers=auth(broker))
        assert response.status_code == 422
        assert "institution" in response.json()["fields"]
        body = create(client, auth(broker), institution="UL", level="wo")
        assert body["institution"] == "Universiteit Leiden"

    @pytest.mark.parametrize(
        ("overrides", "field", "mentions"),
        [
            ({"kind": "workshop"}, "kind", "'course', 'thesis' or 'research'"),
            ({"level": "phd"}, "level", "'mbo', 'hbo' or 'wo'"),
            ({"themes": ["onbekend"]}, "themes", "digitalisering"),
            ({"neighbourhoods": ["Atlantis"]}, "neighbourhoods", "stevenshof"),
            ({"capacity": -1}, "capacity", "greater than or equal to 0"),
            ({"title": "t" * 201}, "title", "200"),
            ({"description": "d" * 10_001}, "description", "10000"),
            (
                {"available_from": "2027-07-01", "available_until": "2027-01-01"},
                "body",
                "available_until",
            ),
        ],
    )
    def test_bad_input_is_422_and_writes_nothing(
        self, client, provider, auth, session, overrides, field, mentions
    ):
        before = session.scalar(select(func.count()).select_from(Offer))
        response = client.post(
            "/api/offers", json=payload(**overrides), headers=auth(provider)
        )
        assert response.status_code == 422
        fields = response.json()["fields"]
        assert field in fields, fields
        assert mentions in fields[field]
        assert session.scalar(select(func.count()).select_from(Offer)) == before


class TestAccess:
    def test_anonymous_and_staff_are_refused(self, client, staff, auth):
        assert client.get("/api/offers").status_code == 401
        assert client.get("/api/offers", headers=auth(staff)).status_code == 403
        assert (
            client.post("/api/offers", json=payload(), headers=auth(staff)).status_code
            == 403
        )

    def test_provider_of_another_institution_cannot_see_or_edit(
        self, client, provider, auth, make_user
    ):
        offer = create(client, auth(provider))
        other = make_user("provider", institution="Universiteit Leiden")
        url = f"/api/offers/{offer['id']}"
        assert client.get(url, headers=auth(other)).status_code == 404
        assert (
            client.patch(url, json={"capacity": 9}, headers=auth(other)).status_code
            == 404
        )
        assert client.get("/api/offers", headers=auth(other)).json()["total"] == 0

    def test_colleague_provider_and_broker_can_read(
        self, client, provider, broker, auth, make_user
    ):
        offer = create(client, auth(provider))
        colleague = make_user("provider", institution="Hogeschool Leiden")
        for user in (colleague, broker):
            assert (
                client.get(f"/api/offers/{offer['id']}", headers=auth(user)).status_code
                == 200
            )

    def test_broker_of_another_city_cannot_see(
        self, client, provider, auth, make_user, other_city
    ):
        offer = create(client, auth(provider))
        outsider = make_user("broker", municipality=other_city)
        assert (
            client.get(f"/api/offers/{offer['id']}", headers=auth(outsider)).status_code
            == 404
        )


class TestListAndUpdate:
    def test_import_address_is_not_an_offer_id(self, client, provider, auth):
        # PATCH /api/offers/import used to be a 422 about `offer_id`.
        response = client.patch("/api/offers/import", json={}, headers=auth(provider))
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        response = client.get("/api/offers/not-an-id", headers=auth(provider))
        assert response.status_code == 404

    def test_filters_and_total(self, client, provider, auth):
        headers = auth(provider)
        create(client, headers, title="Scriptieplaatsen sociale huur", kind="thesis")
        create(
            client,
            headers,
            title="Lectoraat Bestaanszekerheid",
            kind="research",
            available_from="2027-09-01",
            available_until="2027-12-31",
        )
        create(client, headers, title="Project Erfgoed", themes=["erfgoed-cultuur"])
        assert client.get("/api/offers", headers=headers).json()["total"] == 3
        assert (
            client.get("/api/offers?kind=thesis", headers=headers).json()["total"] == 1
        )
        assert (
            client.get("/api/offers?theme=erfgoed-cultuur", headers=headers).json()[
                "total"
            ]
            == 1
        )
        assert (
            client.get("/api/offers?available_on=2027-10-01", headers=headers).json()[
                "total"
            ]
            == 1
        )
        assert (
            client.get("/api/offers?q=lectoraat", headers=headers).json()["total"] == 1
        )
        assert (
            client.get("/api/offers?kind=workshop", headers=headers).status_code == 422
        )

    def test_search_ignores_the_kind_of_apostrophe(self, client, provider, auth):
        """ "foto's" typed on a phone (a curly apostrophe) finds "Foto's" and back:
        every list search folds apostrophes (app.vocab.service.fold)."""
        headers = auth(provider)
        straight = offer(client, headers, title="Foto's van de wijk maken")
        curly = offer(client, headers, title="Buurtfoto\u2019s ordenen")
        for typed, found in (("foto\u2019s van", straight), ("buurtfoto's", curly)):
            hits = client.get("/api/offers", params={"q": typed}, headers=headers)
            assert [o["id"] for o in hits.json()["items"]] == [found["id"]]

    def test_pause_and_archive(self, client, provider, auth):
        offer = create(client, auth(provider))
        url = f"/api/offers/{offer['id']}"
        assert (
            client.patch(url, json={"status": "paused"}, headers=auth(provider)).json()[
                "status"
            ]
            == "paused"
        )
        assert (
            client.patch(
                url, json={"status": "gone"}, headers=auth(provider)
            ).status_code
            == 422
        )

    def test_an_edit_of_an_old_read_is_409_and_keeps_the_newer_edit(
        self, client, provider, broker, auth
    ):
        offer = create(client, auth(provider))
        url = f"/api/offers/{offer['id']}"
        saved = client.patch(
            url, json={"capacity": 5, "version": offer["version"]}, headers=auth(broker)
        )
        assert (saved.status_code, saved.json()["version"]) == (200, 2)
        stale = client.patch(
            url,
            json={"capacity": 4, "version": offer["version"]},
            headers=auth(provider),
        )
        assert stale.status_code == 409
        assert stale.json()["error"] == "ConflictError"
        assert "version" in stale.json()["fields"]
        assert client.get(url, headers=auth(provider)).json()["capacity"] == 5

    def test_capacity_cannot_drop_below_places_taken(
        self, client, provider, auth, session
    ):
        offer = create(client, auth(provider))
        row = session.get(Offer, uuid.UUID(offer["id"]))
        row.places_taken = 2
        session.commit()
        url = f"/api/offers/{offer['id']}"
        response = client.patch(url, json={"capacity": 1}, headers=auth(provider))
        assert response.status_code == 409
        assert "2" in response.json()["detail"]
        body = client.patch(url, json={"capacity": 2}, headers=auth(provider)).json()
        assert body["remaining_capacity"] == 0
