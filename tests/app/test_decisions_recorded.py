"""Learning from the broker's decisions: what a decision records, what
training reads from it, the guard, and the city's switch."""

from __future__ import annotations

from sqlalchemy import select

from app.learning.training import to_learning, train
from app.models import Decision, LearnedModel
from app.ranking.adapters import DEFAULT_CONFIG
from matching.learning import FEATURES, LearnedRanker, Outcome, ShownOffer, fit
from matching.learning import Decision as ShownList
from tests.app.helpers import offer, open_question, propose, step

SECOND = {
    "title": "Minor Sociaal Werk: buurtnetwerken",
    "description": "Studenten Social Work brengen netwerken van buren in kaart.",
}
THIRD = {
    "title": "Onderzoek naar vrijwilligers in de wijk",
    "description": "Studenten onderzoeken hoe vrijwilligers ouderen bereiken.",
}


def _decisions(session) -> list[Decision]:
    session.expire_all()
    return list(session.scalars(select(Decision).order_by(Decision.created_at)))


def _store_model(session, city_id) -> LearnedModel:
    """A stored model of the current engine that reverses the default order."""
    coef = [0.0] * len(FEATURES)
    coef[0] = -1.0
    ranker = LearnedRanker(
        coefficients=tuple(coef),
        prior_weights=dict(DEFAULT_CONFIG.weights),
        engine_version=DEFAULT_CONFIG.version,
    )
    model = LearnedModel(
        municipality_id=city_id,
        version=ranker.version,
        engine_version=ranker.engine_version,
        decisions=42,
        questions=12,
        ranker=ranker.to_json(),
    )
    session.add(model)
    session.commit()
    return model


# --- recording: once per step, whichever door it comes through ------------------


def test_a_reject_from_the_page_records_one_decision(
    client, session, auth, staff, broker, provider
):
    from tests.app.web.support import csrf, login

    q = open_question(client, auth(staff), auth(broker))
    o = offer(client, auth(provider))
    login(client, broker)
    path = f"/makelaar/vragen/{q['id']}"
    client.post(
        f"{path}/afwijzen",
        data={
            "csrf_token": csrf(client, path),
            "offer_id": o["id"],
            "reason": "Past niet.",
        },
    )
    assert [(d.outcome, d.reason) for d in _decisions(session)] == [
        ("rejected", "Past niet.")
    ]


