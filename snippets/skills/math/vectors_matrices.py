"""Vectors, matrices and eigenvectors with NumPy: the linear algebra behind embeddings,
neural-network layers and PCA.

Run from the repo root: python snippets/skills/math/vectors_matrices.py
"""

import numpy as np
from sklearn.decomposition import PCA

np.set_printoptions(precision=3, suppress=True)

# --8<-- [start:vectors]
# An embedding is just a fixed-length vector of floats. Texts that mean similar things
# should point in similar directions. These 4-d vectors are hand-made stand-ins for
# what a real embedding model returns (hundreds to thousands of dimensions).
embeddings = {
    "refund my order": np.array([0.9, 0.1, 0.0, 0.3]),
    "I want my money back": np.array([0.8, 0.2, 0.1, 0.4]),
    "reset my password": np.array([0.1, 0.9, 0.3, 0.0]),
    "login link expired": np.array([0.0, 0.7, 0.5, 0.1]),
}
a = embeddings["refund my order"]
b = embeddings["I want my money back"]

# Dot product: multiply element-wise, then sum. Large when vectors point the same way.
print(f"a . b by hand  = {sum(x * y for x, y in zip(a, b, strict=True)):.3f}")
print(f"a . b (np.dot) = {a @ b:.3f}")

# The L2 norm is the vector's length; dividing by it gives a unit vector.
print(f"|a| = {np.linalg.norm(a):.3f}, |b| = {np.linalg.norm(b):.3f}")


def cosine(u: np.ndarray, v: np.ndarray) -> float:
    # Cosine similarity ignores length and compares direction only, in [-1, 1].
    # This is the score a vector database ranks by for semantic search.
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


names = list(embeddings)
query = "refund my order"
print(f"\nNearest neighbours of {query!r}:")
scores = {name: cosine(embeddings[query], embeddings[name]) for name in names[1:]}
ranked = sorted(scores, key=scores.get, reverse=True)
for name in ranked:
    print(f"  {scores[name]:.3f}  {name}")
assert ranked[0] == "I want my money back"  # the two refund phrasings rank closest

# Normalise every row once, then one matrix multiply gives all pairwise cosines.
# Precomputing unit vectors is the same trick as caching a derived value at write time.
E = np.stack([embeddings[n] for n in names])
unit = E / np.linalg.norm(E, axis=1, keepdims=True)
print("\nPairwise cosine similarity matrix:")
print(unit @ unit.T)
# --8<-- [end:vectors]

# --8<-- [start:matrices]
# A dense neural-network layer is y = x @ W + b. A batch of 4 requests, each with
# 3 features, goes through a layer with 2 output units.
rng = np.random.default_rng(42)
X = rng.normal(size=(4, 3))  # (batch, in_features)
W = rng.normal(size=(3, 2))  # (in_features, out_features)
bias = np.array([0.5, -0.5])  # (out_features,)

# Inner dimensions must match: (4, 3) @ (3, 2) -> (4, 2). Shapes are the type system.
Z = X @ W + bias  # bias (2,) is broadcast across all 4 rows
H = np.maximum(Z, 0)  # ReLU non-linearity, applied element-wise
print(f"X {X.shape} @ W {W.shape} + b {bias.shape} -> {Z.shape}")
print("layer output after ReLU:")
print(H)

# Row 0 computed the slow way agrees with the vectorised version.
row0 = [sum(X[0, i] * W[i, j] for i in range(3)) + bias[j] for j in range(2)]
assert np.allclose(row0, Z[0])

# A shape mismatch fails loudly, like a schema violation at an API boundary.
try:
    X @ W.T
except ValueError:
    print(f"\nX {X.shape} @ W.T {W.T.shape} -> ValueError: inner dims 3 and 2 differ")

# Broadcasting: standardise each column by subtracting its mean and dividing by its std.
# (4, 3) - (3,) stretches the (3,) row over all 4 rows without copying it.
Xs = (X - X.mean(axis=0)) / X.std(axis=0)
# (+ 0.0 turns a printed "-0." into "0.")
print(f"\ncolumn means after standardising: {Xs.mean(axis=0).round(6) + 0.0}")
print(f"column stds  after standardising: {Xs.std(axis=0)}")
assert np.allclose(Xs.mean(axis=0), 0) and np.allclose(Xs.std(axis=0), 1)
# --8<-- [end:matrices]

# --8<-- [start:eigen]
# Two strongly correlated measurements, e.g. request size and response time.
rng = np.random.default_rng(42)
size = rng.normal(0, 1, 500)
latency = 0.8 * size + rng.normal(0, 0.4, 500)
data = np.column_stack([size, latency])

# Covariance matrix: how much each pair of features varies together.
cov = np.cov(data, rowvar=False)
print("covariance matrix:")
print(cov)

# eigh is for symmetric matrices (a covariance always is). Eigenvectors are the
# directions along which the data spreads; eigenvalues are the variance along each.
eigenvalues, eigenvectors = np.linalg.eigh(cov)
# eigh returns ascending order; we want the largest first.
order = np.argsort(eigenvalues)[::-1]
eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
# An eigenvector's sign is arbitrary (v and -v are both valid): make the largest entry
# positive so the output does not depend on the LAPACK build.
for j in range(eigenvectors.shape[1]):
    if eigenvectors[np.abs(eigenvectors[:, j]).argmax(), j] < 0:
        eigenvectors[:, j] *= -1
print(f"\neigenvalues: {eigenvalues}")
print(f"share of variance per direction: {eigenvalues / eigenvalues.sum()}")
print(f"first eigenvector (main direction): {eigenvectors[:, 0]}")
assert eigenvalues[0] / eigenvalues.sum() > 0.9  # one direction carries most variance

# Defining property: multiplying by the matrix only stretches an eigenvector.
v = eigenvectors[:, 0]
assert np.allclose(cov @ v, eigenvalues[0] * v)

# PCA is exactly this: its components are the covariance eigenvectors (up to sign)
# and its explained variance is the eigenvalues.
pca = PCA(n_components=2).fit(data)
assert np.allclose(np.abs(pca.components_), np.abs(eigenvectors.T))
assert np.allclose(pca.explained_variance_, eigenvalues)
print(f"PCA explained_variance_ratio_: {pca.explained_variance_ratio_}  (matches)")
# --8<-- [end:eigen]
