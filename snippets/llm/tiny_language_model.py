# /// snippet
# depends = ["docs/practices/deployment.md", "docs/practices/monitoring.md",
#   "docs/practices/mlops.md", "docs/skills/model-evaluation.md",
#   "docs/skills/ml-concepts.md", "docs/practices/security-and-compliance.md",
#   "docs/practices/scalability.md", "docs/skills/data-preparation.md",
#   "docs/skills/mlops.md", "docs/skills/deep-learning.md",
#   "docs/practices/data-management.md"]
# ///
"""A real, tiny language model fitted in numpy on ten of this guide's pages.

A word-level n-gram model with interpolated absolute discounting: it predicts the next
word from the previous n-1 words. It writes badly, but its probabilities are real, so
next-token prediction, temperature, top-p, perplexity, context length and seeds can be
shown with real output. It implements the section's ``ChatModel`` interface.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from snippets.llm.chat_model import ChatModel, Completion, Message
from snippets.skills.evaluation.model_comparison import paired_difference

ROOT = Path(__file__).resolve().parents[2]  # the repository


# --8<-- [start:fit]
TRAIN_PAGES = [  # the text the model learns from
    "docs/practices/deployment.md",
    "docs/practices/monitoring.md",
    "docs/practices/mlops.md",
    "docs/skills/model-evaluation.md",
    "docs/skills/ml-concepts.md",
    "docs/practices/security-and-compliance.md",
    "docs/practices/scalability.md",
    "docs/skills/data-preparation.md",
    "docs/skills/mlops.md",
    "docs/skills/deep-learning.md",
]
HELD_OUT_PAGE = "docs/practices/data-management.md"  # never seen in training

DISCOUNT = 0.75  # a common choice for absolute discounting
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[.,;:?!()]")
START, END, UNKNOWN = "<s>", "</s>", "<unk>"


def sentences(path: str) -> list[list[str]]:
    """A page's prose as sentences of lowercase words and punctuation marks."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: expected front matter first; is this a guide page?")
    text = text.split("\n---\n", 1)[1]
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)  # directives
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)  # code blocks
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their words
    prose = [line for line in text.splitlines() if not line.lstrip().startswith("|")]
    words = WORD.findall(" ".join(prose).lower())
    found, current = [], []
    for word in words:
        current.append(word)
        if word in ".?!":
            found.append(current)
            current = []
    return [s for s in found + [current] if len(s) > 1]


class NGramModel:
    """P(next word | previous n-1 words), mixing orders n, n-1, ..., 1 (interpolated
    absolute discounting: Kneser-Ney without its continuation counts)."""

    def __init__(self, corpus: list[list[str]], order: int) -> None:
        counts = Counter(w for s in corpus for w in s)
        self.vocab = sorted({w for w, c in counts.items() if c >= 2}) + [END, UNKNOWN]
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.order = order
        # followers[k][context of k words] = Counter of the next word's index
        self.followers: list[dict[tuple, Counter]] = [
            defaultdict(Counter) for _ in range(order)
        ]
        for sentence in corpus:
            ids = [START] * (order - 1) + self.encode(sentence) + [END]
            for i in range(order - 1, len(ids)):
                for k in range(order):
                    context = tuple(ids[i - k : i])
                    self.followers[k][context][self.index[ids[i]]] += 1

    def encode(self, words: Sequence[str]) -> list[str]:
        return [w if w in self.index else UNKNOWN for w in words]

    def contexts(self, history: Sequence[str]):
        """(counts, total, distinct) for the last 0, 1, ... n-1 words, shortest first,
        stopping at the first context never seen in training."""
        history = [START] * (self.order - 1) + self.encode(history)
        for k in range(self.order):
            seen = self.followers[k].get(tuple(history[len(history) - k :]))
            if not seen:  # an unseen context: keep the shorter context's guess
                return
            yield seen, sum(seen.values()), len(seen)

    def next_word_probs(self, history: Sequence[str]) -> np.ndarray:
        """The full distribution over the vocabulary after `history`; sums to 1."""
        probs = np.full(len(self.vocab), 1.0 / len(self.vocab))  # no context: uniform
        for seen, total, distinct in self.contexts(history):
            # Take a fixed DISCOUNT off every count seen after this context and
            # hand that mass to the shorter context's guess, for the unseen words.
            observed = np.zeros(len(self.vocab))
            observed[list(seen)] = np.array(list(seen.values())) - DISCOUNT
            probs = observed / total + (DISCOUNT * distinct / total) * probs
        return probs

    def prob(self, word: str, history: Sequence[str]) -> float:
        """One entry of next_word_probs(history), without building the whole vector."""
        p, i = 1.0 / len(self.vocab), self.index[word]
        for seen, total, distinct in self.contexts(history):
            p = (
                max(seen.get(i, 0) - DISCOUNT, 0) / total
                + DISCOUNT * distinct / total * p
            )
        return p

    def sentence_surprise(self, sentence: list[str]) -> tuple[float, int]:
        """Total -log P of a sentence (its words and its end) and how many tokens."""
        words = self.encode(sentence) + [END]
        nll = sum(-np.log(self.prob(w, words[:i])) for i, w in enumerate(words))
        return float(nll), len(words)


