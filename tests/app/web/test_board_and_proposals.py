"""The broker's pages for matching work: the board (a full board,
parked questions), a question's proposals and its history."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from app.env import Env
from app.models import Match, Question
from app.questions import parking
from app.web.broker import board as board_module
from app.web.broker import question_page
from tests.app.helpers import offer, open_question, propose
from tests.app.web.support import csrf, login, reloaded, text_of


def _park(client, headers, question_id: str, until: str = "2027-09-01") -> None:
    parked = client.post(
        f"/api/questions/{question_id}/transition",
        json={"to": "parked", "until": until, "note": "volgend semester"},
        headers=headers,
    )
    assert parked.status_code == 200, parked.text


class TestBoard:
    def test_the_longest_waiting_question_is_on_a_full_board(
        self, client, url, broker, staff, auth, session, monkeypatch
    ):
        """The board promises the longest waiting first; when there are more
        questions than it shows, the oldest must not be the one left off."""
        monkeypatch.setattr(board_module, "BOARD_LIMIT", 2)
        titles = ["Wacht het langst", "Wacht korter", "Net ingediend"]
        for days, title in zip((60, 30, 1), titles, strict=True):
            created = open_question(client, auth(staff), auth(broker), title=title)
            q = session.get(Question, uuid.UUID(created["id"]))
            q.submitted_at = datetime(2027, 1, 15, tzinfo=UTC) - timedelta(days=days)
        session.flush()
        login(client, broker)
        page = text_of(client.get(url("board_page")).text)
        assert "Wacht het langst" in page
        assert "Wacht korter" in page
        assert "Net ingediend" not in page

    def test_a_parked_question_can_be_found_on_the_board(
        self, client, url, broker, staff, auth
    ):
        """The broker parks a question (and may open it again before its date):
        it must not vanish from every tab of the board."""
        q = open_question(client, auth(staff), auth(broker), title="Geparkeerde vraag")
        _park(client, auth(broker), q["id"])
        login(client, broker)
        page = client.get(url("board_page")).text
        assert "Geparkeerde vraag" in page
        assert "Geparkeerd (1)" in text_of(page)


class TestQuestionPage:
    def test_a_proposal_can_be_withdrawn_when_its_offer_left_the_candidates(
        self, client, url, broker, staff, provider, auth, session
    ):
        """A proposal whose offer was paused is no candidate any more (it is a
        near-miss): its match must still offer the step the server allows."""
        q = open_question(client, auth(staff), auth(broker))
        o = offer(client, auth(provider))
        m = propose(client, auth(broker), q["id"], o["id"])
        paused = client.patch(
            f"/api/offers/{o['id']}", json={"status": "paused"}, headers=auth(provider)
        )
        assert paused.status_code == 200, paused.text
        login(client, broker)
        path = url("broker_question_page", question_id=q["id"])
        page = client.get(path).text
        cancel = url("match_step", match_id=m["id"], step="annuleren")
        assert f'action="{cancel}"' in page
        done = client.post(
            cancel,
            data={"csrf_token": csrf(client, path), "reason": "Aanbod gepauzeerd"},
        )
        assert "Het voorstel is ingetrokken" in text_of(done.text)
        assert "plaats is weer vrij" not in done.text  # it never held one
        cancelled = reloaded(session, Match, m["id"])
        assert (cancelled.status, cancelled.reason) == (
            "cancelled",
            "Aanbod gepauzeerd",
        )

    def test_a_proposal_below_the_shown_candidates_can_still_be_confirmed(
        self, client, url, broker, staff, provider, auth, session, monkeypatch
    ):
        """The provider agreed by phone to a proposal that ranks below the cards
        shown: the server confirms it, so the page must offer the button."""
        monkeypatch.setattr(question_page, "CANDIDATE_LIMIT", 1)
        q = open_question(client, auth(staff), auth(broker))
        first = offer(client, auth(provider), title="Eerste aanbod")
        second = offer(client, auth(provider), title="Tweede aanbod")
        asked = [
            propose(client, auth(broker), q["id"], o["id"]) for o in (first, second)
        ]
        login(client, broker)
        path = url("broker_question_page", question_id=q["id"])
        page = client.get(path).text
        cards = page.split('id="kandidaten"')[1].split('id="koppelingen"')[0]
        hidden = next(m for m in asked if m["offer"]["title"] not in cards)
        confirm = url("confirm", question_id=q["id"])
        matches = page.split('id="koppelingen"')[1]
        entry = matches.split(hidden["offer"]["title"])[1].split("</li>")[0]
        assert f'action="{confirm}"' in entry
        assert f'value="{hidden["offer"]["id"]}"' in entry
        done = client.post(
            confirm,
            data={"csrf_token": csrf(client, path), "offer_id": hidden["offer"]["id"]},
        )
        assert "De koppeling is bevestigd" in done.text
        assert reloaded(session, Match, hidden["id"]).status == "confirmed"

    def test_history_of_a_reopened_parked_question_is_dutch(
        self, client, url, broker, staff, auth, session, settings
    ):
        q = open_question(
            client, auth(staff), auth(broker), title="Vraag die terugkomt"
        )
        _park(client, auth(broker), q["id"], "2027-02-01")
        session.commit()
        env = Env(settings=settings, encoder=None, today=date(2027, 2, 1))
        assert parking.reopen_parked(session, env) >= 1
        login(client, broker)
        page = text_of(
            client.get(url("broker_question_page", question_id=q["id"])).text
        )
        assert "Vraag: Geparkeerd → Open (reden: vanzelf weer open" in page
        assert "reopened by itself" not in page
        assert "parked until" not in page
