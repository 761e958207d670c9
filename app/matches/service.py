"""Match use cases: propose, confirm (never overbooking), reject, start, complete,
cancel; the question's status follows its matches.

    proposed -> confirmed -> in_progress -> completed
    side exits: rejected (from proposed, with a reason), cancelled (frees the place)
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.codes import (
    HOLDING_STATUSES,
    DecisionOutcome,
    MatchStatus,
    QuestionStatus,
    Role,
)
from app.config import Settings
from app.db import utcnow
from app.env import Env
from app.learning import service as decisions
from app.matches import events, notices, repository
from app.matches.errors import (
    BrokerOrOwnerOnly,
    HardRuleBroken,
    MatchNotFound,
    MatchStepNotAllowed,
    OfferFull,
    PairAlreadyMatched,
    QuestionIsSplit,
    QuestionNotTakingMatches,
)
from app.matches.schemas import (
    CancelRequest,
    CompleteRequest,
    DeclineRequest,
    MatchCreate,
    RejectRequest,
)
from app.models import Match, Offer, Question, User
from app.offers import repository as offer_repository
from app.offers import service as offer_service
from app.offers.editions import current_edition
from app.questions import lifecycle
from app.questions import repository as question_repository
from app.questions import service as question_service
from app.ranking import service as ranking
from app.ranking.adapters import broken_labels, broken_rules


def get_visible_match(
    session: Session,
    match_id: uuid.UUID,
    user: User,
    *,
    owner_allowed: bool = False,
    provider_allowed: bool = False,
) -> Match:
    """The match for its city's broker; where allowed also for the question's owner
    or a provider of the offer's institution. Others get 404 (existence is private)
    or, for the city's other staff, 403."""
    m = repository.get(session, match_id)
    if m is None:
        raise MatchNotFound()
    if user.role == Role.PROVIDER:
        if provider_allowed and m.offer.institution_id == user.institution_id:
            return m
        raise MatchNotFound()
    if m.municipality_id != user.municipality_id:
        raise MatchNotFound()
    if user.role == Role.BROKER or (owner_allowed and m.question.owner_id == user.id):
        return m
    if user.role == Role.STAFF:
        raise BrokerOrOwnerOnly()
    raise MatchNotFound()


def _require_accepting(q: Question) -> None:
    if q.status not in lifecycle.TAKES_MATCHES:
        raise QuestionNotTakingMatches(q.status)


def _require_whole(session: Session, q: Question) -> None:
    """An open question that is not split: a split question's parts take the matches."""
    _require_accepting(q)
    if question_repository.children(session, q.id):
        raise QuestionIsSplit()


def _refuse_duplicate(existing: Match | None) -> None:
    """409 when the pair already has a match (unique per question and offer)."""
    if existing is not None:
        raise PairAlreadyMatched(existing.status, existing.id)


def propose_match(
    session: Session,
    data: MatchCreate,
    *,
    actor: User,
    env: Env,
    ask_provider: bool = True,
    commit: bool = True,
) -> Match:
    """Propose a pair, storing the score, its components and the engine version.

    The offer's owner is asked by mail to accept or decline before
    `respond_before` (KENNISBRUG_PROPOSAL_DAYS); `ask_provider=False` when the
    broker confirms at once (arranged by phone). `commit=False` leaves the
    proposal to the caller's transaction (a confirm that may still fail).
    """
    encoder, today = env.encoder, env.today
    q = question_service.get_visible_question(session, data.question_id, actor)
    o = offer_service.get_visible_offer(session, data.offer_id, actor)
    _require_whole(session, q)
    _refuse_duplicate(repository.find(session, q.id, o.id))
    broken = broken_rules(q, o, today)
    if broken:
        raise HardRuleBroken(o.title, rules=broken, labels=broken_labels(q, o, today))
    scored = ranking.score_pair(session, encoder, q, o, today=today)
    # Decide under the question's lock (see _step): the question may have been
    # withdrawn, or the same pair proposed, while the pair was being scored.
    q = question_repository.lock(session, q.id)
    _require_whole(session, q)
    _refuse_duplicate(repository.find(session, q.id, o.id))
    m = Match(
        municipality_id=q.municipality_id,
        question=q,
        offer=o,
        status=MatchStatus.PROPOSED,
        score=scored.score,
        components=dict(scored.components),
        explanation=scored.explanation,
        engine_version=scored.engine_version,
        model_name=scored.model_name,
        reranker_version=scored.reranker_version,
        proposed_by_id=actor.id,
        # Only a provider who is asked has a date to answer by (and is told
        # when the proposal ends unanswered).
        respond_before=today + timedelta(days=env.settings.proposal_days)
        if ask_provider
        else None,
        edition=current_edition(o, today).number,
    )
    try:
        with session.begin_nested():  # a parallel proposal of the same pair may win
            session.add(m)
    except IntegrityError:
        _refuse_duplicate(repository.find(session, q.id, o.id))
        raise
    events.record(session, m, actor, "proposed", score=scored.score)
    if ask_provider:
        notices.proposal_made(session, m, env, broker=actor)
    if commit:
        session.commit()
    return m


