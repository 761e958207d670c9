"""The broker workflow over HTTP: candidates, match lifecycle, capacity, history."""

from __future__ import annotations

import uuid

import pytest

from tests.app.helpers import offer, open_question, propose, step

COMPLETE = {
    "outcome_summary": "Drie aanbevelingen voor het buurthuis, besproken met bewoners.",
    "result_url": "https://example.org/rapport",
    "rating": 4,
    "remarks": "Bruikbaar advies.",
}


@pytest.fixture
def world(client, staff, broker, provider, auth, make_user):
    """One open question and offers that each break one hard rule, or none."""
    hp, hb = auth(provider), auth(broker)
    uni = auth(make_user("provider", institution="Universiteit Leiden"))
    mbo = auth(make_user("provider", institution="mboRijnland"))
    q = open_question(client, auth(staff), hb, levels=["hbo", "wo"])
    offers = {
        "fit": offer(client, hp),
        "research": offer(
            client,
            uni,
            kind="research",
            title="Social isolation and loneliness among older adults",
            description="Our group studies loneliness and social isolation of older people "
            "living alone, and evaluates neighbourhood interventions with volunteers.",
        ),
        "off_topic": offer(
            client,
            uni,
            kind="thesis",
            title="Scripties archeologie van de Romeinse limes",
            description="Masterstudenten archeologie onderzoeken Romeinse vondsten.",
            themes=["erfgoed-cultuur"],
        ),
        "full": offer(
            client, hp, title="Praktijkopdracht eenzaamheid ouderen (vol)", capacity=0
        ),
        "level": offer(
            client, mbo, title="Mbo Zorg en Welzijn: eenzame ouderen bezoeken"
        ),
        "expired": offer(
            client,
            hp,
            title="Project eenzaamheid ouderen 2026",
            available_from="2026-02-01",
            available_until="2026-06-30",
        ),
        "place": offer(
            client,
            hp,
            title="Wijkleerbedrijf Stevenshof: eenzame ouderen",
            neighbourhoods=["stevenshof"],
        ),
    }
    return q, offers


class TestCandidates:
    def test_ranked_with_components_and_explanation(self, client, broker, auth, world):
        q, offers = world
        body = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        ids = [c["offer"]["id"] for c in body["candidates"]]
        assert set(ids) == {
            offers["fit"]["id"],
            offers["research"]["id"],
            offers["off_topic"]["id"],
        }
        assert ids[-1] == offers["off_topic"]["id"]
        scores = [c["score"] for c in body["candidates"]]
        assert scores == sorted(scores, reverse=True)
        first = body["candidates"][0]
        assert {"dense", "lexical", "theme", "place", "window"} <= set(
            first["components"]
        )
        assert first["explanation"]
        assert first["offer"]["institution"]
        assert first["offer"]["remaining_capacity"] == 2
        assert body["engine_version"]
        assert body["model_name"] == "hashing-64"
        assert body["warning"] is None

    def test_near_misses_name_the_rule(self, client, broker, auth, world):
        q, offers = world
        body = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        rules = {e["offer"]["id"]: e["label"] for e in body["excluded"]}
        assert rules == {
            offers["full"]["id"]: "capaciteit vol",
            offers["level"]["id"]: "niveau past niet",
            offers["expired"]["id"]: "periode verlopen",
            offers["place"]["id"]: "andere wijk",
        }

    def test_limit_and_access(
        self, client, broker, staff, provider, auth, world, make_user, other_city
    ):
        q, _ = world
        url = f"/api/questions/{q['id']}/candidates"
        assert (
            len(client.get(f"{url}?limit=1", headers=auth(broker)).json()["candidates"])
            == 1
        )
        assert client.get(f"{url}?limit=0", headers=auth(broker)).status_code == 422
        assert client.get(url).status_code == 401
        assert client.get(url, headers=auth(staff)).status_code == 403
        assert client.get(url, headers=auth(provider)).status_code == 403
        outsider = make_user("broker", municipality=other_city)
        assert client.get(url, headers=auth(outsider)).status_code == 404

    def test_question_vector_is_reused(self, client, broker, auth, world, session):
        from sqlalchemy import func, select

        from app.models import Embedding

        q, _ = world
        url = f"/api/questions/{q['id']}/candidates"
        client.get(url, headers=auth(broker))
        rows = session.scalar(select(func.count()).select_from(Embedding))
        client.get(url, headers=auth(broker))
        assert session.scalar(select(func.count()).select_from(Embedding)) == rows


