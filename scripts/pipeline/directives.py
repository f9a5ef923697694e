"""Expand the content directives pages use to pull in generated content.

A directive is an HTML comment alone on its line (invisible on GitHub), optionally
indented so it can sit inside an admonition or a content tab::

    <!-- snippet: snippets/skills/evaluation/classification_metrics.py:confusion-matrix -->
    <!-- table: salaries-by-source -->
    <!-- table: tools category=serving -->
    <!-- chart: salary-ranges -->

One directive works inside a sentence rather than on its own line: a figure quoted in
prose, by the id of its record in data/salaries.csv or data/market.csv::

    US back-end developers reported a median of <!-- figure: salaries/so-2024-us-backend -->.

Expansion is plain text in, plain text out: nothing here depends on MkDocs, so the
pipeline can move to another builder that runs pymdownx.snippets. Any directive that
cannot be resolved raises DirectiveError naming the page, the line and the fix.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scripts.pipeline import snippet_exec, source_files
from scripts.pipeline.snippet_sections import SnippetFormatError, section_names

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)<!--\s*(?P<kind>[a-z][a-z-]*):\s*(?P<body>.*?)\s*-->[ \t]*$")
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
ARG = re.compile(r"^(?P<key>[a-z][a-z_-]*)=(?P<value>\S+)$")
KINDS = ("snippet", "table", "chart")
INLINE_KINDS = ("figure",)
# Any comment that starts like a directive, anywhere in a line ("<!-- figure: …", "<!--figure …").
INLINE_START = re.compile(r"<!--\s*(?P<kind>[a-z][a-z-]*)\s*(?P<colon>:?)")
INLINE = re.compile(r"<!--\s*figure:\s*(?P<body>[^\s<>]+(?:\s+[^\s<>]+)*?)\s*-->")
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)")
FIGURE_SYNTAX = "<!-- figure: market/<id> --> or <!-- figure: salaries/<id> field=sample_size -->"


class DirectiveError(ValueError):
    """A directive that cannot be resolved; the message names page, line and fix."""


@dataclass(frozen=True)
class Directive:
    page: str  # docs-relative path, POSIX style
    line: int
    indent: str
    kind: str
    name: str
    args: dict[str, str] = field(default_factory=dict)
    index: int = 0  # position of the line in the text that was searched

    @property
    def where(self) -> str:
        return f"docs/{self.page} line {self.line}"


def outside_fences(markdown: str) -> Iterator[tuple[int, str]]:
    """(index, line) for each line of ``markdown`` outside fenced code blocks and their fences."""
    fence: str | None = None
    for index, line in enumerate(markdown.splitlines()):
        opened = FENCE.match(line)
        if opened:
            marker = opened["fence"]
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker) :]:
                fence = None
            continue
        if fence is None:
            yield index, line


def _arguments(tokens: list[str], where: str) -> dict[str, str]:
    args = {}
    for token in tokens:
        arg = ARG.match(token)
        if not arg:
            raise DirectiveError(f"{where}: cannot read argument {token!r}; write key=value")
        args[arg["key"]] = arg["value"]
    return args


def find(markdown: str, page: str, *, line_offset: int = 0) -> Iterator[Directive]:
    """Directives on a line of their own, skipping fenced code blocks (which may show the syntax).

    ``line_offset`` is the number of file lines before ``markdown`` starts (a builder
    strips the front matter first), so messages name the line in the file. Inline
    directives (figures) are found by find_inline, even when one fills a line.
    """
    for index, line in outside_fences(markdown):
        number = index + 1 + line_offset
        match = DIRECTIVE.match(line)
        if not match or match["kind"] in INLINE_KINDS:
            continue
        kind = match["kind"]
        if kind not in KINDS:
            raise DirectiveError(
                f"docs/{page} line {number}: unknown directive '{kind}:'; use one of "
                f"{', '.join(k + ':' for k in KINDS + INLINE_KINDS)} (or write the comment without a "
                "'word:' prefix if it is only a comment)"
            )
        name, *rest = match["body"].split()
        args = _arguments(rest, f"docs/{page} line {number}")
        yield Directive(page, number, match["indent"], kind, name, args, index)


def _outside_code_spans(line: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the parts of a line that are not inline code (`...`)."""
    start = 0
    for span in CODE_SPAN.finditer(line):
        yield start, span.start()
        start = span.end()
    yield start, len(line)


@dataclass(frozen=True)
class InlineDirective:
    directive: Directive
    start: int  # character span of the comment in its line
    end: int