def perplexity(model: NGramModel, corpus: list[list[str]]) -> float:
    """exp(mean -log P per token): the number of equally likely words it hesitates
    between, on average. Lower is better; a uniform guess scores the vocabulary size."""
    nll, tokens = zip(*(model.sentence_surprise(s) for s in corpus), strict=True)
    return float(np.exp(sum(nll) / sum(tokens)))


train = [s for page in TRAIN_PAGES for s in sentences(page)]
held_out = sentences(HELD_OUT_PAGE)
models = {n: NGramModel(train, order=n) for n in (1, 2, 3, 4)}
vocab_size = len(models[1].vocab)
unknown = np.mean([w not in models[1].index for s in held_out for w in s])
print(f"training text: {sum(map(len, train)):,} tokens in {len(train)} sentences")
print(f"held-out page: {sum(map(len, held_out)):,} tokens, vocabulary {vocab_size:,}")
print(f"held-out tokens outside the vocabulary (scored as <unk>): {unknown:.0%}")
print("order  context     perplexity on training text  on the held-out page")
ppl = {}
for n, model in models.items():
    ppl[n] = (perplexity(model, train), perplexity(model, held_out))
    print(f"{n:>5}  {n - 1} word(s)  {ppl[n][0]:>27.1f}  {ppl[n][1]:>20.1f}")

# What the page says of this output, checked on every build:
assert all(p[1] < vocab_size / 5 for p in ppl.values())  # far better than guessing
assert ppl[1][1] > 2 * ppl[2][1]  # one word of context more than halves it
assert ppl[4][0] < min(4, ppl[2][0] / 5)  # training perplexity falls steeply
assert abs(ppl[4][1] - ppl[2][1]) < 0.1 * ppl[2][1]  # held-out barely moves
assert 0.12 < unknown < 0.2  # "about one held-out token in six"
assert len(train) < 1000  # "under a thousand sentences of training text"
# --8<-- [end:fit]


# --8<-- [start:next-token]
def top(probs: np.ndarray, vocab: list[str], k: int = 5) -> str:
    best = np.argsort(-probs, kind="stable")[:k]
    return "  ".join(f"{vocab[i]} {probs[i]:.2f}" for i in best)


bigram, trigram = models[2], models[3]
for prompt in ("the production", "in production"):
    words = prompt.split()
    print(f"after {prompt!r}:")
    print(f"  bigram, sees 1 word:  {top(bigram.next_word_probs(words), bigram.vocab)}")
    print(
        f"  trigram, sees 2 words: {top(trigram.next_word_probs(words), trigram.vocab)}"
    )
bigram_a = bigram.next_word_probs(["the", "production"])
bigram_b = bigram.next_word_probs(["in", "production"])
trigram_a = trigram.next_word_probs(["the", "production"])
trigram_b = trigram.next_word_probs(["in", "production"])
print(f"each distribution sums to {trigram_a.sum():.6f}")

