"""Signing in and staying safe: reset links bound to the address they were
mailed to, the own-password form under the login limit, and no way to set one's
own password without the current one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import OutboxMail, User
from app.security import verify_password
from tests.app.conftest import TEST_PASSWORD
from tests.app.portal_world import fresh_limiter
from tests.app.web.support import csrf, errors_on, login

NEW_PASSWORD = "een heel nieuw wachtwoord"
ASK = "/api/auth/password-reset"
CONFIRM = "/api/auth/password-reset/confirm"
OWN_PASSWORD = "/account/wachtwoord"


@pytest.fixture(autouse=True)
def limiter(app):
    app.state.rate_limiter = fresh_limiter()
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()


def reset_tokens(session) -> list[str]:
    """The links of the reset mails, oldest first."""
    mails = session.scalars(
        select(OutboxMail)
        .where(OutboxMail.kind == "password_reset")
        .order_by(OutboxMail.created_at, OutboxMail.id)
    )
    found = [
        re.search(r"/wachtwoord-herstellen\?token=([\w.\-]+)", m.text_body)
        for m in mails
    ]
    return [m[1] for m in found if m]


def log_in(client, email: str, password: str) -> int:
    return client.post(
        "/api/auth/token", data={"username": email, "password": password}
    ).status_code


class TestResetLinks:
    def test_a_link_in_the_old_mailbox_stops_working_when_the_address_changes(
        self, client, session, staff, admin, auth
    ):
        """The account was made with the wrong address (or passed on): the admin
        corrects it, but whoever got the mail at the old address could still set
        the password and take the account over."""
        assert client.post(ASK, json={"email": staff.email}).status_code == 202
        [old_link] = reset_tokens(session)
        moved = client.patch(
            f"/api/users/{staff.id}",
            json={"email": "juiste.adres@leiden.example"},
            headers=auth(admin),
        )
        assert moved.status_code == 200, moved.text
        used = client.post(CONFIRM, json={"token": old_link, "password": NEW_PASSWORD})
        assert used.status_code == 422, used.status_code
        assert "token" in used.json()["fields"]
        assert log_in(client, "juiste.adres@leiden.example", TEST_PASSWORD) == 200
        # A link mailed to the new address works.
        client.post(ASK, json={"email": "juiste.adres@leiden.example"})
        new_link = reset_tokens(session)[-1]
        ok = client.post(CONFIRM, json={"token": new_link, "password": NEW_PASSWORD})
        assert ok.status_code == 204

    def test_a_link_asked_for_in_capitals_works_for_the_account(
        self, client, session, staff
    ):
        assert client.post(ASK, json={"email": staff.email.upper()}).status_code == 202
        [link] = reset_tokens(session)
        ok = client.post(CONFIRM, json={"token": link, "password": NEW_PASSWORD})
        assert ok.status_code == 204
        assert log_in(client, f"  {staff.email.upper()} ", NEW_PASSWORD) == 200

    def test_an_earlier_link_stops_working_once_a_newer_one_is_sent(
        self, client, session, staff
    ):
        client.post(ASK, json={"email": staff.email})
        client.post(ASK, json={"email": staff.email})
        first, _second = reset_tokens(session)
        used = client.post(CONFIRM, json={"token": first, "password": NEW_PASSWORD})
        assert used.status_code == 422


class TestOwnPassword:
    def _post(self, client, current: str):
        return client.post(
            OWN_PASSWORD,
            data={
                "csrf_token": csrf(client, OWN_PASSWORD),
                "current_password": current,
                "password": "een-nieuw-wachtwoord",
            },
        )

    def test_guessing_the_current_password_is_limited_like_a_login(
        self, client, session, staff
    ):
        """A left-open session must not be a way to guess the password without
        limit: the login allows 5 failures a minute, so does this form."""
        login(client, staff)
        answers = [self._post(client, f"geraden-{i}").status_code for i in range(5)]
        assert answers == [422] * 5
        blocked = self._post(client, TEST_PASSWORD)  # even the right one waits now
        assert blocked.status_code == 429, blocked.status_code
        assert (
            "Te veel mislukte pogingen" in errors_on(blocked.text)["current_password"]
        )
        session.refresh(staff)
        assert verify_password(TEST_PASSWORD, staff.password_hash)
        # The same counter as the login: guessing there is refused as well.
        assert log_in(client, staff.email, TEST_PASSWORD) == 429

    def test_a_right_password_and_empty_fields_do_not_count(self, client, staff):
        login(client, staff)
        for _ in range(6):
            assert self._post(client, "").status_code == 422
        done = self._post(client, TEST_PASSWORD)
        assert "Uw wachtwoord is gewijzigd" in done.text

    def test_an_admin_cannot_set_their_own_password_without_the_current_one(
        self, client, session, admin, auth
    ):
        """An admin's left-open session (or copied token) could otherwise take the
        account over: PATCH without the current password, and every session of
        the real admin ends."""
        headers = auth(admin)
        answer = client.patch(
            f"/api/users/{admin.id}",
            json={"password": "overgenomen-wachtwoord"},
            headers=headers,
        )
        assert answer.status_code == 409, answer.text
        row = session.get(User, admin.id)
        session.refresh(row)
        assert verify_password(TEST_PASSWORD, row.password_hash)
        assert client.get("/api/auth/me", headers=headers).status_code == 200

    def test_an_admin_still_sets_another_accounts_password(
        self, client, admin, staff, auth
    ):
        answer = client.patch(
            f"/api/users/{staff.id}",
            json={"password": "door-beheer-gezet"},
            headers=auth(admin),
        )
        assert answer.status_code == 200, answer.text
        assert log_in(client, staff.email, "door-beheer-gezet") == 200

    def test_an_admin_changes_their_own_password_on_the_page(
        self, client, session, admin
    ):
        login(client, admin)
        done = self._post(client, TEST_PASSWORD)
        assert "Uw wachtwoord is gewijzigd" in done.text
        session.refresh(admin)
        assert verify_password("een-nieuw-wachtwoord", admin.password_hash)
