"""Pydantic models for every file in data/: one model per record, ``extra="forbid"``.

Each field carries a ``description``; the "data-fields" table on about-data/fields.md is
generated from these descriptions, so the field documentation cannot drift from the
validator. Checks that need only the record live here. A field that points at something
outside its record says so in its type, with a marker below (``Ref``, ``DocsPage``,
``SnippetFile``): load.py finds every marked value by walking the validated records and
checks that its target exists, so a new reference field is checked without new code. Other
rules across records and files (cycles, via vs source, publication years) live in load.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

ROLE_IDS = (
    "backend-engineer",
    "ml-engineer",
    "hybrid-engineer",
    "mlops-engineer",
    "data-scientist",
    "data-engineer",
)
REQUIRED_NEED_ROLES = ("ml-engineer", "mlops-engineer", "hybrid-engineer")
PROJECTS = (
    "price-prediction",
    "spam-filter",
    "customer-segmentation",
    "notebook-to-service",
    "ask-the-guide",
    "pipeline-you-own",
)


class Reference:
    """Base of the markers that make a field a reference to something outside its record."""


@dataclass(frozen=True, init=False)
class Ref(Reference):
    """The value is the id of an entry in one of ``datasets``: ``Annotated[Slug, Ref("roles", what="role")]``.

    With ``free_text``, only values that look like ids are checked; others are titles.
    """

    datasets: tuple[str, ...]
    what: str
    free_text: bool

    def __init__(self, *datasets: str, what: str, free_text: bool = False) -> None:
        object.__setattr__(self, "datasets", datasets)
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "free_text", free_text)


@dataclass(frozen=True)
class DocsPage(Reference):
    """The value is a page path under docs/ that must exist."""


@dataclass(frozen=True)
class SnippetFile(Reference):
    """The value is snippets/<path>.py, optionally :<section>; the file and section must exist."""


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PAGE_PATTERN = r"^[a-z0-9-]+(?:/[a-z0-9-]+)*\.md$"
SNIPPET_PATTERN = r"^snippets/[a-z0-9_]+(?:/[a-z0-9_]+)*\.py(?::[a-z0-9-]+)?$"
URL_PATTERN = r"^https?://\S+$"

Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
Page = Annotated[str, Field(pattern=PAGE_PATTERN), DocsPage()]
SnippetRef = Annotated[str, Field(pattern=SNIPPET_PATTERN), SnippetFile()]
RoleId = Annotated[Slug, Ref("roles", what="role")]
SourceId = Annotated[Slug, Ref("sources", what="source")]
Url = Annotated[str, Field(pattern=URL_PATTERN)]

Verification = Literal["primary", "secondary", "uncertain", "not-found"]

VERIFICATION_LABELS: dict[str, str] = {
    "primary": "Primary source",
    "secondary": "Secondary only",
    "uncertain": "Uncertain",
    "not-found": "Not found — unverified",
}
VERIFICATION_MEANINGS: dict[str, str] = {
    "primary": "The figure was read on the publisher's own page or in its own data file.",
    "secondary": (
        "The figure was read only in a report that quotes the publisher (a news article, a career "
        "site). Several such reports may agree, but nobody here has seen the original."
    ),
    "uncertain": (
        "The figure's sources conflict, its origin is unclear, or the method behind it cannot be "
        "checked. Treat it as a rumour with a number attached."
    ),
    "not-found": (
        "The figure appears in an article, but no original source for it was found. It is kept "
        "so readers who meet it elsewhere can see that it is unverified."
    ),
}


class Record(BaseModel):
    """Base for every record: unknown fields are errors, surrounding whitespace is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _not_after_build_year(value: int, info: ValidationInfo) -> int:
    build_year = (info.context or {}).get("build_year")
    if build_year is not None and value > build_year:
        raise ValueError(
            f"data_year {value} is after the build year {build_year} — a figure cannot describe "
            "the future; use the year the data was collected (for a projection, its base year)"
        )
    return value


