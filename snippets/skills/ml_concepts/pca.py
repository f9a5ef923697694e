"""PCA on the 8x8 handwritten digits bundled with scikit-learn: how much variance each
component explains, and what is kept when 64 pixels are squeezed into 2 or 20 numbers.

Run from the repo root: python -m snippets.skills.ml_concepts.pca
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from snippets.skills.evaluation.model_comparison import paired_difference

# Small matrices: a single BLAS thread avoids thread contention.
threadpool_limits(limits=1)

# --8<-- [start:explained-variance]
digits = load_digits()  # 1,797 images, each 8x8 = 64 pixel intensities (0-16)
X, y = digits.data, digits.target
print(f"data: {X.shape[0]} images x {X.shape[1]} pixel features")

# Fit PCA with all components to see how variance is spread across them. (Pixels share
# one unit, so no scaling here; features in different units need StandardScaler first.)
pca = PCA(random_state=42).fit(X)
ratio = pca.explained_variance_ratio_
cumulative = np.cumsum(ratio)

print("\ncomponent  explained  cumulative")
for i in [0, 1, 2, 3, 4, 9, 19, 29, 39]:
    print(f"{i + 1:9d}  {ratio[i]:9.3f}  {cumulative[i]:10.3f}")

for target in [0.80, 0.90, 0.95, 0.99]:
    needed = int(np.searchsorted(cumulative, target)) + 1
    print(f"components for {target:.0%} of the variance: {needed:2d} of 64")
# A few edge pixels are always 0 and carry no information at all:
constant = X.std(axis=0) == 0
print(f"pixels that never vary: {int(constant.sum())}")

# What the page says of this output, checked on every build:
assert np.all(X[:, constant] == 0)
assert int(np.searchsorted(cumulative, 0.90)) + 1 == 21  # 21 of 64 for 90%
# --8<-- [end:explained-variance]

# --8<-- [start:project]
# Project to 2 dimensions, e.g. for a scatter plot or a quick look at the structure.
pca2 = PCA(n_components=2, random_state=42)
X2 = pca2.fit_transform(X)
kept = pca2.explained_variance_ratio_.sum()
print(f"2-D projection {X2.shape}: keeps {kept:.1%} of the variance")

# Where each digit's images land on average in the 2-D space.
print("\ndigit  mean PC1  mean PC2")
for d in range(10):
    print(f"{d:5d}  {X2[y == d, 0].mean():8.1f}  {X2[y == d, 1].mean():8.1f}")

# What is lost at each size k? Fit on training images only, then on unseen test images
# measure the reconstruction error (compress, decompress, compare) and whether a
# downstream k-NN classifier still works. Fewer features = smaller payloads and faster
# nearest-neighbour search: a storage/latency vs accuracy trade-off.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)
print("\n k  variance kept  reconstruction RMSE  k-NN test accuracy")
predictions, variance_kept = {}, {}
for k in [2, 10, 20, 64]:
    model = make_pipeline(PCA(n_components=k, random_state=42), KNeighborsClassifier())
    model.fit(X_train, y_train)
    p = model[0]  # the fitted PCA step
    restored = p.inverse_transform(p.transform(X_test))
    rmse = np.sqrt(np.mean((X_test - restored) ** 2))  # pixel scale is 0-16
    kept = p.explained_variance_ratio_.sum()
    print(f"{k:2d}  {kept:13.1%}  {rmse:19.2f}  {model.score(X_test, y_test):18.3f}")
    predictions[k], variance_kept[k] = model.predict(X_test), kept

# Does 20 components cost accuracy? Same 540 test images for both: a paired interval
# (model_comparison.py, taught on the evaluation page).
loss = paired_difference(
    accuracy_score, y_test, predictions[64], predictions[20], name="accuracy"
)
print(f"\n20 components minus all 64: {loss}")

# What the page says of this output, checked on every build: 20 of 64 components keep
# about nine tenths of the variance, and k-NN accuracy moves by less than 0.02 either way.
assert 0.85 < variance_kept[20] < 0.92
assert -0.02 < loss.low and loss.high < 0.02
# --8<-- [end:project]
