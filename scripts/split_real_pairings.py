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
from typing import Any

HERE = Path(__file__).resolve().parent.parent / "seeds" / "eval"
HOLDOUT_SHARE = 0.4


def held_out(key: str) -> bool:
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return digest / 0xFFFFFFFF < HOLDOUT_SHARE


def build() -> dict[str, dict[str, Any]]:
    """The sets, by file stem, as the parts and the English texts make them."""
    parts = [
        json.loads(p.read_text()) for p in sorted((HERE / "real").glob("part-*.json"))
    ]
    offers = [o for part in parts for o in part["offers"]]
    questions = [q for part in parts for q in part["questions"]]
    english = json.loads((HERE / "real" / "english-offers.json").read_text())["offers"]
    in_english = [{**o, **english.get(o["key"], {})} for o in offers]
    return {
        name: {
            "name": name,
            "reference_date": parts[0]["reference_date"],
            "offers": pool,
            "questions": [q for q in questions if held_out(q["key"]) == keep],
        }
        for name, keep, pool in (
            ("real-pairings", False, offers),
            ("real-pairings-holdout", True, offers),
            ("real-pairings-en-offers", False, in_english),
        )
    }


def main() -> None:
    for name, data in build().items():
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        counts = f"{len(data['questions'])} questions x {len(data['offers'])} offers"
        print(f"{path.name}: {counts}")


if __name__ == "__main__":
    main()
