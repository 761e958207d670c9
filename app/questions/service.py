"""Question use cases: submit, list, read, edit and move through the lifecycle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.audit import repository as audit_repository
from app.audit import service as audit
from app.codes import HOLDING_STATUSES, MatchStatus, QuestionStatus, Role
from app.config import Settings
from app.db import utcnow
from app.errors import FieldError, FieldRequired, WindowReversed, raise_all
from app.jobs.queue import request_run
from app.jobs.registry import JobName
from app.matches import events as match_events
from app.matches import repository as match_repository
from app.models import Match, Question, User
from app.questions import articulation, lifecycle, repository
from app.questions.errors import (
    FollowsUnknown,
    NoMunicipality,
    NotSplittable,
    ParkUntilRequired,
    QuestionMovedMeanwhile,
    QuestionNotEditable,
    QuestionNotFound,
    SplitAfterMatching,
    SplitLevelsInvalid,
    StatusFollowsMatches,
    TransitionNotAllowed,
    TransitionNotYours,
)
from app.questions.repository import QuestionFilter
from app.questions.schemas import (
    QuestionCreate,
    QuestionUpdate,
    SplitRequest,
    TransitionRequest,
)
from app.vocab import service as vocab

AUDITED = (
    "title",
    "description",
    "context",
    "decision",
    "expected_output",
    "department",
    "wanted_from",
    "wanted_until",
    "wanted_matches",
    "is_public",
    "contact_name",
    "contact_email",
    "status",
)
_NOT_NULL = {
    "title",
    "description",
    "wanted_matches",
    "is_public",
    "context",
    "decision",
}


def _snapshot(q: Question) -> dict[str, Any]:
    snap = audit.snapshot(q, AUDITED)
    snap["themes"] = [t.slug for t in q.themes]
    snap["levels"] = list(q.levels)
    snap["neighbourhood"] = q.neighbourhood.slug if q.neighbourhood else None
    return snap


def _municipality_of(user: User) -> uuid.UUID:
    if user.municipality_id is None:
        raise NoMunicipality()
    return user.municipality_id


def _apply(session: Session, q: Question, changes: dict[str, Any]) -> None:
    """Copy validated fields onto the question, resolving vocabulary.

    Every field is checked before anything is refused, so one answer names every
    wrong field (a page shows them all at once).
    """
    errors: list[FieldError] = []
    for key, value in changes.items():
        try:
            _set_field(session, q, key, value)
        except FieldError as exc:
            errors.append(exc)
    if q.wanted_from and q.wanted_until and q.wanted_until < q.wanted_from:
        errors.append(
            WindowReversed(start_field="wanted_from", end_field="wanted_until")
        )
    raise_all(errors)


def _set_field(session: Session, q: Question, key: str, value: Any) -> None:
    if value is None and key in _NOT_NULL:
        raise FieldRequired(key)
    if key == "themes":
        q.themes = vocab.resolve_themes(session, value or [])
    elif key == "levels":
        q.levels = sorted(set(value or []))
    elif key == "neighbourhood":
        q.neighbourhood = (
            vocab.resolve_neighbourhood(session, q.municipality_id, value)
            if value
            else None
        )
    else:
        setattr(q, key, value)


def create_question(session: Session, data: QuestionCreate, *, actor: User) -> Question:
    """Create a question in the caller's municipality, as a draft or submitted."""
    q = Question(
        municipality_id=_municipality_of(actor),
        owner=actor,
        status=data.status,
        title=data.title,
        description=data.description,
        context="",
        decision="",
        wanted_matches=1,
        is_public=False,
    )
    if data.status == QuestionStatus.SUBMITTED:
        q.submitted_at = utcnow()
    if data.follows_id is not None:
        earlier = repository.get(session, data.follows_id)
        if earlier is None or earlier.municipality_id != q.municipality_id:
            raise FollowsUnknown()
        q.follows_id = earlier.id
    fields = data.model_dump(
        exclude_unset=True, exclude={"title", "description", "status", "follows_id"}
    )
    _apply(session, q, {k: v for k, v in fields.items() if v is not None})
    repository.add(session, q)
    audit.record_for(
        session,
        "question",
        q,
        actor=actor,
        action="created",
        changes=audit.diff({}, _snapshot(q)),
    )
    request_run(session, JobName.EMBEDDING)  # new or changed text: a vector
    session.commit()
    return q


CONTACT_FIELDS = ("contact_name", "contact_email")
"""The question's contact person: only for those who `works_on` it."""


