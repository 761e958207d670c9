"""Ranking benchmark: `OfferIndex.build` + `rank` at 1,000 / 10,000 / 100,000 offers.

    python -m bench.ranking [--sizes 1000 10000 100000] [--questions 40] [--no-model]
                            [--updates 9] [--json FILE]

Synthetic offers are built from realistic Dutch and English fragments (each offer a
title and two description sentences, plus a serial number so texts are unique), with
random levels, themes, windows, capacities and neighbourhood ties. Their "cached"
embeddings are the normalised mean of the fragments' real embeddings plus a little
noise, so building 100,000 offers does not take an hour of encoding.

Per size it reports: index build time and memory (RSS growth), and per-question
latency p50/p95 of
- `floor`: plain numpy brute force, `vectors @ q` + `argpartition` top 10;
- `rank`: the full pipeline (hard rules, all evidence for every offer, fusion,
  exclusions, explanations) with a cached question vector;
- `encode+rank`: the same, encoding the question with the real model first;
- `update`: bringing the index up to date after one offer's text changed (the
  offer gets another description and vector; `OfferIndex.updated`, which
  re-analyses only that offer; `--updates` samples).

`--json FILE` writes `{"sizes": [{"offers", "build_s", "index_mb", "floor_p50_ms",
"floor_p95_ms", "rank_p50_ms", "rank_p95_ms", "update_p50_ms", ...}]}`.

Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matching.config import DEFAULT_CONFIG
from matching.pipeline import OfferIndex, question_text, rank
from matching.types import Level, OfferInput, OfferKind, QuestionInput
from matching.vocabulary import NEIGHBOURHOOD_NAMES, THEMES

TITLES = [
    "Praktijkopdracht Sociaal Werk",
    "Minor Wijkgerichte Zorg",
    "Lectoraat Klimaatbestendige Stad",
    "Afstuderen Toegepaste Psychologie",
    "MSc thesis: urban mobility",
    "Research group on public health",
    "Veldcursus stadsecologie",
    "Data Challenge HBO-ICT",
    "Kennisatelier Duurzaamheid",
    "Seminar on heritage and the city",
    "Praktijkleren Installatietechniek",
    "Onderzoeksgroep Beweegstimulering",
]
SENTENCES = [
    "Studenten onderzoeken eenzaamheid onder thuiswonende ouderen in de wijk.",
    "Teams ontwerpen met bewoners een groene, klimaatbestendige buitenruimte.",
    "Het lectoraat onderzoekt schulden en geldzorgen bij jonge huishoudens.",
    "Onderzoekers meten hittestress in versteende straten met sensoren.",
    "Mbo-studenten helpen ouderen met digitale vaardigheden in de bibliotheek.",
    "Masterstudenten analyseren luchtkwaliteit rond basisscholen.",
    "Studenten adviseren over handhaving en veiligheid in winkelstraten.",
    "Het project evalueert de aanpak van energiearmoede bij huurders.",
    "Pabo-studenten ontwerpen buitenlessen over natuur en water.",
    "Onderzoekers volgen jongeren die wachten op jeugdhulp.",
    "Researchers study loneliness and social connectedness in later life.",
    "The group maps urban heat islands and advises on cooling strategies.",
    "Students design outreach for archaeological finds and museum collections.",
    "We study how residents use parks, squares and green spaces.",
    "MSc students model bicycle parking behaviour at railway stations.",
    "The centre helps municipalities share personal data lawfully.",
    "Researchers test interventions to reduce household energy use.",
    "Students build dashboards on open neighbourhood data.",
]
QUESTIONS = [
    "Eenzaamheid onder 75-plussers. Welke ouderen bereiken we niet?",
    "Hitteplan voor de binnenstad. Waar liggen de heetste plekken?",
    "Jongvolwassenen met schulden melden zich laat bij de schuldhulp.",
    "Fietsen buiten de rekken rond het station.",
    "Making neighbourhood data usable for district managers.",
    "Vapen onder scholieren: wat werkt op school?",
    "Wateroverlast na hoosbuien: bewoners laten ontstenen.",
    "Archeologische vondsten uit de binnenstad laten zien.",
]
LEVELS = tuple(Level)
PLACES = tuple(NEIGHBOURHOOD_NAMES)
REFERENCE = date(2027, 1, 15)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _fragment_vectors(encoder: object | None) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of titles and sentences: real when a model is available."""
    if encoder is not None:
        titles = encoder.encode_passages(TITLES)  # type: ignore[attr-defined]
        sentences = encoder.encode_passages(SENTENCES)  # type: ignore[attr-defined]
        return np.asarray(titles), np.asarray(sentences)
    rng = np.random.default_rng(0)
    base = rng.normal(size=384)
    titles = base + rng.normal(size=(len(TITLES), 384)) * 0.4
    sentences = base + rng.normal(size=(len(SENTENCES), 384)) * 0.4
    return titles, sentences


