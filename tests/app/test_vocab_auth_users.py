"""Vocabularies, login, the admin's user management and the health check."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.codes import Role
from app.config import Settings
from app.main import InsecureConfigurationError, create_app
from app.models import User
from app.users import service as user_service
from app.users.errors import LastAdmin
from app.users.schemas import UserUpdate
from tests.app.conftest import TEST_PASSWORD


class TestVocabulary:
    def test_themes_are_the_ten_with_both_labels(self, client):
        themes = client.get("/api/themes").json()
        assert len(themes) == 10
        assert {"slug": "veiligheid", "label_nl": "Veiligheid"}.items() <= next(
            t for t in themes if t["slug"] == "veiligheid"
        ).items()
        assert all(t["label_en"] for t in themes)

    def test_leiden_has_its_ten_districts(self, client):
        hoods = client.get("/api/neighbourhoods?municipality=leiden").json()
        assert len(hoods) == 10
        assert "leiden-noord" in {h["slug"] for h in hoods}

    @pytest.mark.parametrize(
        ("name", "district"),
        [
            ("Slaaghwijk", "merenwijk"),
            ("slaaghwijk ", "merenwijk"),
            ("De Kooi", "leiden-noord"),
            ("Leiden-Noord", "leiden-noord"),
            ("Pieterswijk", "binnenstad-zuid"),
        ],
    )
    def test_buurt_alias_resolves_to_district(self, client, name, district):
        hoods = client.get("/api/neighbourhoods", params={"q": name}).json()
        assert [h["slug"] for h in hoods] == [district]

    def test_unknown_buurt_resolves_to_nothing(self, client):
        assert client.get("/api/neighbourhoods", params={"q": "Atlantis"}).json() == []

    def test_unknown_municipality_is_422(self, client):
        response = client.get("/api/neighbourhoods?municipality=atlantis")
        assert response.status_code == 422
        assert "leiden" in response.json()["fields"]["municipality"]

    def test_institutions_have_levels(self, client):
        institutions = {i["name"]: i for i in client.get("/api/institutions").json()}
        assert institutions["Universiteit Leiden"]["level"] == "wo"
        assert institutions["Hogeschool Leiden"]["level"] == "hbo"
        assert institutions["mboRijnland"]["level"] == "mbo"
        assert {
            "Leids Universitair Medisch Centrum",
            "Naturalis Biodiversity Center",
        } <= set(institutions)


class TestAuth:
    def test_password_login_returns_a_working_token(self, client, staff):
        response = client.post(
            "/api/auth/token", data={"username": staff.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200
        token = response.json()["access_token"]
        me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["email"] == staff.email
        assert me.json()["municipality"] == "leiden"

    @pytest.mark.parametrize("password", ["wrong password", ""])
    def test_wrong_password_is_401(self, client, staff, password):
        response = client.post(
            "/api/auth/token", data={"username": staff.email, "password": password}
        )
        assert response.status_code in (401, 422)

    def test_unknown_user_is_401_with_same_message(self, client, staff):
        unknown = client.post(
            "/api/auth/token", data={"username": "nobody@x.example", "password": "x"}
        )
        wrong = client.post(
            "/api/auth/token", data={"username": staff.email, "password": "x"}
        )
        assert unknown.status_code == wrong.status_code == 401
        assert unknown.json()["detail"] == wrong.json()["detail"]

    def test_deactivated_user_token_stops_working(self, client, staff, auth, session):
        headers = auth(staff)
        staff.is_active = False
        session.commit()
        assert client.get("/api/auth/me", headers=headers).status_code == 401

    def test_token_signed_with_another_key_is_401(self, client, staff):
        from app.security import create_token

        token = create_token(staff.id, "some-other-secret-key-of-enough-length", 5)
        response = client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401

    def test_repeated_failures_are_throttled_per_client_and_email(
        self, client, staff, admin
    ):
        def login(email, password):
            return client.post(
                "/api/auth/token", data={"username": email, "password": password}
            )

        assert [login(staff.email, "fout").status_code for _ in range(5)] == [401] * 5
        blocked = login(staff.email, TEST_PASSWORD)
        assert blocked.status_code == 429
        assert blocked.json()["error"] == "TooManyRequestsError"
        assert int(blocked.headers["Retry-After"]) >= 1
        assert login(admin.email, TEST_PASSWORD).status_code == 200

    def test_successful_logins_are_not_counted(self, client, staff):
        for _ in range(8):
            response = client.post(
                "/api/auth/token",
                data={"username": staff.email, "password": TEST_PASSWORD},
            )
            assert response.status_code == 200

    def test_refuses_to_start_with_default_secret_outside_demo(self):
        with pytest.raises(InsecureConfigurationError):
            create_app(Settings(demo_mode=False))
        create_app(Settings(demo_mode=True))
        create_app(Settings(demo_mode=False, secret_key=SecretStr("x" * 40)))


class TestUsers:
    def body(self, **overrides):
        data = {
            "email": "nieuw@leiden.example",
            "name": "Nieuwe Collega",
            "role": "staff",
            "password": "een-lang-wachtwoord",
            "municipality": "leiden",
        }
        data.update(overrides)
        return data

    def test_admin_creates_and_deactivates_users(self, client, admin, auth):
        created = client.post("/api/users", json=self.body(), headers=auth(admin))
        assert created.status_code == 201
        assert created.json()["municipality"] == "leiden"
        user_id = created.json()["id"]
        patched = client.patch(
            f"/api/users/{user_id}", json={"is_active": False}, headers=auth(admin)
        )
        assert patched.json()["is_active"] is False
        emails = [
            u["email"] for u in client.get("/api/users", headers=auth(admin)).json()
        ]
        assert "nieuw@leiden.example" in emails

    def test_duplicate_email_is_409(self, client, admin, staff, auth):
        response = client.post(
            "/api/users", json=self.body(email=staff.email), headers=auth(admin)
        )
        assert response.status_code == 409

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"role": "god"}, "role"),
            ({"email": "geen-email"}, "email"),
            ({"municipality": None}, "municipality"),
            ({"role": "provider", "institution": None}, "institution"),
            ({"password": "kort"}, "password"),
        ],
    )
    def test_invalid_user_is_422(self, client, admin, auth, overrides, field):
        response = client.post(
            "/api/users", json=self.body(**overrides), headers=auth(admin)
        )
        assert response.status_code == 422
        assert field in response.json()["fields"]

    def test_admin_edits_email_name_role_and_affiliation(
        self, client, admin, staff, auth
    ):
        old_headers = auth(staff)
        assert client.get("/api/questions", headers=old_headers).status_code == 200
        response = client.patch(
            f"/api/users/{staff.id}",
            json={
                "email": "Nieuw.Adres@Leiden.example",
                "name": "Andere Naam",
                "role": "provider",
                "institution": "Hogeschool Leiden",
            },
            headers=auth(admin),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["email"], body["name"], body["role"]) == (
            "nieuw.adres@leiden.example",
            "Andere Naam",
            "provider",
        )
        # The provider role carries an institution and no longer a municipality.
        assert (body["institution"], body["municipality"]) == (
            "Hogeschool Leiden",
            None,
        )
        # A new role ends the sessions made under the old one.
        assert client.get("/api/questions", headers=old_headers).status_code == 401

    def test_a_rename_keeps_the_sessions(self, client, admin, staff, auth):
        headers = auth(staff)
        client.patch(
            f"/api/users/{staff.id}", json={"name": "Nieuw"}, headers=auth(admin)
        )
        assert client.get("/api/questions", headers=headers).status_code == 200

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"role": "broker"}, None),  # keeps the staff member's municipality
            ({"role": "provider"}, "institution"),
            ({"municipality": None}, "municipality"),
            ({"role": None}, "role"),
            ({"email": None}, "email"),
            ({"municipality": "atlantis"}, "municipality"),
        ],
    )
    def test_edits_follow_the_rules_of_creation(
        self, client, admin, staff, auth, change, field
    ):
        response = client.patch(
            f"/api/users/{staff.id}", json=change, headers=auth(admin)
        )
        if field is None:
            assert response.status_code == 200, response.text
            assert response.json()["municipality"] == "leiden"
        else:
            assert response.status_code == 422, response.text
            assert field in response.json()["fields"]

    def test_an_email_in_use_is_409(self, client, admin, staff, broker, auth):
        response = client.patch(
            f"/api/users/{staff.id}",
            json={"email": broker.email.upper()},
            headers=auth(admin),
        )
        assert response.status_code == 409
        assert response.json()["fields"] == {"email": "already in use"}

    def test_admins_cannot_lock_themselves_or_everyone_out(
        self, client, admin, make_user, auth
    ):
        for change in (
            {"role": "staff", "municipality": "leiden"},
            {"is_active": False},
        ):
            response = client.patch(
                f"/api/users/{admin.id}", json=change, headers=auth(admin)
            )
            assert response.status_code == 409, change
        other = make_user("admin")
        # Another admin may demote this one while a second active admin remains...
        demoted = client.patch(
            f"/api/users/{admin.id}", json={"is_active": False}, headers=auth(other)
        )
        assert demoted.status_code == 200
        assert client.get("/api/users", headers=auth(admin)).status_code == 401

    def test_the_last_active_admin_stays(self, session, make_user):
        # Two admins demoting each other, or a script: the rule sits in the service.
        last, script = make_user("admin"), make_user("staff")
        for other in session.scalars(select(User).where(User.role == "admin")):
            other.is_active = other.id == last.id
        session.commit()
        for change in (UserUpdate(is_active=False), UserUpdate(role=Role.NETWORK)):
            with pytest.raises(LastAdmin):
                user_service.update_user(session, last.id, change, actor=script)
            session.rollback()
        assert session.get(User, last.id).role == "admin"

    @pytest.mark.parametrize("role", ["staff", "provider", "broker"])
    def test_only_admin_manages_users(self, client, make_user, auth, role):
        user = make_user(role)
        assert client.get("/api/users", headers=auth(user)).status_code == 403
        assert (
            client.post("/api/users", json=self.body(), headers=auth(user)).status_code
            == 403
        )


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
