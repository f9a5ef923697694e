"""Which file a contributor edits to change a file of the built site.

A check that reads the built site reports in terms of the sources, never of ``site/``:

- a page: ``docs/x/y.md`` is built as ``x/y/index.html`` and ``docs/x/index.md`` as
  ``x/index.html`` (MkDocs' ``use_directory_urls``); a project notebook page
  ``projects/<name>/index.html`` comes from ``notebooks/<name>.py``;
- any other file: the same path under ``docs/``, else under the theme's ``custom_dir``
  (``overrides/``), else Material's own templates (named as such: nothing to edit here).

Files the build writes itself (downloads, notebook images, the search index) have no source
here; ``source_of`` returns None and a check names the built file.

Reads ``docs_dir`` and ``theme.custom_dir`` from mkdocs.yml; imports nothing from MkDocs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from scripts import ROOT
from scripts.pipeline.notebooks import NOTEBOOKS_DIR, SITE_FOLDER

THEME_PACKAGE = "material"
TEXT_SUFFIXES = {".md", ".py", ".html", ".css", ".js", ".mjs", ".svg", ".yml", ".yaml"}


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml holds ``!!python/name:`` and ``!ENV`` tags; their values do not matter here."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Source:
    shown: str  # how a message names it: docs/faq.md, overrides/main.html, the Material theme's 404.html
    path: Path | None  # the file, when it is one a contributor can edit and search


@dataclass(frozen=True)
class Layout:
    """Where the sources of a built site live (the repository's own by default)."""

    root: Path = ROOT
    docs_dir: str = "docs"
    theme_dir: str | None = "overrides"
    notebooks_dir: str = NOTEBOOKS_DIR.name
    config: str = "mkdocs.yml"

    @classmethod
    def from_config(cls, root: Path = ROOT, config: str = "mkdocs.yml") -> Layout:
        """The layout ``root/config`` declares (``docs_dir``, ``theme.custom_dir``)."""
        data = yaml.load((root / config).read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
        theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
        return cls(root, data.get("docs_dir", "docs"), theme.get("custom_dir"), config=config)

    @cached_property
    def _theme_templates(self) -> Path | None:
        spec = importlib.util.find_spec(THEME_PACKAGE)
        return Path(spec.origin).parent / "templates" if spec and spec.origin else None

    def shown(self, path: Path) -> str:
        """A source file as messages name it: relative to the repository root."""
        return path.relative_to(self.root).as_posix()

    def source_of(self, built: str) -> Source | None:
        """The source of the built file ``built`` (a path relative to the site), or None."""
        docs = self.root / self.docs_dir
        candidates: list[Path] = []
        if built == "index.html" or built.endswith("/index.html"):
            stem = built[: -len("index.html")].rstrip("/")
            folder = docs / stem
            candidates += [docs / f"{stem}.md", folder / "index.md", folder / "README.md"] if stem else []
            candidates += [] if stem else [docs / "index.md", docs / "README.md"]
            section, _, name = stem.partition("/")
            if section == SITE_FOLDER and name and "/" not in name:
                candidates.append(self.root / self.notebooks_dir / f"{name}.py")
        elif built.endswith(".html"):  # a page built without directory URLs, e.g. 404.html
            candidates.append(docs / f"{built[: -len('.html')]}.md")
        candidates.append(docs / built)
        if self.theme_dir:
            candidates.append(self.root / self.theme_dir / built)
        for candidate in candidates:
            if candidate.is_file():
                return Source(self.shown(candidate), candidate)
        templates = self._theme_templates
        if templates and (templates / built).is_file():
            return Source(f"the {THEME_PACKAGE.title()} theme's {built}", None)
        return None

    def theme_files(self) -> list[Path]:
        """The text files of the theme's custom_dir: templates that shape every page."""
        if not self.theme_dir:
            return []
        folder = self.root / self.theme_dir
        return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)


def line_of(path: Path, needles: list[str]) -> int | None:
    """The first line of ``path`` holding any of ``needles`` (tried in order), or None."""
    if path.suffix not in TEXT_SUFFIXES:
        return None
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for needle in needles:
        for number, line in enumerate(lines, start=1):
            if needle and needle in line:
                return number
    return None
