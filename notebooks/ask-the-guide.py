# ---
# jupyter:
#   depends: ["docs/**/*.md", "snippets/llm/guide_questions.yaml"]
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Project: Ask the guide
#
# **What you will build:** the retrieval half of a question-answering assistant over this
# site's own Markdown pages. It splits the pages into chunks, indexes them three ways
# (keyword, dense vectors, and a fusion of both), and measures how often the section that
# answers a reader's question comes back near the top. Then it reads the failures,
# changes one thing, and measures whether that helped, with an interval.
#
# **The backend concept it maps to:** a search endpoint with a relevance test suite. The
# index is a read model built from the source of truth (the docs); the labelled
# questions are the integration tests; a change to tokenising or chunking is a schema
# migration of the read model, and is judged by the same tests before it ships.
#
# No language model runs here. In a retrieval-augmented generation (RAG) system the
# model can only answer from what retrieval hands it, so retrieval is the part to get
# right and measure first. The page *Retrieval and evaluation*, in the LLM applications
# section, explains the whole pipeline.
#
# The steps:
#
# 1. Read the pages and cut them into chunks.
# 2. Load the labelled questions (written for this site, each pointing at the sections
#    that answer it).
# 3. Build three indexes and score them: recall@k and MRR, with bootstrap intervals.
# 4. Read the misses.
# 5. Improve one thing and measure the effect on the same questions, paired.

# %%

import bm25s
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from snippets.llm.guide_corpus import chunk_pages, load_pages, load_questions
from snippets.llm.retrievers import (
    DenseIndex,
    HybridIndex,
    KeywordIndex,
    first_hit,
    interval,
    mean,
    words,
)
from snippets.skills.evaluation.model_comparison import decide, paired_difference

pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 70)
plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## 1. Read the pages and chunk them
#
# `load_pages` reads every page under `docs/` the way the build does (front matter
# removed, directive comments dropped). `chunk_pages` splits each page at its `##` and
# `###` headings, then cuts long sections into windows of at most 120 words that overlap
# by 30, so a sentence cut at a border survives whole in one of them. Each chunk keeps
# its page and heading anchor: that is what an answer cites, and what a reader clicks.

# %%
pages = load_pages()
chunks = chunk_pages(pages, max_words=120, overlap=30)
sizes = pd.Series([len(c.text.split()) for c in chunks])
print(f"{len(pages)} pages, {len(chunks)} chunks")
print(sizes.describe().round(1).to_string())
display(
    pd.DataFrame(
        [(c.id, c.text[:70] + "...") for c in chunks[200:204]],
        columns=["chunk id", "text"],
    )
)

# %% [markdown]
# ## 2. The labelled questions
#
# Each question is written the way a reader would ask it, not copied from a heading,
# and lists the sections that answer it. About half are marked `synonym`: they say it in
# other words than the page ("undo the release" for a page about rolling back). Some lean
# on acronyms (AUC, DPIA, k8s). The loader checks that every labelled page and heading
# exists, so a renamed heading fails here, naming the line, instead of silently turning
# a question into a miss.

# %%
questions = load_questions(pages=pages)
labels = pd.DataFrame(
    {
        "id": [q.id for q in questions],
        "kind": [q.kind for q in questions],
        "question": [q.question for q in questions],
    }
)
print(labels["kind"].value_counts().to_string())
display(labels.sample(5, random_state=1))

# %%
# What the text says of this output, checked on every build:
assert len(questions) >= 40
synonym_share = (labels["kind"] == "synonym").mean()
assert 0.4 <= synonym_share <= 0.6  # "about half are synonym questions"

# %% [markdown]
# ## 3. Three indexes, scored
#
# - **Keyword:** BM25 (the `bm25s` library), the scoring behind Lucene, Elasticsearch
#   and OpenSearch. It rewards rare words that the query and the chunk share.
# - **Dense:** TF-IDF vectors reduced to 128 dimensions with a truncated SVD, compared by
#   cosine. It stands in for a neural embedding model, which this site cannot download;
#   the code around it is the same.
# - **Hybrid:** reciprocal rank fusion of the two rankings, with the usual constant 60.
#
# Two metrics, both per question, so each gets a bootstrap interval over questions:
#
# - **recall@k:** the share of questions with at least one chunk from an answering
#   section among the top k;
# - **MRR:** the mean of 1/rank of the first such chunk (1 if it is first, 0.5 if
#   second...), which rewards putting it at the very top.