class TestLifecycle:
    def test_full_path_moves_question_and_capacity(
        self, client, broker, staff, auth, world
    ):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        assert m["status"] == "proposed"
        assert m["score"] > 0
        assert m["components"]
        assert m["engine_version"]
        confirmed = step(client, hb, m["id"], "confirm").json()
        assert confirmed["status"] == "confirmed"
        assert confirmed["offer"]["remaining_capacity"] == 1
        question = client.get(f"/api/questions/{q['id']}", headers=hb).json()
        assert question["status"] == "matched"
        assert step(client, hb, m["id"], "start").json()["status"] == "in_progress"
        assert (
            client.get(f"/api/questions/{q['id']}", headers=hb).json()["status"]
            == "in_progress"
        )
        done = step(client, auth(staff), m["id"], "complete", **COMPLETE)
        assert done.status_code == 200, done.text
        assert done.json()["rating"] == 4
        assert (
            done.json()["offer"]["remaining_capacity"] == 1
        )  # a completed match keeps its place
        assert (
            client.get(f"/api/questions/{q['id']}", headers=hb).json()["status"]
            == "completed"
        )

    @pytest.mark.parametrize(
        ("path", "action"),
        [
            ([], "start"),
            ([], "complete"),
            (["confirm"], "confirm"),
            (["confirm"], "reject"),
            (["reject"], "confirm"),
            (["cancel"], "start"),
        ],
    )
    def test_invalid_steps_are_409(self, client, broker, auth, world, path, action):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        bodies = {"reject": {"reason": "Past niet bij de vraag"}, "complete": COMPLETE}
        for done in path:
            assert (
                step(client, hb, m["id"], done, **bodies.get(done, {})).status_code
                == 200
            )
        response = step(client, hb, m["id"], action, **bodies.get(action, {}))
        assert response.status_code == 409
        assert "cannot move" in response.json()["detail"]

    def test_reject_needs_a_reason(self, client, broker, auth, world):
        q, offers = world
        m = propose(client, auth(broker), q["id"], offers["fit"]["id"])
        response = step(client, auth(broker), m["id"], "reject")
        assert response.status_code == 422
        assert "reason" in response.json()["fields"]
        rejected = step(
            client, auth(broker), m["id"], "reject", reason="Thema sluit niet aan"
        )
        assert rejected.json()["reason"] == "Thema sluit niet aan"

    def test_complete_validates_rating_and_link(self, client, broker, auth, world):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        step(client, hb, m["id"], "confirm")
        step(client, hb, m["id"], "start")
        for bad, field in (
            ({"rating": 6}, "rating"),
            ({"result_url": "geen link"}, "result_url"),
        ):
            response = step(client, hb, m["id"], "complete", **{**COMPLETE, **bad})
            assert response.status_code == 422
            assert field in response.json()["fields"]

    def test_team_across_levels_completes_when_all_done(
        self, client, broker, auth, world
    ):
        q, offers = world
        hb = auth(broker)
        first = propose(client, hb, q["id"], offers["fit"]["id"])
        second = propose(client, hb, q["id"], offers["research"]["id"])
        for m in (first, second):
            step(client, hb, m["id"], "confirm")
            step(client, hb, m["id"], "start")
        step(client, hb, first["id"], "complete", **COMPLETE)
        assert (
            client.get(f"/api/questions/{q['id']}", headers=hb).json()["status"]
            == "in_progress"
        )
        step(client, hb, second["id"], "complete", **COMPLETE)
        assert (
            client.get(f"/api/questions/{q['id']}", headers=hb).json()["status"]
            == "completed"
        )

    def test_cancel_frees_the_place_and_reopens_the_question(
        self, client, broker, auth, world
    ):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        step(client, hb, m["id"], "confirm")
        cancelled = step(client, hb, m["id"], "cancel", reason="Docent ziek")
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["offer"]["remaining_capacity"] == 2
        assert (
            client.get(f"/api/questions/{q['id']}", headers=hb).json()["status"]
            == "open"
        )

    def test_confirm_on_a_full_offer_is_409_naming_it(
        self, client, broker, staff, auth, world, provider
    ):
        q, _offers = world
        hb = auth(broker)
        single = offer(
            client, auth(provider), title="Eenzaamheid: één plek", capacity=1
        )
        other = open_question(
            client, auth(staff), hb, title="Eenzaamheid in de Merenwijk"
        )
        first = propose(client, hb, q["id"], single["id"])
        second = propose(client, hb, other["id"], single["id"])
        assert step(client, hb, first["id"], "confirm").status_code == 200
        refused = step(client, hb, second["id"], "confirm")
        assert refused.status_code == 409
        assert "Eenzaamheid: één plek" in refused.json()["detail"]
        stored = client.get(f"/api/offers/{single['id']}", headers=hb).json()
        assert (stored["places_taken"], stored["remaining_capacity"]) == (1, 0)
        assert (
            client.get(f"/api/matches/{second['id']}", headers=hb).json()["status"]
            == "proposed"
        )


