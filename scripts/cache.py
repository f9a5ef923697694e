"""Where execution caches live: build/cache/<name>, or under $GUIDE_CACHE_DIR.

Every cache is keyed by content, so deleting it is always safe. The benchmark points
GUIDE_CACHE_DIR at an empty folder to measure a cold build.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cache_dir(name: str) -> Path:
    base = os.environ.get("GUIDE_CACHE_DIR")
    return (Path(base) if base else ROOT / "build" / "cache") / name


# Snippets and notebooks run in parallel processes (one per core), so each runs its
# numeric libraries single-threaded: no oversubscription on small machines, and float
# reductions happen in the same order every run.
SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}
