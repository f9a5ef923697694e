"""The site's knowledge base: validated data in data/, rendered as tables, charts and downloads.

Public API (called by scripts/pipeline/site_hooks.py):

- ``load(data_dir=None, *, docs_dir=None, snippets_dir=None, build_year=None)`` -> KnowledgeBase
  (raises DataError listing every problem, each with file, line, entry and fix)
- ``render_table(kb, name, *, page, **args)`` -> Markdown
- ``render_chart(kb, name, *, page)`` -> inline SVG figure plus Markdown caption
- ``downloads(kb)`` -> {site path: bytes}
- ``abbreviations(kb)`` -> Markdown abbreviation block for pymdownx/abbr
- ``stale_figures(kb)`` -> figures older than the staleness limit

Command line: ``python -m scripts.pipeline.knowledge_base check`` and ``... stale``.
"""

from __future__ import annotations

from scripts.pipeline.knowledge_base.charts import CHART_DATASETS, CHART_NAMES, render_chart
from scripts.pipeline.knowledge_base.exports import StaleFigure, abbreviations, downloads, stale_figures
from scripts.pipeline.knowledge_base.formatting import UnknownDirective
from scripts.pipeline.knowledge_base.load import DataError, KnowledgeBase, Problem, load
from scripts.pipeline.knowledge_base.tables import TABLE_DATASETS, TABLE_NAMES, render_table

__all__ = [
    "CHART_DATASETS",
    "CHART_NAMES",
    "TABLE_DATASETS",
    "TABLE_NAMES",
    "DataError",
    "KnowledgeBase",
    "Problem",
    "StaleFigure",
    "UnknownDirective",
    "abbreviations",
    "downloads",
    "load",
    "render_chart",
    "render_table",
    "stale_figures",
]
