"""Dense evidence: calibrated cosines of multilingual E5 embeddings.

E5 cosines are compressed (related pairs about 0.80-0.85, unrelated 0.70-0.77) and
carry a language offset (Dutch texts sit closer to Dutch texts). Two learning-free
corrections turn them into a component in [0, 1]:

- `center_languages` (once per offer set): remove each language's mean offset from
  the offer embeddings, so a Dutch question does not prefer Dutch offers as such;
- `normalise_dense` (per question): standardise the cosines over the whole offer set
  (a z-score, with mean and variance shrunk towards a model prior when the set is
  small) and map them through a logistic curve (z = `center` maps to 0.5). This adapts
  to each question's baseline similarity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matching.text import detect_language, tokenize

__all__ = ["center_languages", "languages_of", "normalise_dense"]

F32 = npt.NDArray[np.float32]


def languages_of(texts: Sequence[str]) -> npt.NDArray[np.str_]:
    """The guessed language (`"nl"` or `"en"`) of each text, shape (n,)."""
    return np.array([detect_language(tokenize(t)) for t in texts], dtype="<U2")


def normalise_dense(
    cosines: F32,
    *,
    prior_mean: float,
    prior_std: float,
    prior_weight: float,
    center: float,
    slope: float,
) -> F32:
    """Map raw cosines of one question to [0, 1] by a shrunk z-score and a logistic.

    Args:
        cosines: (n,) cosines of the question with every offer.
        prior_mean: Prior mean cosine of the model.
        prior_std: Prior standard deviation of cosines.
        prior_weight: Pseudo-count of the prior.
        center: z-score mapped to 0.5.
        slope: Logistic steepness per unit of z.

    Returns:
        (n,) float32 in (0, 1), monotone in the cosine.
    """
    n = cosines.shape[0]
    if n == 0:
        return cosines.astype(np.float32)
    total = n + prior_weight
    mean = (float(cosines.sum()) + prior_weight * prior_mean) / total
    var = (float(np.square(cosines - mean).sum()) + prior_weight * prior_std**2) / total
    z = (cosines - mean) / max(float(np.sqrt(var)), 1e-6)
    out: F32 = (1.0 / (1.0 + np.exp(-slope * (z - center)))).astype(np.float32)
    return out


def center_languages(
    vectors: F32, languages: npt.NDArray[np.str_], shrink: float
) -> F32:
    """Remove each language's mean offset from offer embeddings (then re-normalise).

    Multilingual E5 puts texts of one language closer together than their content
    warrants, so a Dutch question prefers Dutch offers. Replacing each offer's
    language mean by the overall mean (`v - mean_lang + mean_all`) removes that
    offset. The language mean is shrunk towards the overall mean with `shrink`
    pseudo-offers, so a language with one or two offers is barely touched.

    Args:
        vectors: (n, d) L2-normalised offer embeddings.
        languages: (n,) language code of each offer text (`languages_of`).
        shrink: Pseudo-count of the shrinkage.

    Returns:
        (n, d) float32, rows L2-normalised.
    """
    n = vectors.shape[0]
    if n == 0:
        return vectors
    # Sums in float64, rows in order (no BLAS): the result is a function of the
    # rows alone, so an updated index centres exactly as a build does. A few
    # passes over the (n, d) matrix: this runs on every index update.
    codes, inverse = np.unique(languages, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.bincount(inverse, minlength=codes.size)
    major = int(np.argmax(counts))
    total = vectors.sum(axis=0, dtype=np.float64)
    overall = total / n
    sums = {
        code: vectors[inverse == code].sum(axis=0, dtype=np.float64)
        for code in range(codes.size)
        if code != major
    }
    sums[major] = total - sum(sums.values(), np.zeros_like(total))
    shifts = np.stack(
        [
            overall - (sums[code] + shrink * overall) / (counts[code] + shrink)
            for code in range(codes.size)
        ]
    ).astype(np.float32)
    out: F32 = vectors + shifts[major]
    for code in range(codes.size):
        if code != major:
            rows = inverse == code
            out[rows] = vectors[rows] + shifts[code]
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))
    out *= (1.0 / np.where(norms > 0, norms, 1.0)).astype(np.float32)[:, None]
    return out