def find_inline(markdown: str, page: str, *, line_offset: int = 0) -> Iterator[InlineDirective]:
    """Figure directives anywhere in a line, outside code fences and `code spans`.

    A comment that looks like a directive but is not a well-formed figure directive fails:
    inside a sentence it would otherwise vanish silently and leave a gap in the text.
    """
    for index, line in outside_fences(markdown):
        number = index + 1 + line_offset
        where = f"docs/{page} line {number}"
        whole_line = DIRECTIVE.match(line)
        for lo, hi in _outside_code_spans(line):
            part = line[lo:hi]
            for start in INLINE_START.finditer(part):
                kind = start["kind"]
                if kind != "figure":
                    if not start["colon"] or whole_line:
                        continue  # a plain comment, or a block directive that find() reads
                    if kind in KINDS:
                        raise DirectiveError(
                            f"{where}: '{kind}:' directives must stand on a line of their own; only "
                            f"figure: works inside a sentence ({FIGURE_SYNTAX})"
                        )
                    raise DirectiveError(
                        f"{where}: unknown directive '{kind}:'; inside a sentence only figure: works "
                        f"({FIGURE_SYNTAX}); write the comment without a 'word:' prefix if it is "
                        "only a comment"
                    )
                match = INLINE.match(part, start.start())
                if not match:
                    end = part.find("-->", start.start())
                    shown = part[start.start() : end + 3 if end >= 0 else len(part)]
                    raise DirectiveError(
                        f"{where}: cannot read figure directive {shown!r}; write {FIGURE_SYNTAX}"
                    )
                name, *rest = match["body"].split()
                args = _arguments(rest, where)
                directive = Directive(page, number, "", "figure", name, args, index)
                yield InlineDirective(directive, lo + match.start(), lo + match.end())


def snippet_target(directive: Directive) -> tuple[str, str | None]:
    path, _, section = directive.name.partition(":")
    return path, section or None


def check_snippet(directive: Directive, root: Path) -> tuple[str, str | None]:
    """The snippet file and section a directive points at, verified to exist."""
    path, section = snippet_target(directive)
    if directive.args:
        raise DirectiveError(f"{directive.where}: snippet directives take no arguments, got {directive.args}")
    if not path.startswith("snippets/") or not path.endswith(".py"):
        raise DirectiveError(
            f"{directive.where}: snippet path must look like snippets/<section>/<name>.py, got {path!r}"
        )
    file = root / path
    if not file.is_file():
        raise DirectiveError(
            f"{directive.where}: snippet file {path} does not exist; create it or fix the path"
        )
    if section is not None:
        try:
            names = section_names(source_files.read_text(file, path), path)
        except (SnippetFormatError, source_files.SourceFileError) as exc:
            raise DirectiveError(f"{directive.where}: {exc}") from exc
        if section not in names:
            raise DirectiveError(
                f"{directive.where}: {path} has no section '{section}'; its sections are "
                f"{', '.join(names) or '(none)'}"
            )
    return path, section


def _fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks inside the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_snippet(directive: Directive, root: Path) -> str:
    path, section = check_snippet(directive, root)
    try:
        result = snippet_exec.run_cached(path)
    except snippet_exec.SnippetError as exc:
        raise DirectiveError(f"{directive.where}: {exc}") from exc
    include = f"{path}:{section}" if section else path
    parts = [
        f'```python title="{path}"',
        f'--8<-- "{include}"',
        "```",
        "",
    ]
    output = result.output(section).rstrip("\n")
    if output:
        fence = _fence_for(output)
        # Out of the search index, title and all (search_scope.py marks only the <pre>).
        parts += [
            f'{fence}{{ .text .snippet-output title="Output" data-search-exclude="" }}',
            output,
            fence,
            "",
        ]
    for figure in result.figures(section):
        data = figure["svg_base64"]
        alt = html.escape(figure["alt"], quote=True)
        parts += [
            f'<figure class="snippet-figure"><img alt="{alt}" src="data:image/svg+xml;base64,{data}">'
            "</figure>",
            "",
        ]
    return "\n".join(parts)


Renderer = Callable[[Directive], str]


def expand_inline(markdown: str, page: str, renderers: dict[str, Renderer], *, line_offset: int = 0) -> str:
    """Replace every figure directive with its rendered text; the line count is unchanged."""
    found = list(find_inline(markdown, page, line_offset=line_offset))
    if not found:
        return markdown
    lines = markdown.splitlines()
    # Right to left, so earlier spans in a line keep their positions.
    for item in sorted(found, key=lambda f: (f.directive.index, f.start), reverse=True):
        d = item.directive
        if d.kind not in renderers:
            raise DirectiveError(f"{d.where}: this build cannot render {d.kind}: directives")
        rendered = renderers[d.kind](d)
        if "\n" in rendered:
            raise DirectiveError(f"{d.where}: {d.kind} '{d.name}' rendered more than one line")
        line = lines[d.index]
        lines[d.index] = line[: item.start] + rendered + line[item.end :]
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def expand(markdown: str, page: str, renderers: dict[str, Renderer], *, line_offset: int = 0) -> str:
    """Replace every directive in ``markdown`` with its rendered content."""
    markdown = expand_inline(markdown, page, renderers, line_offset=line_offset)
    found = list(find(markdown, page, line_offset=line_offset))
    if not found:
        return markdown
    lines = markdown.splitlines()
    for directive in found:
        rendered = renderers[directive.kind](directive)
        indent = directive.indent
        lines[directive.index] = "\n".join(indent + line if line else "" for line in rendered.split("\n"))
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def snippet_usages(docs_dir: Path) -> dict[str, list[str]]:
    """Which pages include each snippet file: {snippet path: ["docs/page.md line N", ...]}."""
    usages: dict[str, list[str]] = {}
    for page in sorted(docs_dir.rglob("*.md")):
        rel = page.relative_to(docs_dir).as_posix()
        try:
            text = source_files.read_text(page, f"docs/{rel}")
        except source_files.SourceFileError as exc:
            raise DirectiveError(str(exc)) from None
        for directive in find(text, rel):
            if directive.kind == "snippet":
                usages.setdefault(snippet_target(directive)[0], []).append(directive.where)
    return usages
