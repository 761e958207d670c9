"""A reranker that learns from the broker's decisions (pairwise, position-debiased).

A *decision* is what the broker did with one ranked list: for a question, the offers
shown (their rank, score and evidence components, and the engine version that
ranked them) and per offer an outcome: confirmed, rejected (with a reason), declined
by the provider, or shown and ignored. `fit` turns decisions into preference pairs
and fits a linear model on feature differences (a pairwise logistic regression, the
RankNet/Ranking-SVM family; SciPy L-BFGS, deterministic):

- features of an offer (`FEATURES`): the default engine's weighted mean of the
  components it has (the prior, so the model learns a correction to the default),
  each component (0 where absent), whether lexical and locality evidence were
  present, and a few products of components (`INTERACTIONS`); the L2 penalty
  applies to everything but the prior, so the model learns small corrections;
- grades: confirmed 2, declined by the provider 1 (the broker wanted it),
  rejected 0 and ignored 0; every pair of shown offers with different grades is a
  preference;
- position bias: an offer shown lower is less often looked at, so a confirmation
  there is rarer than its relevance deserves. A pair is weighted by the inverse
  propensity of its preferred offer, `1 / p(rank)` with `p(rank) = (1 / rank) **
  eta` (Joachims, Swaminathan & Schnabel 2017, "Unbiased learning-to-rank with
  biased feedback"), clipped at `max_weight`;
- the guard: questions are split into folds; for each fold a model trained on the
  others reorders the top `depth` of that fold's shown lists (as it does when
  served), and its MRR is compared with the shown (default) order. `fit` returns
  None, so callers keep the default engine, unless the learned order beats the
  default by `margin` and puts the wanted offer higher on at least
  `min_net_wins` more held-out questions than it puts it lower (a sign-test
  view: one question that flips is no evidence). The returned model is refitted
  on all decisions.

Limits: it can only learn from what was shown (the top of the default ranking); it
reweights the engine's evidence, it does not learn new evidence; with few decisions
the guard keeps the default.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from matching.config import COMPONENTS, DEFAULT_CONFIG, MatchConfig
from matching.errors import MatchingError

__all__ = [
    "FEATURES",
    "Decision",
    "LearnedRanker",
    "Outcome",
    "ShownOffer",
    "fit",
    "pair_weights",
]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

INTERACTIONS: tuple[tuple[str, str], ...] = (
    ("expertise", "locality"),
    ("concept", "locality"),
    ("dense", "locality"),
    ("expertise", "concept"),
)
"""Products of two components: a local provider with the right discipline is worth
more than either alone would say in a weighted mean."""

FEATURES: tuple[str, ...] = (
    "prior",
    *COMPONENTS,
    "has_lexical",
    "has_locality",
    *(f"{a}_x_{b}" for a, b in INTERACTIONS),
)
"""The features of one offer, in column order."""

PRIOR_SCALE = 10.0
"""The prior enters scaled up, so its coefficient starts near 1."""

PRIOR_PENALTY = 0.01
"""Share of the L2 penalty on the prior's coefficient: almost free, so the model
starts from the default order, but bounded when the decisions are separable."""


class Outcome(StrEnum):
    """What happened to one shown offer."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    DECLINED = "declined"
    IGNORED = "ignored"


GRADES: dict[Outcome, int] = {
    Outcome.CONFIRMED: 2,
    Outcome.DECLINED: 1,
    Outcome.REJECTED: 0,
    Outcome.IGNORED: 0,
}


@dataclass(frozen=True, slots=True)
class ShownOffer:
    """One offer as the broker saw it, and what became of it.

    Attributes:
        offer_id: The offer.
        rank: Its position in the list shown (1 is the top).
        components: Its evidence components (`ScoredCandidate.components`).
        outcome: What the broker (or provider) did with it.
        reason: The broker's reason for a rejection, if any.
    """

    offer_id: str
    rank: int
    components: Mapping[str, float]
    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """A question's ranked list as shown, with an outcome per offer.

    Attributes:
        question_id: The question.
        shown: The offers shown, any order (their `rank` says where).
        engine_version: `MatchConfig.version` of the ranking that was shown.
    """

    question_id: str
    shown: tuple[ShownOffer, ...]
    engine_version: str = ""


