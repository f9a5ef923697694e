"""The retrievers compared on the "Retrieval and evaluation" page: keyword (BM25), dense
(TF-IDF + SVD) and hybrid (reciprocal rank fusion), plus the per-question metrics.

Imported by snippets/llm/retrieval_compare.py, snippets/llm/rag_eval_gate.py and the
"Ask the guide" notebook: ``from snippets.llm.retrievers import KeywordIndex, ...``.
"""

from __future__ import annotations

import bm25s
import numpy as np
from scipy.stats import bootstrap
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from snippets.llm.guide_corpus import Chunk


# --8<-- [start:retrievers]
def words(texts: list[str]) -> list[list[str]]:
    """Lowercase word tokens without English stopwords, as bm25s splits them."""
    return bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)


class KeywordIndex:
    """BM25 (bm25s, Lucene variant, k1=1.5, b=0.75): an inverted index's scoring."""

    def __init__(self, chunks: list[Chunk], with_headings: bool = True):
        self.bm25 = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        texts = [c.indexed_text(with_headings) for c in chunks]
        self.bm25.index(words(texts), show_progress=False)

    def rank(self, query: str) -> np.ndarray:
        scores = self.bm25.get_scores(words([query])[0])
        return np.argsort(-scores, kind="stable")  # every chunk, best first


class DenseIndex:
    """TF-IDF reduced to 128 dimensions by SVD (latent semantic analysis), cosine
    similarity: a stand-in for a neural embedding model that needs no download."""

    def __init__(self, chunks: list[Chunk], with_headings: bool = True, dims=128):
        texts = [c.indexed_text(with_headings) for c in chunks]
        self.tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        self.svd = TruncatedSVD(n_components=dims, random_state=0)
        self.vectors = normalize(
            self.svd.fit_transform(self.tfidf.fit_transform(texts))
        )

    def rank(self, query: str) -> np.ndarray:
        q = normalize(self.svd.transform(self.tfidf.transform([query])))
        return np.argsort(-(self.vectors @ q[0]), kind="stable")


class HybridIndex:
    """Reciprocal rank fusion: score = sum over retrievers of 1 / (k + rank), with
    k = 60 as in Cormack, Clarke and Buettcher (SIGIR 2009). Ranks, not scores, are
    fused, so BM25's unbounded scores and cosines need no common scale."""

    def __init__(self, *indexes, k: int = 60):
        self.indexes, self.k = indexes, k

    def rank(self, query: str) -> np.ndarray:
        fused = 0.0
        for index in self.indexes:
            order = index.rank(query)
            ranks = np.empty(len(order))
            ranks[order] = np.arange(1, len(order) + 1)
            fused = fused + 1.0 / (self.k + ranks)
        return np.argsort(-fused, kind="stable")


def first_hit(index, chunks: list[Chunk], questions) -> np.ndarray:
    """Per question, the rank (1 = top) of the first chunk from a labelled section."""
    ranks = []
    for q in questions:
        wanted = set(q.answers)
        order = index.rank(q.question)
        hits = [r for r, i in enumerate(order, 1) if chunks[i].section in wanted
                or chunks[i].page in wanted]  # fmt: skip
        ranks.append(hits[0] if hits else len(order) + 1)
    return np.array(ranks)


def interval(values: np.ndarray) -> tuple[float, float]:
    """95% percentile-bootstrap interval of a mean over questions."""
    ci = bootstrap((values,), np.mean, n_resamples=1000, method="percentile",
                   rng=np.random.default_rng(0)).confidence_interval  # fmt: skip
    return ci.low, ci.high


# --8<-- [end:retrievers]


def mean(_, scores) -> float:
    """A metric for paired_difference over per-question scores: their plain mean."""
    return float(np.mean(scores))
