"""The student portal: which questions appear, filters, search, and no personal data."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.codes import HOLDING_STATUSES
from app.models import Match, Question
from app.portal.service import ASSIGNMENT_STATUSES
from tests.app.portal_world import (
    add_match,
    add_offer,
    add_question,
    fresh_limiter,
    leaks,
    personal_strings,
    seed_demo,
)

URL = "/api/portal/assignments"


@pytest.fixture(autouse=True)
def limiter(app):
    app.state.rate_limiter = fresh_limiter(interest="1000/minute")
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()


@pytest.fixture
def demo(session, settings):
    seed_demo(session, settings)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def listing(client, **params) -> set[str]:
    return ids(client.get(URL, params={"limit": 100, **params}))


def public_open_ids(session) -> set[str]:
    rows = session.scalars(
        select(Question.id).where(
            Question.is_public.is_(True), Question.status.in_(ASSIGNMENT_STATUSES)
        )
    )
    return {str(i) for i in rows}


class TestWhichQuestions:
    def test_lists_public_open_matched_and_running_questions_only(
        self, client, session, demo
    ):
        expected = public_open_ids(session)
        assert len(expected) >= 8
        assert listing(client) == expected
        body = client.get(URL, params={"limit": 100}).json()
        assert body["total"] == len(expected)
        assert {i["status"] for i in body["items"]} <= set(ASSIGNMENT_STATUSES)

    @pytest.mark.parametrize(
        ("status", "is_public"),
        [
            ("open", False),
            ("draft", True),
            ("submitted", True),
            ("completed", True),
            ("withdrawn", True),
            ("not_matched", True),
        ],
    )
    def test_hidden_question_is_not_listed_and_404(
        self, client, session, staff, status, is_public
    ):
        q = add_question(
            session, staff, title="Verborgen vraag", status=status, is_public=is_public
        )
        session.commit()
        assert str(q.id) not in listing(client)
        response = client.get(f"{URL}/{q.id}")
        assert response.status_code == 404
        assert response.json()["error"] == "NotFoundError"

    def test_unknown_id_is_404_like_a_hidden_one(self, client):
        response = client.get(f"{URL}/{uuid.uuid4()}")
        assert response.status_code == 404
        assert response.json()["detail"] == "assignment not found"

    def test_detail_shows_confirmed_placements_but_not_proposals(
        self, client, session, staff, provider, leiden
    ):
        q = add_question(session, staff, title="Wijkvraag", status="matched")
        held = add_offer(
            session,
            provider,
            title="Minor Wijkzorg",
            institution_name="Hogeschool Leiden",
            places_taken=1,
            municipality=leiden,
        )
        proposed = add_offer(
            session,
            provider,
            title="Voorgesteld vak",
            institution_name="Hogeschool Leiden",
            municipality=leiden,
        )
        add_match(session, q, held, status="confirmed")
        add_match(session, q, proposed, status="proposed")
        session.commit()
        body = client.get(f"{URL}/{q.id}").json()
        assert body["status"] == "matched"
        assert body["placements"] == [
            {
                "title": "Minor Wijkzorg",
                "kind": "course",
                "institution": "Hogeschool Leiden",
                "institution_short_name": "HL",
                "level": "hbo",
                "available_from": None,
                "available_until": None,
            }
        ]

    def test_other_municipality_via_parameter(
        self, client, session, make_user, other_city
    ):
        owner = make_user("staff", municipality=other_city)
        q = add_question(session, owner, title="Dorpsvraag Zoeterwoude")
        session.commit()
        assert str(q.id) not in listing(client)
        assert listing(client, municipality="zoeterwoude") == {str(q.id)}
        response = client.get(URL, params={"municipality": "atlantis"})
        assert response.status_code == 422
        assert "municipality" in response.json()["fields"]


class TestFilters:
    def test_level_keeps_questions_for_that_level_or_any_level(
        self, client, session, staff
    ):
        any_level = add_question(session, staff, title="Voor iedereen")
        mbo = add_question(session, staff, title="Alleen mbo", levels=["mbo"])
        wo = add_question(session, staff, title="Hbo en wo", levels=["hbo", "wo"])
        session.commit()
        assert listing(client, level="mbo") == {str(any_level.id), str(mbo.id)}
        assert listing(client, level="wo") == {str(any_level.id), str(wo.id)}
        assert client.get(URL, params={"level": "phd"}).status_code == 422

    def test_theme_filter_and_unknown_theme(self, client, session, staff):
        q = add_question(
            session, staff, title="Groen", themes=["duurzaamheid-biodiversiteit"]
        )
        add_question(session, staff, title="Veilig", themes=["veiligheid"])
        session.commit()
        assert listing(client, theme="duurzaamheid-biodiversiteit") == {str(q.id)}
        response = client.get(URL, params={"theme": "ruimtevaart"})
        assert response.status_code == 422
        assert "veiligheid" in response.json()["fields"]["theme"]

    def test_neighbourhood_by_slug_or_buurt_alias(self, client, session, staff):
        noord = add_question(
            session, staff, title="Noord", neighbourhood="leiden-noord"
        )
        add_question(session, staff, title="Merenwijk", neighbourhood="merenwijk")
        add_question(session, staff, title="Stadsbreed")
        session.commit()
        expected = {str(noord.id)}
        assert listing(client, neighbourhood="leiden-noord") == expected
        assert listing(client, neighbourhood="De Kooi") == expected
        assert listing(client, neighbourhood="groenoord") == expected
        response = client.get(URL, params={"neighbourhood": "Wassenaar"})
        assert response.status_code == 422
        assert "neighbourhood" in response.json()["fields"]

    def test_period_on_a_day_and_overlap(self, client, session, staff):
        spring = add_question(
            session,
            staff,
            title="Voorjaar",
            wanted_from=date(2027, 2, 1),
            wanted_until=date(2027, 6, 30),
        )
        autumn = add_question(
            session,
            staff,
            title="Najaar",
            wanted_from=date(2027, 9, 1),
            wanted_until=date(2028, 1, 31),
        )
        open_ended = add_question(session, staff, title="Altijd")
        session.commit()
        s, a, o = str(spring.id), str(autumn.id), str(open_ended.id)
        assert listing(client, on="2027-03-15") == {s, o}
        assert listing(client, on="2027-07-15") == {o}
        assert listing(client, **{"from": "2027-06-01", "until": "2027-09-30"}) == {
            s,
            a,
            o,
        }
        assert listing(client, **{"from": "2027-07-01"}) == {a, o}
        assert listing(client, until="2027-01-31") == {o}

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"from": "2027-06-01", "until": "2027-01-01"}, "until"),
            ({"on": "2027-06-01", "from": "2027-01-01"}, "on"),
            ({"on": "juni"}, "on"),
        ],
    )
    def test_bad_period_is_422_naming_the_field(self, client, params, field):
        response = client.get(URL, params=params)
        assert response.status_code == 422
        assert field in response.json()["fields"]

    def test_pagination_reports_the_total(self, client, session, staff):
        made = [add_question(session, staff, title=f"Vraag {n}") for n in range(5)]
        session.commit()
        first = client.get(URL, params={"limit": 2}).json()
        rest = client.get(URL, params={"limit": 2, "offset": 2}).json()
        assert first["total"] == rest["total"] == 5
        seen = [i["id"] for i in first["items"] + rest["items"]]
        assert len(set(seen)) == 4
        assert set(seen) <= {str(q.id) for q in made}


class TestSearch:
    @pytest.fixture
    def lonely(self, session, staff):
        q = add_question(
            session,
            staff,
            title="Éénzaamheid onder ouderen",
            description="Wie bereikt het buurthuis niet?",
            context="Naar aanleiding van de Coalitie Erbij",
            themes=["gezondheid-welzijn"],
        )
        add_question(
            session, staff, title="Parkeren in de binnenstad", themes=["veiligheid"]
        )
        session.commit()
        return str(q.id)

    @pytest.mark.parametrize(
        "text",
        ["eenzaamheid", "ÉÉNZAAMHEID", "éénzaam", "ouderen eenzaamheid", "coalitie"],
    )
    def test_search_ignores_accents_and_case(self, client, lonely, text):
        assert listing(client, q=text) == {lonely}

    def test_all_words_must_match(self, client, lonely):
        assert listing(client, q="eenzaamheid parkeren") == set()

    def test_english_theme_label_search_with_english_labels(self, client, lonely):
        body = client.get(URL, params={"q": "wellbeing", "lang": "en"}).json()
        assert [i["id"] for i in body["items"]] == [lonely]
        assert (
            body["items"][0]["themes"][0]["label"] == "Health, lifestyle and wellbeing"
        )
        dutch = client.get(URL, params={"q": "leefstijl"}).json()["items"][0]
        assert dutch["themes"][0]["label"] == "Gezondheid, leefstijl en welzijn"

    def test_unknown_language_is_422(self, client):
        response = client.get(URL, params={"lang": "de"})
        assert response.status_code == 422
        assert "lang" in response.json()["fields"]


class TestNoPersonalData:
    FORBIDDEN_KEYS = frozenset(
        {"owner", "owner_id", "owner_name", "contact_name", "contact_email", "email",
         "remarks", "reason", "interests", "decision", "rating", "name_of_owner"}
    )  # fmt: skip

    def _keys(self, value) -> set[str]:
        if isinstance(value, dict):
            return set(value) | set().union(*(self._keys(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(self._keys(v) for v in value)) if value else set()
        return set()

    def test_every_portal_response_is_free_of_personal_and_hidden_data(
        self, client, session, demo
    ):
        # Real interests, so their submitters are part of the scan.
        for n, qid in enumerate(sorted(public_open_ids(session))[:3]):
            q = session.get(Question, uuid.UUID(qid))
            response = client.post(
                f"{URL}/{qid}/interest",
                json={
                    "name": f"Zoë Student{n}",
                    "email": f"zoe{n}@student.example",
                    "institution": "Hogeschool Leiden",
                    "level": (list(q.levels) or ["hbo"])[0],
                    "motivation": "Ik wil graag bijdragen aan deze opdracht.",
                },
            )
            assert response.status_code == 201, response.text
        personal = personal_strings(session)
        hidden_titles = {
            q.title for q in session.scalars(select(Question)) if not q.is_public
        }
        filters = [
            {},
            *({"level": lv} for lv in ("mbo", "hbo", "wo")),
            *({"theme": t} for t in ("gezondheid-welzijn", "duurzaamheid-biodiversiteit",
                                     "erfgoed-cultuur", "sociaal-domein", "veiligheid")),
            *({"neighbourhood": h} for h in ("leiden-noord", "De Kooi", "merenwijk",
                                             "binnenstad-zuid", "stevenshof")),
            {"on": "2027-03-01"},
            {"from": "2026-01-01", "until": "2026-12-31"},
            *({"q": w} for w in ("ouderen", "wijk", "onderzoek", "leiden", "student")),
        ]  # fmt: skip
        bodies = []
        for params, lang in itertools.product(filters, ("nl", "en")):
            for path in (URL, "/api/portal/results"):
                response = client.get(
                    path, params={**params, "lang": lang, "limit": 100}
                )
                assert response.status_code == 200, (path, params, response.text)
                bodies.append(response.json())
        for item in client.get(URL, params={"limit": 100}).json()["items"]:
            bodies.append(client.get(f"{URL}/{item['id']}").json())
        assert len(bodies) > 60
        for body in bodies:
            text = json.dumps(body, ensure_ascii=False)
            assert leaks(text, personal) == [], text[:300]
            assert not any(title in text for title in hidden_titles)
            assert not (self._keys(body) & self.FORBIDDEN_KEYS)

    def test_the_leak_detector_itself_finds_leaks(self):
        assert leaks('{"x": "mail a.b@leiden.example"}', set()) == [
            "a.b@leiden.example"
        ]
        assert leaks('{"x": "bel 06-12345678"}', set())
        assert leaks('{"x": "bel +31 71 516 5165"}', set())
        assert leaks('{"x": "Sanne Wijnands"}', {"Sanne Wijnands"})
        assert leaks(f'{{"id": "{uuid.uuid4()}", "d": "2025-06-12"}}', set()) == []


class TestResults:
    @pytest.fixture
    def world(self, session, staff, provider, leiden):
        done = add_question(
            session,
            staff,
            title="Rookvrije sportparken",
            status="completed",
            themes=["gezondheid-welzijn"],
            neighbourhood="merenwijk",
        )
        private = add_question(
            session,
            staff,
            title="Interne evaluatie",
            status="completed",
            is_public=False,
        )
        running = add_question(session, staff, title="Nog bezig", status="in_progress")
        o1 = add_offer(session, provider, title="Minor Preventie",
                       institution_name="Hogeschool Leiden", places_taken=3,
                       capacity=3, municipality=leiden)  # fmt: skip
        o2 = add_offer(session, provider, title="Scriptie Publieke Gezondheid",
                       institution_name="Universiteit Leiden", kind="thesis",
                       level="wo", municipality=leiden)  # fmt: skip
        when = datetime(2026, 5, 1, tzinfo=UTC)
        add_match(session, done, o1, status="completed", rating=4,
                  remarks="Privé-opmerking van de eigenaar", completed_at=when,
                  outcome_summary="Minder roken langs de velden.",
                  result_url="https://example.org/rapport")  # fmt: skip
        add_match(session, done, o2, status="completed", rating=5, completed_at=when,
                  outcome_summary="Scriptie over naleving.")  # fmt: skip
        add_match(
            session, done, o1 if False else o2, status="completed"
        ) if False else None
        add_match(session, private, o1, status="completed", outcome_summary="Geheim.")
        add_match(session, running, o2, status="in_progress")
        session.commit()
        return done

    def test_only_completed_public_questions_with_outcomes(self, client, world):
        body = client.get("/api/portal/results").json()
        assert body["total"] == 1
        item = body["items"][0]
        assert item["id"] == str(world.id)
        assert {o["outcome_summary"] for o in item["outcomes"]} == {
            "Minder roken langs de velden.",
            "Scriptie over naleving.",
        }
        assert item["average_rating"] == 4.5
        assert item["rating_count"] == 2
        text = json.dumps(body, ensure_ascii=False)
        assert "Privé-opmerking" not in text
        assert "Geheim" not in text
        assert "remarks" not in text

    def test_filters_and_facets(self, client, world):
        assert (
            client.get("/api/portal/results", params={"theme": "veiligheid"}).json()[
                "total"
            ]
            == 0
        )
        by_area = client.get(
            "/api/portal/results", params={"neighbourhood": "Slaaghwijk"}
        )
        assert by_area.json()["total"] == 1
        body = by_area.json()
        assert body["themes"] == [
            {"slug": "gezondheid-welzijn", "label": "Gezondheid, leefstijl en welzijn",
             "count": 1}
        ]  # fmt: skip
        assert body["neighbourhoods"] == [
            {"slug": "merenwijk", "label": "Merenwijk", "count": 1}
        ]

    def test_demo_results_have_outcomes(self, client, session, demo):
        body = client.get("/api/portal/results", params={"limit": 100}).json()
        completed_public = session.scalars(
            select(Question).where(Question.status == "completed", Question.is_public)
        ).all()
        assert 0 < body["total"] <= len(completed_public)
        assert all(item["outcomes"] for item in body["items"])
        held = session.scalars(
            select(Match).where(Match.status.in_(HOLDING_STATUSES))
        ).all()
        assert held


def test_public_reads_are_rate_limited_per_client(app, client):
    from app.ratelimit import RateLimiter
    from tests.app.portal_world import rate_limits

    app.state.rate_limiter = RateLimiter(rate_limits(public="3/minute"))
    codes = [client.get("/api/portal/assignments").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/portaal").status_code == 429
    assert client.get("/api/themes").status_code == 200  # vocabularies stay open
