"""`kennisbrug learn`: a model is stored only when it beats the default on held-out
decisions; the candidates then use it (unless the city switched it off) and every
proposal stores the version of the ranker that scored it."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.learning.training import active_model, train
from app.models import Decision, LearnedModel, Municipality, Offer, Question, User
from tests.app.helpers import offer, open_question, propose

# The default prefers topical offers; the broker always confirms the local one,
# shown third. A weighting with more locality is better, and the learner finds it.
TOPICAL = {"concept": 0.9, "theme": 0.9, "locality": 0.0, "window": 1.0}
SECOND = {"concept": 0.7, "theme": 0.8, "locality": 0.0, "window": 1.0}
LOCAL = {"concept": 0.5, "theme": 0.7, "locality": 1.0, "window": 1.0}
OTHER = {"concept": 0.3, "theme": 0.5, "locality": 0.0, "window": 1.0}


def _seed_decisions(
    session: Session, city: Municipality, owner: User, provider: User, *, rank: int
) -> None:
    """20 questions; on each the broker confirmed the local offer shown at `rank`."""
    offers = []
    for title in ("topical", "second", "local", "other"):
        o = Offer(
            municipality_id=city.id,
            institution_id=provider.institution_id,
            owner_id=provider.id,
            kind="course",
            title=f"Minor {title}",
            description="Studenten werken aan een vraag van de stad.",
            level="hbo",
            capacity=5,
        )
        session.add(o)
        offers.append(o)
    session.flush()
    values = [TOPICAL, SECOND, LOCAL, OTHER]
    order = [0, 1, 2, 3] if rank == 3 else [2, 0, 1, 3]
    for i in range(20):
        q = Question(
            municipality_id=city.id,
            owner_id=owner.id,
            title=f"Vraag {i}",
            description="Een vraag van de stad.",
            status="open",
            wanted_from=date(2027, 2, 1),
            wanted_until=date(2027, 6, 30),
        )
        session.add(q)
        session.flush()
        shown = [
            {
                "offer_id": str(offers[j].id),
                "rank": position,
                "score": 0.5,
                "components": values[j],
            }
            for position, j in enumerate(order, start=1)
        ]
        for j, o in enumerate(offers):
            session.add(
                Decision(
                    municipality_id=city.id,
                    question_id=q.id,
                    offer_id=o.id,
                    outcome="confirmed" if j == 2 else "rejected",
                    reason_code=None if j == 2 else "topic",
                    engine_version=_engine_version(),
                    shown=shown,
                )
            )
    session.flush()


def _engine_version() -> str:
    from app.ranking.adapters import DEFAULT_CONFIG

    return DEFAULT_CONFIG.version


def test_learn_stores_a_model_that_beats_the_default(session, leiden, staff, provider):
    _seed_decisions(session, leiden, staff, provider, rank=3)
    result = train(session, leiden.id)
    assert result.stored is not None
    assert result.decisions == 80
    assert result.questions == 20
    assert result.validation["learned_mrr"] > result.validation["default_mrr"]
    found = active_model(session, leiden.id)
    assert found is not None
    model, ranker = found
    assert model.version == ranker.version
    assert ranker.score_rows([TOPICAL, SECOND, LOCAL]).argmax() == 2


def test_learn_keeps_the_default_when_it_is_already_right(
    session, leiden, staff, provider
):
    _seed_decisions(session, leiden, staff, provider, rank=1)
    result = train(session, leiden.id)
    assert result.stored is None
    assert session.scalars(select(LearnedModel)).first() is None
    assert active_model(session, leiden.id) is None


def test_a_city_without_its_own_model_falls_back_to_the_global_one(
    session, leiden, other_city, staff, provider
):
    _seed_decisions(session, leiden, staff, provider, rank=3)
    stored = train(session, None).stored
    assert stored is not None
    found = active_model(session, other_city.id)
    assert found is not None
    assert found[0].id == stored.id


def test_an_unreadable_stored_model_leaves_the_default_ranking(
    client, session, auth, leiden, staff, broker, provider
):
    """A model of another feature set (stored before an upgrade) must not break
    the candidates: it is passed over and the default engine ranks."""
    _seed_decisions(session, leiden, staff, provider, rank=3)
    stored = train(session, leiden.id).stored
    assert stored is not None
    stored.ranker = stored.ranker.replace('"features": [', '"features": ["old", ')
    session.commit()
    assert active_model(session, leiden.id) is None
    q = open_question(client, auth(staff), auth(broker))
    offer(client, auth(provider))
    answer = client.get(f"/api/questions/{q['id']}/candidates", headers=auth(broker))
    assert answer.status_code == 200
    assert answer.json()["ranker"] == "default"
    assert answer.json()["candidates"]


def test_candidates_use_the_model_until_the_city_switches_it_off(
    client, session, auth, leiden, staff, broker, provider
):
    q = open_question(client, auth(staff), auth(broker))
    first = offer(client, auth(provider))
    url = f"/api/questions/{q['id']}/candidates"
    before = client.get(url, headers=auth(broker)).json()
    assert before["ranker"] == "default"
    assert before["learned_from"] is None
    plain = propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
    assert plain["reranker_version"] is None

    _seed_decisions(session, leiden, staff, provider, rank=3)
    stored = train(session, leiden.id).stored
    assert stored is not None
    session.commit()
    after = client.get(url, headers=auth(broker)).json()
    assert after["ranker"] == stored.version
    assert after["learned_from"] == 80

    m = propose(client, auth(broker), q["id"], first["id"])
    session.expire_all()
    from app.models import Match

    match = session.get(Match, uuid.UUID(m["id"]))
    assert match is not None
    assert match.reranker_version == stored.version
    assert m["reranker_version"] == stored.version
    read = client.get(f"/api/matches/{m['id']}", headers=auth(broker)).json()
    assert read["reranker_version"] == stored.version

    leiden.learned_ranking = False
    session.commit()
    off = client.get(url, headers=auth(broker)).json()
    assert off["ranker"] == "default"
    assert off["learned_from"] is None


def test_the_broker_sees_the_model_and_can_switch_it_off(
    client, session, auth, leiden, staff, broker, provider
):
    from tests.app.web.support import csrf, login, text_of

    q = open_question(client, auth(staff), auth(broker))
    offer(client, auth(provider))
    _seed_decisions(session, leiden, staff, provider, rank=3)
    assert train(session, leiden.id).stored is not None
    session.commit()
    login(client, broker)
    path = f"/makelaar/vragen/{q['id']}"
    assert "geleerd van 80 besluiten" in text_of(client.get(path).text)
    switch = f"{path}/geleerde-rangschikking"
    token = csrf(client, path)
    bad = client.post(switch, data={"csrf_token": token, "aan": "misschien"})
    assert "Kies aan of uit" in bad.text
    off = client.post(switch, data={"csrf_token": token, "aan": "nee"})
    assert "staat uit" in text_of(off.text)
    assert "Geleerde rangschikking aanzetten" in off.text
    api = client.get(f"/api/questions/{q['id']}/candidates", headers=auth(broker))
    assert api.json()["ranker"] == "default"
    on = client.post(switch, data={"csrf_token": token, "aan": "ja"})
    assert "geleerd van 80 besluiten" in text_of(on.text)


def test_the_nightly_job_retrains_only_where_there_are_new_decisions(
    session, leiden, staff, provider
):
    from datetime import UTC, datetime

    from sqlalchemy.orm import sessionmaker

    from app.config import get_settings
    from app.jobs.registry import JobContext, JobName, default_registry

    _seed_decisions(session, leiden, staff, provider, rank=3)
    session.commit()
    # The job's sessions join the test's transaction (rolled back at the end).
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint"
    )
    ctx = JobContext(factory, get_settings(), datetime.now(UTC))
    # Leiden's model and the all-cities model.
    assert default_registry().run(JobName.RETRAIN, ctx) == 2
    session.expire_all()
    models = session.scalars(select(LearnedModel)).all()
    assert {m.municipality_id for m in models} == {leiden.id, None}
    assert all(m.decisions == 80 for m in models)

    # Nothing new: nothing trained.
    assert default_registry().run(JobName.RETRAIN, ctx) == 0
    assert len(session.scalars(select(LearnedModel)).all()) == 2

    # New decisions in Leiden: both of its models learn from them.
    _seed_decisions(session, leiden, staff, provider, rank=3)
    session.commit()
    assert default_registry().run(JobName.RETRAIN, ctx) == 2
    session.expire_all()
    assert sorted(m.decisions for m in session.scalars(select(LearnedModel)).all()) == [
        80,
        80,
        160,
        160,
    ]