class TestProposals:
    def test_duplicate_pair_is_409(self, client, broker, auth, world):
        q, offers = world
        propose(client, auth(broker), q["id"], offers["fit"]["id"])
        again = client.post(
            "/api/matches",
            json={"question_id": q["id"], "offer_id": offers["fit"]["id"]},
            headers=auth(broker),
        )
        assert again.status_code == 409

    @pytest.mark.parametrize("which", ["full", "level", "expired", "place"])
    def test_pair_breaking_a_hard_rule_is_409(self, client, broker, auth, world, which):
        q, offers = world
        response = client.post(
            "/api/matches",
            json={"question_id": q["id"], "offer_id": offers[which]["id"]},
            headers=auth(broker),
        )
        assert response.status_code == 409

    def test_question_must_be_open(self, client, broker, staff, provider, auth):
        draft = client.post(
            "/api/questions",
            json={"title": "Concept vraag", "description": "Nog niet ingediend."},
            headers=auth(staff),
        ).json()
        o = offer(client, auth(provider))
        response = client.post(
            "/api/matches",
            json={"question_id": draft["id"], "offer_id": o["id"]},
            headers=auth(broker),
        )
        assert response.status_code == 409

    def test_only_the_broker_proposes_and_confirms(
        self, client, broker, staff, provider, auth, world, make_user
    ):
        q, offers = world
        body = {"question_id": q["id"], "offer_id": offers["fit"]["id"]}
        assert client.post("/api/matches", json=body).status_code == 401
        for user in (staff, provider):
            assert (
                client.post("/api/matches", json=body, headers=auth(user)).status_code
                == 403
            )
        m = propose(client, auth(broker), q["id"], offers["fit"]["id"])
        assert step(client, auth(staff), m["id"], "confirm").status_code == 403
        colleague = make_user("staff")
        step(client, auth(broker), m["id"], "confirm")
        step(client, auth(broker), m["id"], "start")
        assert (
            step(client, auth(colleague), m["id"], "complete", **COMPLETE).status_code
            == 403
        )

    def test_list_matches_by_status(self, client, broker, auth, world):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        propose(client, hb, q["id"], offers["research"]["id"])
        step(client, hb, m["id"], "confirm")
        confirmed = client.get("/api/matches?status=confirmed", headers=hb).json()
        assert [x["id"] for x in confirmed["items"]] == [m["id"]]
        assert client.get("/api/matches", headers=hb).json()["total"] == 2