@dataclass(frozen=True, slots=True)
class LearnedRanker:
    """A linear scorer over `FEATURES`, learned from decisions.

    Attributes:
        coefficients: One weight per feature in `FEATURES` order.
        prior_weights: The default engine's fusion weights (for the prior).
        engine_version: `MatchConfig.version` of the engine whose evidence it uses.
        eta: Position-bias exponent it was trained with.
        depth: How many of the default ranking's best offers it reorders (it
            learned from shown lists, so it is trusted only near the top).
        trained_on: Number of decisions and of distinct questions trained on.
        validation: Guard result: MRR of the default and learned order on the
            held-out folds.
    """

    coefficients: tuple[float, ...]
    prior_weights: Mapping[str, float]
    engine_version: str
    eta: float = 1.0
    depth: int = 10
    trained_on: Mapping[str, int] = field(default_factory=dict)
    validation: Mapping[str, float] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The engine version plus a short hash of the coefficients."""
        payload = repr(
            (
                self.engine_version,
                self.coefficients,
                sorted(self.prior_weights.items()),
                self.depth,
            )
        )
        digest = hashlib.sha1(payload.encode()).hexdigest()[:8]
        return f"{self.engine_version}+learned-{digest}"

    def score(
        self,
        components: Mapping[str, F32],
        present: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    ) -> F32:
        """Scores for n offers, higher is better.

        Args:
            components: Component name -> (n,) values in [0, 1] (as in
                `pipeline.Evidence.components`); missing names are absent.
            present: Component name -> (n,) bool where a component exists for some
                offers only.

        Returns:
            (n,) float32 in (0, 1): a squash of the linear score, so it orders
            offers exactly as the linear score does.
        """
        x = features(components, present, self.prior_weights)
        return _logistic(x @ np.asarray(self.coefficients, dtype=np.float64))

    def score_rows(self, rows: Sequence[Mapping[str, float]]) -> F32:
        """Scores for stored per-offer component dicts (absent keys are absent)."""
        x = _row_features(rows, self.prior_weights)
        return _logistic(x @ np.asarray(self.coefficients, dtype=np.float64))

    def to_json(self) -> str:
        """A JSON text that `from_json` reads back exactly."""
        return json.dumps(
            {
                "features": list(FEATURES),
                "coefficients": list(self.coefficients),
                "prior_weights": dict(self.prior_weights),
                "engine_version": self.engine_version,
                "eta": self.eta,
                "depth": self.depth,
                "trained_on": dict(self.trained_on),
                "validation": dict(self.validation),
                "version": self.version,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> LearnedRanker:
        """Read a ranker written by `to_json`.

        Raises:
            MatchingError: When the text is not a ranker for these features.
        """
        try:
            raw = json.loads(text)
            if tuple(raw["features"]) != FEATURES:
                raise MatchingError("learned ranker has other features than FEATURES")
            ranker = cls(
                coefficients=tuple(float(c) for c in raw["coefficients"]),
                prior_weights={
                    str(k): float(v) for k, v in raw["prior_weights"].items()
                },
                engine_version=str(raw["engine_version"]),
                eta=float(raw["eta"]),
                depth=int(raw["depth"]),
                trained_on={str(k): int(v) for k, v in raw["trained_on"].items()},
                validation={str(k): float(v) for k, v in raw["validation"].items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MatchingError(f"not a learned ranker: {exc}") from exc
        if raw.get("version", ranker.version) != ranker.version:
            raise MatchingError(
                "learned ranker version does not match its coefficients"
            )
        return ranker


def _logistic(z: F64) -> F32:
    """An order-preserving squash into (0, 1) that stays distinct in float32 for
    large scores (a logistic would round confident scores to a tie at 1.0)."""
    out: F32 = (0.5 + 0.5 * z / (1.0 + np.abs(z))).astype(np.float32)
    return out


def features(
    components: Mapping[str, F32],
    present: Mapping[str, npt.NDArray[np.bool_]] | None,
    prior_weights: Mapping[str, float],
) -> F64:
    """(n, len(FEATURES)) feature matrix from evidence arrays.

    Args:
        components: Component name -> (n,) values; missing names are absent.
        present: Component name -> (n,) bool for partly present components.
        prior_weights: Fusion weights for the prior (a weighted mean over the
            components each offer has).

    Returns:
        float64 features, absent components as 0.
    """
    n = next(iter(components.values())).shape[0] if components else 0
    masks = present or {}
    x = np.zeros((n, len(FEATURES)), dtype=np.float64)
    total = np.zeros(n)
    weight = np.zeros(n)
    for j, name in enumerate(COMPONENTS, start=1):
        values = components.get(name)
        if values is None:
            continue
        has = np.asarray(masks.get(name, np.ones(n, dtype=bool)), dtype=bool)
        v = np.where(has, np.asarray(values, dtype=np.float64), 0.0)
        x[:, j] = v
        w = float(prior_weights.get(name, 0.0))
        total += w * v
        weight += w * has
        if name in ("lexical", "locality"):
            x[:, FEATURES.index(f"has_{name}")] = has
    for a, b in INTERACTIONS:
        x[:, FEATURES.index(f"{a}_x_{b}")] = (
            x[:, FEATURES.index(a)] * x[:, FEATURES.index(b)]
        )
    x[:, 0] = PRIOR_SCALE * np.divide(total, weight, out=np.zeros(n), where=weight > 0)
    return x


def _row_features(
    rows: Sequence[Mapping[str, float]], prior_weights: Mapping[str, float]
) -> F64:
    n = len(rows)
    components: dict[str, F32] = {}
    present: dict[str, npt.NDArray[np.bool_]] = {}
    for name in COMPONENTS:
        has = np.array([name in r for r in rows], dtype=bool)
        if has.any():
            components[name] = np.array(
                [float(r.get(name, 0.0)) for r in rows], dtype=np.float32
            )
            present[name] = has
    if not components:
        return np.zeros((n, len(FEATURES)), dtype=np.float64)
    return features(components, present, prior_weights)


def pair_weights(
    ranks: npt.NDArray[np.int64], eta: float, max_weight: float = 10.0
) -> F64:
    """Inverse-propensity weights for preferred offers shown at `ranks`.

    Args:
        ranks: (m,) 1-based positions at which the preferred offers were shown.
        eta: Position-bias exponent: examination propensity `(1 / rank) ** eta`
            (0 means no position bias).
        max_weight: Clip, so one confirmation far down cannot dominate.

    Returns:
        (m,) weights `min(rank ** eta, max_weight)`, >= 1.
    """
    r = np.maximum(np.asarray(ranks, dtype=np.float64), 1.0)
    out: F64 = np.minimum(np.power(r, eta), max_weight)
    return out


@dataclass(frozen=True, slots=True)
class _Prepared:
    question: str
    x: F64
    grades: npt.NDArray[np.int64]
    ranks: npt.NDArray[np.int64]


def _prepare(
    decisions: Sequence[Decision], prior: Mapping[str, float]
) -> list[_Prepared]:
    out = []
    for d in decisions:
        shown = sorted(d.shown, key=lambda s: (s.rank, s.offer_id))
        if not shown:
            continue
        out.append(
            _Prepared(
                question=d.question_id,
                x=_row_features([s.components for s in shown], prior),
                grades=np.array([GRADES[Outcome(s.outcome)] for s in shown]),
                ranks=np.array([s.rank for s in shown], dtype=np.int64),
            )
        )
    return out


def _pairs(
    items: Sequence[_Prepared], eta: float, max_weight: float
) -> tuple[F64, npt.NDArray[np.int64], F64]:
    diffs: list[F64] = []
    weights: list[F64] = []
    for item in items:
        better, worse = np.nonzero(item.grades[:, None] > item.grades[None, :])
        if better.size == 0:
            continue
        diffs.append(item.x[better] - item.x[worse])
        weights.append(pair_weights(item.ranks[better], eta, max_weight))
    if not diffs:
        return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=np.int64), np.zeros(0)
    d = np.vstack(diffs)
    w = np.concatenate(weights)
    # Both orientations, so the model needs no intercept and stays symmetric.
    x = np.vstack([d, -d])
    y = np.concatenate(
        [np.ones(len(d), dtype=np.int64), np.zeros(len(d), dtype=np.int64)]
    )
    return x, y, np.concatenate([w, w])


def _train(
    items: Sequence[_Prepared], eta: float, max_weight: float, l2: float
) -> F64 | None:
    """Pairwise logistic loss, L2 on the corrections (barely on the prior).

    The prior's coefficient is almost free (and >= 0), so the model starts from the
    default order; `l2` keeps the corrections small. Deterministic (L-BFGS-B from
    a fixed start).
    """
    from scipy.optimize import minimize

    x, y, w = _pairs(items, eta, max_weight)
    if len(x) == 0:
        return None
    d = x[y == 1]  # one orientation suffices here: the loss is symmetric
    sw = w[y == 1] / w[y == 1].mean()
    n = len(d)
    penalty = np.ones(d.shape[1])
    penalty[0] = PRIOR_PENALTY

    def loss(theta: F64) -> tuple[float, F64]:
        z = d @ theta
        p = 1.0 / (1.0 + np.exp(np.clip(z, -50.0, 50.0)))
        value = float(sw @ np.logaddexp(0.0, -z)) / n + l2 * float(
            penalty @ (theta * theta)
        )
        grad: F64 = -(sw * p) @ d / n + 2.0 * l2 * penalty * theta
        return value, grad

    start = np.zeros(d.shape[1])
    start[0] = 1.0
    bounds = [(0.0, None)] + [(None, None)] * (d.shape[1] - 1)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    coef: F64 = np.asarray(result.x, dtype=np.float64)
    return coef


def _mrr(items: Sequence[_Prepared], coef: F64 | None, depth: int) -> float:
    """MRR of the confirmed (or declined) offers within each shown list.

    With `coef`, only the list's top `depth` is reordered and the rest keeps its
    shown order below it, as the served ranker does (`pipeline._scores`): a list
    holds more than `depth` offers (the app keeps 20), and a gain from lifting
    offers below `depth` is one the broker would never see.
    """
    rr = []
    for item in items:
        if not (item.grades > 0).any():
            continue
        order = np.argsort(item.ranks, kind="stable")  # the shown (default) order
        if coef is not None:
            head = order[:depth]
            head = head[np.lexsort((item.ranks[head], -(item.x[head] @ coef)))]
            order = np.concatenate([head, order[depth:]])
        hits = np.flatnonzero(item.grades[order] > 0)
        rr.append(1.0 / (hits[0] + 1))
    return float(np.mean(rr)) if rr else 0.0


def fit(
    decisions: Sequence[Decision],
    *,
    config: MatchConfig = DEFAULT_CONFIG,
    eta: float = 1.0,
    max_weight: float = 10.0,
    l2: float = 0.05,
    folds: int = 5,
    margin: float = 0.005,
    min_net_wins: int = 3,
    min_questions: int = 10,
    depth: int = 10,
    random_state: int = 0,
) -> LearnedRanker | None:
    """Learn a reranker from decisions, or None when it would not beat the default.

    Args:
        decisions: The broker's decisions (any engine version with the same
            components).
        config: The default engine (its weights make the prior feature).
        eta: Position-bias exponent (`pair_weights`).
        max_weight: Clip of the inverse-propensity weights.
        l2: L2 penalty on the corrections (not on the prior); larger keeps the
            learned order closer to the default.
        folds: Folds (by question) for the guard.
        margin: How much higher the held-out MRR of the learned order must be
            than that of the shown order.
        min_net_wins: How many more held-out questions the learned order must
            improve than worsen.
        min_questions: Fewer questions with a confirmed offer: keep the default.
        depth: How many of the default ranking's best offers the ranker reorders.
        random_state: Seed of the fold split.

    Returns:
        The ranker refitted on all decisions, or None (use the default engine).
    """
    prior = config.weights
    items = _prepare(decisions, prior)
    questions = sorted({i.question for i in items if (i.grades > 0).any()})
    if len(questions) < max(min_questions, 2):
        return None
    k = max(2, min(folds, len(questions)))
    rng = np.random.default_rng(random_state)
    fold_of = {
        q: int(f)
        for q, f in zip(questions, rng.permutation(len(questions)) % k, strict=True)
    }
    held_default: list[float] = []
    held_learned: list[float] = []
    for f in range(k):
        train = [i for i in items if fold_of.get(i.question, -1) != f]
        test = [i for i in items if fold_of.get(i.question, -1) == f]
        coef = _train(train, eta, max_weight, l2)
        held_default.extend(_per_question_rr(test, None, depth))
        held_learned.extend(_per_question_rr(test, coef, depth))
    default_mrr = float(np.mean(held_default)) if held_default else 0.0
    learned_mrr = float(np.mean(held_learned)) if held_learned else 0.0
    change = np.asarray(held_learned) - np.asarray(held_default)
    net_wins = int((change > 1e-12).sum() - (change < -1e-12).sum())
    if learned_mrr < default_mrr + margin or net_wins < min_net_wins:
        return None
    coef = _train(items, eta, max_weight, l2)
    if coef is None:
        return None
    return LearnedRanker(
        coefficients=tuple(round(float(v), 8) for v in coef),
        prior_weights=dict(prior),
        engine_version=config.version,
        eta=eta,
        depth=depth,
        trained_on={
            "decisions": len(items),
            "questions": len({i.question for i in items}),
        },
        validation={
            "default_mrr": round(default_mrr, 4),
            "learned_mrr": round(learned_mrr, 4),
            "net_wins": float(net_wins),
        },
    )


def _per_question_rr(
    items: Sequence[_Prepared], coef: F64 | None, depth: int
) -> list[float]:
    return [_mrr([item], coef, depth) for item in items if (item.grades > 0).any()]
