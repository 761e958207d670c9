"""The Dutch web pages through TestClient: sessions, CSRF, headers, escaping, roles,
the staff/provider/broker pages and the CSV import (page and API)."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.models import Match, Offer, Question
from app.offers import importer
from app.web.core.setup import SESSION_COOKIE
from tests.app.conftest import TEST_PASSWORD
from tests.app.helpers import OFFER, QUESTION, offer, open_question, propose, step

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/inloggen") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = _TOKEN.search(page.text)
    assert found, "no CSRF field on " + path
    return found.group(1)


def login(client: TestClient, user, next_path: str = "") -> str:
    response = client.post(
        "/inloggen",
        data={
            "csrf_token": csrf(client),
            "email": user.email,
            "password": TEST_PASSWORD,
            "next": next_path,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def errors_on(html: str) -> dict[str, str]:
    """Field id -> error text, as the form macros render them."""
    return {
        name: re.sub(r"<[^>]+>", "", text).removeprefix("Fout: ").strip()
        for name, text in re.findall(
            r'id="f-([\w]+)-error"[^>]*>(.*?)</div>', html, flags=re.S
        )
    }


def text_of(page: str) -> str:
    """The visible text of a page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def reloaded(session, model, id_: str | uuid.UUID):
    """The row as the database holds it now (pages commit on their own session)."""
    row = session.get(model, uuid.UUID(str(id_)))
    session.refresh(row)
    return row


def offer_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Offer)) or 0


