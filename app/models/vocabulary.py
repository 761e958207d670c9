"""Reference data: municipalities, their neighbourhoods, themes and institutions."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.mixins import IdMixin, TimestampMixin


class Municipality(IdMixin, TimestampMixin, Base):
    __tablename__ = "municipalities"

    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The broker's switch: rank with the city's learned model when one is active.
    learned_ranking: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )


class Neighbourhood(IdMixin, TimestampMixin, Base):
    """A district; `aliases` holds buurt names that resolve to it ("Slaaghwijk")."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (UniqueConstraint("municipality_id", "slug"),)

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    municipality: Mapped[Municipality] = relationship(lazy="joined")


class Theme(IdMixin, TimestampMixin, Base):
    __tablename__ = "themes"

    slug: Mapped[str] = mapped_column(String(60), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))


class Institution(IdMixin, TimestampMixin, Base):
    """A knowledge institution; its `level` is mbo, hbo or wo."""

    __tablename__ = "institutions"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(40))


class FocusTheme(Base):
    """A theme a city puts first in one agenda year (a small, explained ranking boost).

    Themes stay national; only the choice of focus is the city's.
    """

    __tablename__ = "municipality_focus_themes"

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("themes.id"), primary_key=True, index=True
    )

    theme: Mapped[Theme] = relationship(lazy="joined")
