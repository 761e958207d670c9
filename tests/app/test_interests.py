"""Students' interest: validation, storage, audit, rate limits, broker view and CSV."""

from __future__ import annotations

import csv
import io
import re
import socket
import time
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from pydantic import ValidationError
from sqlalchemy import func, select

from app.errors import ServiceUnavailableError, TooManyRequestsError
from app.interests.schemas import InterestCreate
from app.interests.service import CONFIRM_HOURS, confirmation_token
from app.models import Event, Interest, OutboxMail
from app.ratelimit import RateLimiter
from tests.app.portal_world import add_question, fresh_limiter, rate_limits


@pytest.fixture(autouse=True)
def limiter(app):
    """A fresh limiter per test (production limits), reset afterwards."""
    app.state.rate_limiter = fresh_limiter()
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()


@pytest.fixture
def assignment(session, staff):
    q = add_question(
        session, staff, title="Zoë's café in Leiden-Noord", levels=["hbo", "wo"]
    )
    session.commit()
    return q


def form(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Zoë van den Bërg",
        "email": "zoe@student.example",
        "institution": "Hogeschool Leiden",
        "level": "hbo",
        "motivation": "Ik studeer Social Work en ken de buurt rond het café goed.",
    }
    body.update(overrides)
    return body


def post(client, question_id, **overrides):
    return client.post(
        f"/api/portal/assignments/{question_id}/interest", json=form(**overrides)
    )


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Interest)) or 0


def confirmation_mails(session, email: str = "zoe@student.example") -> list[OutboxMail]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == "interest_confirmation",
                OutboxMail.to_address == email,
            )
        )
    )


def confirm_from_mail(client, session, email: str = "zoe@student.example") -> None:
    """Follow the link in the last confirmation mail, as the student would."""
    token = re.search(
        r"token=([\w.\-]+)", confirmation_mails(session, email)[-1].text_body
    )
    assert token
    answer = client.post("/api/portal/interests/confirm", json={"token": token[1]})
    assert answer.status_code == 200, answer.text


class TestExpressInterest:
    def test_interest_is_stored_with_the_questions_municipality(
        self, client, session, assignment
    ):
        response = post(client, assignment.id)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["assignment_id"] == str(assignment.id)
        assert body["status"] == "pending_confirmation"
        assert "zoe@" not in response.text
        stored = session.scalars(select(Interest)).one()
        assert stored.municipality_id == assignment.municipality_id
        assert (stored.name, stored.level) == ("Zoë van den Bërg", "hbo")
        assert stored.message.startswith("Ik studeer")

    def test_interest_is_audited_without_personal_data(
        self, client, session, assignment
    ):
        post(client, assignment.id)
        stored = session.scalars(select(Interest)).one()
        event = session.scalars(select(Event).where(Event.entity_id == stored.id)).one()
        assert (event.entity_type, event.action) == ("interest", "created")
        assert event.actor_id is None
        assert event.changes["question_id"] == str(assignment.id)
        assert "zoe@student.example" not in str(event.changes)
        assert "Zoë" not in str(event.changes)

    def test_second_signup_with_same_address_leaves_the_first_unchanged(
        self, client, session, assignment
    ):
        # Anyone can type someone else's address: a second post must not overwrite.
        first = post(client, assignment.id).json()
        again = post(
            client,
            assignment.id,
            email="ZOE@student.example",
            level="wo",
            motivation="Iemand anders die de aanmelding wil overschrijven.",
        )
        assert again.status_code == 201
        assert again.json() == first  # the same answer: nothing to learn from it
        assert count(session) == 1
        assert len(confirmation_mails(session)) == 1  # one link per hour
        stored = session.scalars(select(Interest)).one()
        assert (stored.level, stored.email) == ("hbo", "zoe@student.example")
        assert "overschrijven" not in stored.message

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"email": "zoe-at-student"}, "email"),
            ({"email": "zoe@"}, "email"),
            ({"motivation": "x" * 1001}, "motivation"),
            ({"motivation": "kort"}, "motivation"),
            ({"level": "phd"}, "level"),
            ({"name": ""}, "name"),
            ({"name": "Zoë\nBcc: iedereen"}, "name"),
            ({"institution": "x" * 121}, "institution"),
            ({"phone": "0612345678"}, "phone"),
        ],
    )
    def test_invalid_field_is_422_naming_it_and_nothing_is_stored(
        self, client, session, assignment, overrides, field
    ):
        response = post(client, assignment.id, **overrides)
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "ValidationError"
        assert field in body["fields"]
        assert count(session) == 0

    def test_one_line_rule_is_in_the_schema(self, app):
        # So clients (and the fuzzer) know it; the same rule as the validator.
        schema = app.openapi()["components"]["schemas"]["InterestCreate"]
        pattern = re.compile(schema["properties"]["name"]["pattern"])
        assert schema["properties"]["institution"]["pattern"] == pattern.pattern
        for text in ("Zoë de Vries", "Ahmed\u00a0El Amrani"):
            assert pattern.fullmatch(text)
            assert InterestCreate.model_validate({**form(), "name": text})
        for text in ("Zoë\nde Vries", "tab\there", "bell\x07", "c1\x85control"):
            assert not pattern.fullmatch(text)
            with pytest.raises(ValidationError):
                InterestCreate.model_validate({**form(), "name": text})

    def test_missing_field_is_422(self, client, session, assignment):
        body = form()
        del body["email"]
        response = client.post(
            f"/api/portal/assignments/{assignment.id}/interest", json=body
        )
        assert response.status_code == 422
        assert "email" in response.json()["fields"]

    def test_level_the_assignment_does_not_take_is_422(
        self, client, session, assignment
    ):
        response = post(client, assignment.id, level="mbo")
        assert response.status_code == 422
        assert "hbo" in response.json()["fields"]["level"]
        assert count(session) == 0

    @pytest.mark.parametrize(
        ("status", "is_public"), [("open", False), ("completed", True), ("draft", True)]
    )
    def test_hidden_question_is_404_and_nothing_is_stored(
        self, client, session, staff, status, is_public
    ):
        q = add_question(session, staff, title="Niet zichtbaar", status=status,
                         is_public=is_public)  # fmt: skip
        session.commit()
        assert post(client, q.id).status_code == 404
        assert count(session) == 0