def proposal_for_pair(
    session: Session,
    *,
    question_id: uuid.UUID,
    offer_id: uuid.UUID,
    actor: User,
    env: Env,
    ask_provider: bool = True,
    commit: bool = True,
) -> Match:
    """The pair's match: the existing one, or a new proposal with its score."""
    existing = repository.find(session, question_id, offer_id)
    if existing is not None:
        question_service.get_visible_question(session, question_id, actor)
        return existing
    proposed = propose_match(
        session,
        MatchCreate(question_id=question_id, offer_id=offer_id),
        actor=actor,
        env=env,
        ask_provider=ask_provider,
        commit=commit,
    )
    # The next step loads the match with its question and offer (the relationships
    # are lazy="raise"); drop the half-loaded new instance so it is read afresh.
    session.expunge(proposed)
    return proposed


def confirm_pair(
    session: Session,
    *,
    question_id: uuid.UUID,
    offer_id: uuid.UUID,
    actor: User,
    env: Env,
) -> Match:
    """Propose (unless proposed already) and confirm in one step (the broker's
    button, the provider agreed already); 409 when the offer is full.

    One transaction: a confirm refused on the last place leaves no new proposal
    behind (the provider was never asked it).
    """
    match = proposal_for_pair(
        session,
        question_id=question_id,
        offer_id=offer_id,
        actor=actor,
        env=env,
        ask_provider=False,
        commit=False,
    )
    return confirm_match(session, match.id, actor=actor, env=env)


def _reload_columns(session: Session, m: Match) -> None:
    """Re-read the match's own columns after a Core UPDATE.

    Only columns: a full refresh would unload the `lazy="raise"` relationships
    (question, offer) that the caller still needs.
    """
    session.refresh(m, attribute_names=[c.key for c in Match.__mapper__.column_attrs])


