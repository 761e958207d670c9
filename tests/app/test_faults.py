"""Faults and abuse: hostile uploads, spoofed addresses, a database outage, stolen
sessions and insecure configuration each get a clear, bounded answer."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, delete, event
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.db import make_engine
from app.main import InsecureConfigurationError, create_app
from app.models import User
from app.ratelimit import RateLimiter
from app.security import create_token
from app.vocab.service import resolve_institution
from tests.app.conftest import TEST_PASSWORD, TEST_SECRET
from tests.app.portal_world import rate_limits
from tests.live_server import live_server

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_login(client: TestClient, user: User) -> None:
    token = _CSRF.search(client.get("/inloggen").text)
    assert token
    answer = client.post(
        "/inloggen",
        data={
            "csrf_token": token.group(1),
            "email": user.email,
            "password": TEST_PASSWORD,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def api_token(client: TestClient, user: User) -> dict[str, str]:
    answer = client.post(
        "/api/auth/token", data={"username": user.email, "password": TEST_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class TestHostileUpload:
    # A header line that made csv.Sniffer take 40 s (quadratic regular expressions).
    HOSTILE = ('"a' + ";" * 3 + ",") * 24_000 + "\ncourse;x;y;1\n"

    @pytest.fixture
    def provider_token(self, engine: Engine) -> Iterator[str]:
        """A provider committed for real, so a live server can see it."""
        with Session(engine, expire_on_commit=False) as s:
            user = User(
                email=f"upload-{uuid.uuid4().hex[:8]}@test.example",
                name="Uploader",
                role="provider",
                password_hash="x",
                institution_id=resolve_institution(s, "Hogeschool Leiden").id,
            )
            s.add(user)
            s.commit()
        yield create_token(user.id, TEST_SECRET, 10)
        with Session(engine) as s:
            s.execute(delete(User).where(User.id == user.id))
            s.commit()

    def test_a_hostile_header_is_refused_while_others_are_served(
        self, engine, settings, provider_token
    ):
        app = create_app(settings, engine=engine)
        headers = {"Authorization": f"Bearer {provider_token}"}
        with live_server(app) as base, httpx.Client(base_url=base, timeout=60) as http:
            health: list[int] = []

            def poll() -> None:
                for _ in range(5):
                    health.append(http.get("/healthz").status_code)

            started = time.monotonic()
            poller = threading.Thread(target=poll)
            poller.start()
            answer = http.post(
                "/api/offers/import",
                files={"file": ("aanbod.csv", self.HOSTILE.encode(), "text/csv")},
                headers=headers,
            )
            poller.join()
            elapsed = time.monotonic() - started
        assert answer.status_code == 422
        assert "header" in answer.json()["fields"]
        assert health == [200] * 5
        assert elapsed < 5  # was 40 s, with the whole server blocked

    def test_the_importer_answers_422_naming_the_header(self, client, auth, provider):
        started = time.monotonic()
        answer = client.post(
            "/api/offers/import",
            files={"file": ("aanbod.csv", self.HOSTILE.encode(), "text/csv")},
            headers=auth(provider),
        )
        assert time.monotonic() - started < 2
        assert answer.status_code == 422
        assert "header" in answer.json()["fields"]
        assert "2000 characters" in answer.json()["detail"]

    def test_a_repeated_column_is_refused(self, client, auth, provider):
        csv = b"kind;title;description;capacity;title\ncourse;A;B;1;C\n"
        answer = client.post(
            "/api/offers/import",
            files={"file": ("aanbod.csv", csv, "text/csv")},
            headers=auth(provider),
        )
        assert answer.status_code == 422
        assert "'title' appears more than once" in answer.json()["fields"]["header"]

    def test_a_comma_file_with_semicolons_in_quotes_is_read_as_commas(
        self, client, auth, provider
    ):
        csv = 'kind,title,description,capacity\ncourse,"A; B","x; y; z",1\n'
        answer = client.post(
            "/api/offers/import",
            files={"file": ("aanbod.csv", csv.encode(), "text/csv")},
            headers=auth(provider),
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["offers"][0]["title"] == "A; B"


class TestForwardedHeaders:
    """Login lockout per client cannot be reset by naming another address."""

    def _failures(self, base: str, email: str) -> list[int]:
        codes = []
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in range(8):
                codes.append(
                    http.post(
                        "/api/auth/token",
                        data={"username": email, "password": "fout"},
                        headers={"X-Forwarded-For": f"10.0.0.{i}"},
                    ).status_code
                )
        return codes

    def _app(self, engine: Engine, settings: Settings, **changes: str):
        app = create_app(settings.model_copy(update=changes), engine=engine)
        app.state.rate_limiter = RateLimiter(rate_limits(login="5/minute"))
        return app

    def test_a_spoofed_address_does_not_reset_the_lockout(self, engine, settings):
        with live_server(self._app(engine, settings)) as base:
            codes = self._failures(base, "iemand@test.example")
        assert codes == [401] * 5 + [429] * 3

    def test_a_configured_proxy_is_believed(self, engine, settings):
        app = self._app(engine, settings, trusted_proxies="127.0.0.1")
        with live_server(app) as base:
            codes = self._failures(base, "iemand@test.example")
        assert codes == [401] * 8  # each forwarded client has its own count


class TestDatabaseOutage:
    @pytest.fixture
    def flaky(self, database_url: str) -> Iterator[dict[str, bool]]:
        """An engine whose new connections fail while `state["down"]` is set."""
        engine = make_engine(database_url)
        state = {"down": False}

        @event.listens_for(engine, "do_connect")
        def _connect(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
            if state["down"]:
                raise dialect.loaded_dbapi.OperationalError("connection refused")

        self.engine = engine
        yield state
        engine.dispose()

    def test_an_outage_answers_503_and_recovers(self, flaky, settings):
        app = create_app(settings, engine=self.engine)
        with TestClient(app) as client:
            assert client.get("/api/portal/assignments").status_code == 200
            flaky["down"] = True
            self.engine.dispose()  # drop pooled connections: the next one is new
            api = client.get("/api/portal/assignments")
            page = client.get("/portaal")
            flaky["down"] = False
            after = client.get("/api/portal/assignments")
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "5"
        assert api.json()["error"] == "ServiceUnavailableError"
        assert page.status_code == 503
        assert "Tijdelijk niet beschikbaar" in page.text
        assert after.status_code == 200  # recovered by itself


class TestRevocation:
    def test_a_token_stops_working_after_logout(self, client, staff):
        headers = api_token(client, staff)
        other = api_token(client, staff)  # the same user on another device
        assert client.post("/api/auth/logout", headers=headers).status_code == 204
        assert client.get("/api/auth/me", headers=headers).status_code == 401
        assert client.get("/api/auth/me", headers=other).status_code == 401
        assert client.get("/api/auth/me", headers=api_token(client, staff)).is_success

    def test_a_token_stops_working_after_a_password_change(
        self, client, staff, admin, auth
    ):
        headers = api_token(client, staff)
        changed = client.patch(
            f"/api/users/{staff.id}",
            json={"password": "een ander lang wachtwoord"},
            headers=auth(admin),
        )
        assert changed.status_code == 200
        assert client.get("/api/auth/me", headers=headers).status_code == 401

    def test_a_copied_cookie_stops_working_after_logout(self, app, staff):
        with TestClient(app) as browser, TestClient(app) as thief:
            page_login(browser, staff)
            thief.cookies.update(browser.cookies)  # copied before the logout
            assert thief.get("/vragen", follow_redirects=False).status_code == 200
            token = _CSRF.search(browser.get("/vragen").text)
            assert token
            browser.post("/uitloggen", data={"csrf_token": token.group(1)})
            stale = thief.get("/vragen", follow_redirects=False)
        assert stale.status_code == 303
        assert stale.headers["location"].startswith("/inloggen")

    def test_deactivation_ends_the_session(self, app, client, staff, admin, auth):
        with TestClient(app) as browser:
            page_login(browser, staff)
            client.patch(
                f"/api/users/{staff.id}", json={"is_active": False}, headers=auth(admin)
            )
            answer = browser.get("/vragen", follow_redirects=False)
        assert answer.status_code == 303


class TestHardening:
    def test_a_short_secret_is_refused(self, settings):
        short = settings.model_copy(update={"secret_key": SecretStr("x" * 31)})
        with pytest.raises(InsecureConfigurationError, match="at least 32"):
            create_app(short)

    def test_seed_demo_is_refused_outside_demo_mode(self, monkeypatch, fresh_url):
        monkeypatch.setenv("KENNISBRUG_DATABASE_URL", fresh_url)
        monkeypatch.setenv("KENNISBRUG_DEMO_MODE", "0")
        from app.config import get_settings

        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["seed", "--demo"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 2
        assert "demo mode" in result.output

    def test_hsts_only_when_cookies_are_secure(self, engine, settings):
        plain = TestClient(create_app(settings, engine=engine))
        secure = TestClient(
            create_app(
                settings.model_copy(update={"cookie_secure": True}), engine=engine
            )
        )
        assert "strict-transport-security" not in plain.get("/healthz").headers
        hsts = secure.get("/healthz").headers["strict-transport-security"]
        assert hsts.startswith("max-age=31536000")

    def test_exports_with_personal_data_are_not_cached(
        self, client, auth, broker, staff
    ):
        from tests.app.helpers import open_question

        q = open_question(client, auth(staff), auth(broker))
        answer = client.get(
            f"/api/questions/{q['id']}/interests.csv", headers=auth(broker)
        )
        assert answer.headers["cache-control"] == "no-store"

    @pytest.mark.parametrize(
        "invisible", ["\u200b\u200b\u200b", "\u200e\u200f\u202a", "\u0301\u0301\u0301"]
    )
    def test_a_title_of_invisible_characters_is_refused(
        self, client, auth, staff, invisible
    ):
        answer = client.post(
            "/api/questions",
            json={"title": invisible, "description": "Waarom?"},
            headers=auth(staff),
        )
        assert answer.status_code == 422
        assert "visible" in answer.json()["fields"]["title"]

    def test_a_name_of_invisible_characters_is_refused(self, client, auth, admin):
        answer = client.post(
            "/api/users",
            json={
                "email": "leeg@test.example",
                "name": "\u2060\u2060",
                "role": "admin",
                "password": "lang genoeg wachtwoord",
            },
            headers=auth(admin),
        )
        assert answer.status_code == 422
        assert "name" in answer.json()["fields"]