# %%
keyword, dense = KeywordIndex(chunks), DenseIndex(chunks)
systems = {"BM25": keyword, "dense": dense, "hybrid": HybridIndex(keyword, dense)}
ranks = {name: first_hit(index, chunks, questions) for name, index in systems.items()}

rows = []
for name, r in ranks.items():
    row = {"retriever": name}
    for k in (1, 5, 10):
        hit = (r <= k).astype(float)
        lo, hi = interval(hit)
        row[f"recall@{k}"] = f"{hit.mean():.2f} ({lo:.2f}-{hi:.2f})"
    lo, hi = interval(1 / r)
    row["MRR"] = f"{(1 / r).mean():.2f} ({lo:.2f}-{hi:.2f})"
    rows.append(row)
display(pd.DataFrame(rows).set_index("retriever"))

# %% alt="Recall at k from 1 to 10 for BM25, dense and hybrid retrieval on the labelled questions: all three rise from between three and five in ten questions at k equals 1 to between two in three and nine in ten at k equals 10, with curves close together."
fig, ax = plt.subplots(figsize=(6, 3.5))
ks = np.arange(1, 11)
for name, r in ranks.items():
    ax.plot(ks, [(r <= k).mean() for k in ks], marker="o", label=name)
ax.set_xlabel("k (chunks returned)")
ax.set_ylabel("recall@k")
ax.set_ylim(0, 1)
ax.set_title("Share of questions answered in the top k")
ax.legend()
plt.show()

# %%
# What the text says of this output, checked on every build:
recall = {name: [(r <= k).mean() for k in ks] for name, r in ranks.items()}
assert all(0.3 <= v[0] <= 0.5 for v in recall.values())  # alt text, k = 1
assert all(2 / 3 <= v[-1] <= 0.9 for v in recall.values())  # alt text, k = 10
d_hybrid = paired_difference(
    mean, np.zeros(len(questions)), 1 / ranks["BM25"], 1 / ranks["hybrid"], name="MRR"
)
print(d_hybrid, decide(d_hybrid, 0.0), sep="\n")
assert decide(d_hybrid, 0.0).verdict != "promote"  # hybrid not shown better
dense_hits, bm25_hits = ranks["dense"] <= 5, ranks["BM25"] <= 5
overlap = (dense_hits & bm25_hits).sum() / dense_hits.sum()
print(f"questions dense answers in its top five that BM25 answers too: {overlap:.2f}")
assert overlap > 0.8  # "BM25 already answers most of what dense does"
mrr_intervals = [interval(1 / r) for r in ranks.values()]
assert max(lo for lo, _ in mrr_intervals) < min(
    hi for _, hi in mrr_intervals
)  # overlap

# %% [markdown]
# On this small collection the three are close, and their intervals overlap. The paired
# comparison does not show hybrid beating BM25: the interval on the MRR difference does
# not lie above zero (the verdict above says whether it is a tie). Fusion earns its keep when the two retrievers fail on different
# questions; here BM25 already answers most of the questions the dense index answers.
# With a real embedding model the picture may change, and the same test would show it.
#
# ## 4. Read the misses
#
# Averages say how much; the misses say why. These are the questions where BM25 has no
# answering chunk in its top five, with what it returned first instead.

# %%
miss = ranks["BM25"] > 5
failures = pd.DataFrame(
    {
        "kind": labels["kind"][miss],
        "question": labels["question"][miss],
        "rank of answer": ranks["BM25"][miss],
        "BM25's first hit": [
            chunks[keyword.rank(q.question)[0]].section
            for q, m in zip(questions, miss, strict=True)
            if m
        ],
    }
)
display(failures)
by_kind = labels.assign(hit5=ranks["BM25"] <= 5).groupby("kind")["hit5"].mean()
print(by_kind.round(2).to_string())

# %%
# What the text says of this output, checked on every build:
assert (failures["kind"] == "synonym").mean() > 0.5  # most misses: synonym questions
assert by_kind["synonym"] < by_kind["plain"]  # synonyms are harder for BM25