class TestSession:
    def test_login_sets_a_safe_cookie_and_rotates_it(self, client, staff):
        before = csrf(client)
        anonymous_cookie = client.cookies.get(SESSION_COOKIE)
        assert login(client, staff) == "/vragen"
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie
        assert cookie != anonymous_cookie
        after = csrf(client, "/vragen")
        assert after != before  # the anonymous token is worthless after login

    def test_cookie_flags(self, client, staff):
        response = client.post(
            "/inloggen",
            data={
                "csrf_token": csrf(client),
                "email": staff.email,
                "password": TEST_PASSWORD,
            },
            follow_redirects=False,
        )
        header = response.headers["set-cookie"].lower()
        assert "httponly" in header
        assert "samesite=lax" in header
        assert "secure" not in header  # cookie_secure=False in the test settings

    def test_secure_flag_follows_settings(self, engine, settings):
        from app.main import create_app

        secure = settings.model_copy(update={"cookie_secure": True})
        app = create_app(secure, engine=engine)
        with TestClient(app, base_url="https://testserver") as client:
            page = client.get("/inloggen")
        assert "secure" in page.headers["set-cookie"].lower()

    def test_wrong_password_is_a_dutch_error_and_keeps_the_email(self, client, staff):
        response = client.post(
            "/inloggen",
            data={
                "csrf_token": csrf(client),
                "email": staff.email,
                "password": "wrong",
            },
        )
        assert response.status_code == 400
        assert "klopt niet" in errors_on(response.text)["password"]
        assert f'value="{staff.email}"' in response.text
        assert 'aria-describedby="f-password-error"' in response.text

    def test_repeated_failures_are_throttled(self, client, staff):
        token = csrf(client)
        codes = [
            client.post(
                "/inloggen",
                data={"csrf_token": token, "email": staff.email, "password": "x"},
            ).status_code
            for _ in range(6)
        ]
        assert codes == [400] * 5 + [429]
        page = client.post(
            "/inloggen",
            data={"csrf_token": token, "email": staff.email, "password": TEST_PASSWORD},
        )
        assert "Te veel mislukte pogingen" in page.text

    def test_logout_ends_the_session(self, client, staff):
        login(client, staff)
        response = client.post(
            "/uitloggen", data={"csrf_token": csrf(client, "/vragen")}
        )
        assert response.status_code == 200
        assert "U bent uitgelogd" in response.text
        assert client.get("/vragen", follow_redirects=False).status_code == 303

    def test_deactivated_user_loses_access_at_once(self, client, staff, session):
        login(client, staff)
        staff.is_active = False
        session.commit()
        response = client.get("/vragen", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen")


class TestCsrf:
    def test_login_without_token_is_refused(self, client, staff):
        response = client.post(
            "/inloggen", data={"email": staff.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 403
        assert "formulier is verlopen" in response.text

    def test_form_post_with_a_wrong_token_is_refused(self, client, staff, session):
        login(client, staff)
        before = session.scalar(select(func.count()).select_from(Question))
        response = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": "x" * 43,
                "title": "Een vraag",
                "description": "Tekst",
            },
        )
        assert response.status_code == 403
        assert session.scalar(select(func.count()).select_from(Question)) == before

    def test_token_of_another_session_is_refused(self, client, app, staff):
        with TestClient(app) as other:
            foreign = csrf(other)
        login(client, staff)
        response = client.post("/uitloggen", data={"csrf_token": foreign})
        assert response.status_code == 403

    @pytest.mark.parametrize(
        "path",
        [
            "/uitloggen",
            "/vragen/nieuw",
            "/aanbod/nieuw",
            "/aanbod/import",
            "/makelaar/verdeling",
        ],
    )
    def test_every_form_post_checks_the_token(self, client, make_user, path):
        role = "staff" if path.startswith("/vragen") else "broker"
        login(client, make_user(role))
        response = client.post(path, data={})
        assert response.status_code == 403
        assert "formulier is verlopen" in response.text


class TestHeadersAndErrors:
    @pytest.mark.parametrize("path", ["/", "/inloggen", "/healthz", "/api/themes"])
    def test_security_headers_everywhere(self, client, path):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "form-action 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["permissions-policy"]

    def test_pages_are_not_cached(self, client):
        assert client.get("/").headers["cache-control"] == "no-store"

    def test_pages_have_no_inline_script_or_style(self, client, staff):
        login(client, staff)
        for path in ("/", "/vragen", "/vragen/nieuw"):
            html = client.get(path).text
            assert "<script" not in html
            assert "style=" not in html
            assert '<html lang="nl"' in html
            assert 'href="#inhoud"' in html

    def test_unknown_page_is_a_dutch_404_while_the_api_stays_json(self, client):
        page = client.get("/bestaat-niet")
        assert page.status_code == 404
        assert "Pagina niet gevonden" in page.text
        assert "Traceback" not in page.text
        api = client.get("/api/bestaat-niet")
        assert api.status_code == 404
        assert api.json()["error"] == "NotFoundError"

    def test_malformed_id_in_a_page_address_is_404(self, client, staff):
        login(client, staff)
        assert client.get("/vragen/geen-uuid").status_code == 404

    def test_unexpected_error_is_a_dutch_500_without_trace(self, app, monkeypatch):
        from app.web.core import home

        def boom(*args, **kwargs):
            raise RuntimeError("secret detail")

        monkeypatch.setattr(home, "render", boom)
        with TestClient(app, raise_server_exceptions=False) as client:
            page = client.get("/")
        assert page.status_code == 500
        assert "Er ging iets mis" in page.text
        assert "secret detail" not in page.text
        assert page.headers["x-frame-options"] == "DENY"

    def test_vendor_css_is_whitelisted(self, client):
        assert client.get("/static/vendor/nlds-components.css").status_code in (
            200,
            404,  # npm ci not run: the page still works with app.css alone
        )
        assert client.get("/static/vendor/package.json").status_code == 404
        assert client.get("/static/web/app.css").status_code == 200


class TestAutoescape:
    def test_script_in_a_title_is_shown_as_text(self, client, staff, broker, auth):
        title = "<script>alert('x')</script> Vraag"
        question = open_question(client, auth(staff), auth(broker), title=title)
        escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Vraag"
        login(client, staff)
        for path in ("/vragen", f"/vragen/{question['id']}"):
            html = client.get(path).text
            assert "<script>alert" not in html
            assert escaped in html
        client.post("/uitloggen", data={"csrf_token": csrf(client, "/vragen")})
        login(client, broker)
        for path in ("/makelaar", f"/makelaar/vragen/{question['id']}"):
            html = client.get(path).text
            assert "<script>alert" not in html
            assert escaped in html


class TestRoles:
    @pytest.mark.parametrize(
        ("role", "start"),
        [("staff", "/vragen"), ("provider", "/aanbod"), ("broker", "/makelaar")],
    )
    def test_each_role_starts_on_its_page(self, client, make_user, role, start):
        assert login(client, make_user(role)) == start
        assert client.get(start).status_code == 200

    def test_admin_goes_to_the_start_page(self, client, admin):
        assert login(client, admin) == "/"

    def test_not_logged_in_goes_to_login_and_back(self, client, broker):
        response = client.get("/makelaar?x=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/inloggen?next=/makelaar%3Fx%3D1"
        assert login(client, broker, next_path="/makelaar?x=1") == "/makelaar?x=1"

    def test_a_post_without_login_goes_to_plain_login(self, client):
        response = client.post("/makelaar/verdeling", follow_redirects=False)
        assert response.headers["location"] == "/inloggen"

    @pytest.mark.parametrize(
        "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "x"]
    )
    def test_next_must_be_a_local_path(self, client, staff, target):
        assert login(client, staff, next_path=target) == "/vragen"

    @pytest.mark.parametrize(
        ("role", "path"),
        [
            ("staff", "/makelaar"),
            ("staff", "/aanbod"),
            ("provider", "/vragen"),
            ("provider", "/makelaar/verdeling"),
            ("broker", "/vragen/nieuw"),
            ("admin", "/makelaar"),
        ],
    )
    def test_wrong_role_gets_a_dutch_403(self, client, make_user, role, path):
        login(client, make_user(role))
        page = client.get(path)
        assert page.status_code == 403
        assert "Geen toegang" in page.text

    def test_home_links_per_role(self, client, provider):
        anonymous = client.get("/").text
        assert 'href="/inloggen"' in anonymous
        assert 'href="/portaal"' in anonymous
        login(client, provider)
        assert 'href="/aanbod/import"' in client.get("/").text


class TestStaffPages:
    def test_intake_submits_and_resolves_a_buurt_name(self, client, staff, session):
        login(client, staff)
        response = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": csrf(client, "/vragen/nieuw"),
                "title": "Meer groen in de Slaaghwijk",
                "description": "Hoe vergroenen we tuinen en pleinen?",
                "context": "Hittestress in de zomer.",
                "decision": "Welke pleinen we eerst aanpakken.",
                "expected_output": "advies",
                "neighbourhood": "Slaaghwijk",
                "levels": ["hbo", "wo"],
                "themes": ["duurzaamheid-biodiversiteit"],
                "wanted_from": "2027-02-01",
                "wanted_until": "2027-06-30",
                "is_public": "1",
                "action": "submit",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        question_id = uuid.UUID(response.headers["location"].split("/")[2][:36])
        question = session.get(Question, question_id)
        assert question.status == "submitted"
        assert question.neighbourhood.slug == "merenwijk"
        assert question.is_public
        assert sorted(question.levels) == ["hbo", "wo"]
        page = client.get(response.headers["location"])
        assert "ingediend bij de kennismakelaar" in page.text
        assert "Ingediend" in page.text

    def test_errors_are_dutch_next_to_the_field_and_nothing_is_lost(
        self, client, staff
    ):
        login(client, staff)
        response = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": csrf(client, "/vragen/nieuw"),
                "title": "Ab",
                "description": "Een beschrijving die blijft staan",
                "neighbourhood": "Atlantis",
                "themes": ["veiligheid"],
                "wanted_from": "2027-06-01",
                "wanted_until": "2027-01-01",
                "contact_email": "geen-adres",
                "action": "draft",
            },
        )
        assert response.status_code == 422
        errors = errors_on(response.text)
        assert errors["title"] == "Gebruik minstens 3 tekens."
        assert "e-mailadres" in errors["contact_email"]
        assert re.search(r'aria-describedby="[^"]*f-title-error"', response.text)
        assert "Een beschrijving die blijft staan" in response.text
        assert 'value="Atlantis"' in response.text
        assert 'value="veiligheid"\n        checked' in response.text or re.search(
            r'value="veiligheid"\s*checked', response.text
        )
        # Fix the schema errors: the service's own check (unknown neighbourhood) shows.
        response = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": csrf(client, "/vragen/nieuw"),
                "title": "Een goede titel",
                "description": "Tekst",
                "neighbourhood": "Atlantis",
                "action": "draft",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["neighbourhood"].startswith(
            "Onbekende wijk of buurt"
        )

    def test_window_error_names_the_end_date(self, client, staff):
        login(client, staff)
        response = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": csrf(client, "/vragen/nieuw"),
                "title": "Een goede titel",
                "description": "Tekst",
                "wanted_from": "2027-06-01",
                "wanted_until": "2027-01-01",
            },
        )
        assert errors_on(response.text)["wanted_until"].startswith("De einddatum")

    def test_owner_submits_and_withdraws_and_sees_similar(
        self, client, staff, broker, auth
    ):
        earlier = open_question(client, auth(staff), auth(broker))
        login(client, staff)
        token = csrf(client, "/vragen/nieuw")
        created = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": token,
                "title": QUESTION["title"],
                "description": QUESTION["description"],
                "action": "draft",
            },
            follow_redirects=False,
        )
        path = created.headers["location"].split("?")[0]
        page = client.get(created.headers["location"]).text
        assert "Lijkt op eerdere vragen" in page
        assert earlier["title"] in page
        assert "Indienen" in page
        page = client.post(
            f"{path}/status", data={"csrf_token": token, "to": "submitted"}
        ).text
        assert "De vraag is ingediend." in page
        client.post(f"{path}/status", data={"csrf_token": token, "to": "withdrawn"})
        assert "Ingetrokken" in client.get(path).text

    def test_other_staff_cannot_withdraw(self, client, staff, make_user, broker, auth):
        question = open_question(client, auth(staff), auth(broker))
        login(client, make_user("staff"))
        path = f"/vragen/{question['id']}"
        page = client.get(path).text
        assert "Intrekken" not in page
        response = client.post(
            f"{path}/status", data={"csrf_token": csrf(client, path), "to": "withdrawn"}
        )
        assert "U mag dit niet doen" in response.text or "alleen" in response.text


