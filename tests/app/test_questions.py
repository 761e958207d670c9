"""Questions over HTTP: happy paths, validation, tenant boundaries, lifecycle."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Event, Question


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Eenzaamheid onder ouderen in Leiden-Noord",
        "description": "Welke ouderen bereiken we niet met het buurthuis?",
        "themes": ["gezondheid-welzijn", "sociaal-domein"],
        "levels": ["hbo", "wo"],
        "neighbourhood": "leiden-noord",
        "wanted_from": "2027-02-01",
        "wanted_until": "2027-06-30",
        "is_public": True,
    }
    body.update(overrides)
    return body


def create(client, headers, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/questions", json=payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def count_questions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Question)) or 0


class TestCreate:
    def test_staff_creates_a_draft_in_their_municipality(self, client, staff, auth):
        body = create(client, auth(staff))
        assert body["status"] == "draft"
        assert body["municipality"] == "leiden"
        assert body["owner_id"] == str(staff.id)
        assert body["themes"] == ["gezondheid-welzijn", "sociaal-domein"]
        assert body["levels"] == ["hbo", "wo"]

    def test_buurt_alias_resolves_to_its_district(self, client, staff, auth):
        assert (
            create(client, auth(staff), neighbourhood="De Kooi")["neighbourhood"]
            == "leiden-noord"
        )
        assert (
            create(client, auth(staff), neighbourhood="slaaghwijk")["neighbourhood"]
            == "merenwijk"
        )

    def test_submit_at_creation_sets_submitted_at(self, client, staff, auth):
        body = create(client, auth(staff), status="submitted")
        assert body["status"] == "submitted"
        assert body["submitted_at"] is not None

    def test_citywide_question_has_no_neighbourhood(self, client, staff, auth):
        body = create(client, auth(staff), neighbourhood=None)
        assert body["neighbourhood"] is None

    def test_creation_is_audited(self, client, staff, auth, session):
        body = create(client, auth(staff))
        events = session.scalars(
            select(Event).where(Event.entity_id == uuid.UUID(body["id"]))
        ).all()
        assert [e.action for e in events] == ["created"]
        assert events[0].actor_id == staff.id


class TestValidation:
    @pytest.mark.parametrize(
        ("overrides", "field", "mentions"),
        [
            ({"themes": ["ruimtevaart"]}, "themes", "gezondheid-welzijn"),
            ({"levels": ["phd"]}, "levels.0", "'mbo', 'hbo' or 'wo'"),
            ({"neighbourhood": "Atlantis"}, "neighbourhood", "leiden-noord"),
            ({"expected_output": "rapport"}, "expected_output", "advies"),
            ({"title": "x" * 201}, "title", "200"),
            ({"description": "x" * 10_001}, "description", "10000"),
            (
                {"wanted_from": "2027-06-01", "wanted_until": "2027-01-01"},
                "body",
                "wanted_until",
            ),
            ({"wanted_from": "niet-een-datum"}, "wanted_from", "date"),
            # pydantic alone took these as 1970-01-01 and 2027-02-01 (found by fuzzing)
            ({"wanted_from": 0}, "wanted_from", "YYYY-MM-DD"),
            ({"wanted_from": "2027-02-01T00:00:00"}, "wanted_from", "YYYY-MM-DD"),
            ({"wanted_from": "0001-01-01"}, "wanted_from", "1900-01-01"),
            ({"wanted_until": "9999-12-31"}, "wanted_until", "2999-12-31"),
            ({"unknown_field": 1}, "unknown_field", "not permitted"),
        ],
    )
    def test_bad_input_is_422_naming_the_field(
        self, client, staff, auth, session, overrides, field, mentions
    ):
        before = count_questions(session)
        response = client.post(
            "/api/questions", json=payload(**overrides), headers=auth(staff)
        )
        assert response.status_code == 422
        body = response.json()
        assert (
            body["error"] == "ValidationError" or body["error"] == "UnprocessableError"
        )
        assert field in body["fields"], body
        assert mentions in body["fields"][field]
        assert count_questions(session) == before

    def test_malformed_json_is_422_not_500(self, client, staff, auth, session):
        before = count_questions(session)
        response = client.post(
            "/api/questions",
            content=b'{"title": "half',
            headers={**auth(staff), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert "malformed JSON" in response.json()["fields"]["body"]
        assert count_questions(session) == before

    def test_error_shape_is_uniform(self, client, staff, auth):
        body = client.post("/api/questions", json={}, headers=auth(staff)).json()
        assert set(body) == {"error", "detail", "fields"}
        assert {"title", "description"} <= set(body["fields"])


class TestAccess:
    def test_anonymous_is_401(self, client):
        assert client.get("/api/questions").status_code == 401

    def test_bad_token_is_401(self, client):
        headers = {"Authorization": "Bearer not-a-token"}
        response = client.get("/api/questions", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    def test_provider_is_403(self, client, provider, auth):
        assert client.get("/api/questions", headers=auth(provider)).status_code == 403
        response = client.post("/api/questions", json=payload(), headers=auth(provider))
        assert response.status_code == 403

    def test_staff_of_another_city_cannot_see_or_edit(
        self, client, staff, auth, make_user, other_city
    ):
        question = create(client, auth(staff))
        outsider = make_user("staff", municipality=other_city)
        url = f"/api/questions/{question['id']}"
        assert client.get(url, headers=auth(outsider)).status_code == 404
        response = client.patch(
            url, json={"title": "Overgenomen"}, headers=auth(outsider)
        )
        assert response.status_code == 404
        listed = client.get("/api/questions", headers=auth(outsider)).json()
        assert listed["total"] == 0

    def test_colleague_and_broker_of_same_city_can_read(
        self, client, staff, broker, auth, make_user
    ):
        question = create(client, auth(staff))
        colleague = make_user("staff")
        for user in (colleague, broker):
            response = client.get(
                f"/api/questions/{question['id']}", headers=auth(user)
            )
            assert response.status_code == 200


class TestListAndRead:
    def test_filters_and_pagination_with_total(self, client, staff, auth):
        for i in range(3):
            create(
                client,
                auth(staff),
                title=f"Hittestress vraag {i}",
                themes=["duurzaamheid-biodiversiteit"],
            )
        create(
            client,
            auth(staff),
            title="Erfgoed vraag",
            themes=["erfgoed-cultuur"],
            neighbourhood="stevenshof",
        )
        headers = auth(staff)
        page = client.get("/api/questions?limit=2", headers=headers).json()
        assert page["total"] == 4
        assert len(page["items"]) == 2
        second = client.get("/api/questions?limit=2&offset=2", headers=headers).json()
        assert {q["id"] for q in page["items"]}.isdisjoint(
            q["id"] for q in second["items"]
        )
        by_theme = client.get(
            "/api/questions?theme=erfgoed-cultuur", headers=headers
        ).json()
        assert [q["title"] for q in by_theme["items"]] == ["Erfgoed vraag"]
        by_hood = client.get(
            "/api/questions?neighbourhood=Stevenshof", headers=headers
        ).json()
        assert by_hood["total"] == 1
        by_text = client.get("/api/questions?q=hittestress", headers=headers).json()
        assert by_text["total"] == 3
        by_status = client.get("/api/questions?status=open", headers=headers).json()
        assert by_status["total"] == 0

    def test_unknown_filter_values_are_422(self, client, staff, auth):
        headers = auth(staff)
        response = client.get("/api/questions?theme=ruimtevaart", headers=headers)
        assert response.status_code == 422
        assert "allowed" in response.json()["fields"]["theme"]
        assert (
            client.get("/api/questions?status=lost", headers=headers).status_code == 422
        )
        assert client.get("/api/questions?limit=0", headers=headers).status_code == 422

    def test_read_unknown_id_is_404(self, client, staff, auth):
        url = "/api/questions/00000000-0000-0000-0000-000000000000"
        assert client.get(url, headers=auth(staff)).status_code == 404

    def test_malformed_id_is_404_not_422(self, client, staff, auth):
        # Not a question's address at all; it was a 422 naming `question_id`.
        headers = auth(staff)
        response = client.get("/api/questions/lost", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"] == "NotFoundError"
        url = "/api/questions/lost/transition"
        response = client.post(url, json={"to": "open"}, headers=headers)
        assert response.status_code == 404


class TestUpdate:
    def test_patch_changes_only_given_fields_and_audits(
        self, client, staff, auth, session
    ):
        question = create(client, auth(staff))
        response = client.patch(
            f"/api/questions/{question['id']}",
            json={"title": "Eenzaamheid in De Kooi", "neighbourhood": "De Kooi"},
            headers=auth(staff),
        )
        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "Eenzaamheid in De Kooi"
        assert body["neighbourhood"] == "leiden-noord"
        assert body["description"] == question["description"]
        event = session.scalars(
            select(Event).where(
                Event.entity_id == uuid.UUID(question["id"]), Event.action == "updated"
            )
        ).one()
        assert event.changes["title"]["before"] == question["title"]

    def test_patch_that_reverses_the_window_is_422(self, client, staff, auth):
        question = create(client, auth(staff))
        response = client.patch(
            f"/api/questions/{question['id']}",
            json={"wanted_until": "2026-01-01"},
            headers=auth(staff),
        )
        assert response.status_code == 422
        assert "wanted_until" in response.json()["fields"]

    def test_null_title_is_422(self, client, staff, auth):
        question = create(client, auth(staff))
        response = client.patch(
            f"/api/questions/{question['id']}",
            json={"title": None},
            headers=auth(staff),
        )
        assert response.status_code == 422

    def test_an_edit_of_an_old_read_is_409_and_keeps_the_newer_edit(
        self, client, staff, broker, auth
    ):
        question = create(client, auth(staff))
        assert question["version"] == 1
        url = f"/api/questions/{question['id']}"
        first = client.patch(
            url,
            json={"title": "Titel van de makelaar", "version": 1},
            headers=auth(broker),
        )
        assert first.status_code == 200
        assert first.json()["version"] == 2
        stale = client.patch(
            url,
            json={"title": "Titel van de eigenaar", "version": 1},
            headers=auth(staff),
        )
        assert stale.status_code == 409
        assert stale.json()["fields"] == {"version": "the current version is 2"}
        assert client.get(url, headers=auth(staff)).json()["title"] == (
            "Titel van de makelaar"
        )
        # Sent with the version now read, the same edit is saved.
        again = client.patch(
            url,
            json={"title": "Titel van de eigenaar", "version": 2},
            headers=auth(staff),
        )
        assert (again.status_code, again.json()["version"]) == (200, 3)

    def test_the_version_is_optional_and_counts_each_edit(self, client, staff, auth):
        question = create(client, auth(staff))
        url = f"/api/questions/{question['id']}"
        body = client.patch(url, json={"context": "Sinds 2025."}, headers=auth(staff))
        assert body.json()["version"] == 2
        refused = client.patch(url, json={"version": 0}, headers=auth(staff))
        assert refused.status_code == 422
        assert "version" in refused.json()["fields"]

    def test_withdrawn_question_cannot_be_edited(self, client, staff, auth):
        question = create(client, auth(staff))
        url = f"/api/questions/{question['id']}"
        client.post(f"{url}/transition", json={"to": "withdrawn"}, headers=auth(staff))
        response = client.patch(
            url, json={"title": "Nieuwe titel"}, headers=auth(staff)
        )
        assert response.status_code == 409


class TestLifecycle:
    def step(self, client, headers, question_id, to):
        return client.post(
            f"/api/questions/{question_id}/transition", json={"to": to}, headers=headers
        )

    def test_valid_path_owner_submits_broker_opens(
        self, client, staff, broker, auth, session
    ):
        question = create(client, auth(staff))
        qid = question["id"]
        assert (
            self.step(client, auth(staff), qid, "submitted").json()["status"]
            == "submitted"
        )
        assert self.step(client, auth(broker), qid, "open").json()["status"] == "open"
        assert (
            self.step(client, auth(broker), qid, "not_matched").json()["status"]
            == "not_matched"
        )
        assert self.step(client, auth(broker), qid, "open").json()["status"] == "open"
        assert (
            self.step(client, auth(staff), qid, "withdrawn").json()["status"]
            == "withdrawn"
        )
        events = session.scalars(
            select(Event)
            .where(Event.entity_id == uuid.UUID(qid), Event.action == "status_changed")
            .order_by(Event.created_at)
        ).all()
        assert [e.changes["status"]["after"] for e in events] == [
            "submitted",
            "open",
            "not_matched",
            "open",
            "withdrawn",
        ]

    @pytest.mark.parametrize(
        ("start_path", "to"),
        [
            ([], "open"),
            ([], "completed"),
            (["submitted"], "submitted"),
            (["withdrawn"], "submitted"),
        ],
    )
    def test_invalid_steps_are_409(self, client, staff, auth, start_path, to):
        question = create(client, auth(staff))
        for status in start_path:
            assert (
                self.step(client, auth(staff), question["id"], status).status_code
                == 200
            )
        response = self.step(client, auth(staff), question["id"], to)
        assert response.status_code == 409
        assert response.json()["error"] == "ConflictError"

    def test_match_driven_status_cannot_be_set_by_hand(
        self, client, staff, broker, auth
    ):
        question = create(client, auth(staff), status="submitted")
        self.step(client, auth(broker), question["id"], "open")
        response = self.step(client, auth(broker), question["id"], "matched")
        assert response.status_code == 409
        assert "match" in response.json()["detail"]

    def test_staff_cannot_open_and_colleague_cannot_submit(
        self, client, staff, auth, make_user
    ):
        question = create(client, auth(staff))
        colleague = make_user("staff")
        assert (
            self.step(client, auth(colleague), question["id"], "submitted").status_code
            == 403
        )
        self.step(client, auth(staff), question["id"], "submitted")
        assert self.step(client, auth(staff), question["id"], "open").status_code == 403

    def test_unknown_target_is_422(self, client, staff, auth):
        question = create(client, auth(staff))
        response = self.step(client, auth(staff), question["id"], "vergeten")
        assert response.status_code == 422
        assert "to" in response.json()["fields"]
