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


def test_admin_edits_an_account_and_sees_every_refusal_in_dutch(
    client, admin, staff, broker, leiden, session
):
    login(client, admin)
    form = client.get(f"/beheer/{staff.id}")
    assert form.status_code == 200
    assert f'value="{staff.email}"' in form.text
    token = csrf(client, f"/beheer/{staff.id}")
    base = {
        "csrf_token": token,
        "email": staff.email,
        "name": staff.name,
        "role": "staff",
        "municipality": leiden.slug,
        "institution": "",
    }
    taken = client.post(f"/beheer/{staff.id}", data=base | {"email": broker.email})
    assert taken.status_code == 422
    assert errors_on(taken.text)["email"] == "Dit e-mailadres is al in gebruik."
    assert f'value="{broker.email}"' in taken.text  # what was typed stays
    lost = client.post(f"/beheer/{staff.id}", data=base | {"role": "provider"})
    assert errors_on(lost.text) == {"institution": "Kies een instelling."}
    no_city = client.post(f"/beheer/{staff.id}", data=base | {"municipality": ""})
    assert errors_on(no_city.text) == {"municipality": "Kies een gemeente."}
    session.refresh(staff)
    assert (staff.role, staff.municipality_id) == ("staff", leiden.id)  # unchanged

    done = client.post(
        f"/beheer/{staff.id}",
        data=base | {"name": "Hernoemde Collega", "role": "broker"},
    )
    assert "De gegevens van Hernoemde Collega" in text_of(done.text)
    session.refresh(staff)
    assert (staff.name, staff.role, staff.municipality_id) == (
        "Hernoemde Collega",
        "broker",
        leiden.id,
    )
    assert staff.session_version == 1  # a new role: logged out everywhere


def test_a_save_from_an_old_copy_of_the_form_is_refused_in_dutch(
    client, admin, staff, leiden, session, auth
):
    login(client, admin)
    form = client.get(f"/beheer/{staff.id}")
    assert '<input type="hidden" name="version" value="1">' in form.text
    token = csrf(client, f"/beheer/{staff.id}")
    # Another admin renames the account while this form is open (API, version 1).
    renamed = client.patch(
        f"/api/users/{staff.id}",
        json={"name": "Naam van de ander", "version": 1},
        headers=auth(admin),
    )
    assert (renamed.status_code, renamed.json()["version"]) == (200, 2)
    stale = client.post(
        f"/beheer/{staff.id}",
        data={
            "csrf_token": token,
            "email": staff.email,
            "name": "Mijn naam",
            "role": "staff",
            "municipality": leiden.slug,
            "version": "1",
        },
    )
    assert stale.status_code == 422
    assert "Iemand anders heeft dit intussen gewijzigd" in text_of(stale.text)
    session.refresh(staff)
    assert staff.name == "Naam van de ander"
    again = client.patch(
        f"/api/users/{staff.id}", json={"name": "X", "version": 1}, headers=auth(admin)
    )
    assert again.status_code == 409
    assert again.json()["fields"] == {"version": "the current version is 2"}


def test_an_admin_cannot_lock_themselves_out(client, admin, session):
    login(client, admin)
    token = csrf(client, f"/beheer/{admin.id}")
    demote = client.post(
        f"/beheer/{admin.id}",
        data={
            "csrf_token": token,
            "email": admin.email,
            "name": admin.name,
            "role": "network",
        },
    )
    assert demote.status_code == 422
    assert "U kunt uw eigen rol niet wijzigen" in text_of(demote.text)
    off = client.post(
        f"/beheer/{admin.id}/actief", data={"csrf_token": token, "active": "0"}
    )
    assert "U kunt uw eigen account niet uitschakelen." in text_of(off.text)
    session.refresh(admin)
    assert (admin.role, admin.is_active) == ("admin", True)


def test_account_search_ignores_accents(client, admin, make_user):
    make_user("staff", name="Zoë Bakker", email="zoe@leiden.example")
    make_user("staff", name="Piet Jansen", email="piet@leiden.example")
    login(client, admin)
    found = text_of(client.get("/beheer", params={"q": "zoe bakker"}).text)
    assert "Zoë Bakker" in found
    assert "Piet Jansen" not in found
