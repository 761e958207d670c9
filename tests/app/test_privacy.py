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
from app.privacy.service import erase_person
from app.users.errors import LastAdmin
from tests.app.conftest import TEST_PASSWORD
from tests.app.helpers import offer, open_question, propose, step

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


def _audit_text(session) -> str:
    session.expire_all()
    return " ".join(str(e.changes) for e in session.scalars(select(Event)))


def _outbox_text(session) -> str:
    session.expire_all()
    return " ".join(
        f"{m.to_address} {m.subject} {m.text_body} {m.html_body}"
        for m in session.scalars(select(OutboxMail))
    )


def test_erase_removes_earlier_names_from_the_audit_log(
    client, session, auth, admin, make_user
):
    piet = make_user("staff", email="piet@gemeente.example", name="Piet Klaassen")
    renamed = client.patch(
        f"/api/users/{piet.id}", json={"name": "P. Klaassen"}, headers=auth(admin)
    )
    assert renamed.status_code == 200
    erased = client.post(
        "/api/privacy/erase", json={"email": piet.email}, headers=auth(admin)
    )
    assert erased.status_code == 200
    text = _audit_text(session)
    assert "P. Klaassen" not in text
    assert "Piet Klaassen" not in text  # the name before the rename


def test_erase_removes_earlier_addresses_and_their_mail(
    client, session, auth, admin, make_user
):
    old, new = "anna.oud@gemeente.example", "anna.nieuw@gemeente.example"
    anna = make_user("staff", email=old, name="Anna de Vries")
    reset = client.post("/api/auth/password-reset", json={"email": old})
    assert reset.status_code == 202  # a mail to her account at the old address
    moved = client.patch(
        f"/api/users/{anna.id}", json={"email": new}, headers=auth(admin)
    )
    assert moved.status_code == 200
    erased = client.post("/api/privacy/erase", json={"email": new}, headers=auth(admin))
    assert erased.status_code == 200
    assert old not in _audit_text(session)
    assert old not in _outbox_text(session)


def test_a_contact_field_with_an_earlier_address_is_found_and_cleared(
    client, session, auth, admin, staff, broker, make_user
):
    old, new = "bram.oud@gemeente.example", "bram.nieuw@gemeente.example"
    bram = make_user("staff", email=old, name="Bram Visser")
    q = open_question(
        client, auth(staff), auth(broker), contact_name="Bram", contact_email=old
    )
    moved = client.patch(
        f"/api/users/{bram.id}", json={"email": new}, headers=auth(admin)
    )
    assert moved.status_code == 200
    export = client.get(
        "/api/privacy/export", params={"email": new}, headers=auth(admin)
    ).json()
    assert [c["id"] for c in export["question_contacts"]] == [q["id"]]
    erased = client.post("/api/privacy/erase", json={"email": new}, headers=auth(admin))
    assert erased.json()["contact_fields_cleared"] == 1
    row = session.get(Question, uuid.UUID(q["id"]))
    session.refresh(row)
    assert (row.contact_name, row.contact_email) == (None, None)


def test_an_export_withholds_the_people_the_person_edited(
    client, auth, admin, broker, person
):
    # The admin created and renamed Zoë's account: those events are the admin's,
    # but her name and address in them are hers, not part of the admin's data.
    answer = client.get(
        "/api/privacy/export", params={"email": admin.email}, headers=auth(admin)
    )
    assert answer.status_code == 200
    data = answer.json()
    mine = [e for e in data["audit_events"] if e["by_this_person"]]
    renamed = [e for e in mine if e["entity_id"] == str(person["user"].id)]
    assert renamed, "the admin's own edits are part of the admin's export"
    text = answer.text
    assert EMAIL not in text.lower()
    assert "Zo" not in text  # neither "Zoë Jansen" nor "Zoë J." (any escaping)
    assert renamed[0]["changes"]["name"] == {
        "before": "[andere persoon]",
        "after": "[andere persoon]",
    }
    # Zoë's own export still shows her names.
    own = client.get(
        "/api/privacy/export", params={"email": EMAIL}, headers=auth(admin)
    ).json()
    assert any(
        e["changes"].get("name") == {"before": NAME, "after": "Zoë J."}
        for e in own["audit_events"]
    )


def test_erase_finds_names_with_an_accented_capital_in_any_case(
    client, session, auth, admin, staff, broker
):
    # Stored JSON escapes "Ö" as \u00d6, which no SQL lower() turns into \u00f6.
    name, email = "Özlem Çelik", "ozlem.celik@gemeente.example"
    q = open_question(client, auth(staff), auth(broker), contact_name=name)
    patched = client.patch(
        f"/api/questions/{q['id']}",
        json={"contact_email": email, "contact_name": name.upper()},
        headers=auth(staff),
    )
    assert patched.status_code == 200, patched.text
    erased = client.post(
        "/api/privacy/erase", json={"email": email}, headers=auth(admin)
    )
    assert erased.json()["contact_fields_cleared"] == 1
    assert name.lower() not in _audit_text(session).lower()


def test_erase_scrubs_the_person_from_mail_to_others(
    client, session, auth, admin, staff, broker, provider
):
    contact = "docent.minor@hogeschool.example"
    o = offer(
        client, auth(provider), contact_name="Docent Minor", contact_email=contact
    )
    q = open_question(client, auth(staff), auth(broker))
    m = propose(client, auth(broker), q["id"], o["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    assert contact in _outbox_text(session)  # the owner's mail names her
    erased = client.post(
        "/api/privacy/erase", json={"email": contact}, headers=auth(admin)
    )
    assert erased.status_code == 200
    text = _outbox_text(session)
    assert contact not in text
    assert "Docent Minor" not in text
    # Scrubbed, not deleted: the owner still learns that the match was confirmed.
    confirmed = session.scalars(
        select(OutboxMail).where(OutboxMail.to_address == staff.email)
    ).all()
    assert any("Uw contactpersoon is [verwijderd]" in m.text_body for m in confirmed)


def test_erase_keeps_an_active_admin(client, session, auth, admin):
    own = client.post(
        "/api/privacy/erase", json={"email": admin.email}, headers=auth(admin)
    )
    assert own.status_code == 409
    assert own.json()["detail"] == "you cannot change your own is_active"
    with pytest.raises(LastAdmin):  # the CLI has no actor, the rule still holds
        erase_person(session, admin.email, actor=None)
    session.rollback()
    session.expire_all()
    assert session.get(User, admin.id).is_active


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
        last = runner.invoke(cli, ["privacy", "erase", "--email", EMAIL, "--yes"])
        assert last.exit_code == 1  # she is the only admin
        assert "last active admin" in last.output
        other = runner.invoke(
            cli,
            [
                *("create-user", "--email", "beheer@x.example"),
                *("--name", "Beheer", "--role", "admin"),
            ],
            input="een-lang-wachtwoord\neen-lang-wachtwoord\n",
        )
        assert other.exit_code == 0, other.output
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