class Source(Record):
    """A document a figure or claim was read in."""

    id: Slug = Field(description="Unique id, lowercase kebab-case; figures point at it.")
    label: Text = Field(description="Short name shown in table cells, e.g. 'BLS OOH 2024–25'.")
    publisher: Text = Field(description="Organisation or author that published the document.")
    title: Text = Field(description="Title of the document or page.")
    url: str = Field(
        description=(
            "Address of the document. Empty only for a seed article whose address is unknown; "
            "notes must then say so."
        )
    )
    published: str = Field(
        pattern=r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|unknown)$",
        description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD, or 'unknown' when the page shows none.",
    )
    accessed: date = Field(description="Date (YYYY-MM-DD) the figures were read from it.")
    kind: Literal["primary", "secondary", "vendor-article", "unverified-claim"] = Field(
        description=(
            "primary: the publisher's own data; secondary: a report quoting someone else; "
            "vendor-article: an article by a company selling courses or services; "
            "unverified-claim: a page that states figures without a traceable origin."
        )
    )
    notes: str = Field(default="", description="What the source covers and how far to trust it.")

    @field_validator("published", mode="before")
    @classmethod
    def year_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def check_url(self) -> Source:
        if self.url and not re.match(URL_PATTERN, self.url):
            raise ValueError(f"url {self.url!r} is not an http(s) address — fix it or leave it empty")
        if not self.url:
            if self.kind != "vendor-article" or "url" not in self.notes.lower():
                raise ValueError(
                    "url is empty — add the document's address; only a seed article (kind "
                    "vendor-article) may leave it empty, and its notes must say the URL is unknown"
                )
        return self


class Role(Record):
    """A job role the guide compares."""

    id: Slug = Field(description="Role id, one of the six roles the site covers.")
    name: Text = Field(description="Display name.")
    focus: Text = Field(description="One sentence: what the role is for.")
    responsibilities: list[Text] = Field(min_length=1, description="Main responsibilities.")
    daily_tools: list[Text] = Field(min_length=1, description="Tools used most days.")
    deliverables: list[Text] = Field(min_length=1, description="What the role hands over.")
    typical_background: Text = Field(description="Where people in the role usually come from.")
    leads_to: list[Annotated[Text, Ref("roles", what="role", free_text=True)]] = Field(
        min_length=1,
        description="Next roles: role ids, or free-text titles with spaces such as 'Staff ML engineer'.",
    )
    page: Page = Field(description="Docs page for the role, relative to docs/.")


# Skill families and the label every table, chart and the planner show for each.
SKILL_CATEGORIES: dict[str, str] = {
    "programming": "Programming",
    "math": "Mathematics",
    "ml-concepts": "ML concepts",
    "data": "Data",
    "mlops-deployment": "MLOps and deployment",
    "infrastructure-cloud": "Infrastructure and cloud",
    "soft-skills": "Soft skills",
}


class Skill(Record):
    """A skill, how much each role needs it, and whether backend work already taught it."""

    id: Slug = Field(description="Unique id.")
    name: Text = Field(description="Display name.")
    category: Literal[tuple(SKILL_CATEGORIES)] = Field(description="Skill family.")  # type: ignore[valid-type]
    description: Text = Field(description="What the skill covers, in a sentence or two.")
    need: dict[RoleId, Annotated[int, Field(ge=0, le=3)]] = Field(
        description=(
            "Role id -> depth needed: 0 not needed, 1 basic, 2 working, 3 deep. Must cover "
            "ml-engineer, mlops-engineer and hybrid-engineer."
        )
    )
    transfers: Literal["yes", "partly", "no"] = Field(
        description="Whether typical backend work already builds this skill."
    )
    transfer_note: Text = Field(description="Why it does, partly does or does not transfer.")
    prerequisites: list[Annotated[Slug, Ref("skills", what="skill")]] = Field(
        default=[], description="Skill ids to learn first (no cycles)."
    )
    effort_hours: int = Field(
        gt=0, le=1000, description="Rough hours for a backend engineer to reach working level."
    )
    resources: list[Annotated[Slug, Ref("resources", what="resource")]] = Field(
        default=[], description="Resource ids that teach it."
    )
    page: Page = Field(description="Docs page that teaches it.")
    snippets: list[SnippetRef] = Field(
        default=[], description="Runnable snippets for it: path.py or path.py:section."
    )
    project: Literal[PROJECTS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Project notebook that practises it, if any."
    )

    @model_validator(mode="after")
    def check_need(self) -> Skill:
        missing = [r for r in REQUIRED_NEED_ROLES if r not in self.need]
        if missing:
            raise ValueError(
                f"need has no value for {', '.join(missing)} — add a 0-3 depth for each of "
                f"{', '.join(REQUIRED_NEED_ROLES)}"
            )
        return self