class TestProposalsThatStopFitting:
    """A proposal waits days for the provider; what changed meanwhile counts."""

    def _proposed(self, client, staff, broker, provider, auth):
        q = open_question(client, auth(staff), auth(broker))
        o = offer(client, auth(provider), capacity=1)
        return q, o, propose(client, auth(broker), q["id"], o["id"])

    def _still_waiting(self, client, broker, auth, m, o):
        shown = client.get(f"/api/matches/{m['id']}", headers=auth(broker)).json()
        assert shown["status"] == "proposed"
        got = client.get(f"/api/offers/{o['id']}", headers=auth(broker)).json()
        assert got["remaining_capacity"] == 1  # no place taken

    @pytest.mark.parametrize("status", ["archived", "paused"])
    def test_an_offer_paused_or_archived_since_cannot_be_confirmed_or_accepted(
        self, client, staff, broker, provider, auth, status
    ):
        _, o, m = self._proposed(client, staff, broker, provider, auth)
        changed = client.patch(
            f"/api/offers/{o['id']}", json={"status": status}, headers=auth(provider)
        )
        assert changed.status_code == 200, changed.text
        confirmed = step(client, auth(broker), m["id"], "confirm")
        assert confirmed.status_code == 409, confirmed.text
        assert confirmed.json()["fields"] == {"offer_id": "inactive"}
        accepted = client.post(f"/api/matches/{m['id']}/accept", headers=auth(provider))
        assert accepted.status_code == 409, accepted.text
        self._still_waiting(client, broker, auth, m, o)

    def test_a_question_edited_to_exclude_the_level_cannot_be_confirmed(
        self, client, staff, broker, provider, auth
    ):
        q, o, m = self._proposed(client, staff, broker, provider, auth)  # hbo offer
        edited = client.patch(
            f"/api/questions/{q['id']}", json={"levels": ["wo"]}, headers=auth(staff)
        )
        assert edited.status_code == 200, edited.text
        confirmed = step(client, auth(broker), m["id"], "confirm")
        assert confirmed.status_code == 409, confirmed.text
        assert confirmed.json()["fields"] == {"offer_id": "level"}
        self._still_waiting(client, broker, auth, m, o)

    @pytest.mark.parametrize(
        ("to", "actor"),
        [("withdrawn", "staff"), ("not_matched", "broker"), ("parked", "broker")],
    )
    def test_a_question_that_stops_taking_matches_cancels_its_proposals(
        self, client, staff, broker, provider, auth, to, actor
    ):
        q, _, m = self._proposed(client, staff, broker, provider, auth)
        body = {"to": to} | ({"until": "2027-03-01"} if to == "parked" else {})
        who = staff if actor == "staff" else broker
        moved = client.post(
            f"/api/questions/{q['id']}/transition", json=body, headers=auth(who)
        )
        assert moved.status_code == 200, moved.text
        waiting = client.get(
            "/api/matches", params={"status": "proposed"}, headers=auth(provider)
        ).json()
        assert waiting["total"] == 0, waiting
        shown = client.get(f"/api/matches/{m['id']}", headers=auth(broker)).json()
        assert shown["status"] == "cancelled"
        assert shown["reason"].startswith("de vraag is")