def test_a_decline_and_a_confirm_are_recorded_once_each(
    client, session, auth, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    a = propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
    b = propose(
        client, auth(broker), q["id"], offer(client, auth(provider), **SECOND)["id"]
    )
    no = step(
        client,
        auth(provider),
        b["id"],
        "decline",
        reason="Geen tijd.",
        reason_code="timing",
    )
    assert no.status_code == 200, no.text
    assert step(client, auth(broker), a["id"], "confirm").status_code == 200
    assert step(client, auth(broker), a["id"], "confirm").status_code == 409
    assert step(client, auth(provider), a["id"], "accept").status_code == 409
    assert (
        step(client, auth(provider), b["id"], "decline", reason="Nee.").status_code
        == 409
    )
    rows = _decisions(session)
    assert [(d.outcome, d.reason_code) for d in rows] == [
        ("declined", "timing"),
        ("confirmed", None),
    ]


def test_the_recorded_list_is_the_learned_order_the_broker_saw(
    client, session, auth, leiden, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    for body in ({}, SECOND, THIRD):
        offer(client, auth(provider), **body)
    model = _store_model(session, leiden.id)
    listed = client.get(
        f"/api/questions/{q['id']}/candidates", headers=auth(broker)
    ).json()
    assert listed["ranker"] == model.version
    shown = [c["offer"]["id"] for c in listed["candidates"]]
    m = propose(client, auth(broker), q["id"], shown[0])
    assert m["reranker_version"] == model.version
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    (d,) = _decisions(session)
    assert d.reranker_version == model.version
    assert [e["offer_id"] for e in d.shown][: len(shown)] == shown


def test_switched_off_the_model_orders_nothing_and_is_stored_nowhere(
    client, session, auth, leiden, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    a = offer(client, auth(provider))
    offer(client, auth(provider), **SECOND)
    model = _store_model(session, leiden.id)
    url = f"/api/questions/{q['id']}/candidates"
    assert client.get(url, headers=auth(broker)).json()["ranker"] == model.version
    leiden.learned_ranking = False
    session.commit()
    assert client.get(url, headers=auth(broker)).json()["ranker"] == "default"
    m = propose(client, auth(broker), q["id"], a["id"])
    assert m["reranker_version"] is None
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    assert [d.reranker_version for d in _decisions(session)] == [None]


def test_a_model_of_another_engine_version_is_not_used(
    client, session, auth, leiden, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    offer(client, auth(provider))
    model = _store_model(session, leiden.id)
    model.engine_version = "2000.1"
    session.commit()
    listed = client.get(f"/api/questions/{q['id']}/candidates", headers=auth(broker))
    assert listed.json()["ranker"] == "default"


def test_training_without_decisions_keeps_the_default(session, leiden):
    assert train(session, leiden.id).stored is None
    assert train(session, None).stored is None


# --- findings ---------------------------------------------------------------------


def test_a_confirmation_after_a_first_reject_is_not_lost_for_training(
    client, session, auth, staff, broker, provider
):
    """Training reads each question's first decision's list. The broker rejects
    the only candidate, a provider then adds an offer and the broker confirms it:
    that confirmation was dropped (the new offer is not in the first list), so
    the question taught the learner nothing but a rejection."""
    q = open_question(client, auth(staff), auth(broker))
    a = propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
    r = step(
        client, auth(broker), a["id"], "reject", reason="Te licht.", reason_code="level"
    )
    assert r.status_code == 200
    new = offer(client, auth(provider), **SECOND)
    m = propose(client, auth(broker), q["id"], new["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    rows = _decisions(session)
    assert [d.outcome for d in rows] == ["rejected", "confirmed"]
    (learned,) = to_learning(rows)
    by_offer = {s.offer_id: s for s in learned.shown}
    assert by_offer[new["id"]].outcome == Outcome.CONFIRMED
    assert by_offer[new["id"]].components  # its evidence, from its own decision
    assert by_offer[new["id"]].rank > max(
        s.rank for s in learned.shown if s.offer_id != new["id"]
    )


# Scores of these offers lie within the focus boost (0.02) under the plain ones.
_NEAR = (
    "Studenten Verpleegkunde en Social Work onderzoeken sociale isolatie onder "
    "thuiswonende ouderen en ontwikkelen met vrijwilligers een aanpak in de wijk."
)


def test_the_recorded_top_is_the_focused_list_the_broker_saw(
    client, session, auth, make_user, staff, broker, provider
):
    """20 plain offers and 10 on the city's focus theme, just below them. The page
    (10 candidates) and the decision's list (20 deep) must rank the same: the
    boost used to reach only the default's top 20, so the decision put the 10
    focus offers on top and recorded the broker's pick at rank 11, under ten
    offers the broker never saw."""
    q = open_question(client, auth(staff), auth(broker))
    for _ in range(20):
        offer(client, auth(provider), themes=["gezondheid-welzijn"])
    for _ in range(10):
        offer(client, auth(provider), themes=["sociaal-domein"], description=_NEAR)
    put = client.put(
        "/api/municipalities/leiden/focus-themes/2027",
        json={"themes": ["sociaal-domein"]},
        headers=auth(make_user("admin")),
    )
    assert put.status_code == 200, put.text
    listed = client.get(
        f"/api/questions/{q['id']}/candidates", headers=auth(broker)
    ).json()
    shown = [c["offer"]["id"] for c in listed["candidates"]]
    assert len(shown) == 10
    m = propose(client, auth(broker), q["id"], shown[0])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    (d,) = _decisions(session)
    assert [e["offer_id"] for e in d.shown][:10] == shown


def _wanted_at(rank: int, question: str, size: int = 20) -> ShownList:
    """A list of `size` shown offers; the wanted one, at `rank`, is local."""
    return ShownList(
        question_id=question,
        shown=tuple(
            ShownOffer(
                offer_id=f"{question}-{r}",
                rank=r,
                components={
                    "concept": 0.9 - 0.02 * r,
                    "theme": 0.9 - 0.02 * r,
                    "locality": 1.0 if r == rank else 0.0,
                    "window": 1.0,
                },
                outcome=Outcome.CONFIRMED if r == rank else Outcome.IGNORED,
            )
            for r in range(1, size + 1)
        ),
    )


def test_the_guard_judges_only_the_reordering_the_service_does():
    """A served model reorders only the default's top `depth` (10) and keeps the
    rest below (pipeline._scores), while a recorded list holds 20. The guard
    reordered whole lists: a broker who always confirms the local offer shown at
    15 gave a model 'MRR 0.067 -> 1.0' that was stored and switched on, yet it
    cannot lift that offer into the top 10 the broker sees."""
    decisions = [_wanted_at(15, f"q{i}") for i in range(30)]
    model = fit(decisions, config=DEFAULT_CONFIG)
    assert model is None, model and model.validation


def test_the_guard_still_passes_a_model_that_helps_within_the_top():
    decisions = [_wanted_at(3, f"q{i}") for i in range(30)]
    model = fit(decisions, config=DEFAULT_CONFIG)
    assert model is not None
    assert model.validation["learned_mrr"] > model.validation["default_mrr"]
