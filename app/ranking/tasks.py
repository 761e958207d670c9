"""The embedding job: vectors for new or changed texts, outside any request."""

from __future__ import annotations

from app.jobs.registry import JobContext
from app.ranking.adapters import load_configured_encoder
from app.ranking.embeddings import reindex


def embed_changed_texts(ctx: JobContext) -> int:
    """Encode every question and offer whose vector is missing or stale (by model and
    text hash); returns how many. Services ask for a run when a text changes."""
    encoder = load_configured_encoder(ctx.settings)
    if encoder is None:
        return 0
    with ctx.session_factory() as session:
        return reindex(session, encoder, progress=False)
