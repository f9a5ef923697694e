# /// snippet
# depends = ["docs/**/*.md", "snippets/llm/guide_questions.yaml"]
# ///
"""Read this guide's own Markdown pages and cut them into chunks for retrieval.

Imported by the retrieval snippets and the "Ask the guide" notebook:
``from snippets.llm.guide_corpus import load_pages, chunk_pages``. Run on its own
(``python -m snippets.llm.guide_corpus``) it prints what the chunker made of the site.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Literal

import yaml
from markdown.extensions.toc import slugify
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scripts import ROOT
from scripts.pipeline.source_files import front_matter, read_text

DOCS = ROOT / "docs"
QUESTIONS = ROOT / "snippets/llm/guide_questions.yaml"


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, e.g. "skills/model-evaluation.md"
    title: str
    body: str  # Markdown without front matter and without directive comments


@dataclass(frozen=True)
class Chunk:
    id: str  # "skills/model-evaluation.md#what-are-precision-recall-and-f1/0"
    page: str
    anchor: str  # the heading's id on the built page ("" for text before any heading)
    title: str  # the page's title
    heading: str
    text: str

    @property
    def section(self) -> str:
        """page#anchor: what a label in the question set points at."""
        return f"{self.page}#{self.anchor}" if self.anchor else self.page

    def indexed_text(self, with_headings: bool = True) -> str:
        """The text the index sees; the title and heading add the words readers use."""
        if not with_headings:
            return self.text
        return f"{self.title}\n{self.heading}\n{self.text}"


COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text
INLINE = re.compile(r"[*_`]+")


def plain(markdown: str) -> str:
    """Inline Markdown to plain text: links keep their words, emphasis marks go."""
    return INLINE.sub("", LINK.sub(r"\1", markdown))


def load_pages(docs: Path = DOCS) -> list[Page]:
    """Every page under docs/, sorted by path, as the build reads it."""
    pages = []
    for path in sorted(docs.rglob("*.md")):
        shown = path.relative_to(docs.parent).as_posix()
        fm = front_matter(read_text(path, shown), shown)
        body = COMMENT.sub("", fm.body)
        title = fm.meta.get("title") or path.stem
        pages.append(Page(path.relative_to(docs).as_posix(), str(title), body))
    return pages


def sections(page: Page) -> list[tuple[str, str, str]]:
    """(anchor, heading, text) for each ## or ### section, split as the page is."""
    out: list[tuple[str, str, list[str]]] = [("", page.title, [])]
    seen: dict[str, int] = {}
    in_code = False
    for line in page.body.splitlines():
        if FENCE.match(line):
            in_code = not in_code
        match = None if in_code else HEADING.match(line)
        if match and len(match.group(1)) in (2, 3):
            heading = plain(match.group(2))
            anchor = slugify(heading, "-")
            if anchor in seen:  # the toc extension numbers repeated headings
                seen[anchor] += 1
                anchor = f"{anchor}_{seen[anchor]}"
            else:
                seen[anchor] = 0
            out.append((anchor, heading, []))
        elif not (match and len(match.group(1)) == 1):  # the h1 repeats the title
            out[-1][2].append(line)
    return [(a, h, plain("\n".join(t)).strip()) for a, h, t in out]


def anchors(page: Page) -> set[str]:
    return {anchor for anchor, _, _ in sections(page) if anchor}


# --8<-- [start:chunking]
def chunk_pages(
    pages: list[Page], max_words: int = 120, overlap: int = 30
) -> list[Chunk]:
    """Split each section into windows of at most max_words words; consecutive
    windows share `overlap` words so a sentence cut at a border survives in one."""
    chunks = []
    step = max_words - overlap
    for page in pages:
        for anchor, heading, text in sections(page):
            words = text.split()
            if not words:
                continue
            starts = range(0, max(len(words) - overlap, 1), step)
            for n, start in enumerate(starts):
                window = " ".join(words[start : start + max_words])
                chunks.append(
                    Chunk(f"{page.path}#{anchor}/{n}", page.path, anchor,
                          page.title, heading, window)
                )  # fmt: skip
    return chunks


