"""A question's life after intake: split parts, follow-ups, parking, the
intake help and how they show on the pages and in the reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.env import Env
from app.models import OutboxMail
from app.questions import parking
from tests.app.helpers import QUESTION, offer, open_question, propose
from tests.app.web.support import csrf, login, text_of


def _split(client, headers, question_id, levels):
    response = client.post(
        f"/api/questions/{question_id}/split", json={"levels": levels}, headers=headers
    )
    assert response.status_code == 201, response.text
    return sorted(response.json(), key=lambda p: p["levels"][0])


def _status(client, headers, question_id) -> str:
    return client.get(f"/api/questions/{question_id}", headers=headers).json()["status"]


def _move(client, headers, question_id, to, **body):
    response = client.post(
        f"/api/questions/{question_id}/transition",
        json={"to": to, **body},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_split_follow_up_counts_once_as_a_follow_up(client, staff, broker, auth):
    """The parts of a split follow-up are not follow-ups of their own."""
    sh, bh = auth(staff), auth(broker)
    first = open_question(client, sh, bh, title="Eenzame ouderen in De Kooi")
    follow = open_question(
        client, sh, bh, title="Van eenzaam naar meedoen", follows_id=first["id"]
    )
    _split(client, bh, follow["id"], ["hbo", "wo"])
    lineage = client.get("/api/reports/summary", headers=bh).json()["lineage"]
    assert lineage["follow_ups"] == 1
    [line] = lineage["lines"]
    assert (line["root_id"], line["questions"]) == (first["id"], 4)
    # The earlier question's page names the follow-up once, not once per part.
    login(client, broker)
    page = text_of(client.get(f"/makelaar/vragen/{first['id']}").text)
    assert page.count("Vervolgvraag:") == 1


def test_a_split_question_parked_and_reopened_mails_its_owner_once(
    client, session, staff, broker, auth, settings
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, wo = _split(client, bh, q["id"], ["hbo", "wo"])
    _move(client, bh, q["id"], "parked", until="2027-09-01")
    due = Env(settings=settings, encoder=None, today=date(2027, 9, 1))
    assert parking.reopen_parked(session, due) == 3
    assert {_status(client, bh, p["id"]) for p in (q, hbo, wo)} == {"open"}
    mails = list(
        session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == "question_reopened",
                OutboxMail.to_address == staff.email,
            )
        )
    )
    assert len(mails) == 1


def test_a_part_parked_on_its_own_still_mails_when_it_reopens(
    client, session, staff, broker, auth, settings
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, _wo = _split(client, bh, q["id"], ["hbo", "wo"])
    _move(client, bh, hbo["id"], "parked", until="2027-09-01")
    due = Env(settings=settings, encoder=None, today=date(2027, 9, 1))
    assert parking.reopen_parked(session, due) == 1
    mails = session.scalars(
        select(OutboxMail).where(OutboxMail.kind == "question_reopened")
    ).all()
    assert len(mails) == 1


def test_a_part_closed_on_its_own_stays_closed_when_its_parent_is_unparked(
    client, staff, broker, auth
):
    """Unparking by hand does what the reopen job does on the date: it opens what
    was parked, not a part the broker closed as not matchable."""
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, wo = _split(client, bh, q["id"], ["hbo", "wo"])
    _move(client, bh, wo["id"], "not_matched", note="geen wo-aanbod")
    _move(client, bh, q["id"], "parked", until="2027-09-01")
    assert [_status(client, bh, p["id"]) for p in (q, hbo, wo)] == [
        "parked",
        "parked",
        "not_matched",
    ]
    _move(client, bh, q["id"], "open")
    assert [_status(client, bh, p["id"]) for p in (q, hbo, wo)] == [
        "open",
        "open",
        "not_matched",
    ]
    listed = {a["id"] for a in client.get("/api/portal/assignments").json()["items"]}
    assert wo["id"] not in listed


def test_intake_help_names_a_split_question_once(client, staff, broker, auth):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    other = open_question(
        client,
        sh,
        bh,
        title="Eenzaamheid bij jongeren in de Merenwijk",
        neighbourhood="merenwijk",
    )
    _split(client, bh, q["id"], ["hbo", "wo"])
    similar = client.post(
        "/api/questions/assist",
        json={"title": QUESTION["title"], "description": QUESTION["description"]},
        headers=sh,
    ).json()["similar"]
    ids = [s["id"] for s in similar]
    assert ids.count(q["id"]) == 1
    assert other["id"] in ids
    assert len(ids) == 2  # the parts are the same question, not earlier ones


def test_intake_help_shows_what_the_parts_of_a_split_question_achieved(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, _wo = _split(client, bh, q["id"], ["hbo", "wo"])
    o = offer(client, auth(provider), level="hbo")
    m = propose(client, bh, hbo["id"], o["id"])
    for action in ("confirm", "start"):
        assert client.post(f"/api/matches/{m['id']}/{action}", headers=bh).is_success
    done = client.post(
        f"/api/matches/{m['id']}/complete",
        json={"outcome_summary": "Advies: een buurtloket voor ouderen."},
        headers=bh,
    )
    assert done.status_code == 200, done.text
    [similar] = client.post(
        "/api/questions/assist",
        json={"title": QUESTION["title"], "description": QUESTION["description"]},
        headers=sh,
    ).json()["similar"]
    assert similar["id"] == q["id"]
    assert similar["outcomes"] == ["Advies: een buurtloket voor ouderen."]
    assert len(similar["done_by"]) == 1


def test_a_part_page_does_not_offer_its_own_family_as_earlier_questions(
    client, staff, broker, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    other = open_question(
        client,
        sh,
        bh,
        title="Eenzaamheid bij jongeren in de Merenwijk",
        neighbourhood="merenwijk",
    )
    hbo, wo = _split(client, bh, q["id"], ["hbo", "wo"])
    login(client, staff)
    for own, family in ((hbo, (q, wo)), (q, (hbo, wo))):
        page = client.get(f"/vragen/{own['id']}").text
        section = page.split('id="lijkt-titel"', 1)[1].split("</section>", 1)[0]
        for member in family:
            assert f"<strong>{member['title']}</strong>" not in section
        assert other["title"] in section


def test_intake_check_keeps_the_help_when_a_date_is_out_of_range(client, staff):
    login(client, staff)
    response = client.post(
        "/vragen/nieuw/controleren",
        data={
            "csrf_token": csrf(client, "/vragen/nieuw"),
            "title": QUESTION["title"],
            "description": QUESTION["description"],
            "decision": "Of we de proef in 2027 uitbreiden naar andere wijken.",
            "expected_output": "advies",
            "wanted_until": "3000-01-01",
        },
    )
    assert response.status_code == 200
    page = response.text
    assert "Hulp bij uw vraag" in page
    assert "Noem het besluit" not in page  # a decision was typed
    assert 'value="3000-01-01"' in page


def test_the_broker_history_of_a_split_question_is_dutch(client, staff, broker, auth):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    _split(client, bh, q["id"], ["hbo", "wo"])
    login(client, broker)
    page = text_of(client.get(f"/makelaar/vragen/{q['id']}").text)
    history = page.split("Geschiedenis", 1)[1]
    assert "Vraag split" not in history
    assert "Vraag gesplitst in deelvragen" in history


def test_a_fully_matched_split_question_is_fully_matched_in_the_report(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, wo = _split(client, bh, q["id"], ["hbo", "wo"])
    for part, level in ((hbo, "hbo"), (wo, "wo")):
        o = offer(client, auth(provider), level=level, title=f"Eenzaamheid ({level})")
        m = propose(client, bh, part["id"], o["id"])
        assert client.post(f"/api/matches/{m['id']}/confirm", headers=bh).is_success
    share = client.get("/api/reports/summary", headers=bh).json()["matched_share"]
    assert share["share"] == 1.0


def test_a_part_of_a_withdrawn_question_does_not_reopen_when_its_work_is_cancelled(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    hbo, _wo = _split(client, bh, q["id"], ["hbo", "wo"])
    m = propose(client, bh, hbo["id"], offer(client, auth(provider))["id"])
    assert client.post(f"/api/matches/{m['id']}/confirm", headers=bh).is_success
    _move(client, sh, q["id"], "withdrawn", note="niet meer nodig")
    assert _status(client, bh, hbo["id"]) == "matched"  # its work stays
    cancelled = client.post(
        f"/api/matches/{m['id']}/cancel", json={"reason": "student gestopt"}, headers=bh
    )
    assert cancelled.status_code == 200, cancelled.text
    listed = {a["id"] for a in client.get("/api/portal/assignments").json()["items"]}
    assert hbo["id"] not in listed
    assert _status(client, bh, hbo["id"]) != "open"


def test_parts_of_a_question_with_a_long_title_keep_their_level(
    client, staff, broker, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh, title=("Eenzaamheid onder ouderen " * 8)[:198])
    assert len(q["title"]) > 190
    hbo, wo = _split(client, bh, q["id"], ["hbo", "wo"])
    assert hbo["title"].endswith(" (hbo)")
    assert wo["title"].endswith(" (wo)")
    assert max(len(hbo["title"]), len(wo["title"])) <= 200