class TestRateLimit:
    def test_sixth_request_in_a_minute_is_429_in_the_error_shape(
        self, client, session, assignment
    ):
        for n in range(5):
            assert (
                post(client, assignment.id, email=f"s{n}@student.example").status_code
                == 201
            )
        response = post(client, assignment.id, email="s5@student.example")
        assert response.status_code == 429
        body = response.json()
        assert body["error"] == "TooManyRequestsError"
        assert "5 per 1 minute" in body["detail"]
        assert body["fields"] == {}
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert count(session) == 5

    def test_failed_requests_count_too(self, client, assignment):
        for _ in range(5):
            assert post(client, assignment.id, email="bad").status_code == 422
        assert post(client, assignment.id).status_code == 429

    def test_fixture_gives_every_test_a_fresh_quota(self, client, assignment):
        assert post(client, assignment.id).status_code == 201

    def test_reset_clears_the_counters(self, client, assignment, limiter):
        for _ in range(5):
            post(client, assignment.id)
        assert post(client, assignment.id).status_code == 429
        limiter.reset()
        assert post(client, assignment.id).status_code == 201

    def test_daily_limit_from_settings(self, client, app, assignment):
        app.state.rate_limiter = fresh_limiter(interest="100/minute;3/day")
        codes = [post(client, assignment.id).status_code for _ in range(4)]
        assert codes == [201, 201, 201, 429]

    def test_limits_and_storage_come_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("KENNISBRUG_RATE_LIMIT_INTEREST", "2/hour")
        monkeypatch.setenv("KENNISBRUG_RATE_LIMIT_STORAGE", "memory://")
        limiter = RateLimiter(rate_limits())
        limiter.hit("interest", "10.0.0.1")
        limiter.hit("interest", "10.0.0.1")
        with pytest.raises(TooManyRequestsError):
            limiter.hit("interest", "10.0.0.1")
        limiter.hit("interest", "10.0.0.2")  # another client has its own quota

    def test_disabled_limiter_lets_everything_through(self):
        limiter = RateLimiter(rate_limits(interest="1/minute", enabled=False))
        for _ in range(3):
            limiter.hit("interest", "10.0.0.1")

    def test_unreachable_storage_is_503_not_a_silent_pass(self):
        limiter = RateLimiter(rate_limits(storage="redis://127.0.0.1:1/0"))
        with pytest.raises(ServiceUnavailableError):
            limiter.hit("interest", "10.0.0.1")

    def test_redis_storage_is_shared_between_processes(self):
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        except OSError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings = rate_limits(storage="redis://127.0.0.1:6379/15", interest="3/minute")
        first, second = RateLimiter(settings), RateLimiter(settings)
        first.reset()
        try:
            first.hit("interest", "10.9.9.9")
            second.hit("interest", "10.9.9.9")
            first.hit("interest", "10.9.9.9")
            with pytest.raises(TooManyRequestsError):
                second.hit("interest", "10.9.9.9")
        finally:
            first.reset()