# %% [markdown]
# Most misses are synonym questions, and BM25 finds fewer of those than of plain ones:
# the reader says "undo the release", the page says "roll back". Keyword search matches
# surface forms, so inflections count as different words too: "retrained" does not
# match "retrain", nor "memorises" match "memorise".
#
# Two fixes are common. A synonym list written from these failures would fix exactly
# these questions and prove nothing: it tunes the system to its own test set, the way
# editing code until one fixture passes does. A general change that was not written
# for any single question is fairer to test: **stemming**, reducing words to a
# common stem before indexing and querying.
#
# ## 5. Improve one thing: a light stemmer
#
# A small suffix-stripping stemmer (a cut-down version of what Porter's algorithm and
# Lucene's English analyser do), applied to chunks and queries alike. Everything else
# stays the same: the chunks, BM25's parameters, the questions.

# %%
SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es")
SUFFIXES += ("s", "ly")


def stem(tokens: list[str]) -> list[str]:
    out = []
    for word in tokens:
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        if word.endswith("e") and len(word) > 4:  # "release" and "releas(es)" meet
            word = word[:-1]
        out.append(word)
    return out


class StemmedKeywordIndex:
    def __init__(self, chunks):
        self.bm25 = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        texts = words([c.indexed_text() for c in chunks])
        self.bm25.index([stem(t) for t in texts], show_progress=False)

    def rank(self, query: str) -> np.ndarray:
        scores = self.bm25.get_scores(stem(words([query])[0]))
        return np.argsort(-scores, kind="stable")


print(
    [
        stem(t)
        for t in words(["retrained memorises releases", "retrain memorise release"])
    ]
)
stemmed = first_hit(StemmedKeywordIndex(chunks), chunks, questions)

# The smallest gain worth changing the index for: five points of recall@5 or MRR, about
# three questions of this set. (Set in December 2026, after earlier builds had decided
# against zero; see the text below.) A change that cannot clear it stays out.
MARGIN = 0.05
same = np.zeros(len(questions))  # per-question scores need no separate labels
results = {}
for metric, score in {
    "recall@5": lambda r: (r <= 5).astype(float),
    "MRR": lambda r: 1 / r,
}.items():
    d = paired_difference(mean, same, score(ranks["BM25"]), score(stemmed), name=metric)
    results[metric] = (d, decide(d, MARGIN))
    print(d, results[metric][1], sep="\n  ")
changed = pd.DataFrame(
    {"question": labels["id"], "before": ranks["BM25"], "after": stemmed}
).query("before != after")
print(f"\nquestions whose answer moved: {len(changed)}")
print(f"  up: {(changed.after < changed.before).sum()}, "
      f"down: {(changed.after > changed.before).sum()}")  # fmt: skip

# %%
# What the text says of this output, checked on every build:
for d, verdict in results.values():
    assert d.low <= 0.02  # the lower end: no gain, or one question's worth at most
    assert d.high - d.low > 0.1  # wide: ten points of recall or MRR between the ends
    assert verdict.verdict != "promote"  # the lower end is below the margin
assert (changed.after < changed.before).sum() >= 5  # several answers moved up...
assert (changed.after > changed.before).sum() >= 5  # ...and several moved down

# %% [markdown]
# The stemmer moved many answers, several up and several down: merging word forms
# makes some chunks match queries they are not about. Both intervals are wide, more
# than ten points between their ends, and their lower ends sit at no gain or within one
# question of it, so neither clears a margin of five points: the stemmer is not shown
# to be worth shipping, and stays out until more questions settle it (the verdicts
# above also say whether the data rules the gain out). A confession about that margin:
# earlier versions of this notebook decided against zero, and as the pages it indexes
# changed, one question flipped the verdict between a tie and a promotion. A margin is
# part of the decision rule and belongs in the code before anyone looks at the numbers;
# this one came after, and it is the smallest gain we would ship a change to the index
# for. That is the honest result: a set this small cannot measure a change like this
# precisely.
#
# What a team would do next, in order:
#
# - **Write more questions**, from real queries if the system has users (search logs
#   are the best source), labelled by someone who did not write the change.
# - **Keep the gate:** run this evaluation in CI on every change to chunking,
#   tokenising or the index, and block a change only when the interval says it is
#   worse (the gate on the *Retrieval and evaluation* page).
# - **Try a real embedding model** behind the same `rank(query)` interface, and fuse it
#   with BM25; the test set, the metrics and the paired comparison stay as they are.