def works_on(q: Question, user: User) -> bool:
    """The broker and the question's owner work on it: they see its contact person
    and the private texts of its matches (remarks, decline reasons). Colleagues
    who may read the question see its text and its matches' status and outcome:
    the intake form tells the owner the contact is for the broker only."""
    return user.role == Role.BROKER or user.id == q.owner_id


def get_visible_question(
    session: Session, question_id: uuid.UUID, user: User
) -> Question:
    """The question if the user may see it; 404 hides other municipalities' questions."""
    q = repository.get(session, question_id)
    if (
        q is None
        or user.role not in (Role.STAFF, Role.BROKER)
        or q.municipality_id != user.municipality_id
    ):
        raise QuestionNotFound()
    return q


def list_questions(
    session: Session,
    user: User,
    *,
    statuses: list[str],
    theme: str | None,
    neighbourhood: str | None,
    q: str | None,
    mine: bool,
    limit: int,
    offset: int,
) -> tuple[list[Question], int]:
    """A page of the caller's municipality's questions, newest first."""
    municipality_id = _municipality_of(user)
    if theme:
        vocab.resolve_themes(session, [theme], field="theme")
    hood = (
        vocab.resolve_neighbourhood(session, municipality_id, neighbourhood).slug
        if neighbourhood
        else None
    )
    f = QuestionFilter(
        municipality_id=municipality_id,
        statuses=statuses,
        theme=theme,
        neighbourhood=hood,
        owner_id=user.id if mine else None,
    )
    return vocab.searched_page(
        q,
        page=lambda: repository.list_page(session, f, limit=limit, offset=offset),
        everything=lambda: repository.list_all(session, f),
        text_of=_searchable,
        newest=lambda row: row.created_at,
        limit=limit,
        offset=offset,
    )


def _searchable(q: Question) -> str:
    return f"{q.title} {q.description}"


def update_question(
    session: Session, question_id: uuid.UUID, data: QuestionUpdate, *, actor: User
) -> Question:
    """Edit a question's text or settings while it is not yet being worked on."""
    q = get_visible_question(session, question_id, actor)
    q = repository.lock(session, q.id)  # decide on the latest status, see lock()
    if q.status not in lifecycle.EDITABLE:
        raise QuestionNotEditable(q.status, editable=lifecycle.EDITABLE)
    changes = data.model_dump(exclude_unset=True)
    q.next_edit(changes.pop("version", None))
    before = _snapshot(q)
    _apply(session, q, changes)
    audit.record_update(
        session, "question", q, actor=actor, before=before, after=_snapshot(q)
    )
    if before.get("is_public") != q.is_public:
        _publish_parts(session, q, actor)
    request_run(session, JobName.EMBEDDING)  # new or changed text: a vector
    session.commit()
    return q


def _publish_parts(session: Session, q: Question, actor: User) -> None:
    """A split question made private (or public) takes its parts along: the
    portal lists the parts, so they must not stay visible (or hidden)."""
    for part in repository.children(session, q.id):
        part = repository.lock(session, part.id)
        before = _snapshot(part)
        part.is_public = q.is_public
        audit.record_update(
            session, "question", part, actor=actor, before=before, after=_snapshot(part)
        )


def _actor_kinds(q: Question, user: User) -> set[str]:
    kinds = set()
    if user.id == q.owner_id:
        kinds.add("owner")
    if user.role == Role.BROKER:
        kinds.add("broker")
    return kinds


def transition_question(
    session: Session,
    question_id: uuid.UUID,
    data: TransitionRequest,
    *,
    actor: User,
    today: date,
    settings: Settings,
) -> Question:
    """Move a question one lifecycle step; invalid steps are 409, wrong actor 403.

    Parking needs `until`, a day after `today`, on which the question reopens.
    `settings` render the mail to each provider whose proposal ends.
    """
    q = get_visible_question(session, question_id, actor)
    if data.to in lifecycle.MATCH_DRIVEN:
        raise StatusFollowsMatches(data.to)
    who = lifecycle.MANUAL.get((q.status, data.to))
    if who is None:
        raise TransitionNotAllowed(
            q.status, data.to, targets=lifecycle.allowed_targets(q.status)
        )
    if not who & _actor_kinds(q, actor):
        raise TransitionNotYours(data.to, who=sorted(who))
    if data.to == QuestionStatus.PARKED and (data.until is None or data.until <= today):
        raise ParkUntilRequired(today)
    # The step was decided on the status this request read; it succeeds only if
    # the question still has that status once its row is locked. Of several steps
    # sent at once, one wins and the others get 409 naming the new status.
    expected = q.status
    q = repository.lock(session, q.id)
    if q.status != expected:
        current = q.status
        session.rollback()
        raise QuestionMovedMeanwhile(expected, current, data.to)
    extra: dict[str, Any] = {}
    if expected == QuestionStatus.SUBMITTED and data.to == QuestionStatus.OPEN:
        submitted = articulation.submitted_version(
            audit_repository.list_events(session, [q.id])
        )
        if submitted is not None:
            changed = articulation.changed_fields(submitted, _snapshot(q))
            if changed:
                extra["articulation"] = changed
    until = data.until if data.to == QuestionStatus.PARKED else None
    set_status(
        session, q, data.to, actor=actor, note=data.note, extra=extra, until=until
    )
    _end_proposals(session, q, expected, data.to, actor, settings)
    for part in repository.children(session, q.id):
        # A split question's parts go where it goes, unless their own matches
        # moved them on (work that is matched or under way stays).
        part = repository.lock(session, part.id)
        if _part_follows(part.status, expected, data.to):
            before = part.status
            set_status(
                session, part, data.to, actor=actor, note=_FOLLOWS_PARENT, until=until
            )
            _end_proposals(session, part, before, data.to, actor, settings)
    session.commit()
    return q


