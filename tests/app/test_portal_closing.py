"""The student portal and students' interest when an assignment changes.

Each test shows what a student (or the broker) would meet: a confirmation link that
still counts after the assignment closed, a second link that the retention job
deletes before it expires, Dutch on an English page, and the parts of a split
question that do not follow their question's "public" setting.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.db import utcnow
from app.interests.service import CONFIRM_HOURS
from app.models import Interest, OutboxMail, Question
from app.privacy.service import UNCONFIRMED_DAYS, purge_interests
from tests.app.helpers import open_question
from tests.app.portal_world import add_question, fresh_limiter
from tests.app.web.support import csrf, text_of

ASSIGNMENTS = "/api/portal/assignments"


@pytest.fixture(autouse=True)
def limiter(app):
    app.state.rate_limiter = fresh_limiter(interest="1000/minute")
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()


@pytest.fixture
def assignment(session, staff) -> Question:
    q = add_question(session, staff, title="Buurthuis zoekt studenten", levels=["hbo"])
    session.commit()
    return q


def sign_up(client, question_id: uuid.UUID, **overrides: Any):
    body = {
        "name": "Zoë de Vries",
        "email": "zoe@student.example",
        "institution": "Hogeschool Leiden",
        "level": "hbo",
        "motivation": "Ik woon in de buurt en studeer Social Work.",
        **overrides,
    }
    return client.post(f"{ASSIGNMENTS}/{question_id}/interest", json=body)


def last_token(session, email: str = "zoe@student.example") -> str:
    """The token of the newest confirmation link mailed to `email`."""
    session.expire_all()
    mails = session.scalars(
        select(OutboxMail)
        .where(
            OutboxMail.kind == "interest_confirmation", OutboxMail.to_address == email
        )
        .order_by(OutboxMail.created_at)
    ).all()
    assert mails
    found = re.search(r"token=([\w.\-]+)", mails[-1].text_body)
    assert found
    return found[1]


def close(session, q: Question, how: str) -> None:
    if how == "private":
        q.is_public = False
    else:
        q.status = how
    session.commit()


def broker_sees(client, auth, broker, q: Question) -> list[str]:
    answer = client.get(f"/api/questions/{q.id}/interests", headers=auth(broker))
    assert answer.status_code == 200, answer.text
    return [i["email"] for i in answer.json()]


CLOSED = ["withdrawn", "not_matched", "parked", "completed", "private"]


class TestConfirmationAfterTheAssignmentClosed:
    """A student signs up, the assignment closes, then the student clicks the link."""

    @pytest.mark.parametrize("how", CLOSED)
    def test_the_api_refuses_the_link_and_the_broker_gets_nothing(
        self, client, session, auth, broker, assignment, how
    ):
        assert sign_up(client, assignment.id).status_code == 201
        token = last_token(session)
        close(session, assignment, how)
        answer = client.post("/api/portal/interests/confirm", json={"token": token})
        assert answer.status_code == 422, answer.text
        assert "token" in answer.json()["fields"]
        assert broker_sees(client, auth, broker, assignment) == []

    @pytest.mark.parametrize("lang", ["nl", "en"])
    def test_the_page_says_so_instead_of_thanking_and_sending_to_a_404(
        self, client, session, assignment, lang
    ):
        assert sign_up(client, assignment.id).status_code == 201
        token = last_token(session)
        close(session, assignment, "withdrawn")
        link = f"/portaal/bevestigen?token={token}&lang={lang}"
        answer = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf(client, link), "token": token, "lang": lang},
        )
        shown = text_of(answer.text)
        assert answer.status_code == 422
        assert "bevestigd" not in shown
        assert "confirmed" not in shown
        words = {
            "nl": "Deze opdracht staat niet meer open",
            "en": "This assignment is no longer open",
        }
        assert words[lang] in shown
        # No way back to the closed assignment's page (a 404): the list instead.
        assert f'href="/portaal/{assignment.id}' not in answer.text
        assert f'href="/portaal?lang={lang}"' in answer.text

    def test_an_expired_link_of_a_closed_assignment_does_not_offer_it_again(
        self, client, session, settings, assignment, monkeypatch
    ):
        from itsdangerous import TimestampSigner

        from app.interests.service import confirmation_token

        assert sign_up(client, assignment.id).status_code == 201
        interest = session.scalars(select(Interest)).one()
        then = int(utcnow().timestamp()) - (CONFIRM_HOURS + 1) * 3600
        with monkeypatch.context() as m:
            m.setattr(TimestampSigner, "get_timestamp", lambda self: then)
            token = confirmation_token(settings, interest)
        close(session, assignment, "withdrawn")
        link = f"/portaal/bevestigen?token={token}"
        answer = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf(client, link), "token": token, "lang": "nl"},
        )
        assert answer.status_code == 422
        # "Meld je opnieuw aan voor deze opdracht" would lead to a 404 page.
        assert "Meld je opnieuw aan voor deze opdracht" not in answer.text
        assert f'href="/portaal/{assignment.id}' not in answer.text

    def test_an_open_assignment_still_confirms(
        self, client, session, auth, broker, assignment
    ):
        assert sign_up(client, assignment.id).status_code == 201
        token = last_token(session)
        answer = client.post("/api/portal/interests/confirm", json={"token": token})
        assert answer.status_code == 200
        assert broker_sees(client, auth, broker, assignment) == ["zoe@student.example"]


class TestSecondLinkAndRetention:
    def test_a_link_sent_again_is_not_purged_before_it_expires(
        self, client, session, auth, broker, assignment
    ):
        """Day 0 the student signs up and never confirms; near the end of the week
        they sign up again and get a new link "valid 72 hours". The next night's
        retention job must not delete the interest that link names."""
        first = Interest(
            municipality_id=assignment.municipality_id,
            question_id=assignment.id,
            email="zoe@student.example",
            name="Zoë de Vries",
            institution="Hogeschool Leiden",
            level="hbo",
            message="Ik woon in de buurt en studeer Social Work.",
        )
        session.add(first)
        session.commit()
        long_ago = utcnow() - timedelta(days=UNCONFIRMED_DAYS, hours=-2)
        session.execute(
            update(Interest)
            .where(Interest.id == first.id)
            .values(created_at=long_ago, updated_at=long_ago)
        )
        session.commit()
        assert sign_up(client, assignment.id).status_code == 201
        token = last_token(session)
        # The nightly job, three hours later: well within the new link's 72 hours.
        purge_interests(session, retention_days=365, now=utcnow() + timedelta(hours=3))
        answer = client.post("/api/portal/interests/confirm", json={"token": token})
        assert answer.status_code == 200, answer.text
        assert broker_sees(client, auth, broker, assignment) == ["zoe@student.example"]

    def test_an_unconfirmed_interest_nobody_asked_for_again_still_goes(
        self, session, assignment
    ):
        stale = Interest(
            municipality_id=assignment.municipality_id,
            question_id=assignment.id,
            email="oud@student.example",
            name="Oud Student",
            institution="Hogeschool Leiden",
            level="hbo",
            message="Ooit aangemeld, nooit bevestigd.",
        )
        session.add(stale)
        session.commit()
        long_ago = utcnow() - timedelta(days=UNCONFIRMED_DAYS + 1)
        session.execute(
            update(Interest)
            .where(Interest.id == stale.id)
            .values(created_at=long_ago, updated_at=long_ago)
        )
        session.commit()
        report = purge_interests(session, retention_days=365)
        assert report.interests_deleted == 1


class TestEnglishPages:
    def test_a_refused_link_has_an_english_page_title(self, client):
        link = "/portaal/bevestigen?token=x&lang=en"
        answer = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf(client, link), "token": "x.y.z", "lang": "en"},
        )
        assert answer.status_code == 422
        title = re.search(r"<title>(.*?)</title>", answer.text, flags=re.S)
        assert title
        assert title[1].startswith("Error: Confirm your interest"), title[1]
        assert "Fout" not in title[1]

    def test_english_interest_form_errors_have_an_english_page_title(
        self, client, assignment
    ):
        path = f"/portaal/{assignment.id}?lang=en"
        answer = client.post(
            f"/portaal/{assignment.id}",
            data={"csrf_token": csrf(client, path), "lang": "en", "name": "x"},
        )
        assert answer.status_code == 422
        title = re.search(r"<title>(.*?)</title>", answer.text, flags=re.S)
        assert title
        assert title[1].startswith("Error: "), title[1]

    def test_the_dutch_refused_link_keeps_its_dutch_title(self, client):
        link = "/portaal/bevestigen?token=x"
        answer = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf(client, link), "token": "x.y.z", "lang": "nl"},
        )
        title = re.search(r"<title>(.*?)</title>", answer.text, flags=re.S)
        assert title
        assert title[1].startswith("Fout: Bevestig je belangstelling")


def _portal_titles(client) -> set[str]:
    body = client.get(ASSIGNMENTS, params={"limit": 100}).json()
    return {i["title"] for i in body["items"]}


class TestSplitQuestionVisibility:
    """The city splits a question per level, then changes whether it is public.
    The parts are what students see (the split question itself never is)."""

    @pytest.fixture
    def split(self, client, auth, staff, broker) -> dict[str, Any]:
        q = open_question(client, auth(staff), auth(broker))
        parts = client.post(
            f"/api/questions/{q['id']}/split",
            json={"levels": ["hbo", "wo"]},
            headers=auth(broker),
        )
        assert parts.status_code == 201, parts.text
        return q

    def test_making_the_split_question_private_takes_its_parts_off_the_portal(
        self, client, auth, staff, split
    ):
        title = split["title"]
        assert _portal_titles(client) == {f"{title} (hbo)", f"{title} (wo)"}
        edited = client.patch(
            f"/api/questions/{split['id']}",
            json={"is_public": False},
            headers=auth(staff),
        )
        assert edited.status_code == 200, edited.text
        assert _portal_titles(client) == set()

    def test_making_a_private_split_question_public_shows_its_parts(
        self, client, auth, staff, broker
    ):
        q = open_question(client, auth(staff), auth(broker), is_public=False)
        parts = client.post(
            f"/api/questions/{q['id']}/split",
            json={"levels": ["hbo", "wo"]},
            headers=auth(broker),
        )
        assert parts.status_code == 201, parts.text
        assert _portal_titles(client) == set()
        edited = client.patch(
            f"/api/questions/{q['id']}", json={"is_public": True}, headers=auth(staff)
        )
        assert edited.status_code == 200, edited.text
        assert _portal_titles(client) == {f"{q['title']} (hbo)", f"{q['title']} (wo)"}


RIGHT, LEFT = "\u2019", "\u2018"  # the curly apostrophes


class TestSearchApostrophes:
    """Dutch plurals carry an apostrophe (foto's, café's); a phone keyboard types
    the curly one (U+2019), a text pasted from a word processor holds it too."""

    @pytest.fixture
    def found(self, session, staff) -> dict[str, str]:
        curly = add_question(
            session,
            staff,
            title=f"Foto{RIGHT}s van de wijk door bewoners",
            description="Bewoners fotograferen plekken die ze missen.",
        )
        straight = add_question(
            session,
            staff,
            title="Terrassen van café's in de binnenstad",
            description="Hoeveel ruimte blijft er over voor voetgangers?",
        )
        session.commit()
        return {"curly": str(curly.id), "straight": str(straight.id)}

    @pytest.mark.parametrize(
        ("text", "which"),
        [
            (f"foto{RIGHT}s van de wijk", "curly"),
            ("foto's van de wijk", "curly"),
            (f"FOTO{LEFT}S", "curly"),
            ("cafe's", "straight"),
            (f"café{RIGHT}s binnenstad", "straight"),
        ],
    )
    def test_either_apostrophe_finds_the_assignment(self, client, found, text, which):
        body = client.get(ASSIGNMENTS, params={"q": text}).json()
        assert [i["id"] for i in body["items"]] == [found[which]]

    def test_the_page_finds_it_too(self, client, found):
        page = client.get("/portaal", params={"q": "foto's van de wijk"})
        assert "1 opdracht gevonden" in page.text
