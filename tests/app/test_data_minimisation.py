"""Personal data only for those who need it (AVG data minimisation): what a
question's colleagues, the API's caches and the edit form get to see."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import utcnow
from app.models import Interest, Question
from tests.app.helpers import offer, open_question, propose, step
from tests.app.web.support import csrf, login, reloaded

CONTACT_NAME = "Cora Vraagcontact"
CONTACT_EMAIL = "cora.vraagcontact@leiden.example"
DECLINE_REASON = "Docent Jansen is dit blok met zwangerschapsverlof."
REMARKS = "Student Bakker kwam afspraken niet na; docent De Vries greep niet in."


def _question_with_contact(
    client: TestClient, auth, staff, broker, **overrides: Any
) -> dict[str, Any]:
    return open_question(
        client,
        auth(staff),
        auth(broker),
        contact_name=CONTACT_NAME,
        contact_email=CONTACT_EMAIL,
        **overrides,
    )


def test_a_colleague_gets_no_contact_person_of_another_s_question_from_the_api(
    client, auth, staff, broker, make_user
):
    """GET /api/questions and GET /api/questions/{id} give every staff member of the
    municipality the contact_name and contact_email of every question, also of
    questions they neither own nor work on. The intake form promises the owner the
    opposite ("E-mailadres contactpersoon: Alleen zichtbaar voor de
    kennismakelaar"); the broker needs the contact to articulate the question, a
    colleague who can merely read the question does not."""
    q = _question_with_contact(client, auth, staff, broker)
    colleague = auth(make_user("staff"))
    one = client.get(f"/api/questions/{q['id']}", headers=colleague)
    listed = client.get("/api/questions", params={"limit": 100}, headers=colleague)
    assert one.status_code == listed.status_code == 200
    for body in (one.text, listed.text):
        assert CONTACT_EMAIL not in body
        assert CONTACT_NAME not in body
    # Those who need it keep it: the owner who typed it and the broker.
    for who in (staff, broker):
        seen = client.get(f"/api/questions/{q['id']}", headers=auth(who)).json()
        assert (seen["contact_name"], seen["contact_email"]) == (
            CONTACT_NAME,
            CONTACT_EMAIL,
        )


def test_a_colleague_s_edit_page_shows_no_contact_person_of_another_s_question(
    client, session, auth, staff, broker, make_user
):
    """/vragen/{id}/bewerken is open to every staff member of the city and fills
    in the contact person's name and e-mail of someone else's question, although
    the same form tells the owner these are only visible to the broker. A
    colleague does not need them (the broker articulates the question with the
    owner and the contact)."""
    q = _question_with_contact(client, auth, staff, broker)
    login(client, make_user("staff"))
    edit = f"/vragen/{q['id']}/bewerken"
    # Raw markup, entities decoded: the form puts them in the fields' values.
    page = html.unescape(client.get(edit).text)
    assert CONTACT_EMAIL not in page
    assert CONTACT_NAME not in page
    # The colleague's save leaves the contact they did not see as it was.
    saved = client.post(
        edit,
        data={
            "csrf_token": csrf(client, edit),
            "title": "Een scherpere titel",
            "description": q["description"],
        },
    )
    assert "De wijzigingen zijn opgeslagen." in saved.text
    row = reloaded(session, Question, q["id"])
    assert row.title == "Een scherpere titel"
    assert (row.contact_name, row.contact_email) == (CONTACT_NAME, CONTACT_EMAIL)


def test_a_colleague_gets_no_remarks_or_decline_reasons_from_the_match_list(
    client, auth, staff, broker, provider, make_user
):
    """GET /api/questions/{id}/matches gives every staff member of the city the
    full match records of a colleague's question: the owner's free-text remarks
    on the work and the provider's reason for declining, texts that name the
    people involved. The single-match endpoint GET /api/matches/{id} refuses such
    a colleague (403 "only the broker or the question's owner"), and the staff
    question page shows nobody the remarks or reasons: the list leaks what the
    detail withholds. A colleague following the question needs the status and
    the outcome, not these texts."""
    q = open_question(client, auth(staff), auth(broker), title="Vraag met feedback")
    declined = propose(
        client, auth(broker), q["id"], offer(client, auth(provider))["id"]
    )
    answer = step(
        client, auth(provider), declined["id"], "decline", reason=DECLINE_REASON
    )
    assert answer.status_code == 200, answer.text
    other = offer(client, auth(provider), title="Praktijkopdracht Social Work ouderen")
    done = propose(client, auth(broker), q["id"], other["id"])
    for who, action, body in (
        (broker, "confirm", {}),
        (broker, "start", {}),
        (
            staff,
            "complete",
            {
                "outcome_summary": "Een bruikbaar advies.",
                "rating": 2,
                "remarks": REMARKS,
            },
        ),
    ):
        moved = step(client, auth(who), done["id"], action, **body)
        assert moved.status_code == 200, moved.text
    seen_by_broker = client.get(
        f"/api/questions/{q['id']}/matches", headers=auth(broker)
    )
    assert REMARKS in seen_by_broker.text
    assert DECLINE_REASON in seen_by_broker.text

    colleague = auth(make_user("staff"))
    listed = client.get(f"/api/questions/{q['id']}/matches", headers=colleague)
    assert listed.status_code == 200
    assert REMARKS not in listed.text
    assert DECLINE_REASON not in listed.text


def test_json_answers_with_personal_data_are_not_stored_in_caches(
    client, session, auth, staff, broker, admin
):
    """GET /api/questions/{id}/interests (students' names, e-mail addresses and
    motivations) and GET /api/users (every account's name and address) carry no
    Cache-Control, so the browser may keep a copy in its disk cache, where the
    next user of a shared (municipal) workstation can find it. The same data as
    CSV (interests.csv), as a page, and the privacy export are all sent with
    `no-store`; nobody needs a stored copy of the JSON either."""
    q = open_question(client, auth(staff), auth(broker))
    signed = client.post(
        f"/api/portal/assignments/{q['id']}/interest",
        json={
            "name": "Sam Student",
            "email": "sam.student@student.example",
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "motivation": "Ik woon zelf in de wijk en wil helpen.",
        },
    )
    assert signed.status_code == 201
    for interest in session.scalars(select(Interest)):
        interest.confirmed_at = utcnow()  # as the mailed link would
    session.commit()
    csv = client.get(f"/api/questions/{q['id']}/interests.csv", headers=auth(broker))
    assert csv.headers.get("cache-control") == "no-store"  # the CSV already is
    for path, who in (
        (f"/api/questions/{q['id']}/interests", broker),
        ("/api/users", admin),
    ):
        answer = client.get(path, headers=auth(who))
        assert answer.status_code == 200
        assert "@" in answer.text  # it does carry addresses
        assert "no-store" in answer.headers.get("cache-control", ""), path
