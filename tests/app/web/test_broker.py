"""Broker pages: the board, a question's candidates, confirm and reject, the match
steps and the allocation page."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.models import Match, OutboxMail
from app.web.core import display
from matching.config import COMPONENTS
from tests.app.helpers import QUESTION, offer, open_question
from tests.app.web.support import csrf, errors_on, login, text_of


@pytest.fixture
def broker_world(client, staff, broker, provider, auth):
    """Two open questions and one offer with a single place that fits both."""
    first = open_question(client, auth(staff), auth(broker))
    second = open_question(
        client, auth(staff), auth(broker), title="Ouderen en eenzaamheid, deel twee"
    )
    single = offer(client, auth(provider), capacity=1)
    return first, second, single


class TestBrokerPages:
    def test_board_lists_open_questions_oldest_first_with_age(
        self, client, url, broker, broker_world
    ):
        first, second, _ = broker_world
        login(client, broker)
        page = client.get(url("board_page")).text
        assert page.index(first["title"]) < page.index(second["title"])
        assert "Wacht (dagen)" in page

    def test_candidate_cards_show_whom_to_contact(
        self, client, url, broker, staff, provider, auth, broker_world
    ):
        first, _, single = broker_world
        contact = offer(
            client,
            auth(provider),
            title="Minor met contactpersoon",
            contact_name="Dr. Zoë Bakker",
            contact_email="z.bakker@hsleiden.example",
        )
        login(client, broker)
        page = client.get(url("broker_question_page", question_id=first["id"])).text
        card = page.split("Minor met contactpersoon")[1].split("</li>")[0]
        assert "Dr. Zoë Bakker" in card
        assert 'href="mailto:z.bakker@hsleiden.example"' in card
        assert f'href="/aanbod/{contact["id"]}"' in card
        other = page.split(single["title"])[1].split("</li>")[0]
        assert "geen contactpersoon opgegeven" in other
        # Staff following the question never see the provider's contact person.
        login(client, staff)
        staff_page = client.get(f"/vragen/{first['id']}").text
        assert "z.bakker@hsleiden.example" not in staff_page

    def test_confirm_takes_the_place_and_a_full_offer_is_refused(
        self, client, url, broker, broker_world, session
    ):
        first, second, single = broker_world
        login(client, broker)
        path = url("broker_question_page", question_id=first["id"])
        page = client.get(path).text
        assert single["title"] in page
        assert "1 plaats vrij" in page
        token = csrf(client, path)
        done = client.post(
            url("confirm", question_id=first["id"]),
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        assert "De koppeling is bevestigd" in done.text
        assert "0 van 1 plaatsen vrij" in done.text
        second_page = client.post(
            url("confirm", question_id=second["id"]),
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        assert "capaciteit vol" in second_page.text or "is vol" in second_page.text
        assert "capaciteit vol" in second_page.text  # shown as near-miss too
        held = session.scalar(
            select(func.count())
            .select_from(Match)
            .where(
                Match.offer_id == uuid.UUID(single["id"]), Match.status == "confirmed"
            )
        )
        assert held == 1

    def test_confirming_a_proposed_match_on_a_full_offer_is_409_in_dutch(
        self, client, url, broker, broker_world, auth
    ):
        first, second, single = broker_world
        headers = auth(broker)
        for q in (first, second):
            r = client.post(
                "/api/matches",
                json={"question_id": q["id"], "offer_id": single["id"]},
                headers=headers,
            )
            assert r.status_code == 201
        login(client, broker)
        token = csrf(client, url("broker_question_page", question_id=first["id"]))
        client.post(
            url("confirm", question_id=first["id"]),
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        refused = client.post(
            url("confirm", question_id=second["id"]),
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        assert f"Het aanbod '{single['title']}' is vol" in text_of(refused.text)

    def test_reject_needs_a_reason_and_is_shown_in_history(
        self, client, url, broker, broker_world
    ):
        first, _, single = broker_world
        login(client, broker)
        token = csrf(client, url("broker_question_page", question_id=first["id"]))
        reject = url("reject", question_id=first["id"])
        short = client.post(
            reject,
            data={"csrf_token": token, "offer_id": single["id"], "reason": "x"},
        )
        assert "Reden: Gebruik minstens 3 tekens." in short.text
        done = client.post(
            reject,
            data={"csrf_token": token, "offer_id": single["id"], "reason": "te groot"},
        )
        assert "De kandidaat is afgewezen." in done.text
        assert "reden: te groot" in done.text

    def test_rejecting_a_candidate_never_asks_its_provider(
        self, client, url, broker, provider, broker_world, session
    ):
        first, _, single = broker_world
        login(client, broker)
        token = csrf(client, url("broker_question_page", question_id=first["id"]))
        done = client.post(
            url("reject", question_id=first["id"]),
            data={"csrf_token": token, "offer_id": single["id"], "reason": "te groot"},
        )
        assert "De kandidaat is afgewezen." in done.text
        # Turned down in the same click: no "please accept or decline" mail.
        session.expire_all()
        asked = session.scalars(
            select(OutboxMail.kind).where(OutboxMail.to_address == provider.email)
        ).all()
        assert "proposal_to_provider" not in asked

    @pytest.mark.parametrize("route", ["confirm", "reject"])
    @pytest.mark.parametrize("offer_id", ["", "geen-id"])
    def test_a_post_without_a_valid_offer_changes_nothing(
        self, client, url, broker, broker_world, session, route, offer_id
    ):
        first, _, _ = broker_world
        login(client, broker)
        path = url("broker_question_page", question_id=first["id"])
        response = client.post(
            url(route, question_id=first["id"]),
            data={
                "csrf_token": csrf(client, path),
                "offer_id": offer_id,
                "reason": "x",
            },
        )
        assert response.status_code == 200
        assert "Kies een kandidaat uit de lijst." in response.text
        count = select(func.count()).select_from(Match)
        assert session.scalar(count) == 0

    def test_match_lifecycle_buttons(self, client, url, broker, broker_world, session):
        first, _, single = broker_world
        login(client, broker)
        token = csrf(client, url("broker_question_page", question_id=first["id"]))
        client.post(
            url("confirm", question_id=first["id"]),
            data={"csrf_token": token, "offer_id": single["id"]},
        )
        match = session.scalar(
            select(Match).where(Match.offer_id == uuid.UUID(single["id"]))
        )
        start = url("match_step", match_id=match.id, step="starten")
        complete = url("match_step", match_id=match.id, step="afronden")
        assert "gestart" in client.post(start, data={"csrf_token": token}).text
        short = client.post(
            complete,
            data={"csrf_token": token, "outcome_summary": "kort", "rating": "9"},
        )
        assert short.status_code == 422
        assert "<title>Fout: " in short.text
        assert errors_on(short.text) == {
            "outcome_summary": "Gebruik minstens 10 tekens.",
            "rating": "Vul een getal van hoogstens 5 in.",
        }
        assert ">kort</textarea>" in short.text  # the typed outcome is kept
        session.refresh(match)
        assert match.status == "in_progress"
        done = client.post(
            complete,
            data={
                "csrf_token": token,
                "outcome_summary": "Een heldere aanpak voor de wijk.",
                "rating": "5",
            },
        )
        assert "afgerond" in done.text
        session.refresh(match)
        assert match.status == "completed"

    def test_submitted_question_can_be_opened(self, client, url, staff, broker, auth):
        created = client.post(
            "/api/questions",
            json={**QUESTION, "status": "submitted"},
            headers=auth(staff),
        ).json()
        login(client, broker)
        token = csrf(client, url("broker_question_page", question_id=created["id"]))
        page = client.post(
            url("broker_change_status", question_id=created["id"]),
            data={"csrf_token": token, "to": "open"},
        )
        assert "status &#39;Open&#39;" in page.text

    def test_missing_model_shows_the_warning(
        self, app, client, url, broker, broker_world
    ):
        first, _, _ = broker_world
        app.state.encoder = None
        login(client, broker)
        page = client.get(url("broker_question_page", question_id=first["id"])).text
        assert "Het taalmodel is niet beschikbaar" in page

    def test_allocation_confirms_ticked_pairs_and_reports_refusals(
        self, client, url, broker, broker_world, session
    ):
        first, second, single = broker_world
        login(client, broker)
        page = client.get(url("allocation_page")).text
        assert single["title"] in page
        assert 'name="pair"' in page
        assert " checked" not in page  # the broker ticks; nothing is pre-ticked
        token = csrf(client, url("allocation_page"))
        pairs = [f"{first['id']}:{single['id']}", f"{second['id']}:{single['id']}"]
        result = client.post(
            url("confirm_selected"), data={"csrf_token": token, "pair": pairs}
        )
        assert result.status_code == 200
        assert "1 bevestigd, 1 geweigerd" in result.text
        assert "capaciteit vol" in result.text


def test_cancelling_a_match_asks_first_with_a_reason(
    client, url, broker, broker_world, session
):
    first, _, single = broker_world
    login(client, broker)
    path = url("broker_question_page", question_id=first["id"])
    token = csrf(client, path)
    client.post(
        url("confirm", question_id=first["id"]),
        data={"csrf_token": token, "offer_id": single["id"]},
    )
    match = session.scalar(
        select(Match).where(Match.offer_id == uuid.UUID(single["id"]))
    )
    page = client.get(path).text
    cancel = url("match_step", match_id=match.id, step="annuleren")
    assert "<summary>Koppeling annuleren…</summary>" in page
    assert f'action="{cancel}"' in page
    assert f'href="{path}#koppelingen">Nee, terug</a>' in page
    refused = client.post(cancel, data={"csrf_token": token, "reason": "x"})
    assert "Geef een reden (minstens 3 tekens)" in refused.text
    session.refresh(match)
    assert match.status == "confirmed"
    done = client.post(cancel, data={"csrf_token": token, "reason": "Team vervalt"})
    assert "De koppeling is geannuleerd" in done.text
    session.refresh(match)
    assert (match.status, match.reason) == ("cancelled", "Team vervalt")


def test_every_score_component_has_a_dutch_label():
    """The candidate cards name each part of the score; the engine's own key
    ("locality") must not show through in the Dutch page."""
    missing = [c for c in COMPONENTS if c not in display.COMPONENT]
    assert missing == []