class TestStaffEditsAndFeedback:
    def _draft(self, client, staff) -> str:
        login(client, staff)
        created = client.post(
            "/vragen/nieuw",
            data={
                "csrf_token": csrf(client, "/vragen/nieuw"),
                "title": "Hitte in de Slaaghwijk",
                "description": "Waar is het 's zomers het heetst?",
                "context": "Klachten van bewoners.",
                "neighbourhood": "Slaaghwijk",
                "themes": ["duurzaamheid-biodiversiteit"],
                "contact_email": "team@leiden.example",
                "is_public": "1",
                "action": "draft",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        return created.headers["location"].split("?")[0]

    def test_owner_edits_a_draft_and_can_clear_fields(self, client, staff, session):
        path = self._draft(client, staff)
        assert f'href="{path}/bewerken"' in client.get(path).text
        form = client.get(f"{path}/bewerken").text
        assert 'value="Hitte in de Slaaghwijk"' in form
        assert 'value="Merenwijk"' in form
        assert re.search(r'value="duurzaamheid-biodiversiteit"\s*checked', form)
        saved = client.post(
            f"{path}/bewerken",
            data={
                "csrf_token": csrf(client, f"{path}/bewerken"),
                "title": "Hittestress in de Merenwijk",
                "description": "Waar is het 's zomers het heetst, en voor wie?",
                "levels": ["hbo"],
                "wanted_matches": "2",
            },
        )
        assert "De wijzigingen zijn opgeslagen." in saved.text
        question = reloaded(session, Question, path.split("/")[2])
        assert question.title == "Hittestress in de Merenwijk"
        assert question.status == "draft"
        assert question.levels == ["hbo"]
        assert question.wanted_matches == 2
        # Emptied fields are cleared, an unticked box is false.
        assert question.neighbourhood is None
        assert question.themes == []
        assert question.context == ""
        assert question.contact_email is None
        assert not question.is_public

    def test_edit_errors_keep_input_and_save_nothing(self, client, staff, session):
        path = self._draft(client, staff)
        response = client.post(
            f"{path}/bewerken",
            data={
                "csrf_token": csrf(client, f"{path}/bewerken"),
                "title": "Ab",
                "description": "Nieuwe tekst die blijft staan",
                "neighbourhood": "Atlantis",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["title"] == "Gebruik minstens 3 tekens."
        assert "Nieuwe tekst die blijft staan" in response.text
        assert "Vraag wijzigen" in response.text
        question = reloaded(session, Question, path.split("/")[2])
        assert question.title == "Hitte in de Slaaghwijk"

    def test_a_question_in_progress_cannot_be_edited(
        self, client, staff, broker, provider, auth, session
    ):
        question = open_question(client, auth(staff), auth(broker))
        place = offer(client, auth(provider))
        match = propose(client, auth(broker), question["id"], place["id"])
        step(client, auth(broker), match["id"], "confirm")
        login(client, staff)
        path = f"/vragen/{question['id']}"
        assert "/bewerken" not in client.get(path).text
        page = client.get(f"{path}/bewerken")
        assert "kan niet meer worden gewijzigd" in page.text
        refused = client.post(
            f"{path}/bewerken",
            data={
                "csrf_token": csrf(client, path),
                "title": "Een andere titel",
                "description": "Andere tekst",
            },
        )
        assert refused.status_code == 422
        assert (
            "Een vraag met status 'gekoppeld' kan niet meer worden gewijzigd."
            in text_of(refused.text)
        )
        stored = reloaded(session, Question, question["id"])
        assert stored.title == question["title"]

    def test_broker_sharpens_themes_and_returns_to_the_board_page(
        self, client, staff, broker, auth, session
    ):
        question = open_question(client, auth(staff), auth(broker))
        login(client, broker)
        board_page = f"/makelaar/vragen/{question['id']}"
        edit = f"/vragen/{question['id']}/bewerken"
        assert f'href="{edit}"' in client.get(board_page).text
        form = client.get(edit).text
        assert f'href="{board_page}"' in form
        saved = client.post(
            edit,
            data={
                "csrf_token": csrf(client, edit),
                "title": question["title"],
                "description": question["description"],
                "themes": ["sociaal-domein"],
                "neighbourhood": "Leiden-Noord",
                "wanted_matches": "1",
                "is_public": "1",
            },
            follow_redirects=False,
        )
        assert saved.headers["location"] == board_page
        stored = reloaded(session, Question, question["id"])
        assert [t.slug for t in stored.themes] == ["sociaal-domein"]
        assert stored.neighbourhood.slug == "leiden-noord"
        assert stored.status == "open"

    def _running_match(self, client, staff, broker, provider, auth) -> tuple[str, str]:
        question = open_question(client, auth(staff), auth(broker))
        place = offer(client, auth(provider))
        match = propose(client, auth(broker), question["id"], place["id"])
        for action in ("confirm", "start"):
            assert step(client, auth(broker), match["id"], action).status_code == 200
        return question["id"], match["id"]

    def test_owner_completes_the_work_with_feedback(
        self, client, staff, broker, provider, auth, session
    ):
        question_id, match_id = self._running_match(
            client, staff, broker, provider, auth
        )
        login(client, staff)
        path = f"/vragen/{question_id}"
        page = client.get(path).text
        action = f"{path}/koppelingen/{match_id}/afronden"
        assert f'action="{action}"' in page
        short = client.post(
            action, data={"csrf_token": csrf(client, path), "outcome_summary": "kort"}
        )
        assert "Resultaat: Gebruik minstens 10 tekens." in short.text
        too_high = client.post(
            action,
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een kaart van hete plekken.",
                "rating": "9",
            },
        )
        assert "Waardering: Vul een getal van hoogstens 5 in." in too_high.text
        assert reloaded(session, Match, match_id).status == "in_progress"
        done = client.post(
            action,
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een kaart van hete plekken en drie maatregelen.",
                "result_url": "https://example.org/rapport",
                "rating": "4",
                "remarks": "Bruikbaar voor het hitteplan.",
            },
        )
        assert "uw beoordeling zijn vastgelegd" in done.text
        assert "Waardering van de vraageigenaar: 4 van 5" in done.text
        match = reloaded(session, Match, match_id)
        assert (match.status, match.rating) == ("completed", 4)
        assert match.remarks == "Bruikbaar voor het hitteplan."
        login(client, broker)
        broker_page = client.get(f"/makelaar/vragen/{question_id}").text
        assert "Waardering van de vraageigenaar: 4 van 5" in broker_page
        assert "Bruikbaar voor het hitteplan." in broker_page
        assert reloaded(session, Question, question_id).status == "completed"

    def test_only_the_owner_gets_the_feedback_form(
        self, client, staff, make_user, broker, provider, auth, session
    ):
        question_id, match_id = self._running_match(
            client, staff, broker, provider, auth
        )
        colleague = make_user("staff")
        login(client, colleague)
        path = f"/vragen/{question_id}"
        assert "/afronden" not in client.get(path).text
        refused = client.post(
            f"{path}/koppelingen/{match_id}/afronden",
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een resultaat van iemand anders.",
            },
        )
        assert refused.status_code == 403
        match = reloaded(session, Match, match_id)
        assert match.status == "in_progress"

    def test_match_of_another_question_is_404(
        self, client, staff, broker, provider, auth
    ):
        _, match_id = self._running_match(client, staff, broker, provider, auth)
        other = open_question(client, auth(staff), auth(broker), title="Andere vraag")
        login(client, staff)
        path = f"/vragen/{other['id']}"
        response = client.post(
            f"{path}/koppelingen/{match_id}/afronden",
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Dit hoort bij een andere vraag.",
            },
        )
        assert response.status_code == 404


