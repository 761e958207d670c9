"""Password reset by e-mail: the link works once, for that account, in time; the
answer never tells whether an address has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from app.models import Event, OutboxMail
from app.security import PASSWORD_RESET, create_token, read_token
from tests.app.conftest import TEST_PASSWORD
from tests.app.portal_world import fresh_limiter
from tests.app.web.support import csrf, errors_on

NEW_PASSWORD = "een heel nieuw wachtwoord"
ASK = "/api/auth/password-reset"
CONFIRM = "/api/auth/password-reset/confirm"


@pytest.fixture(autouse=True)
def limiter(app):
    app.state.rate_limiter = fresh_limiter()
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()


def reset_mails(session) -> list[OutboxMail]:
    return list(
        session.scalars(select(OutboxMail).where(OutboxMail.kind == "password_reset"))
    )


def token_from_mail(mail: OutboxMail) -> str:
    found = re.search(r"/wachtwoord-herstellen\?token=([\w.\-]+)", mail.text_body)
    assert found, mail.text_body
    return found[1]


def log_in(client, email: str, password: str) -> int:
    return client.post(
        "/api/auth/token", data={"username": email, "password": password}
    ).status_code


class TestApi:
    def test_the_link_sets_a_new_password_once_and_ends_old_tokens(
        self, client, session, auth, staff, settings
    ):
        old_headers = auth(staff)
        assert client.post(ASK, json={"email": staff.email}).status_code == 202
        [mail] = reset_mails(session)
        assert mail.to_address == staff.email
        assert mail.is_essential
        assert f"{settings.base_url}/wachtwoord-herstellen?token=" in mail.text_body
        token = token_from_mail(mail)

        body = {"token": token, "password": NEW_PASSWORD}
        assert client.post(CONFIRM, json=body).status_code == 204
        assert log_in(client, staff.email, NEW_PASSWORD) == 200
        assert log_in(client, staff.email, TEST_PASSWORD) == 401
        assert client.get("/api/auth/me", headers=old_headers).status_code == 401

        again = client.post(CONFIRM, json=body | {"password": "nog een wachtwoord"})
        assert again.status_code == 422
        assert "token" in again.json()["fields"]
        assert log_in(client, staff.email, NEW_PASSWORD) == 200
        events = session.scalars(
            select(Event.action).where(Event.entity_id == staff.id)
        ).all()
        assert "password_reset" in events

    def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_mail(
        self, client, session, make_user
    ):
        gone = make_user("staff")
        gone.is_active = False
        session.flush()
        for email in ("niemand@leiden.example", gone.email):
            assert client.post(ASK, json={"email": email}).status_code == 202
        assert reset_mails(session) == []

    def test_a_bad_address_is_422_naming_the_field(self, client):
        answer = client.post(ASK, json={"email": "geen-adres"})
        assert answer.status_code == 422
        assert "email" in answer.json()["fields"]

    def test_a_short_password_is_422_and_leaves_the_link_usable(
        self, client, session, staff
    ):
        client.post(ASK, json={"email": staff.email})
        token = token_from_mail(reset_mails(session)[0])
        short = client.post(CONFIRM, json={"token": token, "password": "kort"})
        assert short.status_code == 422
        assert "password" in short.json()["fields"]
        ok = client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})
        assert ok.status_code == 204

    def test_expired_and_forged_links_are_refused(self, client, staff, settings):
        secret = settings.secret_key.get_secret_value()
        expired = create_token(staff.id, secret, -1, purpose=PASSWORD_RESET)
        forged = create_token(staff.id, "een ander geheim", 30, purpose=PASSWORD_RESET)
        for token in (expired, forged, "niet-een-token"):
            answer = client.post(
                CONFIRM, json={"token": token, "password": NEW_PASSWORD}
            )
            assert answer.status_code == 422
            assert "token" in answer.json()["fields"]
        assert log_in(client, staff.email, TEST_PASSWORD) == 200

    def test_a_login_token_is_no_reset_link_and_a_reset_link_no_login_token(
        self, client, staff, settings
    ):
        secret = settings.secret_key.get_secret_value()
        bearer = create_token(staff.id, secret, 30, session_version=0)
        answer = client.post(CONFIRM, json={"token": bearer, "password": NEW_PASSWORD})
        assert answer.status_code == 422
        link = create_token(staff.id, secret, 30, purpose=PASSWORD_RESET)
        assert read_token(link, secret) is None
        headers = {"Authorization": f"Bearer {link}"}
        assert client.get("/api/auth/me", headers=headers).status_code == 401

    def test_the_link_lives_as_long_as_the_setting_says(
        self, client, session, staff, settings
    ):
        client.post(ASK, json={"email": staff.email})
        token = token_from_mail(reset_mails(session)[0])
        claims = jwt.decode(token, options={"verify_signature": False})
        lifetime = timedelta(seconds=claims["exp"] - claims["iat"])
        assert lifetime == timedelta(minutes=settings.password_reset_minutes)

    def test_requests_are_throttled(self, client, staff):
        answers = [
            client.post(ASK, json={"email": staff.email}).status_code for _ in range(4)
        ]
        assert answers == [202, 202, 202, 429]


class TestPages:
    def test_forgot_and_reset_pages_walk_through_in_dutch(self, client, session, staff):
        login_page = client.get("/inloggen").text
        assert 'href="/wachtwoord-vergeten"' in login_page
        token = csrf(client, "/wachtwoord-vergeten")
        bad = client.post(
            "/wachtwoord-vergeten", data={"csrf_token": token, "email": "geen adres"}
        )
        assert bad.status_code == 400
        assert "<title>Fout: " in bad.text
        assert "geldig e-mailadres" in errors_on(bad.text)["email"]

        sent = client.post(
            "/wachtwoord-vergeten",
            data={"csrf_token": token, "email": staff.email},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        assert (
            "Als dit e-mailadres bij een account hoort"
            in client.get(sent.headers["location"]).text
        )
        link = token_from_mail(reset_mails(session)[0])

        page = client.get("/wachtwoord-herstellen", params={"token": link})
        assert page.status_code == 200
        form_token = csrf(client, f"/wachtwoord-herstellen?token={link}")
        mismatch = client.post(
            "/wachtwoord-herstellen",
            data={
                "csrf_token": form_token,
                "token": link,
                "password": NEW_PASSWORD,
                "repeat": "iets anders dan dat",
            },
        )
        assert mismatch.status_code == 400
        assert "niet gelijk" in errors_on(mismatch.text)["repeat"]
        done = client.post(
            "/wachtwoord-herstellen",
            data={
                "csrf_token": form_token,
                "token": link,
                "password": NEW_PASSWORD,
                "repeat": NEW_PASSWORD,
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert log_in(client, staff.email, NEW_PASSWORD) == 200

        used = client.post(
            "/wachtwoord-herstellen",
            data={
                "csrf_token": form_token,
                "token": link,
                "password": NEW_PASSWORD,
                "repeat": NEW_PASSWORD,
            },
        )
        assert used.status_code == 400
        assert "ongeldig, verlopen of al gebruikt" in used.text
        assert 'href="/wachtwoord-vergeten"' in used.text
