"""A person's data under the AVG: export, erasure and the retention of interests,
through the admin API and the `kennisbrug privacy` commands."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import utcnow
from app.models import Event, Interest, OutboxMail, Question, User
from tests.app.conftest import TEST_PASSWORD
from tests.app.helpers import open_question

EMAIL = "zoe.jansen@student.example"
NAME = "Zoë Jansen"


@pytest.fixture
def person(client, session, auth, admin, staff, broker, make_user):
    """One person who is a staff member, a question contact and a student."""
    zoe = make_user("staff", email=EMAIL, name=NAME)
    q = open_question(
        client,
        auth(staff),
        auth(broker),
        contact_name=NAME,
        contact_email=EMAIL.upper(),
    )
    signed = client.post(
        f"/api/portal/assignments/{q['id']}/interest",
        json={
            "name": NAME,
            "email": EMAIL,
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "motivation": "Ik woon zelf in de wijk en wil helpen.",
        },
    )
    assert signed.status_code == 201
    renamed = client.patch(
        f"/api/users/{zoe.id}", json={"name": "Zoë J."}, headers=auth(admin)
    )
    assert renamed.status_code == 200
    return {"user": zoe, "question_id": q["id"]}


def test_export_holds_everything_about_the_person(client, auth, admin, person):
    answer = client.get(
        "/api/privacy/export", params={"email": EMAIL.upper()}, headers=auth(admin)
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    data = answer.json()
    assert [a["email"] for a in data["accounts"]] == [EMAIL]
    assert [i["name"] for i in data["interests"]] == [NAME]
    assert [q["id"] for q in data["question_contacts"]] == [person["question_id"]]
    # The question's creation and the rename name her; nothing about others.
    assert data["audit_events"]
    assert all(
        EMAIL in str(e["changes"]).lower() or NAME in str(e["changes"])
        for e in data["audit_events"]
    )


def test_erase_removes_the_person_but_keeps_the_citys_records(
    client, session, auth, admin, person
):
    answer = client.post(
        "/api/privacy/erase", json={"email": EMAIL}, headers=auth(admin)
    )
    assert answer.status_code == 200
    report = answer.json()
    assert report["interests_deleted"] == 1
    assert report["contact_fields_cleared"] == 1
    assert report["audit_events_scrubbed"] >= 2
    session.expire_all()
    # The confirmation mail to her address is gone from the outbox too.
    assert (
        session.scalars(select(OutboxMail).where(OutboxMail.to_address == EMAIL)).all()
        == []
    )
    assert session.scalar(select(func.count()).select_from(Interest)) == 0
    user = session.get(User, person["user"].id)
    assert user is not None
    assert (user.email.endswith(".invalid"), user.name, user.is_active) == (
        True,
        "Verwijderde gebruiker",
        False,
    )
    question = session.get(Question, uuid.UUID(person["question_id"]))
    assert question is not None  # the city's record stays
    assert (question.contact_name, question.contact_email) == (None, None)
    for event in session.scalars(select(Event)):
        text = str(event.changes)
        assert EMAIL not in text.lower()
        assert NAME not in text
        assert "Zoë J." not in text
    login = client.post(
        "/api/auth/token", data={"username": EMAIL, "password": TEST_PASSWORD}
    )
    assert login.status_code == 401
    again = client.get(
        "/api/privacy/export", params={"email": EMAIL}, headers=auth(admin)
    ).json()
    assert again["accounts"] == again["interests"] == again["audit_events"] == []


def test_erase_of_an_unknown_address_changes_nothing(client, session, auth, admin):
    before = session.scalar(select(func.count()).select_from(Event))
    answer = client.post(
        "/api/privacy/erase", json={"email": "niemand@x.example"}, headers=auth(admin)
    )
    assert answer.json()["accounts_anonymised"] == []
    assert session.scalar(select(func.count()).select_from(Event)) == before + 1


def test_privacy_routes_need_a_valid_address(client, auth, admin):
    answer = client.get(
        "/api/privacy/export", params={"email": "geen-adres"}, headers=auth(admin)
    )
    assert answer.status_code == 422
    assert "email" in answer.json()["fields"]


def test_purge_deletes_only_interests_past_the_retention(
    client, session, auth, admin, person
):
    from app.privacy.service import purge_interests

    old = session.scalars(select(Interest)).one()
    old.created_at = utcnow() - timedelta(days=400)
    session.commit()
    fresh = client.post(
        f"/api/portal/assignments/{person['question_id']}/interest",
        json={
            "name": "Sam",
            "email": "sam@student.example",
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "motivation": "Ik wil graag meedoen.",
        },
    )
    assert fresh.status_code == 201
    report = purge_interests(session, retention_days=365)
    assert report.interests_deleted == 1
    assert [i.email for i in session.scalars(select(Interest))] == [
        "sam@student.example"
    ]


def test_privacy_commands_on_a_fresh_database(tmp_path, monkeypatch):
    monkeypatch.setenv("KENNISBRUG_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("KENNISBRUG_INTEREST_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
        made = runner.invoke(
            cli,
            ["create-user", "--email", EMAIL, "--name", NAME, "--role", "admin"],
            input="een-lang-wachtwoord\neen-lang-wachtwoord\n",
        )
        assert made.exit_code == 0, made.output
        exported = runner.invoke(cli, ["privacy", "export", "--email", EMAIL])
        assert exported.exit_code == 0, exported.output
        assert NAME in exported.output
        refused = runner.invoke(
            cli, ["privacy", "erase", "--email", EMAIL], input="n\n"
        )
        assert refused.exit_code == 1  # asked, and the answer was no
        erased = runner.invoke(cli, ["privacy", "erase", "--email", EMAIL, "--yes"])
        assert erased.exit_code == 0, erased.output
        after = runner.invoke(cli, ["privacy", "export", "--email", EMAIL])
        assert NAME not in after.output
        purged = runner.invoke(cli, ["privacy", "purge"])
        assert purged.exit_code == 0
        assert "older than 30 days" in purged.output
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("lang", "says"), [("nl", "na 365 dagen"), ("en", "after 365 days")]
)
def test_the_portal_says_what_is_kept_and_for_how_long(
    client, auth, staff, broker, lang, says
):
    q = open_question(client, auth(staff), auth(broker))
    page = client.get(f"/portaal/{q['id']}", params={"lang": lang}).text
    assert says in page
    assert ("e-mailadres" if lang == "nl" else "e-mail address") in page
