"""Read data/, validate every record and every cross-file reference, build a KnowledgeBase.

All problems are collected and raised together as one DataError. Each message names the
file, the line (CSV: physical line; YAML: line of the entry or of the offending key), the
entry and the fix.
"""

from __future__ import annotations

import csv
import io
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from scripts import ROOT
from scripts.pipeline.knowledge_base import plausibility
from scripts.pipeline.knowledge_base.schema import (
    DATASETS,
    PAGE_PATTERN,
    SLUG_PATTERN,
    SNIPPET_PATTERN,
    URL_PATTERN,
    Dataset,
    DocsPage,
    Record,
    Ref,
    Reference,
    SnippetFile,
)
from scripts.pipeline.snippet_sections import SnippetFormatError, section_names
from scripts.pipeline.source_files import SourceFileError, read_text


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located precisely enough to fix it."""

    file: str
    line: int
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where} ({self.entry}): {self.message}" if self.entry else f"{where}: {self.message}"


class DataError(ValueError):
    """The knowledge base is invalid; ``problems`` lists everything found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge base:\n{lines}")


@dataclass(frozen=True)
class Location:
    """Where a record sits in its file: the entry's line and the line of each key."""

    line: int
    fields: Mapping[str, int] = field(default_factory=dict)

    def of(self, name: str) -> int:
        return self.fields.get(name, self.line)


@dataclass
class KnowledgeBase:
    """Validated records of every dataset, with their file locations."""

    data_dir: Path
    docs_dir: Path
    build_year: int
    records: dict[str, tuple[Record, ...]]
    locations: dict[str, tuple[Location, ...]]

    def items(self, name: str) -> tuple[Any, ...]:
        return self.records[name]

    def by_key(self, name: str) -> dict[str, Any]:
        key = DATASETS[name].key
        return {getattr(r, key): r for r in self.records[name]}

    def line(self, name: str, key: str) -> int:
        field_name = DATASETS[name].key
        for record, loc in zip(self.records[name], self.locations[name], strict=True):
            if getattr(record, field_name) == key:
                return loc.line
        raise KeyError(f"{name} has no entry {key!r}")

    def file(self, name: str) -> str:
        """Path of a dataset's file as shown in messages and footers, e.g. data/salaries.csv."""
        return f"{self.data_dir.name}/{DATASETS[name].file}"

    def frame(self, name: str) -> pd.DataFrame:
        """The dataset as a DataFrame, columns in field order (lists stay Python lists)."""
        model = DATASETS[name].model
        rows = [r.model_dump(mode="json") for r in self.records[name]]
        return pd.DataFrame.from_records(rows, columns=list(model.model_fields))


