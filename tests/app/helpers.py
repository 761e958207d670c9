"""Small builders shared by the API tests: they go through the API like a user."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.jobs.registry import JobContext

QUESTION: dict[str, Any] = {
    "title": "Eenzaamheid onder ouderen in Leiden-Noord",
    "description": "Veel alleenstaande ouderen voelen zich eenzaam. Welke ouderen bereiken "
    "we niet met het buurthuis en wat zou hen helpen? Vrijwilligers en buren inzetten.",
    "themes": ["gezondheid-welzijn", "sociaal-domein"],
    "levels": [],
    "neighbourhood": "leiden-noord",
    "wanted_from": "2027-02-01",
    "wanted_until": "2027-06-30",
    "is_public": True,
}

OFFER: dict[str, Any] = {
    "kind": "course",
    "title": "Minor Wijkgerichte Zorg: eenzaamheid en sociale isolatie bij ouderen",
    "description": "Studenten Verpleegkunde en Social Work onderzoeken eenzaamheid onder "
    "thuiswonende ouderen en ontwikkelen met vrijwilligers een aanpak in de wijk.",
    "themes": ["gezondheid-welzijn"],
    "capacity": 2,
    "available_from": "2027-02-01",
    "available_until": "2027-07-01",
}


def open_question(
    client: TestClient,
    staff_headers: dict[str, str],
    broker_headers: dict[str, str],
    **overrides: Any,
) -> dict[str, Any]:
    """A question created by staff, submitted, and opened by the broker."""
    body = {**QUESTION, "status": "submitted", **overrides}
    created = client.post("/api/questions", json=body, headers=staff_headers)
    assert created.status_code == 201, created.text
    opened = client.post(
        f"/api/questions/{created.json()['id']}/transition",
        json={"to": "open"},
        headers=broker_headers,
    )
    assert opened.status_code == 200, opened.text
    return opened.json()


def offer(
    client: TestClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = client.post("/api/offers", json={**OFFER, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def propose(
    client: TestClient, headers: dict[str, str], question_id: str, offer_id: str
) -> dict[str, Any]:
    response = client.post(
        "/api/matches",
        json={"question_id": question_id, "offer_id": offer_id},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def step(
    client: TestClient, headers: dict[str, str], match_id: str, action: str, **body: Any
) -> Any:
    return client.post(f"/api/matches/{match_id}/{action}", json=body, headers=headers)


def fresh_row(session: Session, model: type[Any], id_: str) -> Any:
    """The row as the database holds it now (after requests of the test client)."""
    row = session.get(model, uuid.UUID(id_))
    session.refresh(row)
    return row


def job_context(session: Session, settings: Settings, day: date) -> JobContext:
    """A job's context on `day` (noon UTC, 'today' pinned), on the test's database."""
    return JobContext(
        session_factory=sessionmaker(bind=session.get_bind(), expire_on_commit=False),
        settings=settings.model_copy(update={"reference_date": day}),
        now=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
    )