class TestBrokerView:
    @pytest.fixture
    def signed_up(self, client, session, assignment):
        assert post(client, assignment.id).status_code == 201
        assert post(client, assignment.id, name="André Ümit", email="andre@uni.example",
                    institution="Universiteit Leiden", level="wo",
                    motivation="Enquête-ervaring: ik help graag, ook met ê en ë.").status_code == 201  # fmt: skip
        confirm_from_mail(client, session)
        confirm_from_mail(client, session, "andre@uni.example")
        return assignment

    def test_broker_sees_the_interests(self, client, auth, broker, signed_up):
        response = client.get(
            f"/api/questions/{signed_up.id}/interests", headers=auth(broker)
        )
        assert response.status_code == 200
        body = response.json()
        assert [i["email"] for i in body] == [
            "zoe@student.example",
            "andre@uni.example",
        ]
        assert body[0]["name"] == "Zoë van den Bërg"

    @pytest.mark.parametrize("path", ["interests", "interests.csv"])
    def test_others_are_refused(
        self,
        client,
        auth,
        make_user,
        other_city,
        staff,
        provider,
        admin,
        signed_up,
        path,
    ):
        url = f"/api/questions/{signed_up.id}/{path}"
        assert client.get(url).status_code == 401
        assert client.get(url, headers=auth(staff)).status_code == 403
        assert client.get(url, headers=auth(provider)).status_code == 403
        assert client.get(url, headers=auth(admin)).status_code == 403
        elsewhere = make_user("broker", municipality=other_city)
        response = client.get(url, headers=auth(elsewhere))
        assert response.status_code == 404
        assert response.json()["error"] == "NotFoundError"

    def test_csv_opens_in_a_spreadsheet_with_dutch_characters(
        self, client, auth, broker, signed_up
    ):
        response = client.get(
            f"/api/questions/{signed_up.id}/interests.csv", headers=auth(broker)
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.content.startswith(b"\xef\xbb\xbf")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][:5] == [
            "Naam",
            "E-mailadres",
            "Instelling",
            "Niveau",
            "Motivatie",
        ]
        assert rows[1][:4] == ["Zoë van den Bërg", "zoe@student.example",
                               "Hogeschool Leiden", "hbo"]  # fmt: skip
        assert rows[2][0] == "André Ümit"
        assert "ê en ë" in rows[2][4]
        assert len(rows) == 3

    def test_csv_defuses_spreadsheet_formulas_and_can_use_commas(
        self, client, session, auth, broker, assignment
    ):
        post(client, assignment.id, name='=HYPERLINK("http://x","klik")')
        confirm_from_mail(client, session)
        response = client.get(
            f"/api/questions/{assignment.id}/interests.csv",
            params={"sep": "comma"},
            headers=auth(broker),
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Naam"
        assert rows[1][0] == '\'=HYPERLINK("http://x","klik")'


class TestDoubleOptIn:
    def test_the_broker_sees_an_interest_only_once_confirmed(
        self, client, session, auth, broker, assignment, settings
    ):
        post(client, assignment.id)
        url = f"/api/questions/{assignment.id}/interests"
        assert client.get(url, headers=auth(broker)).json() == []
        [mail] = confirmation_mails(session)
        assert f"{settings.base_url}/portaal/bevestigen?token=" in mail.text_body
        confirm_from_mail(client, session)
        confirm_from_mail(client, session)  # following the link twice is harmless
        assert [i["email"] for i in client.get(url, headers=auth(broker)).json()] == [
            "zoe@student.example"
        ]

    @pytest.mark.parametrize("token", ["not-a-token-at-all", "eyJhbGciOi.x.y"])
    def test_a_forged_link_is_refused(self, client, token):
        answer = client.post("/api/portal/interests/confirm", json={"token": token})
        assert answer.status_code == 422
        assert "token" in answer.json()["fields"]

    def test_an_expired_link_sends_the_student_back_to_sign_up_again(
        self, client, session, assignment, settings, monkeypatch
    ):
        post(client, assignment.id)
        interest = session.scalars(select(Interest)).one()
        # A link mailed CONFIRM_HOURS + 1 hours ago.
        then = int(time.time()) - (CONFIRM_HOURS + 1) * 3600
        with monkeypatch.context() as m:
            m.setattr(TimestampSigner, "get_timestamp", lambda self: then)
            token = confirmation_token(settings, interest)
        page = client.get("/portaal/bevestigen", params={"token": token})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        expired = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf[1], "token": token, "lang": "nl"},
        )
        assert expired.status_code == 422
        assert f'href="/portaal/{assignment.id}?lang=nl"' in expired.text
        assert "Meld je opnieuw aan voor deze opdracht" in expired.text
        forged = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf[1], "token": "x.y.z", "lang": "nl"},
        )
        assert 'href="/portaal?lang=nl"' in forged.text  # no assignment to name

    def test_the_confirmation_page_confirms_with_a_button(
        self, client, session, auth, broker, assignment
    ):
        post(client, assignment.id)
        token = re.search(r"token=([\w.\-]+)", confirmation_mails(session)[0].text_body)
        assert token
        page = client.get("/portaal/bevestigen", params={"token": token[1]})
        assert page.status_code == 200
        assert "Ja, ik bevestig mijn belangstelling" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        done = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf[1], "token": token[1], "lang": "nl"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"/portaal/{assignment.id}?lang=nl"
        url = f"/api/questions/{assignment.id}/interests"
        assert len(client.get(url, headers=auth(broker)).json()) == 1
