"""Students' confirmed interests on the broker's question page, marked handled once."""

from __future__ import annotations

import uuid

from app.db import utcnow
from app.models import Interest
from tests.app.helpers import open_question
from tests.app.web.support import csrf, login, reloaded, text_of


def _interest(session, question, *, confirmed: bool, name: str) -> Interest:
    row = Interest(
        question_id=uuid.UUID(question["id"]),
        name=name,
        email=f"{name.split()[0].lower()}@student.example",
        institution="Hogeschool Leiden",
        level="hbo",
        message="Ik wil graag meedoen.",
        confirmed_at=utcnow() if confirmed else None,
    )
    return row


def test_broker_sees_confirmed_interests_and_marks_one_handled(
    client, url, broker, staff, auth, session, leiden
):
    q = open_question(client, auth(staff), auth(broker))
    shown = _interest(session, q, confirmed=True, name="Sara Bakker")
    hidden = _interest(session, q, confirmed=False, name="Niet Bevestigd")
    for row in (shown, hidden):
        row.municipality_id = leiden.id
        session.add(row)
    session.flush()
    login(client, broker)
    path = url("broker_question_page", question_id=q["id"])
    page = text_of(client.get(path).text)
    assert "Belangstelling van studenten" in page
    assert "Sara Bakker" in page
    assert "Ik wil graag meedoen." in page
    assert "Niet Bevestigd" not in page  # double opt-in: unconfirmed stays hidden

    mark = url("broker_interest_handled", question_id=q["id"], interest_id=shown.id)
    token = csrf(client, path)
    done = client.post(mark, data={"csrf_token": token})
    assert "gemarkeerd als behandeld" in done.text
    assert reloaded(session, Interest, shown.id).handled_at is not None
    again = client.post(mark, data={"csrf_token": token})
    assert "was al als behandeld gemarkeerd" in again.text
    unconfirmed = url(
        "broker_interest_handled", question_id=q["id"], interest_id=hidden.id
    )
    refused = client.post(unconfirmed, data={"csrf_token": token})
    assert "bestaat niet (meer)" in refused.text
    assert reloaded(session, Interest, hidden.id).handled_at is None


def test_staff_cannot_mark_an_interest(client, url, broker, staff, auth):
    q = open_question(client, auth(staff), auth(broker))
    login(client, staff)
    mark = url("broker_interest_handled", question_id=q["id"], interest_id=uuid.uuid4())
    response = client.post(mark, data={"csrf_token": csrf(client, "/vragen")})
    assert response.status_code == 403