def _step(
    session: Session,
    m: Match,
    actor: User | None,
    *,
    from_statuses: Collection[str],
    to: str,
    today: date | None = None,
    **values: Any,
) -> Question:
    """Move the match from the status this request read to `to`, in one guarded step.

    Decided on what the request saw: the compare-and-set UPDATE only succeeds while
    the match still has exactly the status read at the start, so of two steps that
    saw the same state one wins and the other gets 409 naming the new status (a
    cancel can no longer free a place it read as not held). Places follow the
    before/after status in the same transaction, and the question's status is
    derived from its matches under the question's row lock. Lock order is always
    question, match, offer, so concurrent steps cannot deadlock.

    Returns the locked question; the caller commits.
    """
    expected = m.status
    if expected not in from_statuses:
        raise MatchStepNotAllowed(m.status, to, from_statuses=from_statuses)
    q = question_repository.lock(session, m.question_id)
    if to == MatchStatus.CONFIRMED:
        _require_accepting(q)
    now = utcnow()
    if not repository.move(
        session, m.id, from_statuses=(expected,), to=to, at=now, **values
    ):
        session.rollback()
        _reload_columns(session, m)
        raise MatchStepNotAllowed(m.status, to, from_statuses=from_statuses)
    takes = to in HOLDING_STATUSES and expected not in HOLDING_STATUSES
    frees = expected in HOLDING_STATUSES and to not in HOLDING_STATUSES
    if takes and today is not None:
        # A yearly offer whose window ended moves on first: the place is taken in
        # the edition that is current now, and the match remembers which.
        offer_repository.roll_over(session, _offer_row(session, m.offer_id), today)
        _require_rules_still_hold(session, q, m.offer_id, today)
    if takes and not offer_repository.take_place(session, m.offer_id):
        offer_id = m.offer_id  # a proposal made in this transaction goes too
        session.rollback()  # undo the status change before reading the offer
        full = offer_repository.get(session, offer_id)
        assert full is not None  # the match's foreign key keeps it
        raise OfferFull(
            offer_id=full.id,
            offer_title=full.title,
            taken=full.places_taken,
            capacity=full.capacity,
        )
    if takes:
        repository.set_edition(
            session, m.id, offer_repository.current_edition_number(session, m.offer_id)
        )
    if frees:
        offer_repository.free_place(session, m.offer_id, edition=m.edition)
    _reload_columns(session, m)
    events.record(
        session,
        m,
        actor,
        "status_changed",
        status={"before": expected, "after": to},
        **{
            k: str(v)
            for k, v in values.items()
            if v is not None and not k.endswith("_at")
        },
    )
    sync_question_status(session, q, actor)
    return q


# Not checked again when a proposal is taken: the place itself is `take_place`'s
# (409 `OfferFull`), and the intake deadline held when the pair was proposed.
_SETTLED_AT_PROPOSAL = frozenset({"capacity", "intake"})


def _require_rules_still_hold(
    session: Session, q: Question, offer_id: uuid.UUID, today: date
) -> None:
    """409 when the pair now breaks a hard rule it passed when it was proposed.

    Between proposal and confirm the offer may be paused or archived or stop
    serving the question's city, its yearly window may move on, or the question's
    levels, window or place be edited; a confirm must not take a place for a pair
    that could no longer be proposed.
    """
    offer = _offer_row(session, offer_id)
    broken = [
        (rule, label)
        for rule, label in zip(
            broken_rules(q, offer, today), broken_labels(q, offer, today), strict=True
        )
        if rule not in _SETTLED_AT_PROPOSAL
    ]
    if not offer.serves(q.municipality_id):
        broken.append(("city", "het aanbod bedient deze gemeente niet meer"))
    if broken:
        title = offer.title
        session.rollback()  # undo the status change
        raise HardRuleBroken(
            title, rules=[r for r, _ in broken], labels=[label for _, label in broken]
        )


def _offer_row(session: Session, offer_id: uuid.UUID) -> Offer:
    offer = offer_repository.get(session, offer_id)
    assert offer is not None  # the match's foreign key keeps it
    session.refresh(offer)  # decide on the stored edition, not a cached one
    return offer


def sync_question_status(session: Session, q: Question, actor: User | None) -> None:
    """Derive the question's status from its matches (open/matched/in_progress/completed).

    The caller holds the question's row lock (`question_repository.lock`), so no
    other match of this question changes between the count and the write.
    """
    if q.status not in lifecycle.FOLLOWS_MATCHES:
        return
    counts = repository.count_by_status(session, q.id)
    working = counts.get(MatchStatus.CONFIRMED, 0) + counts.get(
        MatchStatus.IN_PROGRESS, 0
    )
    done = counts.get(MatchStatus.COMPLETED, 0)
    if working == 0:
        target = QuestionStatus.COMPLETED if done else _reopened(session, q)
    elif counts.get(MatchStatus.IN_PROGRESS, 0) or done:
        target = QuestionStatus.IN_PROGRESS
    else:
        target = QuestionStatus.MATCHED
    question_service.set_status(session, q, target, actor=actor)