Amount = Annotated[float, Field(gt=0)]


class Salary(Record):
    """One pay figure as a publisher stated it (a row of salaries.csv)."""

    id: Slug = Field(description="Unique id.")
    role: RoleId = Field(description="Role id this figure is used for (see label for what was measured).")
    label: Text = Field(description="The publisher's exact occupation or developer-type label.")
    level: Literal["all", "junior", "mid", "senior"] = Field(description="Seniority the figure covers.")
    geography: Text = Field(description="Where: US, Global, US-Bay-Area, … or Unspecified.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD.")
    statistic: Literal["median", "mean", "low", "high", "unspecified", "range", "p10-p90"] = Field(
        description=(
            "median, mean, low, high and unspecified (the publisher does not say) use value; "
            "range and p10-p90 (10th to 90th percentile) use low and high."
        )
    )
    base_or_total: Literal["base", "total", "unspecified"] = Field(
        description="Base salary, total compensation, or not stated by the publisher."
    )
    value: Amount | None = Field(default=None, description="The amount, per year.")
    low: Amount | None = Field(default=None, description="Lower end of a range, per year.")
    high: Amount | None = Field(default=None, description="Upper end of a range, per year.")
    data_year: int = Field(ge=1990, description="Year the data describes (not the year it was published).")
    sample_size: int | None = Field(
        default=None, gt=0, description="Respondents behind the figure, when published."
    )
    source: SourceId = Field(description="Source id of the document the figure comes from.")
    via: SourceId | None = Field(
        default=None, description="Source id of the report it was read in, when not read at the source."
    )
    verification: Verification = Field(description="How well the figure is verified.")
    note: str = Field(default="", description="Caveats: what is and is not included.")
    outlier_reason: str = Field(
        default="",
        description=(
            "Only for a figure more than 3x away from the other figures for its role, statistic and "
            "geography: a sentence saying why it is right anyway. Empty otherwise."
        ),
    )

    @field_validator("data_year")
    @classmethod
    def check_data_year(cls, value: int, info: ValidationInfo) -> int:
        return _not_after_build_year(value, info)

    @field_validator("outlier_reason")
    @classmethod
    def check_outlier_reason(cls, value: str) -> str:
        if value and len(value.split()) < 5:
            raise ValueError(
                f"outlier_reason {value!r} does not say why the figure is right — write a sentence, e.g. "
                "'Bay Area total pay including stock; the other US figures are base pay.'"
            )
        return value

    @model_validator(mode="after")
    def check_amount_shape(self) -> Salary:
        if self.statistic in ("range", "p10-p90"):
            if self.value is not None:
                raise ValueError(
                    f"statistic {self.statistic} takes low and high, but value {self.value:g} is "
                    "filled — move it to low/high or change the statistic"
                )
            if self.low is None or self.high is None:
                raise ValueError(f"statistic {self.statistic} needs both low and high — fill both")
            if self.low > self.high:
                raise ValueError(
                    f"low {self.low:g} is above high {self.high:g} — swap them or fix the figure"
                )
        else:
            if self.value is None:
                raise ValueError(f"statistic {self.statistic} needs value — fill the value column")
            if self.low is not None or self.high is not None:
                raise ValueError(
                    f"statistic {self.statistic} takes a single value; clear low/high or use statistic range"
                )
        return self