def synthetic_offers(
    n: int, title_vecs: np.ndarray, sentence_vecs: np.ndarray, seed: int = 0
) -> tuple[list[OfferInput], npt.NDArray[np.float32]]:
    """n offers and their (n, d) L2-normalised vectors."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    offers: list[OfferInput] = []
    vectors = np.empty((n, title_vecs.shape[1]), dtype=np.float32)
    for i in range(n):
        t = rnd.randrange(len(TITLES))
        s1, s2 = rnd.sample(range(len(SENTENCES)), 2)
        start = REFERENCE + timedelta(days=rnd.randrange(-120, 240))
        offers.append(
            OfferInput(
                id=f"offer-{i:06d}",
                kind=rnd.choice(tuple(OfferKind)),
                title=f"{TITLES[t]} {i}",
                description=f"{SENTENCES[s1]} {SENTENCES[s2]}",
                level=rnd.choice(LEVELS),
                themes=tuple(rnd.sample(THEMES, rnd.randint(1, 2))),
                neighbourhoods=(rnd.choice(PLACES),) if rnd.random() < 0.1 else (),
                remaining_capacity=rnd.choice((0, 1, 2, 3)),
                available_from=start,
                available_until=start + timedelta(days=rnd.randrange(60, 365)),
            )
        )
        mean = title_vecs[t] + sentence_vecs[s1] + sentence_vecs[s2]
        vectors[i] = mean / 3 + rng.normal(scale=0.01, size=mean.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return offers, vectors


def _question(i: int) -> QuestionInput:
    text = QUESTIONS[i % len(QUESTIONS)]
    title, _, description = text.partition(". ")
    return QuestionInput(
        id=f"q{i}",
        title=title,
        description=description or title,
        themes=(THEMES[i % len(THEMES)],),
        levels=() if i % 3 else ("hbo", "wo"),
        neighbourhood=PLACES[i % len(PLACES)] if i % 4 == 0 else None,
        wanted_from=date(2027, 2, 1),
        wanted_until=date(2027, 7, 1),
    )


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return statistics.median(ms), p95


def _percentiles(samples: list[float]) -> str:
    p50, p95 = _p50_p95(samples)
    return f"{p50:8.1f} {p95:8.1f}"


def update_times(
    index: OfferIndex,
    offers: list[OfferInput],
    vectors: npt.NDArray[np.float32],
    count: int,
) -> list[float]:
    """Seconds to bring an index up to date after one offer's text changed.

    Each sample gives one offer another description and a new vector and times
    `index.updated([that offer], its vector)`, as the app does when an offer's text
    changes (each sample starts from the same built index).
    """
    rnd = random.Random(7)
    rng = np.random.default_rng(7)
    samples: list[float] = []
    for k in range(count):
        row = rnd.randrange(len(offers))
        changed = replace(
            offers[row],
            description=f"{SENTENCES[k % len(SENTENCES)]} Gewijzigd {k}.",
        )
        vector = vectors[row] + rng.normal(scale=0.05, size=vectors.shape[1])
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)[None, :]
        t0 = time.perf_counter()
        index.updated([changed], vector)
        samples.append(time.perf_counter() - t0)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ranking")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument(
        "--no-model", action="store_true", help="random fragment vectors"
    )
    parser.add_argument(
        "--updates", type=int, default=9, help="text-change samples per size"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: list[dict[str, float]] = []

    encoder = None
    if not args.no_model:
        from app.config import get_settings
        from matching.encoders import load_encoder

        try:
            encoder = load_encoder(None, get_settings().model_dir)
            encoder.encode_queries([QUESTIONS[0], QUESTIONS[1]])
        except Exception as exc:  # report and fall back: this is a benchmark
            print(f"model unavailable ({exc}); encode+rank is skipped")
            encoder = None
    title_vecs, sentence_vecs = _fragment_vectors(encoder)
    questions = [_question(i) for i in range(args.questions)]
    rng = np.random.default_rng(1)
    q_vectors = (
        encoder.encode_queries([question_text(q) for q in questions])
        if encoder is not None
        else rng.normal(size=(len(questions), title_vecs.shape[1])).astype(np.float32)
    )
    q_vectors /= np.linalg.norm(q_vectors, axis=1, keepdims=True)

    print(f"config {DEFAULT_CONFIG.version}; {args.questions} questions per size")
    header = f"{'offers':>8} {'build s':>8} {'index MB':>9} {'what':<12} {'p50 ms':>8} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        offers, vectors = synthetic_offers(n, title_vecs, sentence_vecs)
        gc.collect()
        before = _rss_mb()
        start = time.perf_counter()
        index = OfferIndex.build(offers, vectors, DEFAULT_CONFIG)
        build = time.perf_counter() - start
        grown = _rss_mb() - before

        floor: list[float] = []
        full: list[float] = []
        encoded: list[float] = []
        for q, qv in zip(questions, q_vectors, strict=True):
            t0 = time.perf_counter()
            scores = vectors @ qv
            top = np.argpartition(-scores, 10)[:10]
            top[np.argsort(-scores[top])]
            floor.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            rank(q, qv, index, reference_date=REFERENCE, limit=10, excluded_limit=5)
            full.append(time.perf_counter() - t0)

            if encoder is not None:
                t0 = time.perf_counter()
                vec = encoder.encode_queries([question_text(q)])[0]
                rank(
                    q, vec, index, reference_date=REFERENCE, limit=10, excluded_limit=5
                )
                encoded.append(time.perf_counter() - t0)
        updates = update_times(index, offers, vectors, args.updates)
        rows = [("floor", floor), ("rank", full)]
        if encoded:
            rows.append(("encode+rank", encoded))
        rows.append(("update", updates))
        result: dict[str, float] = {
            "offers": n,
            "build_s": round(build, 3),
            "index_mb": round(grown, 1),
        }
        for what, samples in rows:
            p50, p95 = _p50_p95(samples)
            key = what.replace("+", "_")
            result[f"{key}_p50_ms"] = round(p50, 2)
            result[f"{key}_p95_ms"] = round(p95, 2)
        results.append(result)
        for i, (what, samples) in enumerate(rows):
            lead = f"{n:8d} {build:8.1f} {grown:9.0f}" if i == 0 else " " * 27
            print(f"{lead} {what:<12} {_percentiles(samples)}")
        del index, offers, vectors
    print(f"peak RSS {_peak_mb():.0f} MB")
    if args.json:
        args.json.write_text(
            json.dumps({"config": DEFAULT_CONFIG.version, "sizes": results}, indent=1),
            encoding="utf-8",
        )


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
