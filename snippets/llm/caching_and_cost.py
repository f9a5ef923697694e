# /// snippet
# depends = ["data/llm_prices.yaml"]
# ///
"""Exact and normalised-prompt caches on a skewed request log, with per-request cost."""

import hashlib
import json
import unicodedata
from collections import OrderedDict

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from scripts import ROOT
from scripts.pipeline.knowledge_base.schema import LLMPrice

rng = np.random.default_rng(16)
who = np.random.default_rng(
    17
)  # who asked: its own stream, so the questions stay the same

# --8<-- [start:log]
# A synthetic day of support questions: a few FAQs asked again and again (Zipf-like),
# typed with different case and spacing, plus a long tail of order-status questions
# that each name a different order and never repeat. Every request comes from one of
# 300 users of a single tenant; an order-status question comes from the order's owner.
VERBS = ["reset", "change", "cancel", "update", "export", "delete", "verify", "renew"]
THINGS = [
    "password", "email address", "subscription", "billing plan", "invoice", "API key",
    "two-factor login", "shipping address", "team seat", "webhook", "data export",
    "payment card", "username", "refund request", "trial", "notification settings",
]  # fmt: skip
faqs = [f"How do I {v} my {t}?" for v in VERBS for t in THINGS]  # 128 intents
popularity = 1 / np.arange(1, len(faqs) + 1) ** 1.1
popularity /= popularity.sum()
answer_tokens = rng.lognormal(np.log(220), 0.4, len(faqs)).astype(int)


def typed(text: str) -> str:
    """How a person might type the same question: case and spacing vary."""
    r = rng.random()
    if r < 0.25:
        return text.lower()
    if r < 0.40:
        return "  " + text.replace(" ", "  ", 1)
    if r < 0.50:
        return text.rstrip("?") + " ?"
    return text


USERS = 300
log = []  # (question, intent id, completion tokens, user id)
for _ in range(4_000):
    if rng.random() < 0.15:
        order = int(rng.integers(10_000, 99_999))
        owner = f"user-{order % USERS}"  # each order belongs to one customer
        log.append(
            (f"What is the status of order {order}?", f"order-{order}", 90, owner)
        )
    else:
        i = int(rng.choice(len(faqs), p=popularity))
        user = f"user-{int(who.integers(USERS))}"
        log.append((typed(faqs[i]), f"faq-{i}", int(answer_tokens[i]), user))