# What the page says of this output, checked on every build:
assert np.allclose(bigram_a, bigram_b)  # a one-word window cannot see "the" or "in"
assert trigram.vocab[np.argmax(trigram_a)] == "alias"  # "the production alias"
assert trigram.vocab[np.argmax(trigram_b)] == "."  # "... in production."
assert all(abs(p.sum() - 1) < 1e-9 for p in (bigram_a, trigram_a, trigram_b))
# --8<-- [end:next-token]


# --8<-- [start:temperature]
def with_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T), written on probabilities: p ** (1/T), renormalised.
    T below 1 sharpens the distribution, above 1 flattens it; T -> 0 is argmax."""
    if temperature == 0:
        greedy = np.zeros_like(probs)
        greedy[np.argmax(probs)] = 1.0
        return greedy
    with np.errstate(divide="ignore"):  # log(0) = -inf: a word that stays at 0
        logits = np.log(probs) / temperature
    scaled = np.exp(logits - logits.max())
    return scaled / scaled.sum()


def entropy_bits(probs: np.ndarray) -> float:
    nonzero = probs[probs > 0]
    return float(-(nonzero * np.log2(nonzero)).sum()) + 0.0  # + 0.0: no "-0.00"


base = trigram.next_word_probs(["the", "model"])
print("after 'the model', the five likeliest next words at each temperature:")
top_share, spread = {}, {}
for t in (0.0, 0.5, 1.0, 1.5):
    probs = with_temperature(base, t)
    top_share[t], spread[t] = probs.max(), entropy_bits(probs)
    print(f"  T={t:<4} {top(probs, trigram.vocab)}   entropy {spread[t]:.2f} bits")

# What the page says of this output, checked on every build:
assert trigram.vocab[np.argmax(base)] == ","  # the top word here is a comma
assert top_share[0.0] == 1.0 and spread[0.0] == 0  # T=0: always the top word
assert top_share[0.5] > top_share[1.0] > top_share[1.5]  # lower T, sharper
assert spread[0.5] < spread[1.0] < spread[1.5]  # higher T, flatter
# --8<-- [end:temperature]


# --8<-- [start:top-p]
def nucleus(probs: np.ndarray, top_p: float) -> np.ndarray:
    """Keep the smallest set of likeliest words whose probabilities reach top_p,
    drop the long tail, renormalise. top_p=1 keeps every word."""
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    keep = order[: int(np.searchsorted(cumulative, top_p * (1 - 1e-12))) + 1]
    kept = np.zeros_like(probs)
    kept[keep] = probs[keep]
    return kept / kept.sum()


print(f"words kept out of {len(trigram.vocab):,}:")
print("context        top word       top_p=0.5  top_p=0.75  top_p=0.9")
kept = {}
for prompt in ("confidence", "the"):
    probs = trigram.next_word_probs(prompt.split())
    kept[prompt] = [int((nucleus(probs, p) > 0).sum()) for p in (0.5, 0.75, 0.9)]
    best = f"{trigram.vocab[np.argmax(probs)]} {probs.max():.2f}"
    counts = "".join(f"{k:>11}" for k in kept[prompt])
    print(f"{prompt!r:<14} {best:<14}{counts}")

# What the page says of this output, checked on every build:
confidence = trigram.next_word_probs(["confidence"])
assert trigram.vocab[np.argmax(confidence)] == "interval" and confidence.max() > 0.5
assert kept["confidence"][0] == 1 < kept["the"][0]  # a confident context keeps one
assert kept["confidence"][1] <= 10  # "only a handful" at 0.75
assert kept["confidence"][1] < kept["the"][1] / 5  # and few to reach 0.75
assert min(kept["confidence"][2], kept["the"][2]) >= 24  # 0.9: dozens of words each
for prompt in ("confidence", "the"):  # at top_p=1 the tail outside 0.9 is kept
    probs = trigram.next_word_probs(prompt.split())
    tail = 1 - probs[nucleus(probs, 0.9) > 0].sum()
    assert 0.09 < tail <= 0.1  # "close to a tenth" in both contexts
    assert 1 - (1 - tail) ** 12 > 0.5  # "at that rate", a dozen tokens: likely
# --8<-- [end:top-p]


# --8<-- [start:sampling]
class TinyChatModel:
    """The n-gram model behind the section's ChatModel interface."""

    def __init__(self, model: NGramModel, *, seed: int) -> None:
        self.model = model
        self.rng = np.random.default_rng(seed)  # one random state, like a server's

    def complete(self, messages: Sequence[Message], **options: Any) -> Completion:
        started = time.perf_counter()
        temperature = options.get("temperature", 1.0)
        top_p = options.get("top_p", 1.0)
        max_tokens = options.get("max_tokens", 12)
        rng = (
            self.rng
            if options.get("seed") is None
            else np.random.default_rng(options["seed"])
        )
        history = WORD.findall(messages[-1]["content"].lower())
        out: list[str] = []
        finish = "length"
        while len(out) < max_tokens:
            probs = self.model.next_word_probs(history + out)
            probs[self.model.index[UNKNOWN]] = 0  # <unk> is not a word to write
            probs = nucleus(with_temperature(probs / probs.sum(), temperature), top_p)
            word = self.model.vocab[rng.choice(len(probs), p=probs)]
            if word == END:
                finish = "stop"
                break
            out.append(word)
        return Completion(
            text=" ".join(out),
            prompt_tokens=sum(len(WORD.findall(m["content"])) for m in messages),
            completion_tokens=len(out),
            latency_s=time.perf_counter() - started,
            model=f"tiny-{self.model.order}-gram",
            finish_reason=finish,
        )