class TestHistoryAndSimilar:
    def test_events_show_question_and_match_history(self, client, broker, auth, world):
        q, offers = world
        hb = auth(broker)
        m = propose(client, hb, q["id"], offers["fit"]["id"])
        step(client, hb, m["id"], "confirm")
        events = client.get(f"/api/questions/{q['id']}/events", headers=hb).json()
        actions = [(e["entity_type"], e["action"]) for e in events]
        assert actions[0] == ("question", "created")
        assert ("match", "proposed") in actions
        confirm = next(
            e
            for e in events
            if e["entity_type"] == "match" and e["action"] == "status_changed"
        )
        assert confirm["changes"]["status"] == {
            "before": "proposed",
            "after": "confirmed",
        }
        assert confirm["actor_name"] == broker.name
        assert any(
            e["changes"].get("status", {}).get("after") == "matched" for e in events
        )

    def test_similar_questions_with_status_and_outcome(
        self, client, broker, staff, auth, world, make_user, other_city
    ):
        q, offers = world
        hb = auth(broker)
        earlier = open_question(
            client,
            auth(staff),
            hb,
            title="Eenzame ouderen in Leiden-Noord bereiken",
        )
        m = propose(client, hb, earlier["id"], offers["fit"]["id"])
        for action in ("confirm", "start"):
            step(client, hb, m["id"], action)
        step(client, hb, m["id"], "complete", **COMPLETE)
        open_question(
            client,
            auth(staff),
            hb,
            title="Parkeerdruk rond het station",
            description="Hoeveel fietsen en auto's staan er rond Leiden Centraal?",
            themes=["wonen-leefomgeving"],
        )
        elsewhere = make_user("staff", municipality=other_city)
        client.post(
            "/api/questions",
            json={"title": q["title"], "description": q["description"]},
            headers=auth(elsewhere),
        )
        similar = client.get(
            f"/api/questions/{q['id']}/similar", headers=auth(staff)
        ).json()
        assert similar[0]["id"] == earlier["id"]
        assert similar[0]["status"] == "completed"
        assert similar[0]["outcomes"] == [COMPLETE["outcome_summary"]]
        assert q["id"] not in {s["id"] for s in similar}
        assert all(
            s["title"] != "Parkeerdruk rond het station"
            or s["similarity"] < similar[0]["similarity"]
            for s in similar
        )

    def test_similar_questions_leave_out_a_colleagues_draft(
        self, client, staff, auth, world, make_user
    ):
        """A draft is its author's own until submitted (as in the intake help):
        a colleague's question page does not list it as an earlier question."""
        q, _ = world
        colleague = auth(make_user("staff"))
        draft = client.post(
            "/api/questions",
            json={"title": q["title"], "description": q["description"]},
            headers=colleague,
        ).json()
        assert draft["status"] == "draft"
        similar = client.get(
            f"/api/questions/{q['id']}/similar", headers=auth(staff)
        ).json()
        assert draft["id"] not in {s["id"] for s in similar}


