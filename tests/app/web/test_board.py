"""The broker's board: every stage as a tab with counts, search, and what waits."""

from __future__ import annotations

import re
import uuid

from app.models import Question
from tests.app.helpers import offer, open_question, propose, step
from tests.app.web.support import login, reloaded, text_of


def _tab_count(page: str, label: str) -> int:
    found = re.search(rf"{label} \((\d+)\)", text_of(page))
    assert found, f"no tab {label}"
    return int(found.group(1))


class TestBoard:
    def test_matched_and_running_questions_stay_on_the_board(
        self, client, url, broker, staff, provider, auth, session
    ):
        b, s, p = auth(broker), auth(staff), auth(provider)
        waiting = open_question(client, s, b, title="Vraag die nog open is")
        running = open_question(client, s, b, title="Vraag die al loopt")
        held = offer(client, p, capacity=2)
        match = propose(client, b, running["id"], held["id"])
        assert step(client, b, match["id"], "confirm").status_code == 200
        assert step(client, b, match["id"], "start").status_code == 200
        login(client, broker)

        everything = client.get(url("board_page")).text
        assert waiting["title"] in everything
        assert running["title"] in everything
        assert _tab_count(everything, "Open") == 1
        assert _tab_count(everything, "In uitvoering") == 1
        assert _tab_count(everything, "Alle") == 2

        only_running = client.get(url("board_page") + "?status=in_progress").text
        assert running["title"] in only_running
        assert waiting["title"] not in only_running

        found = client.get(url("board_page") + "?q=LOOPT").text
        assert running["title"] in found
        assert waiting["title"] not in found

    def test_waits_name_who_must_act(
        self, client, url, broker, staff, provider, auth, session
    ):
        b, s, p = auth(broker), auth(staff), auth(provider)
        asked = open_question(client, s, b, title="Vraag met een open voorstel")
        late = open_question(client, s, b, title="Vraag die uitloopt")
        quiet = open_question(client, s, b, title="Vraag zonder iets")
        place = offer(client, p, capacity=3)
        propose(client, b, asked["id"], place["id"])
        running = propose(client, b, late["id"], place["id"])
        step(client, b, running["id"], "confirm")
        step(client, b, running["id"], "start")
        question = session.get(Question, uuid.UUID(late["id"]))
        question.wanted_until = question.wanted_from  # 2027-02-01 ...
        question.wanted_from = None
        session.flush()
        login(client, broker)

        page = text_of(client.get(url("board_page")).text)
        assert "aanbieder : voorstel aan" in page
        assert "onbeantwoord" in page
        # today is 2027-01-15 in the tests: move the end before it
        question.wanted_until = question.wanted_until.replace(year=2026)
        session.flush()
        page = text_of(client.get(url("board_page") + "?wacht=1").text)
        assert "loopt over de einddatum" in page
        assert asked["title"] in page
        assert late["title"] in page
        assert quiet["title"] not in page

    def test_an_unknown_stage_shows_all(self, client, url, broker, staff, auth):
        q = open_question(client, auth(staff), auth(broker))
        login(client, broker)
        page = client.get(url("board_page") + "?status=bestaat-niet")
        assert page.status_code == 200
        assert q["title"] in page.text


def test_not_matched_asks_for_a_reason_first(client, url, broker, staff, auth, session):
    from tests.app.web.support import csrf, reloaded

    q = open_question(client, auth(staff), auth(broker))
    login(client, broker)
    path = url("broker_question_page", question_id=q["id"])
    page = client.get(path).text
    assert "Markeren als niet te koppelen…" in page
    assert "Dit is niet terug te draaien." in page
    status = url("broker_change_status", question_id=q["id"])
    token = csrf(client, path)
    refused = client.post(status, data={"csrf_token": token, "to": "not_matched"})
    assert "Geef een reden" in refused.text
    assert reloaded(session, Question, q["id"]).status == "open"
    done = client.post(
        status,
        data={"csrf_token": token, "to": "not_matched", "note": "geen aanbod dit jaar"},
    )
    assert "Niet gekoppeld" in done.text
    assert reloaded(session, Question, q["id"]).status == "not_matched"


