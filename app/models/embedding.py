"""Stored vectors: one per (owner, model); recomputed when the model or text changes."""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import IdMixin, TimestampMixin


class Embedding(IdMixin, TimestampMixin, Base):
    """`vector` holds float32 bytes (little-endian) of length `dimension`."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", "model_name"),)

    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    model_name: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dimension: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