def _part_follows(part_status: str, parent_before: str, to: str) -> bool:
    """Whether a part takes its split question's step.

    Closing steps (withdraw, park, not matched, back to draft) reach every part
    that can take them. Opening reaches only the parts that stood where the
    split question stood: a part the broker closed or parked on its own stays
    so, as when the reopen job opens the parked ones on their date.
    """
    if (part_status, to) not in lifecycle.MANUAL:
        return False
    return to != QuestionStatus.OPEN or part_status == parent_before


_FOLLOWS_PARENT = "volgt de gesplitste vraag"
# Why a proposal ends when its question stops taking matches (the match's reason).
_PROPOSAL_ENDS: dict[str, str] = {
    QuestionStatus.WITHDRAWN: "de vraag is ingetrokken",
    QuestionStatus.NOT_MATCHED: "de vraag is zonder koppeling afgesloten",
    QuestionStatus.PARKED: "de vraag is geparkeerd",
}


def _end_proposals(
    session: Session,
    q: Question,
    before: str,
    to: str,
    actor: User,
    settings: Settings,
) -> None:
    """Cancel the pending proposals of a question that stops taking matches (and
    mail their providers)."""
    if before in lifecycle.TAKES_MATCHES and to not in lifecycle.TAKES_MATCHES:
        match_events.cancel_proposals(
            session, q.id, actor=actor, reason=_PROPOSAL_ENDS[to], settings=settings
        )


def set_status(
    session: Session,
    q: Question,
    to: str,
    *,
    actor: User | None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
    until: date | None = None,
) -> None:
    """Change the status and log it; the caller commits (also used by matches).

    `until` is the parking date; leaving `parked` clears it.
    """
    if q.status == to:
        return
    changes: dict[str, Any] = {"status": {"before": q.status, "after": to}}
    if note:
        changes["note"] = note
    changes.update(extra or {})
    if until is not None:
        changes["parked_until"] = until.isoformat()
    q.parked_until = until
    if to == QuestionStatus.SUBMITTED and q.submitted_at is None:
        q.submitted_at = utcnow()
    q.status = to
    audit.record_for(
        session, "question", q, actor=actor, action="status_changed", changes=changes
    )


def question_matches(
    session: Session, question_id: uuid.UUID, *, user: User
) -> list[Match]:
    """The question's matches, oldest first, for those who may see the question."""
    q = get_visible_question(session, question_id, user)
    return match_repository.list_for_questions(session, [q.id])


def history(
    session: Session, question_id: uuid.UUID, *, user: User
) -> list[audit.HistoryEntry]:
    """The events of the question and of its matches, oldest first, with actors."""
    matches = question_matches(session, question_id, user=user)
    return audit.history(session, [question_id, *(m.id for m in matches)])


# A question splits while the broker still shapes it: before any work is matched.
SPLITTABLE = frozenset({QuestionStatus.SUBMITTED, QuestionStatus.OPEN})
_COPIED = (
    "description",
    "context",
    "decision",
    "expected_output",
    "department",
    "neighbourhood_id",
    "wanted_from",
    "wanted_until",
    "is_public",
    "contact_name",
    "contact_email",
    "submitted_at",
)
# Not `follows_id`: the split question follows up on the earlier one, its parts
# are linked through it (otherwise one follow-up counts once per part).


_TITLE_MAX = 200


def _part_title(title: str, level: str) -> str:
    """The split question's title with the part's level, within the column: a
    long title is shortened, never the level (the parts would look the same)."""
    suffix = f" ({level})"
    return title[: _TITLE_MAX - len(suffix)].rstrip() + suffix