class TestAllocation:
    def test_proposes_within_capacity_and_rules_without_confirming(
        self, client, broker, staff, auth, world
    ):
        q, offers = world
        hb = auth(broker)
        others = [
            open_question(
                client,
                auth(staff),
                hb,
                title=f"Eenzaamheid ouderen vraag {i}",
                levels=["hbo", "wo"],
            )
            for i in range(3)
        ]
        body = client.post("/api/allocation", json={}, headers=hb).json()
        assert body["questions_considered"] == 4
        per_offer: dict[str, int] = {}
        for pair in body["pairs"]:
            per_offer[pair["offer"]["id"]] = per_offer.get(pair["offer"]["id"], 0) + 1
        remaining = {o["id"]: o["remaining_capacity"] for o in offers.values()}
        assert all(n <= remaining[o] for o, n in per_offer.items())
        assert not {
            offers[k]["id"] for k in ("full", "level", "expired", "place")
        } & set(per_offer)
        served = {p["question_id"] for p in body["pairs"]}
        assert body["questions_served"] == len(served) == len(body["pairs"])
        assert body["total_score"] == pytest.approx(
            sum(p["score"] for p in body["pairs"]), abs=1e-3
        )
        assert client.get("/api/matches", headers=hb).json()["total"] == 0
        assert {o["id"] for o in others} | {q["id"]} >= served

    def test_pairs_carry_the_candidate_lists_score_and_focus_reason(
        self, client, broker, auth, make_user, world
    ):
        """The broker compares a proposed pair with the question's candidate list:
        same score, same explanation, the city's focus themes included."""
        q, _ = world
        hb = auth(broker)
        focus = client.put(
            "/api/municipalities/leiden/focus-themes/2027",
            json={"themes": ["gezondheid-welzijn"]},
            headers=auth(make_user("admin")),
        )
        assert focus.status_code == 200, focus.text
        body = client.post(
            "/api/allocation", json={"question_ids": [q["id"]]}, headers=hb
        ).json()
        listed = client.get(f"/api/questions/{q['id']}/candidates", headers=hb).json()
        shown = {c["offer"]["id"]: c for c in listed["candidates"]}
        assert body["pairs"]
        for pair in body["pairs"]:
            candidate = shown[pair["offer"]["id"]]
            assert pair["score"] == pytest.approx(candidate["score"], abs=1e-4)
            assert pair["explanation"] == candidate["explanation"]
            assert "speerpunt 2027" in pair["explanation"]

    def test_a_closed_question_is_422(self, client, broker, staff, auth):
        draft = client.post(
            "/api/questions",
            json={"title": "Concept", "description": "Nog niet klaar"},
            headers=auth(staff),
        ).json()
        response = client.post(
            "/api/allocation",
            json={"question_ids": [draft["id"]]},
            headers=auth(broker),
        )
        assert response.status_code == 422

    def test_only_the_broker_allocates(self, client, staff, auth):
        assert (
            client.post("/api/allocation", json={}, headers=auth(staff)).status_code
            == 403
        )


@pytest.mark.manual_jobs  # counts what the job encodes itself
class TestStoredEmbeddings:
    def rows(self, session, owner_id):
        from sqlalchemy import select

        from app.models import Embedding

        return session.scalars(
            select(Embedding).where(Embedding.owner_id == uuid.UUID(owner_id))
        ).all()

    def test_encoded_once_and_again_only_after_a_text_change(
        self, client, staff, auth, session, app
    ):
        from app.ranking.embeddings import reindex

        encoder = app.state.encoder
        created = client.post(
            "/api/questions",
            json={
                "title": "Hittestress in de binnenstad",
                "description": "Waar is het heet?",
            },
            headers=auth(staff),
        ).json()
        assert reindex(session, encoder, progress=False) >= 1
        [row] = self.rows(session, created["id"])
        assert row.model_name == "hashing-64"
        first_hash = row.text_hash
        url = f"/api/questions/{created['id']}"
        client.patch(url, json={"is_public": True}, headers=auth(staff))
        session.expire_all()  # read the question as the request saved it
        assert reindex(session, encoder, progress=False) == 0
        client.patch(
            url,
            json={"description": "Waar is het 's nachts het heetst?"},
            headers=auth(staff),
        )
        session.expire_all()
        assert reindex(session, encoder, progress=False) == 1
        session.refresh(row)
        assert row.text_hash != first_hash

    def test_reindex_recomputes_only_what_is_stale(
        self, client, staff, provider, auth, session, app
    ):
        from app.ranking.embeddings import reindex

        q = client.post(
            "/api/questions",
            json={
                "title": "Zwerfafval in parken",
                "description": "Wat werkt tegen zwerfafval?",
            },
            headers=auth(staff),
        ).json()
        offer(client, auth(provider))
        encoder = app.state.encoder
        reindex(session, encoder, progress=False)
        [row] = self.rows(session, q["id"])
        row.text_hash = "outdated"
        session.commit()
        assert reindex(session, encoder, progress=False) >= 1
        session.refresh(row)
        assert row.text_hash != "outdated"
        assert reindex(session, encoder, progress=False) == 0
