"""Stored vectors: each question and offer text is encoded once per model and text.

A vector is reused while its model name and text hash match; otherwise it is
recomputed in one batch and stored. `kennisbrug reindex` calls the same code.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Embedding, Offer, Question
from app.ranking import repository
from app.ranking.adapters import Encoder, offer_text_of, question_text_of, text_hash

OwnerType = Literal["question", "offer"]
F32 = npt.NDArray[np.float32]


def _to_array(row: Embedding) -> F32:
    return np.frombuffer(row.vector, dtype="<f4").astype(np.float32)


def vectors(
    session: Session,
    encoder: Encoder,
    owner_type: OwnerType,
    owners: Sequence[tuple[uuid.UUID, str]],
    *,
    progress: bool = False,
) -> F32:
    """(n, d) vectors for (id, text) pairs; encodes and stores only what is stale.

    Questions are encoded as queries, offers as passages (the E5 prompts). The caller
    commits; a concurrent writer that stored the same vector first wins.
    """
    model = encoder.model_name
    stored = repository.embeddings_of(
        session, owner_type, [i for i, _ in owners], model
    )
    hashes = [text_hash(text) for _, text in owners]
    stale = [
        k
        for k, ((owner_id, _), digest) in enumerate(zip(owners, hashes, strict=True))
        if owner_id not in stored or stored[owner_id].text_hash != digest
    ]
    out = np.zeros((len(owners), encoder.dimension), dtype=np.float32)
    for k, (owner_id, _) in enumerate(owners):
        if k not in stale:
            out[k] = _to_array(stored[owner_id])
    if stale:
        texts = [owners[k][1] for k in stale]
        encode = (
            encoder.encode_queries
            if owner_type == "question"
            else encoder.encode_passages
        )
        fresh = encode(texts, progress=progress)
        for row_vector, k in zip(fresh, stale, strict=True):
            out[k] = row_vector
            _store(
                session, owner_type, owners[k][0], model, hashes[k], row_vector, stored
            )
    return out


def _store(
    session: Session,
    owner_type: OwnerType,
    owner_id: uuid.UUID,
    model: str,
    digest: str,
    vector: F32,
    stored: dict[uuid.UUID, Embedding],
) -> None:
    data = np.asarray(vector, dtype="<f4").tobytes()
    row = stored.get(owner_id)
    if row is not None:
        row.text_hash, row.vector, row.dimension = digest, data, int(vector.shape[0])
        return
    try:
        with session.begin_nested():
            session.add(
                Embedding(
                    owner_type=owner_type,
                    owner_id=owner_id,
                    model_name=model,
                    text_hash=digest,
                    dimension=int(vector.shape[0]),
                    vector=data,
                )
            )
    except IntegrityError:
        pass  # another request stored this vector first; ours is identical


def question_vectors(
    session: Session,
    encoder: Encoder,
    questions: Sequence[Question],
    *,
    progress: bool = False,
) -> F32:
    owners = [(q.id, question_text_of(q)) for q in questions]
    return vectors(session, encoder, "question", owners, progress=progress)


def offer_vectors(
    session: Session,
    encoder: Encoder,
    offers: Sequence[Offer],
    *,
    progress: bool = False,
) -> F32:
    owners = [(o.id, offer_text_of(o)) for o in offers]
    return vectors(session, encoder, "offer", owners, progress=progress)


def stored_offer_vectors(
    session: Session, encoder: Encoder, offer_ids: Sequence[str]
) -> F32:
    """(n, d) offer vectors as stored, never encoded here (the embedding job does).

    An offer whose text changed keeps its old vector until the job stores the new
    one (which bumps the ranking stamp); an offer without any has a zero vector,
    so it gets no dense evidence meanwhile.
    """
    stored = repository.embeddings_of(
        session, "offer", [uuid.UUID(i) for i in offer_ids], encoder.model_name
    )
    out = np.zeros((len(offer_ids), encoder.dimension), dtype=np.float32)
    for k, offer_id in enumerate(offer_ids):
        row = stored.get(uuid.UUID(offer_id))
        if row is not None and row.dimension == encoder.dimension:
            out[k] = _to_array(row)
    return out


def stored_question_vectors(
    session: Session, encoder: Encoder, questions: Sequence[Question]
) -> list[F32 | None]:
    """Each question's stored vector if it is of its current text, else None.

    Requests never encode: a missing or stale vector means the embedding job has
    not run yet since the text changed; the caller ranks without dense evidence.
    """
    stored = repository.embeddings_of(
        session, "question", [q.id for q in questions], encoder.model_name
    )
    out: list[F32 | None] = []
    for q in questions:
        row = stored.get(q.id)
        fresh = row is not None and row.text_hash == text_hash(question_text_of(q))
        out.append(_to_array(row) if fresh and row is not None else None)
    return out


def reindex(
    session: Session, encoder: Encoder, *, batch_size: int = 64, progress: bool = True
) -> int:
    """Recompute every vector whose model or text is out of date; returns how many.

    Commits after each batch, so an interrupted run keeps its work and a rerun
    continues where it stopped (fresh vectors are skipped by their hash).
    """
    from tqdm import tqdm

    questions = repository.all_questions(session)
    offers = repository.all_offers(session)
    todo: list[tuple[OwnerType, uuid.UUID, str]] = [
        *(("question", q.id, question_text_of(q)) for q in questions),
        *(("offer", o.id, offer_text_of(o)) for o in offers),
    ]
    encoded = 0
    with tqdm(
        total=len(todo), desc="reindex", unit="text", disable=not progress
    ) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            for owner_type in ("question", "offer"):
                owners = [(i, t) for kind, i, t in batch if kind == owner_type]
                stored = repository.embeddings_of(
                    session, owner_type, [i for i, _ in owners], encoder.model_name
                )
                stale = [
                    (i, t)
                    for i, t in owners
                    if i not in stored or stored[i].text_hash != text_hash(t)
                ]
                if stale:
                    vectors(session, encoder, owner_type, stale)
                    encoded += len(stale)
            session.commit()
            bar.update(len(batch))
    return encoded
