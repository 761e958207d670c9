"""Every confirm and reject is stored with the ranking it was made on (the labels
the learned reranker trains on), in the same transaction as the step itself."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.models import Decision
from tests.app.helpers import offer, open_question, propose, step


def decisions(session) -> list[Decision]:
    session.expire_all()
    return list(session.scalars(select(Decision).order_by(Decision.created_at)))


def test_confirm_and_reject_store_what_the_broker_saw(
    client, session, auth, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    first = offer(client, auth(provider))
    second = offer(
        client,
        auth(provider),
        title="Minor Sociaal Werk: buurtnetwerken",
        description="Studenten Social Work brengen netwerken van buren in kaart.",
    )
    confirmed = propose(client, auth(broker), q["id"], first["id"])
    rejected = propose(client, auth(broker), q["id"], second["id"])
    assert step(client, auth(broker), confirmed["id"], "confirm").status_code == 200
    answer = step(
        client,
        auth(broker),
        rejected["id"],
        "reject",
        reason="Het niveau is te licht voor deze vraag.",
        reason_code="level",
    )
    assert answer.status_code == 200
    yes, no = decisions(session)
    assert (yes.outcome, yes.offer_id, yes.match_id) == (
        "confirmed",
        uuid.UUID(first["id"]),
        uuid.UUID(confirmed["id"]),
    )
    assert (no.outcome, no.reason_code, no.reason) == (
        "rejected",
        "level",
        "Het niveau is te licht voor deze vraag.",
    )
    assert yes.engine_version == confirmed["engine_version"]
    shown = {item["offer_id"]: item for item in yes.shown}
    assert first["id"] in shown
    assert second["id"] in shown
    assert [item["rank"] for item in yes.shown] == list(range(1, len(yes.shown) + 1))
    assert set(shown[first["id"]]["components"]) >= {"lexical", "theme"}


def test_a_refused_confirm_leaves_no_decision(
    client, session, auth, staff, broker, provider
):
    place = offer(client, auth(provider), capacity=1)
    taken = open_question(client, auth(staff), auth(broker))
    late = open_question(client, auth(staff), auth(broker), title="Een tweede vraag")
    first = propose(client, auth(broker), taken["id"], place["id"])
    second = propose(client, auth(broker), late["id"], place["id"])
    assert step(client, auth(broker), first["id"], "confirm").status_code == 200
    assert step(client, auth(broker), second["id"], "confirm").status_code == 409
    assert [d.match_id for d in decisions(session)] == [uuid.UUID(first["id"])]


def test_an_unknown_reason_code_is_refused(client, auth, staff, broker, provider):
    q = open_question(client, auth(staff), auth(broker))
    m = propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
    answer = step(
        client, auth(broker), m["id"], "reject", reason="Past niet.", reason_code="x"
    )
    assert answer.status_code == 422
    assert "reason_code" in answer.json()["fields"]
