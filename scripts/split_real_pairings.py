"""Build the real-pairings eval sets from the collected parts.

`seeds/eval/real/part-*.json` hold publicly reported pairings (each with its source
URL), texts written in our own words. Every question goes by a hash of its key to
the tuning set (about 60 %) or the held-out set (about 40 %), which is never used to
choose weights or terms. Both sets share the whole offer pool, so each question is
ranked among all real providers.

    python scripts/split_real_pairings.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "seeds" / "eval"
HOLDOUT_SHARE = 0.4


def held_out(key: str) -> bool:
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return digest / 0xFFFFFFFF < HOLDOUT_SHARE


def main() -> None:
    parts = [
        json.loads(p.read_text()) for p in sorted((HERE / "real").glob("part-*.json"))
    ]
    offers = [o for part in parts for o in part["offers"]]
    questions = [q for part in parts for q in part["questions"]]
    english = json.loads((HERE / "real" / "english-offers.json").read_text())["offers"]
    in_english = [{**o, **english.get(o["key"], {})} for o in offers]
    for name, keep, pool in (
        ("real-pairings", False, offers),
        ("real-pairings-holdout", True, offers),
        ("real-pairings-en-offers", False, in_english),
    ):
        chosen = [q for q in questions if held_out(q["key"]) == keep]
        data = {
            "name": name,
            "reference_date": parts[0]["reference_date"],
            "offers": pool,
            "questions": chosen,
        }
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        print(f"{path.name}: {len(chosen)} questions x {len(offers)} offers")


if __name__ == "__main__":
    main()
