"""The handshake: a proposal asks the provider, who accepts or declines; unanswered
proposals expire; everyone concerned hears by mail (queued in the same step)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.codes import MatchStatus
from app.env import Env
from app.matches import service as match_service
from app.models import Decision, Match, Offer, OutboxMail, User
from tests.app.helpers import offer, open_question, propose, step


def mails(session, kind: str) -> list[OutboxMail]:
    """This test's mails of one kind (other tests may have committed theirs)."""
    session.expire_all()
    ours = select(User.email).where(User.email.like("%@test.example"))
    return list(
        session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == kind, OutboxMail.to_address.in_(ours)
            )
        )
    )


@pytest.fixture
def proposal(client, auth, staff, broker, provider):
    q = open_question(client, auth(staff), auth(broker), department="Wonen en Wijken")
    o = offer(client, auth(provider), capacity=1)
    return propose(client, auth(broker), q["id"], o["id"])


class TestProposal:
    def test_a_proposal_asks_the_offers_owner_by_mail(
        self, session, proposal, provider, settings
    ):
        [mail] = mails(session, "proposal_to_provider")
        assert mail.to_address == provider.email
        assert f"{settings.base_url}/aanbod/voorstellen" in mail.text_body
        assert proposal["respond_before"] == str(date(2027, 1, 15) + timedelta(14))

    def test_providers_of_the_institution_see_it_waiting(
        self, client, auth, proposal, provider, make_user
    ):
        colleague = make_user("provider", institution="Hogeschool Leiden")
        outsider = make_user("provider", institution="Universiteit Leiden")
        for who, expected in ((provider, 1), (colleague, 1), (outsider, 0)):
            page = client.get(
                "/api/matches", params={"status": "proposed"}, headers=auth(who)
            ).json()
            assert page["total"] == expected
        seen = client.get(f"/api/matches/{proposal['id']}", headers=auth(colleague))
        assert seen.status_code == 200
        assert seen.json()["question_department"] == "Wonen en Wijken"
        assert seen.json()["explanation"]
        hidden = client.get(f"/api/matches/{proposal['id']}", headers=auth(outsider))
        assert hidden.status_code == 404


class TestAnswers:
    def test_accept_confirms_and_tells_the_broker_and_the_owner(
        self, client, session, auth, proposal, provider, broker, staff
    ):
        answer = client.post(
            f"/api/matches/{proposal['id']}/accept", headers=auth(provider)
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "confirmed"
        assert body["responded_by_id"] == str(provider.id)
        assert body["offer"]["remaining_capacity"] == 0
        assert [m.to_address for m in mails(session, "proposal_accepted")] == [
            broker.email
        ]
        assert [m.to_address for m in mails(session, "match_confirmed")] == [
            staff.email
        ]
        decision = session.scalars(select(Decision)).one()
        assert (decision.outcome, decision.actor_id) == ("confirmed", provider.id)

    def test_decline_records_the_reason_and_tells_the_broker(
        self, client, session, auth, proposal, provider, broker
    ):
        answer = client.post(
            f"/api/matches/{proposal['id']}/decline",
            json={"reason": "Ons blok zit al vol.", "reason_code": "capacity"},
            headers=auth(provider),
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["reason"]) == (
            "declined",
            "Ons blok zit al vol.",
        )
        [mail] = mails(session, "proposal_declined")
        assert mail.to_address == broker.email
        assert "Ons blok zit al vol." in mail.text_body
        decision = session.scalars(select(Decision)).one()
        assert (decision.outcome, decision.reason_code) == ("declined", "capacity")

    def test_an_answered_proposal_cannot_be_answered_again(
        self, client, auth, proposal, provider, make_user
    ):
        colleague = make_user("provider", institution="Hogeschool Leiden")
        url = f"/api/matches/{proposal['id']}"
        assert client.post(f"{url}/accept", headers=auth(provider)).status_code == 200
        again = client.post(
            f"{url}/decline", json={"reason": "Toch niet."}, headers=auth(colleague)
        )
        assert again.status_code == 409
        assert "confirmed" in again.json()["detail"]

    def test_only_providers_of_the_offers_institution_answer(
        self, client, auth, proposal, make_user, broker, staff
    ):
        outsider = make_user("provider", institution="Universiteit Leiden")
        url = f"/api/matches/{proposal['id']}/accept"
        assert client.post(url, headers=auth(outsider)).status_code == 404
        assert client.post(url, headers=auth(broker)).status_code == 403
        assert client.post(url, headers=auth(staff)).status_code == 403
        assert client.post(url).status_code == 401

    def test_the_broker_may_still_confirm_directly(
        self, client, session, auth, proposal, broker, staff
    ):
        assert step(client, auth(broker), proposal["id"], "confirm").status_code == 200
        assert [m.to_address for m in mails(session, "match_confirmed")] == [
            staff.email
        ]
        assert mails(session, "proposal_accepted") == []


class TestExpiry:
    def test_unanswered_proposals_expire_and_the_broker_hears(
        self, session, proposal, broker, settings
    ):
        deadline = date.fromisoformat(proposal["respond_before"])
        env = Env(settings=settings, encoder=None, today=deadline)
        assert match_service.expire_proposals(session, env) == 0  # not yet
        later = Env(settings=settings, encoder=None, today=deadline + timedelta(1))
        assert match_service.expire_proposals(session, later) == 1
        assert match_service.expire_proposals(session, later) == 0  # idempotent
        match = session.get(Match, uuid.UUID(proposal["id"]))
        session.refresh(match)
        assert match.status == MatchStatus.EXPIRED
        [mail] = mails(session, "proposal_expired")
        assert mail.to_address == broker.email

    def test_an_expired_proposal_frees_nothing_and_cannot_be_accepted(
        self, client, session, auth, proposal, provider, settings
    ):
        deadline = date.fromisoformat(proposal["respond_before"])
        env = Env(settings=settings, encoder=None, today=deadline + timedelta(1))
        match_service.expire_proposals(session, env)
        url = f"/api/matches/{proposal['id']}/accept"
        assert client.post(url, headers=auth(provider)).status_code == 409
        o = session.get(Offer, uuid.UUID(proposal["offer"]["id"]))
        session.refresh(o)
        assert o.places_taken == 0
