"""`python -m bench`: every benchmark in turn (allocation, ranking, embedding)."""

from __future__ import annotations

import runpy
import sys

for name in ("bench.allocation", "bench.ranking", "bench.embedding"):
    print(f"\n=== {name} ===", flush=True)
    sys.argv = [name]
    runpy.run_module(name, run_name="__main__")
