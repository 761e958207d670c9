"""Student portal use cases: browse public assignments and the results they produced.

Which questions are assignments: public ones in status `open`, `matched` or
`in_progress`. `open` questions still look for students and courses; `matched` and
`in_progress` ones already run in a confirmed course or thesis place (listed as
placements), which students can join. Drafts and submitted questions are not yet
articulated with the broker, `completed` ones move to the results showcase, and
`withdrawn`/`not_matched` ones are no longer pursued.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.codes import HOLDING_STATUSES, MatchStatus, QuestionStatus
from app.errors import WindowReversed
from app.models import Match, Question
from app.offers.editions import edition_window
from app.portal import repository
from app.portal.errors import AssignmentNotFound, DayAndPeriodGiven
from app.portal.repository import PublicFilter
from app.portal.schemas import (
    AssignmentRead,
    FacetCount,
    Lang,
    Outcome,
    Placement,
    ResultRead,
    ResultsPage,
)
from app.questions import lifecycle
from app.vocab import service as vocab

ASSIGNMENT_STATUSES: tuple[str, ...] = tuple(sorted(lifecycle.TAKES_MATCHES))
RESULT_STATUSES: tuple[str, ...] = (QuestionStatus.COMPLETED,)


@dataclass(frozen=True, slots=True)
class PortalQuery:
    """What a visitor filters on; names and neighbourhoods are still unresolved."""

    municipality: str
    level: str | None = None
    theme: str | None = None
    neighbourhood: str | None = None
    on: date | None = None
    period_from: date | None = None
    period_until: date | None = None
    q: str | None = None
    lang: Lang = "nl"


def assignment_read(
    q: Question, matches: Iterable[Match], lang: Lang
) -> AssignmentRead:
    """The public view of an open question, with the places it runs in."""
    read = AssignmentRead.model_validate(q, context={"lang": lang})
    read.placements = [_placement(m) for m in matches]
    return read


def _placement(m: Match) -> Placement:
    """The place with the dates of the match's own edition, not the offer's
    current one (a yearly offer moves on to its next year)."""
    start, until = edition_window(m.offer, m.edition)
    return Placement.model_validate(m.offer).model_copy(
        update={"available_from": start, "available_until": until}
    )


def _searchable(q: Question) -> str:
    parts = [q.title, q.description, q.context]
    parts += [label for t in q.themes for label in (t.label_nl, t.label_en)]
    if q.neighbourhood is not None:
        parts.append(q.neighbourhood.name)
    return " ".join(parts)


def text_matches(questions: Sequence[Question], text: str | None) -> list[Question]:
    """Questions containing every word of `text`, ignoring case, accents and the
    kind of apostrophe."""
    return vocab.text_filter(questions, _searchable, text)


def _public_filter(
    session: Session, query: PortalQuery, statuses: Sequence[str]
) -> PublicFilter:
    municipality = vocab.resolve_municipality(session, query.municipality)
    if query.theme:
        vocab.resolve_themes(session, [query.theme], field="theme")
    hood = (
        vocab.resolve_neighbourhood(session, municipality.id, query.neighbourhood)
        if query.neighbourhood
        else None
    )
    start, end = query.period_from, query.period_until
    if query.on is not None:
        if start or end:
            raise DayAndPeriodGiven()
        start = end = query.on
    if start and end and end < start:
        raise WindowReversed(start_field="from", end_field="until")
    return PublicFilter(
        municipality_id=municipality.id,
        statuses=statuses,
        level=query.level,
        theme=query.theme,
        neighbourhood_id=hood.id if hood else None,
        period_from=start,
        period_until=end,
    )


def _by_question(matches: Iterable[Match]) -> dict[uuid.UUID, list[Match]]:
    grouped: dict[uuid.UUID, list[Match]] = {}
    for m in matches:
        grouped.setdefault(m.question_id, []).append(m)
    return grouped


def list_assignments(
    session: Session, query: PortalQuery, *, limit: int, offset: int
) -> tuple[list[AssignmentRead], int]:
    """A page of public open assignments, newest first, with the total."""
    f = _public_filter(session, query, ASSIGNMENT_STATUSES)
    found = text_matches(repository.list_public(session, f), query.q)
    page = found[offset : offset + limit]
    placements = _by_question(
        repository.list_matches(session, [q.id for q in page], HOLDING_STATUSES)
    )
    items = [assignment_read(q, placements.get(q.id, []), query.lang) for q in page]
    return items, len(found)


def get_public_assignment(session: Session, question_id: uuid.UUID) -> Question:
    """The question if it is a public open assignment; 404 for anything else."""
    q = repository.get_public(session, question_id, ASSIGNMENT_STATUSES)
    if q is None:
        raise AssignmentNotFound()
    return q


def takes_students(q: Question) -> bool:
    """Whether students may still sign up for `q` (and confirm a sign-up): public
    and open, matched or running, the statuses the portal lists."""
    return q.is_public and q.status in ASSIGNMENT_STATUSES


def get_assignment(
    session: Session, question_id: uuid.UUID, *, lang: Lang
) -> AssignmentRead:
    """One public open assignment with its placements."""
    q = get_public_assignment(session, question_id)
    matches = repository.list_matches(session, [q.id], HOLDING_STATUSES)
    return assignment_read(q, matches, lang)


def result_read(q: Question, matches: Sequence[Match], lang: Lang) -> ResultRead:
    """The public view of a completed question: what it produced, and its rating."""
    ratings = [m.rating for m in matches if m.rating is not None]
    read = ResultRead.model_validate(q, context={"lang": lang})
    read.outcomes = [Outcome.model_validate(m) for m in matches]
    read.average_rating = round(sum(ratings) / len(ratings), 1) if ratings else None
    read.rating_count = len(ratings)
    return read


def _latest(matches: Sequence[Match]) -> datetime | None:
    return max((m.completed_at for m in matches if m.completed_at), default=None)


def _facets(results: Sequence[ResultRead]) -> tuple[list[FacetCount], list[FacetCount]]:
    themes: Counter[tuple[str, str]] = Counter()
    hoods: Counter[tuple[str, str]] = Counter()
    for r in results:
        themes.update((t.slug, t.label) for t in r.themes)
        if r.neighbourhood:
            hoods[(r.neighbourhood.slug, r.neighbourhood.name)] += 1
    return _counted(themes), _counted(hoods)


def _counted(counter: Counter[tuple[str, str]]) -> list[FacetCount]:
    """Facet entries in label order (what a reader scans), slug as tie-break."""
    return [
        FacetCount(slug=slug, label=label, count=n)
        for (slug, label), n in sorted(
            counter.items(), key=lambda kv: (kv[0][1].casefold(), kv[0][0])
        )
    ]


def list_results(
    session: Session, query: PortalQuery, *, limit: int, offset: int
) -> ResultsPage:
    """Completed public questions with their outcomes, most recently completed first."""
    everything = PortalQuery(municipality=query.municipality, lang=query.lang)
    all_questions = repository.list_public(
        session, _public_filter(session, everything, RESULT_STATUSES)
    )
    completed = _by_question(
        repository.list_matches(
            session, [q.id for q in all_questions], (MatchStatus.COMPLETED,)
        )
    )
    shown = [q for q in all_questions if completed.get(q.id)]
    shown.sort(
        key=lambda q: (
            _latest(completed[q.id]) or datetime.min.replace(tzinfo=UTC),
            q.id.hex,
        ),
        reverse=True,
    )
    theme_facets, hood_facets = _facets(
        [result_read(q, completed[q.id], query.lang) for q in shown]
    )
    wanted = {
        q.id
        for q in text_matches(
            repository.list_public(
                session, _public_filter(session, query, RESULT_STATUSES)
            ),
            query.q,
        )
    }
    found = [q for q in shown if q.id in wanted]
    return ResultsPage(
        items=[
            result_read(q, completed[q.id], query.lang)
            for q in found[offset : offset + limit]
        ],
        total=len(found),
        limit=limit,
        offset=offset,
        themes=theme_facets,
        neighbourhoods=hood_facets,
    )
