"""Columns aggregates share: a UUID key, created/updated timestamps, an edit version."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.errors import EditedMeanwhile


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )


class EditVersionMixin:
    """An edit counter, so an edit made on an old read is refused, not silently lost.

    A client sends the `version` it read with its change; when someone saved in
    between, the change gets 409 `EditedMeanwhile` instead of overwriting theirs.
    """

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    def next_edit(self, read: int | None) -> None:
        """Count one edit; `read` (when sent) must be the version now stored.

        Call it on the locked row, so two edits of the same read cannot both pass.
        """
        if read is not None and read != self.version:
            raise EditedMeanwhile(read=read, current=self.version)
        self.version += 1
