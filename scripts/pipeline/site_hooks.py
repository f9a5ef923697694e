"""MkDocs glue: the only file that knows about MkDocs (source_files.py borrows only its
front-matter reader). Everything it calls is plain Python.

- on_config: make include paths absolute, so the site builds from any working directory;
  give the template the search scripts' version (search_worker.py).
- on_pre_build: load and validate the knowledge base (data/); write the glossary
  abbreviations that pymdownx.snippets appends to every page.
- on_files: publish generated files (dataset downloads, executed notebooks).
- on_page_read_source: read a page as UTF-8 with valid front matter, or stop naming file and line.
- on_page_markdown: expand content directives (snippets, tables, charts, figures in prose).
- on_page_content: check a page's own assets (front matter `extra_css`,
  `extra_javascript`); keep an abbreviation's tooltip on its first use in a page only (none on
  a page with `abbreviations: false`); move a notebook's inline stylesheets and plots into
  files of their own, and keep its copy-button duplicates of the code out of search.
- on_post_page: check that the page loads the site's search worker (search_worker.py).
- on_post_build: check the search workers are in the site; point Material's lazy Mermaid
  loader at our own copy (no CDN).
- on_serve: before each rebuild, reload this module and the pipeline if their code changed
  (MkDocs keeps them loaded; see live_reload.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

# MkDocs loads hooks by file path, not as a package: put the repository root on the path
# before importing the rest of the pipeline.
_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from scripts import ROOT  # noqa: E402
from scripts.pipeline import (  # noqa: E402
    abbreviations,
    code_block_sizes,
    directives,
    notebook_assets,
    notebooks,
    search_scope,
    search_worker,
    snippet_exec,
)
from scripts.pipeline import knowledge_base as kb_module  # noqa: E402
from scripts.pipeline.cache import cache_dir  # noqa: E402
from scripts.pipeline.knowledge_base.figures import render_figure  # noqa: E402
from scripts.pipeline.live_reload import before_each_build  # noqa: E402
from scripts.pipeline.source_files import FrontMatter, SourceFileError, front_matter, read_text  # noqa: E402

ABBREVIATIONS = ROOT / "build" / "generated" / "abbreviations.md"
MERMAID_CDN = "https://unpkg.com/mermaid@11/dist/mermaid.min.js"
MERMAID_LOCAL = "assets/vendor/mermaid/mermaid.min.js"

_state: dict = {}


def on_config(config):
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(ROOT)]
    snippets["auto_append"] = [str(ABBREVIATIONS)]
    # All execution caches in one place (see scripts/pipeline/cache.py), rendering included.
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache_dir"] = str(cache_dir("mkdocs-jupyter"))
    # For overrides/main.html: the search worker's URL changes when our search scripts do.
    config.extra[search_worker.VERSION_KEY] = search_worker.version()
    return config


def on_serve(server, config, builder):
    server.builder = before_each_build(builder, sys.modules[__name__], site_dir=server.root)
    return server


def on_pre_build(config):
    try:
        kb = kb_module.load()
    except kb_module.DataError as exc:
        raise PluginError(f"The knowledge base in data/ is invalid:\n{exc}") from None
    _state["kb"] = kb
    _write_if_changed(ABBREVIATIONS, kb_module.abbreviations(kb))
    # Run the snippets pages include in parallel now, instead of one page at a time later.
    # (Missing files are reported later, by the page and line that include them.)
    try:
        usages = directives.snippet_usages(Path(config.docs_dir))
    except directives.DirectiveError as exc:
        raise PluginError(str(exc)) from None
    failures = snippet_exec.warm(sorted(p for p in usages if (ROOT / p).is_file()))
    if failures:
        raise PluginError(
            "\n\n".join(
                f"{error}\n(included by {', '.join(usages[path])})" for path, error in failures.items()
            )
        )


# Before mkdocs-jupyter's on_files, which turns .ipynb files into pages.
@event_priority(50)
def on_files(files: Files, config) -> Files:
    for site_path, content in sorted(kb_module.downloads(_state["kb"]).items()):
        files.append(File.generated(config, site_path, content=content))
    # Small fixture sites in the tests build without notebooks (they test link checks).
    if os.environ.get("GUIDE_SKIP_NOTEBOOKS") == "1":
        return files
    try:
        published = notebooks.publish()
    except notebooks.NotebookError as exc:
        raise PluginError(f"A project notebook failed: {exc}") from None
    for site_path in sorted(published):
        files.append(File(site_path, str(notebooks.PUBLISH_DIR), config.site_dir, config.use_directory_urls))
    return files


def on_page_read_source(page, config) -> str | None:
    """Read a page through source_files.py: bad bytes or broken front matter fail naming the file."""
    if not page.file.abs_src_path or not page.file.src_uri.endswith(".md"):
        return None  # generated pages, and notebooks (mkdocs-jupyter reads those)
    return _read_page(page)[0]


def _read_page(page) -> tuple[str, FrontMatter]:
    shown = f"docs/{page.file.src_uri}"
    try:
        text = read_text(Path(page.file.abs_src_path), shown)
        return text, front_matter(text, shown)
    except SourceFileError as exc:
        raise PluginError(str(exc)) from None


def on_page_markdown(markdown: str, page, config, files) -> str:
    kb = _state["kb"]
    page_path = page.file.src_uri

    def table(d: directives.Directive) -> str:
        return kb_module.render_table(kb, d.name, page=page_path, **d.args)

    def chart(d: directives.Directive) -> str:
        if d.args:
            raise directives.DirectiveError(f"{d.where}: chart directives take no arguments")
        return kb_module.render_chart(kb, d.name, page=page_path)

    def figure(d: directives.Directive) -> str:
        return render_figure(kb, d.name, page=page_path, **d.args)

    renderers = {
        "snippet": lambda d: directives.render_snippet(d, ROOT),
        "table": _named(table),
        "chart": _named(chart),
        "figure": _named(figure),
    }
    # MkDocs hands us the page without its front matter; count it back for messages.
    offset = _read_page(page)[1].body_line if page.file.abs_src_path else 0
    try:
        return directives.expand(markdown, page_path, renderers, line_offset=offset)
    except directives.DirectiveError as exc:
        raise PluginError(str(exc)) from None


def on_page_content(html: str, page, config, files) -> str:
    _check_page_assets(page, Path(config.docs_dir))
    tooltips = page.meta.get("abbreviations", True)
    if not isinstance(tooltips, bool):
        raise PluginError(
            f"docs/{page.file.src_uri}: front matter 'abbreviations: {tooltips}' must be true or false "
            "(false drops the glossary tooltips from a page that defines the terms itself)"
        )
    html = abbreviations.first_use_only(html) if tooltips else abbreviations.none(html)

    site = Path(config.site_dir)

    def stylesheet(css: str) -> str:
        target = f"assets/stylesheets/{notebook_assets.file_name(css)}"
        _write_if_changed(site / target, css)
        return get_relative_url(target, page.url)

    def image(data: bytes) -> str:
        target = f"assets/images/notebooks/{notebook_assets.image_name(data)}"
        path = site / target
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return get_relative_url(target, page.url)

    try:
        html, _css = notebook_assets.extract_styles(html, stylesheet)
        html, _images = notebook_assets.extract_images(html, image)
    except notebook_assets.NotebookImageError as exc:
        raise PluginError(
            f"{page.file.src_uri}: {exc}; re-run the notebook to regenerate its outputs"
        ) from None
    html = notebook_assets.exclude_copy_text_from_search(html)
    html = code_block_sizes.mark_line_counts(html)
    return search_scope.exclude_code_blocks(html)


PAGE_ASSET_KEYS = ("extra_css", "extra_javascript")


def _check_page_assets(page, docs_dir: Path) -> None:
    """A page's own stylesheets and scripts (overrides/main.html adds them) must be files
    under docs/; a typo would otherwise ship a page that silently lacks its script."""
    for key in PAGE_ASSET_KEYS:
        paths = page.meta.get(key, [])
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise PluginError(
                f"docs/{page.file.src_uri}: front matter '{key}' must be a list of paths under docs/, "
                "e.g. [assets/javascripts/planner.js]"
            )
        for path in paths:
            relative = Path(path)
            if relative.is_absolute() or ".." in relative.parts or not (docs_dir / relative).is_file():
                raise PluginError(
                    f"docs/{page.file.src_uri}: front matter '{key}' lists {path}, which is not a file "
                    "under docs/; give its path from docs/, as in assets/javascripts/planner.js"
                )


def _named(render):
    """Turn the knowledge base's 'unknown name' errors into messages that name the page."""

    def wrapper(d: directives.Directive) -> str:
        try:
            return render(d)
        except kb_module.UnknownDirective as exc:
            raise directives.DirectiveError(f"{d.where}: {d.kind} '{d.name}': {exc}") from None

    return wrapper