# --- reading ---------------------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 5x faster
    """SafeLoader without YAML 1.1 surprises: dates stay text, only true/false are booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        return read_text(path, shown)
    except SourceFileError as exc:
        problems.append(Problem(shown, exc.line, "", exc.reason))
        return None


@dataclass
class _Raw:
    data: dict[str, Any]
    loc: Location


def _read_yaml(path: Path, shown: str, problems: list[Problem]) -> list[_Raw] | None:
    """The entries of a YAML file, or None when the file as a whole cannot be read."""
    text = _read_text(path, shown, problems)
    if text is None:
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problems.append(
            Problem(shown, line, "", f"is not valid YAML ({getattr(exc, 'problem', exc)}) — fix the syntax")
        )
        return None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        problems.append(
            Problem(
                shown, root.start_mark.line + 1, "", "top level must be a list of entries ('- key: value')"
            )
        )
        return None
    constructor = _Loader("")
    raws: list[_Raw] = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(
                Problem(shown, line, "", "entry is not a mapping of field: value — indent its fields")
            )
            continue
        fields: dict[str, int] = {}
        for key_node, _value in node.value:
            key = str(key_node.value)
            if key in fields:
                problems.append(
                    Problem(
                        shown,
                        key_node.start_mark.line + 1,
                        "",
                        f"field '{key}' appears twice in one entry (first on line {fields[key]}) — keep one",
                    )
                )
            fields.setdefault(key, key_node.start_mark.line + 1)
        try:
            data = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problems.append(Problem(shown, line, "", f"cannot be read: {exc}"))
            continue
        raws.append(_Raw(data, Location(line, fields)))
    return raws


def _read_csv(
    path: Path, shown: str, dataset: Dataset, problems: list[Problem], skipped: set[str]
) -> list[_Raw] | None:
    """The rows of a CSV file, or None when the file cannot be read; the ids of rows too
    malformed to read are added to ``skipped``."""
    text = _read_text(path, shown, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    allowed = list(dataset.model.model_fields)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(
            Problem(shown, 1, "", f"is empty — the first line must be the header: {','.join(allowed)}")
        )
        return []
    for column in header:
        if column not in allowed:
            problems.append(
                Problem(
                    shown,
                    1,
                    "",
                    f"unknown column '{column}' — remove or rename it (columns: {', '.join(allowed)})",
                )
            )
    for name, info in dataset.model.model_fields.items():
        if info.is_required() and name not in header:
            problems.append(
                Problem(shown, 1, "", f"required column '{name}' is missing from the header — add it")
            )
    raws: list[_Raw] = []
    previous_end = 1
    for cells in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"has {len(cells)} cells but the header has {len(header)} — "
                    "check for a missing comma or an unquoted comma inside a cell",
                )
            )
            if dataset.key in header and header.index(dataset.key) < len(cells):
                skipped.add(cells[header.index(dataset.key)].strip())
            continue
        # Unknown columns were reported once, at the header; leave them out of every row.
        data = {
            col: cell.strip()
            for col, cell in zip(header, cells, strict=True)
            if cell.strip() != "" and col in allowed
        }
        raws.append(_Raw(data, Location(line, dict.fromkeys(header, line))))
    return raws


# --- messages --------------------------------------------------------------------------

_PATTERN_HINTS = {
    SLUG_PATTERN: "must be a lowercase kebab-case id such as 'ml-engineer'",
    PAGE_PATTERN: "must be a page path relative to docs/, such as 'skills/mlops.md'",
    SNIPPET_PATTERN: "must look like 'snippets/<folder>/<file>.py' or 'snippets/<folder>/<file>.py:<section>'",
    URL_PATTERN: "must be an http(s) address",
}


def _where(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"item {part + 1}")
        elif part not in ("function-after", "function-before") and not str(part).startswith("literal["):
            parts.append(str(part))
    return " ".join(parts) or "entry"


def _explain(error: Mapping[str, Any], allowed: list[str]) -> str:
    """Turn one pydantic error into a sentence that says what is wrong and how to fix it."""
    kind = error["type"]
    where = _where(error["loc"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return f"missing required field '{where}' — add it"
    if kind == "extra_forbidden":
        return f"unknown field '{where}' — remove it or fix the spelling (fields: {', '.join(allowed)})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"{where} is {value!r} — use one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx.get("pattern", ""), f"must match {ctx.get('pattern')}")
        return f"{where} {value!r} {hint}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": "above",
            "greater_than_equal": "at least",
            "less_than": "below",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()), "?")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"{where} is {value} but must be {op} {limit} — fix the figure or its sign"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{where} must be a whole number, got {value!r}"
    if kind in ("float_parsing", "float_type"):
        return f"{where} must be a number (no commas or currency signs), got {value!r}"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return f"{where} must be a date written YYYY-MM-DD, got {value!r}"
    if kind == "too_short":
        return f"{where} is empty or too short — it needs at least {ctx.get('min_length')} item(s) or character(s)"
    if kind in ("string_type", "list_type", "dict_type", "bool_type"):
        expected = {
            "string_type": "text",
            "list_type": "a list",
            "dict_type": "a mapping",
            "bool_type": "true/false",
        }[kind]
        return f"{where} must be {expected}, got {type(value).__name__} {value!r}"
    return f"{where}: {error['msg']}"


def _entry_label(name: str, data: Mapping[str, Any]) -> str:
    key = DATASETS[name].key
    label = str(data.get(key, "")) or "entry without id"
    if name == "salaries":
        details = ", ".join(str(data[k]) for k in ("role", "level", "geography") if data.get(k))
        return f"{label}: {details}" if details else label
    return label


# --- validation ------------------------------------------------------------------------


def _references(
    annotation: Any, value: Any, markers: Iterable[object] = ()
) -> Iterator[tuple[Reference, Any]]:
    """(marker, value) for each value inside ``value`` whose type carries a Reference marker.

    Walks the type and the value together: Annotated, optional, list, tuple, dict (keys and
    values) and nested models.
    """
    if value is None:
        return
    for marker in markers:
        if isinstance(marker, Reference):
            yield marker, value
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _references(args[0], value, args[1:])
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                yield from _references(arg, value)
    elif origin in (list, tuple, set, frozenset) and args:
        for item in value:
            yield from _references(args[0], item)
    elif origin is dict:
        for key, item in value.items():
            yield from _references(args[0], key)
            yield from _references(args[1], item)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _references(info.annotation, getattr(value, name), info.metadata)


@dataclass
class _Checker:
    kb: KnowledgeBase
    docs_dir: Path
    snippets_dir: Path
    problems: list[Problem]
    # Keys of entries that failed validation (already reported), or None for an unreadable file:
    # references to them are not reported again.
    broken: dict[str, set[str] | None]
    _sections: dict[str, list[str] | None] = field(default_factory=dict)

    def known(self, target: str, value: str) -> bool:
        broken = self.broken.get(target, set())
        return broken is None or value in broken or value in self.kb.by_key(target)

    def add(self, name: str, index: int, field_name: str, message: str) -> None:
        record = self.kb.records[name][index]
        loc = self.kb.locations[name][index]
        label = _entry_label(name, record.model_dump())
        self.problems.append(Problem(self.kb.file(name), loc.of(field_name), label, message))

    def each(self, name: str) -> Iterable[tuple[int, Any]]:
        return enumerate(self.kb.records[name])

    def ref(self, name: str, i: int, field_name: str, value: str, ref: Ref) -> None:
        if any(self.known(target, value) for target in ref.datasets):
            return
        if ref.free_text:
            if re.fullmatch(SLUG_PATTERN, value):
                self.add(
                    name,
                    i,
                    field_name,
                    f"{field_name} '{value}' looks like a {ref.what} id but no such {ref.what} exists — use "
                    f"a {ref.what} id or a free-text title with spaces",
                )
        elif len(ref.datasets) == 1:
            self.add(
                name,
                i,
                field_name,
                f"{field_name} '{value}' is not a known {ref.what} — add it to "
                f"{self.kb.file(ref.datasets[0])} or fix the id",
            )
        else:
            files = " or ".join(DATASETS[target].file for target in ref.datasets)
            self.add(
                name, i, field_name, f"{field_name} '{value}' is not a {ref.what} id in {files} — fix the id"
            )

    def page(self, name: str, i: int, field_name: str, page: str) -> None:
        if not (self.docs_dir / page).is_file():
            self.add(
                name,
                i,
                field_name,
                f"{field_name} '{page}' does not exist under {self.docs_dir.name}/ — create the page or fix the path",
            )

    def snippet(self, name: str, i: int, field_name: str, ref: str) -> None:
        path, _, section = ref.partition(":")
        if path not in self._sections:
            file = self.snippets_dir / path
            if not file.is_file():
                self._sections[path] = None
            else:
                try:
                    self._sections[path] = section_names(file.read_text(encoding="utf-8"), path)
                except SnippetFormatError as exc:
                    self.add(name, i, field_name, f"{field_name} '{ref}': {exc}")
                    self._sections[path] = []
        sections = self._sections[path]
        if sections is None:
            self.add(name, i, field_name, f"snippet file '{path}' does not exist — create it or fix the path")
        elif section and section not in sections:
            known = ", ".join(sections) or "none"
            self.add(
                name,
                i,
                field_name,
                f"'{path}' has no section '{section}' (sections: {known}) — add the "
                f"'# --8<-- [start:{section}]' marker or fix the name",
            )

    def duplicates(self) -> None:
        for name, dataset in DATASETS.items():
            seen: dict[str, int] = {}
            for i, record in self.each(name):
                key = getattr(record, dataset.key)
                line = self.kb.locations[name][i].line
                if key in seen:
                    self.add(
                        name,
                        i,
                        dataset.key,
                        f"duplicate {dataset.key} '{key}' (also on line {seen[key]}) — make it unique",
                    )
                else:
                    seen[key] = line
        abbreviations: dict[str, int] = {}
        for i, entry in self.each("glossary"):
            if entry.abbreviation is None:
                continue
            line = self.kb.locations["glossary"][i].line
            if entry.abbreviation in abbreviations:
                self.add(
                    "glossary",
                    i,
                    "abbreviation",
                    f"abbreviation '{entry.abbreviation}' is already defined on line "
                    f"{abbreviations[entry.abbreviation]} — one tooltip per abbreviation",
                )
            abbreviations.setdefault(entry.abbreviation, line)

    def references(self) -> None:
        """Check every value a model marks as a reference (schema.Ref, DocsPage, SnippetFile)."""
        for name, dataset in DATASETS.items():
            fields = dataset.model.model_fields
            for i, record in self.each(name):
                for field_name, info in fields.items():
                    value = getattr(record, field_name)
                    for marker, target in _references(info.annotation, value, info.metadata):
                        if isinstance(marker, Ref):
                            self.ref(name, i, field_name, target, marker)
                        elif isinstance(marker, DocsPage):
                            self.page(name, i, field_name, target)
                        elif isinstance(marker, SnippetFile):
                            self.snippet(name, i, field_name, target)
                        else:
                            raise TypeError(f"{field_name}: no check for reference marker {marker!r}")

    def rules(self) -> None:
        """Rules across records that are more than a reference: self-links, via vs source, years."""
        for i, skill in self.each("skills"):
            if skill.id in skill.prerequisites:
                self.add("skills", i, "prerequisites", "a skill cannot be its own prerequisite — remove it")
        sources = self.kb.by_key("sources")
        for name in ("salaries", "market"):
            for i, figure in self.each(name):
                if figure.via is not None and figure.via == figure.source:
                    self.add(
                        name,
                        i,
                        "via",
                        "via repeats source — clear via when the figure was read at the source",
                    )
                source = sources.get(figure.source)
                published = source.published[:4] if source and source.published != "unknown" else None
                if published and figure.data_year > int(published):
                    self.add(
                        name,
                        i,
                        "data_year",
                        f"data_year {figure.data_year} is after '{figure.source}' was published "
                        f"({source.published}) — check the year, or cite the edition that has this figure",
                    )
                if figure.verification == "primary" and (figure.via or (source and source.kind != "primary")):
                    seen_in = figure.via or figure.source
                    self.add(
                        name,
                        i,
                        "verification",
                        f"verification is primary but the figure was read in '{seen_in}', which is not the "
                        "publisher's own data — use secondary (or uncertain / not-found)",
                    )

    def prerequisite_cycles(self) -> None:
        graph = {s.id: [p for p in s.prerequisites if p != s.id] for s in self.kb.items("skills")}
        index = {s.id: i for i, s in self.each("skills")}
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        reported: set[frozenset[str]] = set()

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            path.append(node)
            for nxt in graph.get(node, []):
                if nxt not in graph:
                    continue
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :] + [nxt]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        self.add(
                            "skills",
                            index[nxt],
                            "prerequisites",
                            f"prerequisites form a cycle: {' -> '.join(cycle)} — remove one of these links",
                        )
                elif nxt not in state:
                    visit(nxt, path)
            path.pop()
            state[node] = 2

        for node in graph:
            if node not in state:
                visit(node, [])


def load(
    data_dir: Path | None = None,
    *,
    docs_dir: Path | None = None,
    snippets_dir: Path | None = None,
    build_year: int | None = None,
) -> KnowledgeBase:
    """Load and validate every dataset; raise DataError listing every problem found."""
    data_dir = Path(data_dir) if data_dir is not None else ROOT / "data"
    docs_dir = Path(docs_dir) if docs_dir is not None else ROOT / "docs"
    snippets_dir = Path(snippets_dir) if snippets_dir is not None else ROOT
    build_year = build_year if build_year is not None else date.today().year
    problems: list[Problem] = []
    records: dict[str, tuple[Record, ...]] = {}
    locations: dict[str, tuple[Location, ...]] = {}
    broken: dict[str, set[str] | None] = {}
    for name, dataset in DATASETS.items():
        shown = f"{data_dir.name}/{dataset.file}"
        path = data_dir / dataset.file
        if not path.is_file():
            problems.append(Problem(shown, 0, "", f"file is missing — create it ({dataset.description})"))
            records[name], locations[name], broken[name] = (), (), None
            continue
        broken[name] = set()
        raws = (
            _read_csv(path, shown, dataset, problems, broken[name])
            if dataset.fmt == "csv"
            else _read_yaml(path, shown, problems)
        )
        if raws is None:
            records[name], locations[name], broken[name] = (), (), None
            continue
        valid: list[Record] = []
        locs: list[Location] = []
        allowed = list(dataset.model.model_fields)
        for raw in raws:
            try:
                record = dataset.model.model_validate(raw.data, context={"build_year": build_year})
            except ValidationError as exc:
                label = _entry_label(name, raw.data)
                for error in exc.errors():
                    loc = error["loc"]
                    line = raw.loc.of(str(loc[0])) if loc else raw.loc.line
                    problems.append(Problem(shown, line, label, _explain(error, allowed)))
                broken[name].add(str(raw.data.get(dataset.key, "")))
                continue
            valid.append(record)
            locs.append(raw.loc)
        records[name], locations[name] = tuple(valid), tuple(locs)
    kb = KnowledgeBase(
        data_dir=data_dir, docs_dir=docs_dir, build_year=build_year, records=records, locations=locations
    )
    checker = _Checker(kb, docs_dir, snippets_dir, problems, broken)
    checker.duplicates()
    checker.references()
    checker.rules()
    salaries = kb.items("salaries")
    lines = [loc.line for loc in kb.locations["salaries"]]
    for i, field_name, message in [
        *plausibility.note_disagreements(salaries),
        *plausibility.peer_outliers(salaries, lines),
    ]:
        checker.add("salaries", i, field_name, message)
    checker.prerequisite_cycles()
    if problems:
        raise DataError(problems)
    return kb
