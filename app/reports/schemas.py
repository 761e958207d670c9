"""Report shapes: the steering-group figures of one municipality over a period."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class CountRow(BaseModel):
    key: str
    label: str
    count: int


class CapacityRow(BaseModel):
    key: str
    label: str
    offered: int = Field(
        description="Sum of the capacity of the offers serving the city, a shared "
        "offer in full."
    )
    used: int = Field(
        description="Places held by confirmed, running or completed matches, of "
        "every city a shared offer serves (its places are shared)."
    )


class MatchedShare(BaseModel):
    matched: int = Field(
        description="Eligible questions with a confirmed-or-later match."
    )
    eligible: int = Field(description="Questions submitted or later, not withdrawn.")
    share: float | None = Field(description="matched / eligible, 0-1; null when none.")


class DaysToMatch(BaseModel):
    median_days: float | None = Field(
        description="Median days from submission to the first confirmed match."
    )
    count: int = Field(description="Questions the median is taken over.")


class Feedback(BaseModel):
    average_rating: float | None
    count: int


class LineRow(BaseModel):
    """One story over several questions: a root with its parts and follow-ups."""

    root_id: str
    title: str
    questions: int
    statuses: list[str] = Field(description="Status of each question, oldest first.")


class LineageSummary(BaseModel):
    split_questions: int = Field(description="Questions split into sub-questions.")
    sub_questions: int
    follow_ups: int = Field(description="Questions that follow an earlier one.")
    lines: list[LineRow]


class SummaryRead(BaseModel):
    """Questions are in scope when submitted in the period (all when none is given)."""

    municipality: str
    period_from: date | None
    period_until: date | None
    questions_total: int
    questions_by_status: list[CountRow]
    questions_by_theme: list[CountRow]
    questions_by_neighbourhood: list[CountRow]
    questions_by_month: list[CountRow]
    matches_total: int
    matches_by_institution: list[CountRow]
    matches_by_level: list[CountRow]
    matches_by_kind: list[CountRow]
    matched_share: MatchedShare
    days_to_first_match: DaysToMatch
    capacity_by_institution: list[CapacityRow]
    capacity_by_semester: list[CapacityRow]
    feedback: Feedback
    lineage: LineageSummary


class CityFigures(BaseModel):
    """One city's figures in the network report: counts only, no personal data."""

    municipality: str
    name: str
    questions_total: int
    questions_completed: int
    matches_total: int = Field(description="Matches holding a place.")
    matched_share: MatchedShare
    completion_share: float | None = Field(
        description="Eligible questions completed, 0-1; null when none."
    )
    days_to_first_match: DaysToMatch
    matches_by_level: list[CountRow]
    matches_by_institution: list[CountRow]


class NetworkRead(BaseModel):
    """Every city side by side, and the totals of the network."""

    cities: list[CityFigures]
    totals: CityFigures
