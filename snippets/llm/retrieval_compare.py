# /// snippet
# depends = ["docs/**/*.md", "snippets/llm/guide_questions.yaml"]
# ///
"""Keyword (BM25), dense (TF-IDF + SVD) and hybrid (reciprocal rank fusion) retrieval
over this guide's pages, compared on a labelled question set with recall@k and MRR.

Run from the repo root: python -m snippets.llm.retrieval_compare. The retrievers live
in snippets/llm/retrievers.py.
"""

from __future__ import annotations

import numpy as np

from snippets.llm.guide_corpus import chunk_pages, load_pages, load_questions
from snippets.llm.retrievers import (
    DenseIndex,
    HybridIndex,
    KeywordIndex,
    first_hit,
    interval,
    mean,
)
from snippets.skills.evaluation.model_comparison import decide, paired_difference

# --8<-- [start:compare]
pages = load_pages()
chunks = chunk_pages(pages)
questions = load_questions(pages=pages)
keyword, dense = KeywordIndex(chunks), DenseIndex(chunks)
systems = {"BM25": keyword, "dense": dense, "hybrid": HybridIndex(keyword, dense)}

print(f"{len(questions)} questions, {len(chunks)} chunks")
print(f"{'':8}{'recall@5 (95% CI)':<23}MRR (95% CI)")
rr, hit5, widths = {}, {}, []
for name, index in systems.items():
    ranks = first_hit(index, chunks, questions)
    rr[name], hit5[name] = 1.0 / ranks, (ranks <= 5).astype(float)
    (r_lo, r_hi), (m_lo, m_hi) = interval(hit5[name]), interval(rr[name])
    widths += [r_hi - r_lo, m_hi - m_lo]
    print(f"{name:8}{hit5[name].mean():.2f} ({r_lo:.2f} to {r_hi:.2f})    "
          f"{rr[name].mean():.2f} ({m_lo:.2f} to {m_hi:.2f})")  # fmt: skip

# Is hybrid better than BM25 alone? Same questions, so a paired comparison.
same = np.zeros(len(questions))  # no labels needed: the scores are per question
d = paired_difference(mean, same, rr["BM25"], rr["hybrid"], name="MRR")
verdict = decide(d, margin=0.0)
print(f"\nhybrid vs BM25: {d}\n  {verdict}")

# What the page says of this output, checked on every build:
assert all(0.5 < h.mean() < 1 for h in hit5.values())  # most questions, not all
assert min(widths) > 0.1  # wide intervals: resampling moves a metric by points
assert verdict.verdict != "promote"  # hybrid is not shown to beat BM25
# --8<-- [end:compare]