class MarketFigure(Record):
    """A demand or market figure (a row of market.csv)."""

    id: Slug = Field(description="Unique id.")
    figure: Text = Field(description="What is measured, in the publisher's terms.")
    value: float = Field(description="The number, in the unit below (negative for a decline).")
    qualifier: Literal["about", "more than", "at least", "up to"] | None = Field(
        default=None, description="When the publisher gives an approximate or bounded number."
    )
    unit: Literal[
        "percent",
        "percent-per-year",
        "jobs",
        "jobs-per-year",
        "usd-billion",
        "rank",
        "multiple",
        "years",
        "count",
    ] = Field(description="Unit of value.")
    geography: Text = Field(description="Where the figure applies.")
    period: Text = Field(description="Period covered, e.g. 2024–2034 for a projection.")
    data_year: int = Field(ge=1990, description="Year the data describes; for a projection, its base year.")
    source: SourceId = Field(description="Source id of the document the figure comes from.")
    via: SourceId | None = Field(
        default=None, description="Source id of the report it was read in, if not the source."
    )
    verification: Verification = Field(description="How well the figure is verified.")
    note: str = Field(default="", description="Caveats and conflicts.")

    @field_validator("data_year")
    @classmethod
    def check_data_year(cls, value: int, info: ValidationInfo) -> int:
        return _not_after_build_year(value, info)


class Trend(Record):
    """A trend in ML engineering work and what it means for a backend engineer."""

    id: Slug = Field(description="Unique id.")
    trend: Text = Field(description="Name of the trend.")
    summary: Text = Field(description="What is happening, in two or three sentences.")
    evidence: list[Annotated[Slug, Ref("market", "salaries", what="figure")]] = Field(
        default=[], description="Ids of market or salary figures that bear on it (may be empty)."
    )
    meaning_for_backend: Text = Field(description="What it means for a backend engineer's next two years.")


class Tool(Record):
    """A tool or library, mapped to the backend tool it most resembles."""

    id: Slug = Field(description="Unique id.")
    name: Text = Field(description="Display name.")
    category: Literal[
        "modelling", "data", "serving", "orchestration", "tracking", "monitoring", "cloud", "llm"
    ] = Field(description="Which tools page lists it.")
    when_to_use: Text = Field(description="When it is the right choice.")
    learning_curve: Literal["low", "medium", "high"] = Field(description="Effort for a backend engineer.")
    backend_analogue: Text = Field(description="The backend tool or idea it resembles.")
    url: Url = Field(description="Project homepage.")
    example: Page | None = Field(
        default=None, description="Page where a snippet or notebook of this site runs the tool."
    )


class Concept(Record):
    """One row of the backend ↔ ML concept map."""

    id: Slug = Field(description="Unique id.")
    backend_concept: Text = Field(description="The idea a backend engineer already knows.")
    ml_concept: Text = Field(description="The ML idea it maps to.")
    how_it_maps: Text = Field(description="What carries over.")
    how_it_differs: Text = Field(description="Where the analogy breaks.")
    snippet: SnippetRef | None = Field(
        default=None, description="Runnable snippet showing it (path.py:section)."
    )
    page: Page = Field(description="Docs page that explains it.")


class Comparison(Record):
    """A qualitative comparison table kept as data: columns and rows of short Markdown text.

    Figures never go here: they belong in salaries.csv or market.csv with their sources.
    """

    id: Slug = Field(description="Unique id, used as `<!-- table: comparison id=... -->`.")
    page: Page = Field(description="The one page that shows it (links in cells are relative to it).")
    columns: list[Text] = Field(min_length=2, description="Column headings.")
    rows: list[list[Text]] = Field(
        min_length=1, description="Rows of cells, one per column; Markdown allowed."
    )

    @model_validator(mode="after")
    def check_rows(self) -> Comparison:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells but there are {len(self.columns)} columns "
                    f"({', '.join(self.columns)}) — add or remove cells"
                )
        return self


class Challenge(Record):
    """A common difficulty in the move, with a mitigation."""

    id: Slug = Field(description="Unique id.")
    challenge: Text = Field(description="The difficulty.")
    symptom: Text = Field(description="How it shows up.")
    mitigation: Text = Field(description="What to do about it.")
    related_practice: Annotated[Slug, Ref("practices", what="practice")] = Field(
        description="Practice id that addresses it."
    )
    page: Page = Field(description="Docs page that discusses it.")


PRACTICE_AREAS = (
    "data-management",
    "ml-integration",
    "deployment",
    "monitoring",
    "mlops",
    "scalability",
    "security-and-compliance",
    "collaboration",
)
STAGES = ("data", "training", "evaluation", "deployment", "monitoring", "operations")