def split_question(
    session: Session, question_id: uuid.UUID, data: SplitRequest, *, actor: User
) -> list[Question]:
    """Split a question into one sub-question per level, each matched on its own."""
    q = get_visible_question(session, question_id, actor)
    q = repository.lock(session, q.id)  # one split wins; see lock()
    if q.status not in SPLITTABLE:
        raise NotSplittable(q.status, reason=f"status {q.status!r}")
    if q.parent_id is not None or repository.children(session, q.id):
        raise NotSplittable(q.status, reason="it is already split or a part")
    if any(
        m.status in (MatchStatus.PROPOSED, *HOLDING_STATUSES)
        for m in match_repository.list_for_questions(session, [q.id])
    ):
        raise SplitAfterMatching()
    accepted = list(q.levels) or ["mbo", "hbo", "wo"]
    levels = sorted(set(data.levels))
    if len(levels) < 2 or any(lv not in accepted for lv in levels):
        raise SplitLevelsInvalid(accepted=accepted)
    parts = []
    for level in levels:
        part = Question(
            municipality_id=q.municipality_id,
            owner_id=q.owner_id,
            status=q.status,
            title=_part_title(q.title, level),
            wanted_matches=1,
            parent_id=q.id,
        )
        for name in _COPIED:
            setattr(part, name, getattr(q, name))
        part.themes = list(q.themes)
        part.levels = [level]
        repository.add(session, part)
        audit.record_for(
            session,
            "question",
            part,
            actor=actor,
            action="created",
            changes={"parent_id": {"before": None, "after": str(q.id)}}
            | audit.diff({}, _snapshot(part)),
        )
        parts.append(part)
    audit.record_for(
        session,
        "question",
        q,
        actor=actor,
        action="split",
        changes={"levels": levels, "parts": [str(p.id) for p in parts]},
    )
    request_run(session, JobName.EMBEDDING)
    session.commit()
    return parts


@dataclass(frozen=True, slots=True)
class Lineage:
    """Where a question stands in its story: split parts and follow-ups."""

    parent: Question | None
    parts: list[Question]
    follows: Question | None
    followed_by: list[Question]

    def __bool__(self) -> bool:
        return bool(self.parent or self.parts or self.follows or self.followed_by)


def lineage(session: Session, q: Question) -> Lineage:
    """The question's parent and parts, what it follows and what follows it."""

    def same_city(other_id: uuid.UUID | None) -> Question | None:
        other = repository.get(session, other_id) if other_id else None
        return other if other and other.municipality_id == q.municipality_id else None

    return Lineage(
        parent=same_city(q.parent_id),
        parts=repository.children(session, q.id),
        follows=same_city(q.follows_id),
        followed_by=repository.follow_ups(session, q.id),
    )


def split_family(session: Session, q: Question) -> set[uuid.UUID]:
    """The other questions of q's split: its parts, or its parent and siblings.

    They are the same question at other levels, not earlier questions like it.
    """
    top = q.parent_id or q.id
    family = {top, *(p.id for p in repository.children(session, top))}
    family.discard(q.id)
    return family


def count_by_status(session: Session, user: User) -> dict[str, int]:
    """Status -> number of questions in the caller's municipality (the board's tabs)."""
    return repository.count_by_status(session, _municipality_of(user))


def matches_of_questions(
    session: Session, questions: list[Question], *, user: User
) -> dict[uuid.UUID, list[Match]]:
    """Question id -> its matches, for questions the caller may see (one query)."""
    visible = [q.id for q in questions if q.municipality_id == user.municipality_id]
    out: dict[uuid.UUID, list[Match]] = {}
    for m in match_repository.list_for_questions(session, visible):
        out.setdefault(m.question_id, []).append(m)
    return out


def field_problems(
    session: Session, user: User, fields: dict[str, Any]
) -> list[FieldError]:
    """The vocabulary and window errors of raw input, without saving anything.

    A form whose schema check failed (say, the title is missing) still names an
    unknown neighbourhood and reversed dates in the same round.
    """
    errors: list[FieldError] = []
    municipality_id = _municipality_of(user)
    if fields.get("neighbourhood"):
        try:
            vocab.resolve_neighbourhood(
                session, municipality_id, str(fields["neighbourhood"])
            )
        except FieldError as exc:
            errors.append(exc)
    if fields.get("themes"):
        try:
            vocab.resolve_themes(session, list(fields["themes"]))
        except FieldError as exc:
            errors.append(exc)
    start, end = (
        _as_date(fields.get("wanted_from")),
        _as_date(fields.get("wanted_until")),
    )
    if start and end and end < start:
        errors.append(
            WindowReversed(start_field="wanted_from", end_field="wanted_until")
        )
    return errors


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