# A split question in these states no longer takes matches: a part whose work
# ends goes there too, instead of back to open (and onto the portal).
_ENDS_PARTS = (QuestionStatus.WITHDRAWN, QuestionStatus.NOT_MATCHED)


def _reopened(session: Session, q: Question) -> str:
    """Where a question goes when none of its matches holds any more: open, or
    for a part of a withdrawn (or not matched) split question, where it went."""
    if q.parent_id is not None:
        parent = question_repository.get(session, q.parent_id)
        if parent is not None and parent.status in _ENDS_PARTS:
            return parent.status
    return QuestionStatus.OPEN


def _finish(session: Session, m: Match) -> Match:
    session.commit()
    session.refresh(m.offer)
    session.refresh(m.question)
    return m


def confirm_match(
    session: Session, match_id: uuid.UUID, *, actor: User, env: Env
) -> Match:
    """Confirm a proposal, taking one place of its offer; 409 when the offer is full.

    The broker's direct confirm (the provider agreed by phone, say). The status
    change and the place are both conditional UPDATEs in one transaction, so
    parallel confirms can never take more places than exist. The decision is
    recorded with the ranking it was made on, and the question's owner is told.
    """
    m = get_visible_match(session, match_id, actor)
    return _take(session, m, actor, env)


def accept_match(
    session: Session, match_id: uuid.UUID, *, actor: User, env: Env
) -> Match:
    """The provider accepts a proposal for their institution's offer: it is confirmed
    with the same no-overbooking guarantee; the broker and the owner are told."""
    m = get_visible_match(session, match_id, actor, provider_allowed=True)
    _take(session, m, actor, env, answered=True)
    return m


def _take(
    session: Session, m: Match, actor: User, env: Env, *, answered: bool = False
) -> Match:
    decisions.record(
        session,
        m,
        outcome=DecisionOutcome.CONFIRMED,
        actor=actor,
        encoder=env.encoder,
        today=env.today,
    )
    now = utcnow()
    answer = {"responded_by_id": actor.id, "responded_at": now} if answered else {}
    _step(
        session,
        m,
        actor,
        from_statuses=(MatchStatus.PROPOSED,),
        to=MatchStatus.CONFIRMED,
        today=env.today,
        confirmed_at=now,
        **answer,
    )
    if answered:
        notices.proposal_answered(session, m, env, provider=actor, accepted=True)
    notices.match_confirmed(session, m, env)
    return _finish(session, m)


# How a proposal ends unmatched: the broker rejects it or the provider declines it.
_ENDED_BY = {
    DecisionOutcome.REJECTED: MatchStatus.REJECTED,
    DecisionOutcome.DECLINED: MatchStatus.DECLINED,
}


def _end_proposal(
    session: Session,
    m: Match,
    actor: User,
    env: Env,
    outcome: DecisionOutcome,
    data: DeclineRequest | RejectRequest,
    **fields: Any,
) -> None:
    """A proposal ends unmatched: the decision (what was shown, the reason) is
    recorded as a label for learning, then the match steps to the outcome."""
    decisions.record(
        session,
        m,
        outcome=outcome,
        actor=actor,
        encoder=env.encoder,
        today=env.today,
        reason_code=data.reason_code,
        reason=data.reason,
    )
    _step(
        session,
        m,
        actor,
        from_statuses=(MatchStatus.PROPOSED,),
        to=_ENDED_BY[outcome],
        reason=data.reason,
        **fields,
    )


def decline_match(
    session: Session,
    match_id: uuid.UUID,
    data: DeclineRequest,
    *,
    actor: User,
    env: Env,
) -> Match:
    """The provider declines a proposal, with a reason (a label for learning); the
    broker who proposed is told."""
    m = get_visible_match(session, match_id, actor, provider_allowed=True)
    _end_proposal(
        session,
        m,
        actor,
        env,
        DecisionOutcome.DECLINED,
        data,
        responded_by_id=actor.id,
        responded_at=utcnow(),
    )
    notices.proposal_answered(session, m, env, provider=actor, accepted=False)
    return _finish(session, m)


