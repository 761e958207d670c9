"""The pages every audience shares: session cookie, login and logout, CSRF, security
headers, error pages, escaping, and which role may see which page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.models import Question
from app.web.core.setup import SESSION_COOKIE
from tests.app.conftest import TEST_PASSWORD
from tests.app.helpers import open_question
from tests.app.web.support import csrf, errors_on, login


class TestSession:
    def test_login_sets_a_safe_cookie_and_rotates_it(self, client, url, staff):
        before = csrf(client)
        anonymous_cookie = client.cookies.get(SESSION_COOKIE)
        assert login(client, staff) == "/vragen"
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie
        assert cookie != anonymous_cookie
        after = csrf(client, url("questions_page"))
        assert after != before  # the anonymous token is worthless after login

    def test_cookie_flags(self, client, url, staff):
        response = client.post(
            url("login"),
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
            page = client.get(app.url_path_for("login_page"))
        assert "secure" in page.headers["set-cookie"].lower()

    def test_wrong_password_is_a_dutch_error_and_keeps_the_email(
        self, client, url, staff
    ):
        response = client.post(
            url("login"),
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

    def test_repeated_failures_are_throttled(self, client, url, staff):
        token = csrf(client)
        codes = [
            client.post(
                url("login"),
                data={"csrf_token": token, "email": staff.email, "password": "x"},
            ).status_code
            for _ in range(6)
        ]
        assert codes == [400] * 5 + [429]
        page = client.post(
            url("login"),
            data={"csrf_token": token, "email": staff.email, "password": TEST_PASSWORD},
        )
        assert "Te veel mislukte pogingen" in page.text

    def test_logout_ends_the_session(self, client, url, staff):
        login(client, staff)
        response = client.post(
            url("logout"), data={"csrf_token": csrf(client, url("questions_page"))}
        )
        assert response.status_code == 200
        assert "U bent uitgelogd" in response.text
        questions = client.get(url("questions_page"), follow_redirects=False)
        assert questions.status_code == 303

    def test_deactivated_user_loses_access_at_once(self, client, url, staff, session):
        login(client, staff)
        staff.is_active = False
        session.commit()
        response = client.get(url("questions_page"), follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen")


class TestCsrf:
    def test_login_without_token_is_refused(self, client, url, staff):
        response = client.post(
            url("login"), data={"email": staff.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 403
        assert "formulier is verlopen" in response.text

    def test_form_post_with_a_wrong_token_is_refused(self, client, url, staff, session):
        login(client, staff)
        before = session.scalar(select(func.count()).select_from(Question))
        response = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": "x" * 43,
                "title": "Een vraag",
                "description": "Tekst",
            },
        )
        assert response.status_code == 403
        assert session.scalar(select(func.count()).select_from(Question)) == before

    def test_token_of_another_session_is_refused(self, client, url, app, staff):
        with TestClient(app) as other:
            foreign = csrf(other)
        login(client, staff)
        response = client.post(url("logout"), data={"csrf_token": foreign})
        assert response.status_code == 403

    @pytest.mark.parametrize(
        "route",
        [
            "logout",
            "staff_create_question",
            "provider_create_offer",
            "import_file",
            "confirm_selected",
        ],
    )
    def test_every_form_post_checks_the_token(self, client, url, make_user, route):
        role = "staff" if route.startswith("staff_") else "broker"
        login(client, make_user(role))
        response = client.post(url(route), data={})
        assert response.status_code == 403
        assert "formulier is verlopen" in response.text


class TestHeadersAndErrors:
    # Spelled out: the headers are set by path, for pages and the API alike.
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

    def test_pages_are_not_cached(self, client, url):
        assert client.get(url("home")).headers["cache-control"] == "no-store"

    def test_pages_have_no_inline_script_or_style(self, client, url, staff):
        login(client, staff)
        for route in ("home", "questions_page", "intake_page"):
            html = client.get(url(route)).text
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

    def test_malformed_id_in_a_page_address_is_404(self, client, url, staff):
        login(client, staff)
        page = url("staff_question_page", question_id="geen-uuid")
        assert client.get(page).status_code == 404

    def test_unexpected_error_is_a_dutch_500_without_trace(self, app, monkeypatch):
        from app.web.core import home

        def boom(*args, **kwargs):
            raise RuntimeError("secret detail")

        monkeypatch.setattr(home, "render", boom)
        with TestClient(app, raise_server_exceptions=False) as client:
            page = client.get(app.url_path_for("home"))
        assert page.status_code == 500
        assert "Er ging iets mis" in page.text
        assert "secret detail" not in page.text
        assert page.headers["x-frame-options"] == "DENY"

    def test_vendor_css_is_whitelisted(self, client, url):
        vendor_css = url("vendor_asset", name="nlds-components.css")
        assert client.get(vendor_css).status_code in (
            200,
            404,  # npm ci not run: the page still works with app.css alone
        )
        assert client.get(url("vendor_asset", name="package.json")).status_code == 404
        assert client.get(url("static", path="app.css")).status_code == 200


class TestAutoescape:
    def test_script_in_a_title_is_shown_as_text(self, client, url, staff, broker, auth):
        title = "<script>alert('x')</script> Vraag"
        question = open_question(client, auth(staff), auth(broker), title=title)
        escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Vraag"
        login(client, staff)
        for path in (
            url("questions_page"),
            url("staff_question_page", question_id=question["id"]),
        ):
            html = client.get(path).text
            assert "<script>alert" not in html
            assert escaped in html
        token = csrf(client, url("questions_page"))
        client.post(url("logout"), data={"csrf_token": token})
        login(client, broker)
        for path in (
            url("board_page"),
            url("broker_question_page", question_id=question["id"]),
        ):
            html = client.get(path).text
            assert "<script>alert" not in html
            assert escaped in html


class TestRoles:
    # The start pages and the next= addresses are spelled out: they are what
    # the login redirects to (Location), not page requests.
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

    def test_a_post_without_login_goes_to_plain_login(self, client, url):
        response = client.post(url("confirm_selected"), follow_redirects=False)
        assert response.headers["location"] == "/inloggen"

    @pytest.mark.parametrize(
        "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "x"]
    )
    def test_next_must_be_a_local_path(self, client, staff, target):
        assert login(client, staff, next_path=target) == "/vragen"

    @pytest.mark.parametrize(
        ("role", "route"),
        [
            ("staff", "board_page"),
            ("staff", "offers_page"),
            ("provider", "questions_page"),
            ("provider", "allocation_page"),
            ("broker", "intake_page"),
            ("admin", "board_page"),
        ],
    )
    def test_wrong_role_gets_a_dutch_403(self, client, url, make_user, role, route):
        login(client, make_user(role))
        page = client.get(url(route))
        assert page.status_code == 403
        assert "Geen toegang" in page.text

    def test_home_links_per_role(self, client, url, provider):
        anonymous = client.get(url("home")).text
        assert f'href="{url("login_page")}"' in anonymous
        assert f'href="{url("assignments_page")}"' in anonymous
        login(client, provider)
        assert f'href="{url("import_page")}"' in client.get(url("home")).text