counts = np.sort(np.bincount(rng.choice(len(faqs), 100_000, p=popularity)))[::-1]
top_tenth = counts[: len(faqs) // 10].sum() / counts.sum()
distinct = len({intent for _, intent, _, _ in log})
askers = len({user for *_, user in log})
print(f"{len(log)} requests from {askers} users, {distinct} distinct intents")
print(f"the top tenth of FAQs draws {top_tenth:.0%} of FAQ traffic")

# What the page says of this output, checked on every build:
assert top_tenth > 0.5  # skewed: a few questions dominate
# --8<-- [end:log]


# --8<-- [start:cost]
raw = yaml.safe_load((ROOT / "data" / "llm_prices.yaml").read_text(encoding="utf-8"))
prices = {}
for number, entry in enumerate(raw, start=1):
    try:
        price = LLMPrice.model_validate(entry)
    except ValueError as exc:
        raise SystemExit(f"data/llm_prices.yaml entry {number}: {exc}") from None
    prices[price.id] = price

SYSTEM_AND_CONTEXT_TOKENS = 1_200  # instructions + retrieved passages, every request


def prompt_tokens(question: str) -> int:
    # A stand-in for the model's tokenizer: about 1.3 tokens per English word.
    return SYSTEM_AND_CONTEXT_TOKENS + round(1.3 * len(question.split()))


def cost(price: LLMPrice, tokens_in: int, tokens_out: int) -> float:
    return (
        tokens_in * price.input_per_million + tokens_out * price.output_per_million
    ) / 1e6


small = prices["openrouter-gpt-4o-mini-2024-07-18"]
large = prices["openrouter-gpt-4o-2024-08-06"]
print(f"prices read {small.read_on} ({small.provider}, {small.currency} per M tokens)")
print(f"{'request':<44}{'in':>6}{'out':>5}{small.model:>30}")
for question, _, out, _ in log[:4]:
    tokens_in = prompt_tokens(question)
    print(f"{question!r:<44}{tokens_in:>6}{out:>5}{cost(small, tokens_in, out):>30.6f}")
total = {
    p.model: sum(cost(p, prompt_tokens(q), out) for q, _, out, _ in log)
    for p in (small, large)
}
for model, amount in total.items():
    print(f"whole log on {model}: {amount:.2f} {small.currency}")

# What the page says of this output, checked on every build:
# input tokens dominate the bill: a long shared prompt is paid on every call
share_in = sum(prompt_tokens(q) * small.input_per_million for q, *_ in log) / (
    total[small.model] * 1e6
)
print(f"share of the bill paid for input tokens: {share_in:.0%}")
assert share_in > 0.5
assert total[large.model] > 10 * total[small.model]
# --8<-- [end:cost]


# --8<-- [start:caches]
PROMPT_VERSION = "support-answer@7"  # bump it and every cached answer is a miss
INDEX_VERSION = "help-centre@2026-11-30"  # re-index the documents: every answer a miss
USER_SCOPED = ("orders/", "accounts/")  # sources that only their owner may read


def retrieve(intent: str) -> list[str]:
    """Stand-in for retrieval after the permission filter: the ids of what it returned."""
    if intent.startswith("order-"):  # the caller's own order record
        return [f"orders/{intent.removeprefix('order-')}"]
    return [f"help/{intent}"]  # a help-centre article every user of the tenant may read


def access_scope(user: str, sources: list[str]) -> tuple[str, ...]:
    """Who may be served an answer built from these sources.

    An answer that read anything user-scoped (an order, an account) belongs to that
    user alone. Otherwise it is shared only with callers whose retrieval, after the
    permission filter, returned exactly the same documents.
    """
    if any(source.startswith(USER_SCOPED) for source in sources):
        return ("user", user)
    return ("documents", *sorted(sources))


def exact_key(question: str, model: str, *, tenant: str, scope: tuple) -> str:
    # Everything that changes the answer, or who may see it, is in the key: model,
    # prompt version, sampling settings, tenant, index version and access scope.
    # tenant and scope are required: there is no default to forget.
    material = json.dumps(
        [model, PROMPT_VERSION, "temperature=0", tenant, INDEX_VERSION, scope, question]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def normalised_key(question: str, model: str, *, tenant: str, scope: tuple) -> str:
    text = unicodedata.normalize("NFKC", question).casefold()
    text = " ".join(text.replace(" ?", "?").split())  # collapse runs of whitespace
    return exact_key(text, model, tenant=tenant, scope=scope)


class LRUCache:
    def __init__(self, capacity: int) -> None:
        self.capacity, self.items = capacity, OrderedDict()

    def get(self, key: str) -> bool:
        if key in self.items:
            self.items.move_to_end(key)
            return True
        return False

    def put(self, key: str) -> None:
        self.items[key] = True
        self.items.move_to_end(key)
        if len(self.items) > self.capacity:
            self.items.popitem(last=False)  # evict the least recently used


def replay(key_fn, *, cache_user_scoped: bool = True) -> tuple[float, float]:
    """Hit rate and money saved over the log, with a 200-entry cache."""
    cache, hits, saved = LRUCache(capacity=200), 0, 0.0
    for question, intent, out, user in log:
        scope = access_scope(user, retrieve(intent))  # look up after retrieval
        if not cache_user_scoped and scope[0] == "user":
            continue  # answered by the model every time, never stored
        key = key_fn(question, small.model, tenant="acme", scope=scope)
        if cache.get(key):
            hits += 1
            saved += cost(small, prompt_tokens(question), out)
        else:
            cache.put(key)
    return hits / len(log), saved


def key_for(user: str, question: str, intent: str) -> str:
    scope = access_scope(user, retrieve(intent))
    return normalised_key(question, small.model, tenant="acme", scope=scope)


results = {}
for name, key_fn in (("exact", exact_key), ("normalised", normalised_key)):
    results[name] = replay(key_fn)
    rate, saved = results[name]
    print(f"{name:<11} hit rate {rate:5.1%}, saved {saved:.2f} {small.currency}")
ceiling = 1 - distinct / len(log)  # every repeat of an intent answered from cache
print(f"ceiling if every repeat of an intent hit: {ceiling:.1%}")
unbounded, seen = 0, set()
for question, intent, _, user in log:
    key = key_for(user, question, intent)
    unbounded += key in seen
    seen.add(key)
print(f"normalised, unlimited room:  hit rate {unbounded / len(log):5.1%}")
skip_rate, skip_saved = replay(normalised_key, cache_user_scoped=False)
print(f"normalised, user-scoped answers not stored: hit rate {skip_rate:5.1%}")


# Two users of one tenant ask the same two questions: which answers do they share?
order = ("What is the status of order 48213?", "order-48213")
faq = ("How do I reset my password?", "faq-0")
shared_order = key_for("user-1", *order) == key_for("user-2", *order)
shared_faq = key_for("user-1", *faq) == key_for("user-2", *faq)
for label, shared in (("order status", shared_order), ("help answer", shared_faq)):
    print(f"same {label}, two users: {'one shared' if shared else 'separate'} entry")

# What the page says of this output, checked on every build:
exact_rate, exact_saved = results["exact"]
norm_rate, norm_saved = results["normalised"]
assert 0 < exact_rate < norm_rate < ceiling  # normalising recovers typing variants
assert norm_saved > exact_saved
assert norm_rate > 0.5  # on skewed traffic, most requests are repeats
assert ceiling - norm_rate < norm_rate - exact_rate  # most of the gap is typing
assert unbounded == len(log) - distinct  # the rest of the gap is evictions
# not storing the one-off order answers leaves room for every FAQ: the ceiling
assert norm_rate < skip_rate and round(skip_rate * len(log)) == len(log) - distinct
assert not shared_order  # one user's order status is never served to another
assert shared_faq  # an answer built from documents both may read is shared
# --8<-- [end:caches]


# --8<-- [start:semantic-risk]
# A semantic cache looks up the nearest earlier question by vector similarity. Here
# character n-gram TF-IDF stands in for an embedding model.
pairs = [
    ("How do I reset my password?", "I forgot my password, how can I set a new one?"),
    ("What is the status of order 48213?", "What is the status of order 48231?"),
]
vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))
vectoriser.fit([q for q, *_ in log] + [t for pair in pairs for t in pair])
similarity = [
    float(cosine_similarity(vectoriser.transform([a]), vectoriser.transform([b]))[0, 0])
    for a, b in pairs
]
print(f"same meaning, different words:  {similarity[0]:.2f}")
print(f"different orders, digits swapped: {similarity[1]:.2f}")

# What the page says of this output, checked on every build:
# the two different orders look more alike than the true paraphrase, so any
# threshold that serves the paraphrase from cache also serves the wrong order
assert similarity[1] > similarity[0]
# --8<-- [end:semantic-risk]
