"""Own password change (current one required) and the footer's statements."""

from __future__ import annotations

from app.security import verify_password
from tests.app.conftest import TEST_PASSWORD
from tests.app.web.support import csrf, errors_on, login


def test_password_change_needs_the_current_password(client, staff, session):
    login(client, staff)
    path = "/account/wachtwoord"
    token = csrf(client, path)
    wrong = client.post(
        path,
        data={"csrf_token": token, "current_password": "fout", "password": "x"},
    )
    assert wrong.status_code == 422
    assert (
        errors_on(wrong.text)["current_password"] == "Uw huidige wachtwoord klopt niet."
    )
    done = client.post(
        path,
        data={
            "csrf_token": token,
            "current_password": TEST_PASSWORD,
            "password": "een-nieuw-wachtwoord",
        },
    )
    assert "Uw wachtwoord is gewijzigd" in done.text
    session.refresh(staff)
    assert verify_password("een-nieuw-wachtwoord", staff.password_hash)
    assert client.get("/vragen").status_code == 200  # this session goes on


def test_footer_links_to_the_statements(client):
    home = client.get("/").text
    for href in ("/privacy", "/toegankelijkheid", "/contact"):
        assert f'href="{href}"' in home
        assert client.get(href).status_code == 200


def test_password_form_names_both_errors_in_one_round(client, staff):
    login(client, staff)
    path = "/account/wachtwoord"
    empty = client.post(
        path, data={"csrf_token": csrf(client, path), "current_password": ""}
    )
    assert empty.status_code == 422
    errors = errors_on(empty.text)
    assert errors["current_password"] == "Vul dit veld in."
    assert errors["password"]  # the new one is named too, in Dutch
    assert "<title>Fout: " in empty.text
    short = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "current_password": "fout",
            "password": "kort",
        },
    )
    both = errors_on(short.text)
    assert both["current_password"] == "Uw huidige wachtwoord klopt niet."
    assert "10" in both["password"]
