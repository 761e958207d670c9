"""Load reference and demo data; every step upserts by a natural key, so re-running
changes nothing.

Reference rows (themes, municipalities, neighbourhoods, institutions) are upserted
directly: they have no use case of their own. Demo users, questions and offers go
through the services, so the demo passes the same validation as user input; only the
backdated history (statuses, matches, outcomes) is written directly, because it
happened "before" the service existed.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import HOLDING_STATUSES
from app.config import Settings
from app.db import utcnow
from app.models import (
    AcademicPeriod,
    Institution,
    Interest,
    Match,
    Municipality,
    Neighbourhood,
    Offer,
    Question,
    Theme,
    User,
)
from app.offers import service as offer_service
from app.offers.schemas import OfferCreate
from app.periods import repository as period_repository
from app.questions import service as question_service
from app.questions.schemas import QuestionCreate
from app.security import hash_password
from app.users import repository as user_repository
from app.users import service as user_service
from app.users.schemas import UserCreate


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    def __str__(self) -> str:
        if not self.created:
            return "nothing new: the database already holds this seed data"
        return ", ".join(f"{n} {kind}" for kind, n in sorted(self.created.items()))


def read_data(name: str) -> dict[str, Any]:
    text = resources.files("seeds").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_reference(session: Session, data: dict[str, Any], report: SeedReport) -> None:
    """Upsert themes, municipalities with neighbourhoods, and institutions."""
    for item in data["themes"]:
        theme = session.scalar(select(Theme).where(Theme.slug == item["slug"]))
        if theme is None:
            theme = Theme(slug=item["slug"])
            session.add(theme)
            report.add("themes")
        theme.label_nl, theme.label_en = item["label_nl"], item["label_en"]
    for item in data["municipalities"]:
        city = session.scalar(
            select(Municipality).where(Municipality.slug == item["slug"])
        )
        if city is None:
            city = Municipality(slug=item["slug"], name=item["name"])
            session.add(city)
            session.flush()
            report.add("municipalities")
        for hood_data in item["neighbourhoods"]:
            hood = session.scalar(
                select(Neighbourhood).where(
                    Neighbourhood.municipality_id == city.id,
                    Neighbourhood.slug == hood_data["slug"],
                )
            )
            if hood is None:
                hood = Neighbourhood(municipality_id=city.id, slug=hood_data["slug"])
                session.add(hood)
                report.add("neighbourhoods")
            hood.name = hood_data["name"]
            hood.aliases = list(hood_data.get("aliases", []))
    for item in data["institutions"]:
        inst = session.scalar(
            select(Institution).where(Institution.name == item["name"])
        )
        if inst is None:
            inst = Institution(name=item["name"])
            session.add(inst)
            report.add("institutions")
        inst.short_name, inst.level, inst.kind = (
            item["short_name"],
            item["level"],
            item["kind"],
        )
    session.commit()


def _load_users(
    session: Session, users: list[dict[str, Any]], password: str, report: SeedReport
) -> dict[str, User]:
    by_email: dict[str, User] = {}
    shared_hash = hash_password(password)
    for item in users:
        user = user_repository.get_by_email(session, item["email"])
        if user is None:
            data = UserCreate(
                email=item["email"],
                name=item["name"],
                role=item["role"],
                password=password,
                municipality=item.get("municipality"),
                institution=item.get("institution"),
                department=item.get("department"),
            )
            user = user_service.create_user(
                session, data, actor=None, password_hash=shared_hash
            )
            report.add("users")
        by_email[user.email] = user
    return by_email


def _load_offers(
    session: Session,
    offers: list[dict[str, Any]],
    users: dict[str, User],
    settings: Settings,
    report: SeedReport,
) -> dict[str, Offer]:
    by_key: dict[str, Offer] = {}
    for item in offers:
        owner = users[item["owner"]]
        existing = session.scalar(
            select(Offer).where(
                Offer.title == item["title"],
                Offer.institution_id == owner.institution_id,
            )
        )
        if existing is None:
            fields = {k: item.get(k) for k in OfferCreate.model_fields if k in item}
            fields["status"] = "active"
            existing = offer_service.create_offer(
                session, OfferCreate(**fields), actor=owner, settings=settings
            )
            existing.status = item.get("status", "active")
            session.commit()
            report.add("offers")
        by_key[item["key"]] = existing
    return by_key


def _load_questions(
    session: Session,
    questions: list[dict[str, Any]],
    users: dict[str, User],
    report: SeedReport,
) -> dict[str, Question]:
    by_key: dict[str, Question] = {}
    for item in questions:
        owner = users[item["owner"]]
        existing = session.scalar(
            select(Question).where(
                Question.title == item["title"],
                Question.municipality_id == owner.municipality_id,
            )
        )
        if existing is None:
            fields = {k: item.get(k) for k in QuestionCreate.model_fields if k in item}
            fields["status"] = "draft"
            if item.get("follows"):  # a follow-up of an earlier demo question
                fields["follows_id"] = by_key[item["follows"]].id
            existing = question_service.create_question(
                session, QuestionCreate(**fields), actor=owner
            )
            # Backdated history: the demo world starts mid-way through its lifecycle.
            existing.status = item["status"]
            if item.get("submitted_at"):
                existing.submitted_at = datetime.fromisoformat(item["submitted_at"])
                existing.created_at = existing.submitted_at
            session.commit()
            report.add("questions")
        by_key[item["key"]] = existing
    return by_key


def _days_after(
    start: datetime | None, item: dict[str, Any], low: int, high: int
) -> datetime | None:
    """A plausible, deterministic later moment for backdated demo history."""
    if start is None:
        return None
    spread = zlib.crc32(f"{item['question']}|{item['offer']}".encode()) % (
        high - low + 1
    )
    return min(start + timedelta(days=low + spread), utcnow())


def _load_matches(
    session: Session,
    matches: list[dict[str, Any]],
    questions: dict[str, Question],
    offers: dict[str, Offer],
    report: SeedReport,
) -> None:
    for item in matches:
        q, o = questions[item["question"]], offers[item["offer"]]
        exists = session.scalar(
            select(Match.id).where(Match.question_id == q.id, Match.offer_id == o.id)
        )
        if exists is not None:
            continue
        match = Match(
            municipality_id=q.municipality_id,
            question_id=q.id,
            offer_id=o.id,
            status=item["status"],
            reason=item.get("reason"),
            outcome_summary=item.get("outcome_summary"),
            result_url=item.get("result_url"),
            rating=item.get("rating"),
            remarks=item.get("remarks"),
            components={},
            explanation="",
        )
        if match.status in HOLDING_STATUSES:
            o.places_taken += 1
            match.confirmed_at = _days_after(q.submitted_at, item, 5, 40)
        if match.status == "completed":
            match.completed_at = _days_after(match.confirmed_at, item, 90, 150)
        session.add(match)
        report.add("matches")
    session.commit()


def load_demo(
    session: Session, data: dict[str, Any], *, password: str, settings: Settings
) -> SeedReport:
    """Add the demo users and the demo world of questions, offers and matches."""
    report = SeedReport()
    users = _load_users(session, data["users"], password, report)
    offers = _load_offers(session, data["offers"], users, settings, report)
    questions = _load_questions(session, data["questions"], users, report)
    _load_matches(session, data["matches"], questions, offers, report)
    _load_periods(session, data.get("periods", []), report)
    _load_interests(session, data.get("interests", []), questions, report)
    return report


def _load_periods(
    session: Session, periods: list[dict[str, Any]], report: SeedReport
) -> None:
    """The institutions' academic periods (reference-like: upserted by name)."""
    for item in periods:
        institution = session.scalar(
            select(Institution).where(Institution.name == item["institution"])
        )
        assert institution is not None, item["institution"]
        if period_repository.find(session, institution.id, item["name"]) is None:
            session.add(
                AcademicPeriod(
                    institution_id=institution.id,
                    name=item["name"],
                    kind=item["kind"],
                    starts_on=date.fromisoformat(item["starts_on"]),
                    ends_on=date.fromisoformat(item["ends_on"]),
                    intake_deadline=date.fromisoformat(item["intake_deadline"])
                    if item.get("intake_deadline")
                    else None,
                )
            )
            report.add("periods")


def _load_interests(
    session: Session,
    interests: list[dict[str, Any]],
    questions: dict[str, Question],
    report: SeedReport,
) -> None:
    """Students' interests; `confirmed` ones followed their mailed link."""
    for item in interests:
        q = questions[item["question"]]
        email = item["email"].lower()
        exists = session.scalar(
            select(Interest.id).where(
                Interest.question_id == q.id, Interest.email == email
            )
        )
        if exists is not None:
            continue
        session.add(
            Interest(
                municipality_id=q.municipality_id,
                question_id=q.id,
                name=item["name"],
                email=email,
                institution=item["institution"],
                level=item["level"],
                message=item.get("message", ""),
                confirmed_at=utcnow() if item.get("confirmed") else None,
            )
        )
        report.add("interests")
    session.commit()
