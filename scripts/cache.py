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
