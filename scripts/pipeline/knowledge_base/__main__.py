"""Command line: ``python -m scripts.pipeline.knowledge_base check|stale [--data-dir DIR] [--build-year YEAR]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.pipeline.knowledge_base import DataError, load, stale_figures
from scripts.pipeline.knowledge_base.formatting import STALE_AFTER_YEARS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.pipeline.knowledge_base", description=__doc__)
    parser.add_argument(
        "command", choices=["check", "stale"], help="check: validate data/; stale: list old figures"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data directory (default: the repo's data/)"
    )
    parser.add_argument(
        "--docs-dir", type=Path, default=None, help="docs directory (default: the repo's docs/)"
    )
    parser.add_argument(
        "--snippets-dir", type=Path, default=None, help="folder holding snippets/ (default: the repo root)"
    )
    parser.add_argument(
        "--build-year", type=int, default=None, help="year to check against (default: this year)"
    )
    options = parser.parse_args(argv)
    try:
        kb = load(
            options.data_dir,
            docs_dir=options.docs_dir,
            snippets_dir=options.snippets_dir,
            build_year=options.build_year,
        )
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if options.command == "check":
        total = sum(len(records) for records in kb.records.values())
        print(f"Knowledge base OK: {total} records in {len(kb.records)} files under {kb.data_dir}.")
        return 0
    found = stale_figures(kb)
    limit = kb.build_year - STALE_AFTER_YEARS
    print(f"{len(found)} figure(s) with a data year before {limit} (build year {kb.build_year}):")
    for figure in found:
        print(f"  {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
