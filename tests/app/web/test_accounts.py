"""The admin's account page: create with every error at once, deactivate."""

from __future__ import annotations

from sqlalchemy import select

from app.models import User
from tests.app.web.support import csrf, errors_on, login, text_of


def test_admin_creates_and_deactivates_an_account(client, admin, leiden, session):
    login(client, admin)
    token = csrf(client, "/beheer")
    bad = client.post(
        "/beheer",
        data={
            "csrf_token": token,
            "email": "geen-adres",
            "name": "",
            "role": "staff",
            "password": "kort",
        },
    )
    assert bad.status_code == 422
    errors = errors_on(bad.text)
    assert set(errors) >= {"email", "name", "password"}
    assert "kort" not in bad.text.split("Nieuw account")[1]  # no password echoed
    assert "<title>Fout: " in bad.text
    done = client.post(
        "/beheer",
        data={
            "csrf_token": token,
            "email": "Nieuw@Leiden.example",
            "name": "Nieuwe Collega",
            "role": "staff",
            "municipality": leiden.slug,
            "password": "een-lang-wachtwoord",
        },
    )
    assert "Het account voor Nieuwe Collega" in text_of(done.text)
    created = session.scalar(select(User).where(User.email == "nieuw@leiden.example"))
    assert created is not None
    assert created.municipality_id == leiden.id
    off = client.post(
        f"/beheer/{created.id}/actief", data={"csrf_token": token, "active": "0"}
    )
    assert "Het account is uitgeschakeld." in off.text
    session.refresh(created)
    assert created.is_active is False


def test_staff_have_no_access(client, staff):
    login(client, staff)
    assert client.get("/beheer").status_code == 403