def on_post_page(output: str, page, config) -> str:
    try:
        name = search_worker.material_worker(
            output, f"docs/{page.file.src_uri}", config.extra[search_worker.VERSION_KEY]
        )
    except search_worker.SearchWorkerError as exc:
        raise PluginError(str(exc)) from None
    if name is not None:
        _state.setdefault("material_workers", set()).add(name)
    return output


def on_post_build(config):
    try:
        search_worker.check_site(Path(config.site_dir), _state.pop("material_workers", set()))
    except search_worker.SearchWorkerError as exc:
        raise PluginError(str(exc)) from None
    bundles = sorted(Path(config.site_dir).glob("assets/javascripts/bundle.*.min.js"))
    if not bundles:
        raise PluginError("Material's JavaScript bundle was not found in the built site")
    local = urlsplit(config.site_url or "/").path.rstrip("/") + "/" + MERMAID_LOCAL
    for bundle in bundles:
        text = bundle.read_text(encoding="utf-8")
        if MERMAID_CDN not in text:
            raise PluginError(
                f"{bundle.name} no longer loads Mermaid from {MERMAID_CDN}; update MERMAID_CDN in "
                "scripts/pipeline/site_hooks.py so diagrams keep loading from this site, not a CDN"
            )
        bundle.write_text(text.replace(MERMAID_CDN, local), encoding="utf-8")


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