class TestProviderPages:
    def test_register_edit_pause_and_resume(self, client, provider, session):
        login(client, provider)
        token = csrf(client, "/aanbod/nieuw")
        created = client.post(
            "/aanbod/nieuw",
            data={
                "csrf_token": token,
                "kind": "thesis",
                "title": "Afstudeerplaatsen Wijkzorg",
                "description": "Studenten onderzoeken zorg in de wijk.",
                "capacity": "2",
                "available_from": "2027-02-01",
                "available_until": "2027-07-01",
                "themes": ["gezondheid-welzijn"],
                "neighbourhoods": ["leiden-noord"],
                "language": "nl",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        path = created.headers["location"]
        offer_row = session.get(Offer, uuid.UUID(path.rsplit("/", 1)[1]))
        assert offer_row.level == "hbo"  # the institution's level by default
        assert [n.slug for n in offer_row.neighbourhoods] == ["leiden-noord"]
        assert "2 van 2 vrij" in re.sub(r"<[^>]+>", "", client.get(path).text)
        edited = client.post(
            path,
            data={
                "csrf_token": token,
                "kind": "thesis",
                "title": "Afstudeerplaatsen Wijkzorg",
                "description": "Studenten onderzoeken zorg in de wijk.",
                "capacity": "3",
                "language": "nl",
            },
        )
        assert edited.status_code == 200
        session.refresh(offer_row)
        assert offer_row.capacity == 3
        assert offer_row.available_from is None  # cleared fields are cleared
        client.post(f"{path}/status", data={"csrf_token": token, "to": "paused"})
        session.refresh(offer_row)
        assert offer_row.status == "paused"
        page = client.post(f"{path}/status", data={"csrf_token": token, "to": "active"})
        assert "weer actief" in page.text
        assert "Mijn aanbod" in client.get("/aanbod").text

    def test_invalid_offer_keeps_values(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = client.post(
            "/aanbod/nieuw",
            data={
                "csrf_token": csrf(client, "/aanbod/nieuw"),
                "kind": "course",
                "title": "Een cursus",
                "description": "Tekst die blijft",
                "capacity": "veel",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["capacity"] == "Vul een heel getal in."
        assert "Tekst die blijft" in response.text
        assert offer_count(session) == before

    def test_another_institution_offer_is_404(self, client, provider, make_user, auth):
        other = make_user("provider", institution="Universiteit Leiden")
        created = offer(client, auth(other))
        login(client, provider)
        assert client.get(f"/aanbod/{created['id']}").status_code == 404


@pytest.fixture
def broker_world(client, staff, broker, provider, auth):
    """Two open questions and one offer with a single place that fits both."""
    first = open_question(client, auth(staff), auth(broker))
    second = open_question(
        client, auth(staff), auth(broker), title="Ouderen en eenzaamheid, deel twee"
    )
    single = offer(client, auth(provider), capacity=1)
    return first, second, single


class TestBrokerPages:
    def test_board_lists_open_questions_oldest_first_with_age(
        self, client, broker, broker_world
    ):
        first, second, _ = broker_world
        login(client, broker)
        page = client.get("/makelaar").text
        assert page.index(first["title"]) < page.index(second["title"])
        assert "Wacht (dagen)" in page

    def test_confirm_takes_the_place_and_a_full_offer_is_refused(
        self, client, broker, broker_world, session
    ):
        first, second, single = broker_world
        login(client, broker)
        path = f"/makelaar/vragen/{first['id']}"
        page = client.get(path).text
        assert single["title"] in page
        assert "1 plaats vrij" in page
        token = csrf(client, path)
        done = client.post(
            f"{path}/bevestigen", data={"csrf_token": token, "offer_id": single["id"]}
        )
        assert "De koppeling is bevestigd" in done.text
        assert "0 van 1 plaatsen vrij" in done.text
        second_page = client.post(
            f"/makelaar/vragen/{second['id']}/bevestigen",
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        assert "capaciteit vol" in second_page.text or "is vol" in second_page.text
        assert "capaciteit vol" in second_page.text  # shown as near-miss too
        held = session.scalar(
            select(func.count())
            .select_from(Match)
            .where(
                Match.offer_id == uuid.UUID(single["id"]), Match.status == "confirmed"
            )
        )
        assert held == 1

    def test_confirming_a_proposed_match_on_a_full_offer_is_409_in_dutch(
        self, client, broker, broker_world, auth
    ):
        first, second, single = broker_world
        headers = auth(broker)
        for q in (first, second):
            r = client.post(
                "/api/matches",
                json={"question_id": q["id"], "offer_id": single["id"]},
                headers=headers,
            )
            assert r.status_code == 201
        login(client, broker)
        token = csrf(client, f"/makelaar/vragen/{first['id']}")
        client.post(
            f"/makelaar/vragen/{first['id']}/bevestigen",
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        refused = client.post(
            f"/makelaar/vragen/{second['id']}/bevestigen",
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        assert f"Het aanbod '{single['title']}' is vol" in text_of(refused.text)

    def test_reject_needs_a_reason_and_is_shown_in_history(
        self, client, broker, broker_world
    ):
        first, _, single = broker_world
        login(client, broker)
        path = f"/makelaar/vragen/{first['id']}"
        token = csrf(client, path)
        short = client.post(
            f"{path}/afwijzen",
            data={"csrf_token": token, "offer_id": single["id"], "reason": "x"},
        )
        assert "Reden: Gebruik minstens 3 tekens." in short.text
        done = client.post(
            f"{path}/afwijzen",
            data={"csrf_token": token, "offer_id": single["id"], "reason": "te groot"},
        )
        assert "De kandidaat is afgewezen." in done.text
        assert "reden: te groot" in done.text

    @pytest.mark.parametrize("action", ["bevestigen", "afwijzen"])
    @pytest.mark.parametrize("offer_id", ["", "geen-id"])
    def test_a_post_without_a_valid_offer_changes_nothing(
        self, client, broker, broker_world, session, action, offer_id
    ):
        first, _, _ = broker_world
        login(client, broker)
        path = f"/makelaar/vragen/{first['id']}"
        response = client.post(
            f"{path}/{action}",
            data={
                "csrf_token": csrf(client, path),
                "offer_id": offer_id,
                "reason": "x",
            },
        )
        assert response.status_code == 200
        assert "Kies een kandidaat uit de lijst." in response.text
        count = select(func.count()).select_from(Match)
        assert session.scalar(count) == 0

    def test_match_lifecycle_buttons(self, client, broker, broker_world, session):
        first, _, single = broker_world
        login(client, broker)
        path = f"/makelaar/vragen/{first['id']}"
        token = csrf(client, path)
        client.post(
            f"{path}/bevestigen", data={"csrf_token": token, "offer_id": single["id"]}
        )
        match = session.scalar(
            select(Match).where(Match.offer_id == uuid.UUID(single["id"]))
        )
        base = f"/makelaar/koppelingen/{match.id}"
        assert (
            "gestart" in client.post(f"{base}/starten", data={"csrf_token": token}).text
        )
        short = client.post(
            f"{base}/afronden", data={"csrf_token": token, "outcome_summary": "kort"}
        )
        assert "Resultaat: Gebruik minstens 10 tekens." in short.text
        done = client.post(
            f"{base}/afronden",
            data={
                "csrf_token": token,
                "outcome_summary": "Een heldere aanpak voor de wijk.",
                "rating": "5",
            },
        )
        assert "afgerond" in done.text
        session.refresh(match)
        assert match.status == "completed"

    def test_submitted_question_can_be_opened(self, client, staff, broker, auth):
        created = client.post(
            "/api/questions",
            json={**QUESTION, "status": "submitted"},
            headers=auth(staff),
        ).json()
        login(client, broker)
        path = f"/makelaar/vragen/{created['id']}"
        token = csrf(client, path)
        page = client.post(f"{path}/status", data={"csrf_token": token, "to": "open"})
        assert "status &#39;Open&#39;" in page.text

    def test_missing_model_shows_the_warning(self, app, client, broker, broker_world):
        first, _, _ = broker_world
        app.state.encoder = None
        login(client, broker)
        page = client.get(f"/makelaar/vragen/{first['id']}").text
        assert "Het taalmodel is niet beschikbaar" in page

    def test_allocation_confirms_ticked_pairs_and_reports_refusals(
        self, client, broker, broker_world, session
    ):
        first, second, single = broker_world
        login(client, broker)
        page = client.get("/makelaar/verdeling").text
        assert single["title"] in page
        token = csrf(client, "/makelaar/verdeling")
        pairs = [f"{first['id']}:{single['id']}", f"{second['id']}:{single['id']}"]
        result = client.post(
            "/makelaar/verdeling", data={"csrf_token": token, "pair": pairs}
        )
        assert result.status_code == 200
        assert "1 bevestigd, 1 geweigerd" in result.text
        assert "capaciteit vol" in result.text


class TestCsvImport:
    HEADER = "kind;title;description;capacity;themes;available_from"

    def rows(self, n: int, bad: dict[int, str] | None = None) -> bytes:
        lines = [self.HEADER]
        for i in range(1, n + 1):
            capacity = (bad or {}).get(i, "2")
            lines.append(
                f"course;Cursus {i};Studenten werken aan een vraag.;{capacity};"
                "sociaal-domein|veiligheid;1-2-2027"
            )
        return ("\n".join(lines) + "\n").encode()

    def upload(self, client, data: bytes, name: str = "aanbod.csv", token=None):
        return client.post(
            "/aanbod/import",
            data={"csrf_token": token or csrf(client, "/aanbod/import")},
            files={"file": (name, data, "text/csv")},
        )

    def test_page_imports_all_rows(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = self.upload(client, self.rows(3))
        assert "Het aanbod is geïmporteerd: 3 rij(en)." in response.text
        assert offer_count(session) == before + 3

    def test_a_bad_row_leaves_nothing_written(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = self.upload(client, self.rows(100, bad={50: "veel"}))
        assert response.status_code == 422
        assert "Er is niets geïmporteerd" in response.text
        text = text_of(response.text)
        assert "51 Capaciteit (capacity) Vul een heel getal in." in text
        assert offer_count(session) == before

    def test_service_errors_per_row(self, client, provider, session):
        login(client, provider)
        data = (
            b"kind,title,description,capacity,themes,neighbourhoods\n"
            b"course,Goed,Tekst,1,veiligheid,\n"
            b"course,Slecht,Tekst,1,onbestaand,Atlantis\n"
        )
        response = self.upload(client, data)
        text = text_of(response.text)
        assert "Onbekend thema 'onbestaand'" in text
        assert "Er is niets geïmporteerd: 1 rij(en)" in text

    def test_bom_and_comma_delimiter(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        data = '\ufeffkind,title,description,capacity\nthesis,"Plaats, met komma",Tekst,2\n'
        response = self.upload(client, data.encode())
        assert "Het aanbod is geïmporteerd: 1 rij(en)." in response.text
        assert offer_count(session) == before + 1
        titles = session.scalars(select(Offer.title)).all()
        assert "Plaats, met komma" in titles

    def test_caps_on_bytes_and_rows(self, client, provider, monkeypatch):
        login(client, provider)
        token = csrf(client, "/aanbod/import")
        big = b"kind;title;description;capacity\n" + b"x" * (importer.MAX_BYTES + 10)
        response = self.upload(client, big, token=token)
        assert response.status_code == 413
        assert "groter dan 1 MB" in response.text
        monkeypatch.setattr(importer, "MAX_ROWS", 5)
        response = self.upload(client, self.rows(6), token=token)
        assert response.status_code == 422
        assert "hoogstens 5" in response.text

    def test_bad_header_and_encoding(self, client, provider):
        login(client, provider)
        token = csrf(client, "/aanbod/import")
        response = self.upload(client, b"soort;title\ncourse;x\n", token=token)
        assert "onbekende kolom 'soort'" in text_of(response.text)
        assert "kolom 'description' ontbreekt" in text_of(response.text)
        response = self.upload(client, "kind;title\nü".encode("latin-1"), token=token)
        assert "geen UTF-8" in response.text
        response = client.post(
            "/aanbod/import", data={"csrf_token": token}, files={"file": ("", b"")}
        )
        assert "Kies een CSV-bestand" in response.text

    def test_nul_characters_are_refused(self, client, provider, auth, session):
        # Python's csv reads NUL since 3.11; PostgreSQL then failed with a 500.
        before = offer_count(session)
        data = self.rows(1).replace(b"Cursus 1", b"Cursus\x001")
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        assert response.json()["fields"] == {"file": "contains NUL characters"}
        login(client, provider)
        assert "NUL-tekens" in self.upload(client, data).text
        assert offer_count(session) == before

    def test_template_download_imports_cleanly(self, client, provider, session):
        login(client, provider)
        template = client.get("/aanbod/import/sjabloon.csv")
        assert template.headers["content-type"].startswith("text/csv")
        assert "attachment" in template.headers["content-disposition"]
        response = self.upload(client, template.content)
        assert "Het aanbod is geïmporteerd: 2 rij(en)." in response.text

    def test_api_import_reports_errors_by_row(self, client, provider, auth, session):
        before = offer_count(session)
        data = self.rows(4, bad={2: "-1"})
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "ImportRejectedError"
        assert set(body["fields"]) == {"row 3.capacity"}
        assert offer_count(session) == before

    def test_api_import_creates_all(self, client, broker, auth, session):
        data = (
            b"kind;title;description;capacity;institution\n"
            b"research;Onderzoek A;Tekst;1;Universiteit Leiden\n"
            b"research;Onderzoek B;Tekst;1;Hogeschool Leiden\n"
        )
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(broker),
        )
        assert response.status_code == 201, response.text
        assert response.json()["created"] == 2
        institutions = {o["institution"] for o in response.json()["offers"]}
        assert institutions == {"Universiteit Leiden", "Hogeschool Leiden"}

    def test_api_import_limits_and_access(self, client, provider, staff, auth):
        big = b"kind;title\n" + b"x" * importer.MAX_BYTES
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", big, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 413
        forbidden = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", self.rows(1), "text/csv")},
            headers=auth(staff),
        )
        assert forbidden.status_code == 403

    def test_provider_cannot_import_for_another_institution(
        self, client, provider, auth
    ):
        data = b"kind;title;description;capacity;institution\n" + (
            b"course;Cursus;Tekst;1;Universiteit Leiden\n"
        )
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        assert (
            "row 2.institution" in response.json()["fields"]
            or "row 2" in response.json()["fields"]
        )


def test_offer_fixture_matches_the_api_helper():
    # The import tests rely on the helper's offer passing the same validation.
    assert OFFER["kind"] == "course"