class Practice(Record):
    """A checklist item for production ML work."""

    id: Slug = Field(description="Unique id.")
    area: Literal[PRACTICE_AREAS] = Field(description="Practices page it belongs to.")  # type: ignore[valid-type]
    stage: Literal[STAGES] = Field(description="Lifecycle stage.")  # type: ignore[valid-type]
    practice: Text = Field(description="What to do.")
    why: Text = Field(description="What goes wrong without it.")
    how_to_check: Text = Field(description="A concrete check that it is in place.")
    snippet: SnippetRef | None = Field(default=None, description="Runnable snippet showing it.")


QUESTION_TOPICS = (
    "coding",
    "ml-fundamentals",
    "evaluation",
    "deep-learning",
    "llm-applications",
    "data-engineering",
    "ml-system-design",
    "production",
    "behavioural",
)


class Question(Record):
    """An interview question with an answer outline."""

    id: Slug = Field(description="Unique id.")
    topic: Literal[QUESTION_TOPICS] = Field(description="Question-bank section.")  # type: ignore[valid-type]
    question: Text = Field(description="The question as an interviewer might ask it.")
    difficulty: Literal["easy", "medium", "hard"] = Field(description="Rough difficulty.")
    answer_outline: list[Text] = Field(min_length=2, description="Points a good answer covers.")
    related_page: Page = Field(description="Docs page to study for it.")


class GlossaryEntry(Record):
    """A term, optionally with an abbreviation shown as a tooltip site-wide."""

    term: Text = Field(description="The term, spelled out.")
    abbreviation: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z0-9/&-]*[A-Za-z0-9]$",
        description="Abbreviation (2+ characters) that gets a tooltip on every page.",
    )
    definition: Text = Field(description="Plain definition.")
    backend_analogue: str | None = Field(default=None, description="Closest backend idea, if any.")
    page: Page | None = Field(default=None, description="Docs page that explains it.")


class Resource(Record):
    """A course, book, community or site for learning."""

    id: Slug = Field(description="Unique id.")
    title: Text = Field(description="Title.")
    author: Text = Field(description="Author or organisation.")
    kind: Literal["course", "book", "community", "site"] = Field(description="Kind of resource.")
    cost: Literal["free", "paid", "free-audit"] = Field(
        description="free, paid, or free-audit (free to read/watch, paid for certificates or grading)."
    )
    level: Literal["beginner", "intermediate", "advanced"] = Field(description="Level it assumes.")
    url: Url = Field(description="Address.")
    note: Text = Field(description="What it is good for, and its limits.")


Count = Annotated[int, Field(gt=0)]


class LLMModel(Record):
    """The architecture of an open-weights language model, as its published config.json states it."""

    id: Slug = Field(description="Unique id, e.g. llama-3-1-8b.")
    name: Text = Field(description="Display name, e.g. 'Llama 3.1 8B'.")
    repo: Text = Field(
        description="Hugging Face repository of the official weights, e.g. meta-llama/Llama-3.1-8B."
    )
    config_url: Url = Field(description="Address of the official config.json the values come from.")
    read_in: Url | None = Field(
        default=None,
        description=(
            "Where the values were actually read, when not at config_url (a copy of the config that "
            "names the official repository as its origin). Empty when read at config_url."
        ),
    )
    verification: Verification = Field(
        description="primary when read at config_url; secondary when read only in a copy (read_in)."
    )
    layers: Count = Field(description="num_hidden_layers: transformer blocks.")
    attention_heads: Count = Field(description="num_attention_heads: query heads per layer.")
    kv_heads: Count = Field(
        description="num_key_value_heads: key/value heads per layer (fewer than attention_heads = grouped-query attention)."
    )
    head_dim: Count = Field(
        description="Size of one attention head (hidden_size / attention_heads unless the config says)."
    )
    hidden_size: Count = Field(description="hidden_size: width of the residual stream.")
    intermediate_size: Count = Field(description="intermediate_size: width of the feed-forward layer.")
    vocab_size: Count = Field(description="vocab_size: tokens in the vocabulary.")
    max_context: Count = Field(
        description="max_position_embeddings: longest context the config allows, in tokens."
    )
    tied_embeddings: bool = Field(
        description="tie_word_embeddings: input and output embeddings share weights."
    )
    source: SourceId = Field(description="Source id of the official config.")
    note: str = Field(default="", description="Caveats, e.g. what the architecture arithmetic leaves out.")

    @model_validator(mode="after")
    def check_heads(self) -> LLMModel:
        if self.kv_heads > self.attention_heads or self.attention_heads % self.kv_heads:
            raise ValueError(
                f"kv_heads {self.kv_heads} must divide attention_heads {self.attention_heads} — "
                "copy num_key_value_heads and num_attention_heads from the config again"
            )
        if self.verification == "primary" and self.read_in:
            raise ValueError(
                "verification is primary but read_in names a copy — use secondary, or read the "
                "values at config_url and clear read_in"
            )
        if self.verification == "secondary" and not self.read_in:
            raise ValueError(
                "verification is secondary but read_in is empty — say where the values were read"
            )
        return self