if __name__ == "__main__":  # imported by the other snippets: no output then
    pages = load_pages()
    chunks = chunk_pages(pages)
    sizes = sorted(len(c.text.split()) for c in chunks)
    print(f"{len(pages)} pages -> {len(chunks)} chunks of at most 120 words")
    print(f"median chunk {sizes[len(sizes) // 2]} words, largest {sizes[-1]}")
    first = next(
        c for c in chunks if c.page == "skills/model-evaluation.md" and c.anchor
    )
    print(f"\n{first.id}\n{first.indexed_text()[:230]}...")

    # What the page says of this output, checked on every build:
    assert all(len(c.text.split()) <= 120 for c in chunks)  # the cap holds
    assert not any("<!--" in c.text for c in chunks)  # no directive reaches the index
    assert len({c.id for c in chunks}) == len(chunks)  # every chunk has its own id
# --8<-- [end:chunking]


# --8<-- [start:questions]
class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    question: str = Field(min_length=10)
    kind: Literal["plain", "synonym", "acronym"]
    answers: list[str] = Field(min_length=1)  # "page.md#anchor" or "page.md"


class QuestionFileError(ValueError):
    pass


def load_questions(path: Path = QUESTIONS, pages: list[Page] | None = None):
    """Read and check the labelled set; each error names the file, line and field."""
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path
    text = path.read_text(encoding="utf-8")
    known = {p.path: anchors(p) for p in pages or load_pages()}
    errors, questions, seen = [], [], set()
    for item in yaml.compose(text).value:  # nodes keep their line numbers
        line = item.start_mark.line + 1
        lines = {k.value: k.start_mark.line + 1 for k, _ in item.value}
        try:
            q = Question.model_validate(yaml.safe_load(yaml.serialize(item)))
        except ValidationError as exc:
            for e in exc.errors():
                field = str(e["loc"][0]) if e["loc"] else "?"
                at = lines.get(field, line)
                errors.append(f"{shown} line {at}, field '{field}': {e['msg']}")
            continue
        if q.id in seen:
            errors.append(f"{shown} line {lines['id']}, field 'id': {q.id!r} repeats")
        seen.add(q.id)
        for answer in q.answers:
            page, _, anchor = answer.partition("#")
            if page not in known:
                errors.append(
                    f"{shown} line {lines['answers']}, field 'answers': no page "
                    f"docs/{page}; give a path under docs/, e.g. faq.md#do-i-need-a-gpu"
                )
            elif anchor and anchor not in known[page]:
                close = get_close_matches(anchor, known[page], n=1, cutoff=0) or ["?"]
                errors.append(
                    f"{shown} line {lines['answers']}, field 'answers': docs/{page} "
                    f"has no heading '#{anchor}'; closest: #{close[0]}"
                )
        questions.append(q)
    if errors:
        raise QuestionFileError("\n".join(errors))
    return questions


if __name__ == "__main__":
    questions = load_questions()
    kinds = Counter(q.kind for q in questions)
    print(f"{len(questions)} labelled questions: {dict(sorted(kinds.items()))}")

    # Two typical mistakes in a copy of the file: a misspelt kind, a renamed heading.
    broken = QUESTIONS.read_text().replace("kind: acronym", "kind: acronymn", 1)
    broken = broken.replace("#what-does-roc-auc-measure", "#roc-auc")
    with TemporaryDirectory() as tmp:
        bad = Path(tmp) / "guide_questions.yaml"
        bad.write_text(broken)
        try:
            load_questions(bad)
        except QuestionFileError as exc:
            print(str(exc).replace(tmp + "/", ""))

    # What the page says of this output, checked on every build:
    assert len(questions) >= 40
    assert kinds["synonym"] + kinds["acronym"] > len(questions) / 2  # mostly hard
# --8<-- [end:questions]