def expire_proposals(session: Session, env: Env) -> int:
    """End every proposal whose answer date has passed (status `expired`) and tell
    the broker; returns how many. Idempotent: the scheduled job runs it."""
    expired = 0
    for m in repository.list_unanswered(session, before=env.today):
        try:
            _step(
                session,
                m,
                None,
                from_statuses=(MatchStatus.PROPOSED,),
                to=MatchStatus.EXPIRED,
            )
        except MatchStepNotAllowed:
            continue  # answered meanwhile
        notices.proposal_expired(session, m, env)
        session.commit()
        expired += 1
    return expired


def reject_match(
    session: Session,
    match_id: uuid.UUID,
    data: RejectRequest,
    *,
    actor: User,
    env: Env,
) -> Match:
    """Reject a proposal, with the reason the broker gives (recorded for learning).

    The provider, who was mailed the proposal, hears that it needs no answer any
    more (not the broker's reason: that is a note for the broker and the learner).
    """
    m = get_visible_match(session, match_id, actor)
    _end_proposal(session, m, actor, env, DecisionOutcome.REJECTED, data)
    if m.respond_before is not None:  # the provider was asked to answer
        events.tell_provider(session, m, env.settings, reason=BROKER_ENDED_PROPOSAL)
    return _finish(session, m)


# What the provider reads when the broker ends a proposal they were asked about.
BROKER_ENDED_PROPOSAL = "de kennismakelaar heeft het voorstel ingetrokken"


def start_match(session: Session, match_id: uuid.UUID, *, actor: User) -> Match:
    """Mark a confirmed match as started."""
    m = get_visible_match(session, match_id, actor)
    _step(
        session,
        m,
        actor,
        from_statuses=(MatchStatus.CONFIRMED,),
        to=MatchStatus.IN_PROGRESS,
    )
    return _finish(session, m)


def complete_match(
    session: Session, match_id: uuid.UUID, data: CompleteRequest, *, actor: User
) -> Match:
    """Record the outcome and the owner's feedback; the place stays used."""
    m = get_visible_match(session, match_id, actor, owner_allowed=True)
    _step(
        session,
        m,
        actor,
        from_statuses=(MatchStatus.IN_PROGRESS,),
        to=MatchStatus.COMPLETED,
        completed_at=utcnow(),
        outcome_summary=data.outcome_summary,
        result_url=str(data.result_url) if data.result_url else None,
        rating=data.rating,
        remarks=data.remarks,
    )
    return _finish(session, m)


def cancel_match(
    session: Session,
    match_id: uuid.UUID,
    data: CancelRequest,
    *,
    actor: User,
    settings: Settings,
) -> Match:
    """Cancel a match that is not finished; a held place is freed. A provider
    still asked to answer a proposal is told it needs no answer any more."""
    m = get_visible_match(session, match_id, actor)
    asked = m.status == MatchStatus.PROPOSED and m.respond_before is not None
    _step(
        session,
        m,
        actor,
        from_statuses=(
            MatchStatus.PROPOSED,
            MatchStatus.CONFIRMED,
            MatchStatus.IN_PROGRESS,
        ),
        to=MatchStatus.CANCELLED,
        reason=data.reason,
    )
    if asked:
        events.tell_provider(session, m, settings, reason=BROKER_ENDED_PROPOSAL)
    return _finish(session, m)


def list_matches(
    session: Session,
    user: User,
    *,
    statuses: Sequence[str],
    question_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[Match], int]:
    """A page of the matches the caller may see, newest first: the city's for a
    broker, those of the institution's offers for a provider."""
    if user.role == Role.PROVIDER:
        return repository.list_page(
            session,
            institution_id=user.institution_id,
            statuses=statuses,
            question_id=question_id,
            limit=limit,
            offset=offset,
        )
    assert user.municipality_id is not None  # brokers always have a city
    return repository.list_page(
        session,
        municipality_id=user.municipality_id,
        statuses=statuses,
        question_id=question_id,
        limit=limit,
        offset=offset,
    )
