# /// snippet
# depends = ["docs/**/*.md", "snippets/llm/guide_questions.yaml"]
# ///
"""RAG evaluation as a regression test: retrieval metrics on a labelled set, a
groundedness check on citations, and a gate that blocks a change only when the data
is sure it made things worse.

Run from the repo root: python -m snippets.llm.rag_eval_gate
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from snippets.llm.chat_model import ScriptedModel
from snippets.llm.guide_corpus import Chunk, chunk_pages, load_pages, load_questions
from snippets.llm.retrievers import KeywordIndex, mean, words
from snippets.skills.evaluation.model_comparison import decide, paired_difference

pages = load_pages()
questions = load_questions(pages=pages)


# --8<-- [start:answer]
@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[str]  # chunk ids the answer says it used


def extractive_answer(question: str, retrieved: list[Chunk]) -> Answer:
    """A stand-in for the model: return the retrieved sentence sharing the most words
    with the question, citing its chunk. No model, so no wording to drift, and the
    evaluation code around it is the code a real model would need."""
    asked = set(words([question])[0])
    best = (0, "", "")
    for chunk in retrieved:
        for sentence in re.split(r"(?<=[.?!])\s+", chunk.text):
            overlap = len(asked & set(words([sentence])[0]))
            if overlap > best[0]:
                best = (overlap, sentence, chunk.id)
    return Answer(best[1], [best[2]] if best[2] else [])


def grounded(answer: Answer, retrieved: list[Chunk]) -> bool:
    """Every chunk the answer cites was retrieved for this question (and it cites one)."""
    shown = {c.id for c in retrieved}
    return bool(answer.citations) and set(answer.citations) <= shown


def evaluate(chunks: list[Chunk], index, k: int = 5):
    """Per question: reciprocal rank of the first labelled chunk in the top k (0 if
    none), whether the answer cites a labelled section, and whether it is grounded."""
    rr, correct, ok = [], [], []
    for q in questions:
        top = [chunks[i] for i in index.rank(q.question)[:k]]
        right = [c.section in q.answers or c.page in q.answers for c in top]
        rr.append(1 / (right.index(True) + 1) if any(right) else 0.0)
        answer = extractive_answer(q.question, top)
        cited = {c.id: r for c, r in zip(top, right, strict=True)}
        correct.append(float(any(cited.get(c, False) for c in answer.citations)))
        ok.append(grounded(answer, top))
    return np.array(rr), np.array(correct), np.array(ok)


chunks = chunk_pages(pages)
baseline = evaluate(chunks, KeywordIndex(chunks))
q = questions[0]
top = [chunks[i] for i in KeywordIndex(chunks).rank(q.question)[:5]]
answer = extractive_answer(q.question, top)
print(f"Q: {q.question}\nA: {answer.text}\n   cites {answer.citations[0]}")
print(f"extractive answer grounded: {grounded(answer, top)}")

# With a model, the prompt carries each chunk's id and the reply cites ids in brackets.
# A ScriptedModel replays two recorded replies; the second cites a chunk never retrieved.
CITATION = re.compile(r"\[([^\]\s]+)\]")
sources = "\n\n".join(f"[{c.id}] {c.text}" for c in top)
prompt = [
    {
        "role": "system",
        "content": f"Answer only from these sources; cite ids.\n{sources}",
    },
    {"role": "user", "content": q.question},
]
model = ScriptedModel(
    [
        f"Precision is the share of flagged cases that were real [{top[0].id}].",
        "Precision is the share of alerts that were real [faq.md#precision/0].",
    ]
)
replies = []
for _ in range(2):
    text = model.complete(prompt, temperature=0).text
    replies.append(Answer(text, CITATION.findall(text)))
    print(f"scripted reply cites {replies[-1].citations}: "
          f"grounded {grounded(replies[-1], top)}")  # fmt: skip
rr, correct, ok = baseline
print(f"\nbaseline on {len(questions)} questions: MRR@5 {rr.mean():.2f}, "
      f"answer from a labelled section {correct.mean():.2f}, grounded {ok.mean():.2f}")  # fmt: skip

# What the page says of this output, checked on every build:
assert grounded(answer, top) and grounded(replies[0], top)
assert not grounded(replies[1], top)  # the invented citation is caught
assert ok.all()  # an extractive answer can only cite what was retrieved
assert correct.mean() < 0.5  # grounded is not right: under half cite an answer
assert correct.mean() <= (rr > 0).mean()  # a right answer needs a right chunk
# --8<-- [end:answer]


# --8<-- [start:gate]
MARGIN = 0.0  # fixed before any run: block a change only if it surely lowers a score


def gate(name: str, candidate) -> tuple[bool, list]:
    """Compare a candidate pipeline with the baseline on the same questions."""
    print(f"\n{name}")
    passed, results = True, []
    same = np.zeros(len(questions))  # per-question scores: no separate labels
    scores = zip(("MRR@5", "answer right"), baseline, candidate, strict=False)
    for label, before, after in scores:
        d = paired_difference(mean, same, before, after, name=label)
        verdict = decide(d, MARGIN)
        worse = verdict.verdict == "keep"  # keep the baseline: surely worse
        print(
            f"  {d}\n    {verdict.verdict}: {'worse' if worse else 'not shown worse'}"
        )
        passed &= not worse
        results.append((d, verdict.verdict))
    print(f"  gate: {'PASS' if passed else 'FAIL'}")
    return passed, results


no_headings, a = gate(
    "candidate A: index chunk text without the page title and heading",
    evaluate(chunks, KeywordIndex(chunks, with_headings=False)),
)
small_overlap = chunk_pages(pages, max_words=120, overlap=20)
less_overlap, b = gate(
    "candidate B: overlap between windows 20 words instead of 30",
    evaluate(small_overlap, KeywordIndex(small_overlap)),
)

# What the page says of this output, checked on every build:
assert not no_headings  # dropping headings is blocked...
assert a[0][1] == "keep" and a[0][0].high < 0  # MRR surely falls
assert less_overlap  # the harmless change is not shown worse on either score,
assert abs(b[0][0].estimate) < 0.05  # and its effect on MRR is small
# --8<-- [end:gate]