def test_candidates_of_a_submitted_question_cannot_be_confirmed(
    client, url, broker, staff, provider, auth
):
    from tests.app.helpers import QUESTION

    created = client.post(
        "/api/questions", json={**QUESTION, "status": "submitted"}, headers=auth(staff)
    ).json()
    mine = offer(client, auth(provider))
    login(client, broker)
    page = client.get(url("broker_question_page", question_id=created["id"])).text
    assert mine["title"] in page
    assert mine["description"][:40] in page  # the offer's description on the card
    assert "Bevestigen kan pas als de vraag open is." in page
    assert ">Bevestigen</button>" not in page


def test_finished_questions_sink_below_active_work(
    client, url, broker, staff, auth, session
):
    """A closed question waits on nobody: it is not flagged as long-waiting and
    does not push the oldest active question off the top of "Alle"."""
    from tests.app.web.support import csrf

    closed = open_question(client, auth(staff), auth(broker), title="Oude afgesloten")
    active = open_question(client, auth(staff), auth(broker), title="Nog actief")
    for created, day in ((closed, 11), (active, 21)):  # the closed one is older
        question = session.get(Question, uuid.UUID(created["id"]))
        assert question.submitted_at is not None
        question.submitted_at = question.submitted_at.replace(2026, 11, day)
    session.flush()
    login(client, broker)
    path = url("broker_question_page", question_id=closed["id"])
    client.post(
        url("broker_change_status", question_id=closed["id"]),
        data={"csrf_token": csrf(client, path), "to": "not_matched", "note": "geen"},
    )
    page = client.get(url("board_page")).text
    assert page.index("Nog actief") < page.index("Oude afgesloten")
    rows = re.findall(r"<tr role=\"row\">.*?</tr>", page, flags=re.S)
    closed_row = next(r for r in rows if "Oude afgesloten" in r)
    active_row = next(r for r in rows if "Nog actief" in r)
    assert "(lang)" not in closed_row
    assert "afgesloten" in text_of(closed_row)
    assert "(lang)" in active_row  # 2026-11 to 2027-01-15: over two weeks


def test_a_matched_question_with_its_matches_offers_no_more_confirms(
    client, url, broker, staff, provider, auth
):
    b, p = auth(broker), auth(provider)
    question = open_question(client, auth(staff), b)  # wants one match
    held = offer(client, p, capacity=2, title="Aanbod dat al vastligt")
    other = offer(client, p, capacity=2, title="Ander passend aanbod")
    match = propose(client, b, question["id"], held["id"])
    assert step(client, b, match["id"], "confirm").status_code == 200
    login(client, broker)
    page = client.get(url("broker_question_page", question_id=question["id"])).text
    assert "Gekoppeld" in page
    assert other["title"] in page
    assert "De vraag heeft al de koppelingen die ze zoekt (1)" in page
    assert ">Bevestigen</button>" not in page


def test_a_running_question_short_of_its_matches_still_offers_confirms(
    client, url, broker, staff, provider, auth, session
):
    """The cards follow the server's rule: a running question takes more matches
    until it holds the number it asked for."""
    b, p = auth(broker), auth(provider)
    question = open_question(client, auth(staff), b, wanted_matches=2)
    first = offer(client, p, capacity=2, title="Aanbod dat al loopt")
    second = offer(client, p, capacity=2, title="Tweede passend aanbod")
    third = offer(client, p, capacity=2, title="Derde passend aanbod")
    match = propose(client, b, question["id"], first["id"])
    assert step(client, b, match["id"], "confirm").status_code == 200
    assert step(client, b, match["id"], "start").status_code == 200
    assert reloaded(session, Question, question["id"]).status == "in_progress"
    login(client, broker)
    path = url("broker_question_page", question_id=question["id"])
    page = client.get(path).text
    assert second["title"] in page
    assert ">Bevestigen</button>" in page
    assert "Bevestigen kan pas als de vraag open is." not in page

    also = propose(client, b, question["id"], second["id"])
    assert step(client, b, also["id"], "confirm").status_code == 200
    page = client.get(path).text
    assert third["title"] in page
    assert "De vraag heeft al de koppelingen die ze zoekt (2)" in page
    assert ">Bevestigen</button>" not in page