chat: ChatModel = TinyChatModel(trigram, seed=0)
ask = [{"role": "user", "content": "Before you deploy the model"}]
runs = {
    "call 1, T=1 (no seed)": chat.complete(ask, top_p=0.9),
    "call 2, T=1 (no seed)": chat.complete(ask, top_p=0.9),
    "call 3, T=1, seed=7": chat.complete(ask, top_p=0.9, seed=7),
    "call 4, T=1, seed=7": chat.complete(ask, top_p=0.9, seed=7),
    "call 5, T=0": chat.complete(ask, temperature=0),
    "call 6, T=0": chat.complete(ask, temperature=0),
}
for label, result in runs.items():
    print(f"{label:<22} ... {result.text}")
text = {label: result.text for label, result in runs.items()}

# What the page says of this output, checked on every build:
assert text["call 1, T=1 (no seed)"] != text["call 2, T=1 (no seed)"]  # varies
assert text["call 3, T=1, seed=7"] == text["call 4, T=1, seed=7"]  # a seed repeats
assert text["call 5, T=0"] == text["call 6, T=0"]  # greedy needs no seed
# --8<-- [end:sampling]


# --8<-- [start:longer-context]
# Is the trigram really better than the bigram on unseen text, or is it noise?
# Resample the held-out page's sentences: each row is one sentence.
def as_rows(model: NGramModel) -> tuple[np.ndarray, np.ndarray]:
    nll, tokens = zip(*(model.sentence_surprise(s) for s in held_out), strict=True)
    return np.array(tokens), np.array(nll)


def corpus_perplexity(tokens: np.ndarray, nll: np.ndarray) -> float:
    return float(np.exp(nll.sum() / tokens.sum()))


tokens, nll_bigram = as_rows(bigram)
_, nll_trigram = as_rows(trigram)
_, nll_4gram = as_rows(models[4])
differences = {}
for name, candidate in (("trigram", nll_trigram), ("4-gram", nll_4gram)):
    differences[name] = paired_difference(
        corpus_perplexity,
        tokens,
        nll_bigram,
        candidate,
        name=f"held-out perplexity, {name} minus bigram",
        higher_is_better=False,
        resamples=1000,
        seed=0,
    )
    print(differences[name])

# Why: how often had the trigram seen the two words before each held-out word?
# (Sentence starts excluded: "<s> <s>" is seen at the start of every sentence.)
context_counts = [
    sum(trigram.followers[2].get(tuple(trigram.encode(s[i - 2 : i])), {}).values())
    for s in held_out
    for i in range(2, len(s))
]
rare = np.mean(np.array(context_counts) < 5)
print(
    f"held-out words whose two preceding words occur < 5 times in training: {rare:.0%}"
)

# What the page says of this output, checked on every build:
assert rare > 0.5  # "at most positions"
for d in differences.values():
    assert d.low < 0 < d.high  # within the noise of the bigram: no gain shown
# --8<-- [end:longer-context]
