"""Where execution caches live: build/cache/<name>, or under $GUIDE_CACHE_DIR.

Every cache is keyed by content, so deleting it is always safe. The benchmark points
GUIDE_CACHE_DIR at an empty folder to measure a cold build.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from scripts import ROOT


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


_SNIPPET_IMPORT = re.compile(r"^\s*(?:from|import)\s+(snippets(?:\.\w+)+)", re.MULTILINE)


def imported_snippet_files(source: str, origin: str, root: Path = ROOT) -> list[Path]:
    """Files under snippets/ that `source` imports, directly or through each other.

    A snippet or notebook that imports a shared helper (``from snippets.skills.evaluation.
    model_comparison import decide``) must re-run when the helper changes, so the helper's
    bytes belong in its cache key. Found from the import lines, so nobody has to declare it.
    """
    found: dict[Path, None] = {}
    pending = [(source, origin)]
    while pending:
        text, where = pending.pop()
        for module in _SNIPPET_IMPORT.findall(text):
            path = root / (module.replace(".", "/") + ".py")
            if not path.is_file():
                raise FileNotFoundError(
                    f"{where} imports {module}, but {path.relative_to(root)} does not exist; "
                    "fix the import or add the module"
                )
            if path not in found:
                found[path] = None
                pending.append((path.read_text(encoding="utf-8"), str(path.relative_to(root))))
    return sorted(found)
