"""Shapes shared by several domains."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")

LimitQuery = Annotated[int, Query(ge=1, le=100, description="Page size (1-100).")]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total number of matching rows."""

    items: list[T]
    total: int
    limit: int
    offset: int