class LLMPrice(Record):
    """A provider's list price for one model, per million tokens; prices change, so each row is dated."""

    id: Slug = Field(description="Unique id.")
    provider: Text = Field(description="Who sells the tokens at this price.")
    model: Text = Field(description="Model id as the provider names it.")
    input_per_million: Amount = Field(description="Price of one million input (prompt) tokens.")
    output_per_million: Amount = Field(description="Price of one million output (completion) tokens.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD.")
    source: SourceId = Field(description="Source id of the page the price was read on.")
    read_on: date = Field(description="Date (YYYY-MM-DD) the price was read.")
    verification: Verification = Field(description="How well the price is verified.")
    note: str = Field(default="", description="What the price covers; what it leaves out.")

    @model_validator(mode="after")
    def check_prices(self) -> LLMPrice:
        if self.output_per_million < self.input_per_million:
            raise ValueError(
                f"output_per_million {self.output_per_million:g} is below input_per_million "
                f"{self.input_per_million:g} — the columns are probably swapped"
            )
        return self


@dataclass(frozen=True)
class Dataset:
    """A file in data/ and the model its records follow."""

    name: str
    file: str
    model: type[Record]
    key: str
    description: str

    @property
    def fmt(self) -> str:
        return "csv" if self.file.endswith(".csv") else "yaml"


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("sources", "sources.yaml", Source, "id", "Every document a figure or claim was read in."),
        Dataset("roles", "roles.yaml", Role, "id", "The six roles the guide compares."),
        Dataset(
            "skills",
            "skills.yaml",
            Skill,
            "id",
            "Skills, depth needed per role, and transfer from backend work.",
        ),
        Dataset(
            "salaries",
            "salaries.csv",
            Salary,
            "id",
            "Pay figures, each with its source, year, geography and status.",
        ),
        Dataset(
            "market",
            "market.csv",
            MarketFigure,
            "id",
            "Demand and market figures: projections, rankings, job-posting changes.",
        ),
        Dataset("trends", "trends.yaml", Trend, "id", "Trends and what they mean for a backend engineer."),
        Dataset("tools", "tools.yaml", Tool, "id", "Tools and libraries with their backend analogues."),
        Dataset("concepts", "concepts.yaml", Concept, "id", "The backend ↔ ML concept map."),
        Dataset(
            "comparisons", "comparisons.yaml", Comparison, "id", "Side-by-side comparisons shown on pages."
        ),
        Dataset("challenges", "challenges.yaml", Challenge, "id", "Common difficulties and mitigations."),
        Dataset("practices", "practices.yaml", Practice, "id", "Production ML checklist by area and stage."),
        Dataset("questions", "questions.yaml", Question, "id", "Interview questions with answer outlines."),
        Dataset("glossary", "glossary.yaml", GlossaryEntry, "term", "Terms and abbreviations."),
        Dataset("resources", "resources.yaml", Resource, "id", "Courses, books, communities and sites."),
        Dataset(
            "llm_models",
            "llm_models.yaml",
            LLMModel,
            "id",
            "Open-weights model architectures from their published config.json files.",
        ),
        Dataset(
            "llm_prices", "llm_prices.yaml", LLMPrice, "id", "Dated per-token list prices of hosted models."
        ),
    )
}
