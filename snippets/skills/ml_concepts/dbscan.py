"""DBSCAN vs k-means on two interleaved half-moons with scattered noise points:
density-based clustering finds arbitrary shapes and labels outliers as noise.

Run from the repo root: python snippets/skills/ml_concepts/dbscan.py
"""

import numpy as np
from sklearn.cluster import DBSCAN, KMeans
from sklearn.datasets import make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

# Small data: one OpenMP thread for KMeans is faster than a contended pool.
threadpool_limits(limits=1)

# --8<-- [start:cluster]
# Two crescent-shaped clusters plus 25 random points sprinkled over the area, the way
# bots or corrupted events sprinkle over real user behaviour.
X_moons, y_moons = make_moons(n_samples=400, noise=0.06, random_state=42)
rng = np.random.default_rng(42)
X_noise = rng.uniform(low=[-1.5, -1.0], high=[2.5, 1.5], size=(25, 2))
X = StandardScaler().fit_transform(np.vstack([X_moons, X_noise]))
truth = np.concatenate([y_moons, np.full(25, -1)])  # -1 marks the injected noise

# k-means assumes round blobs of similar size around a centre. It must assign every
# point, noise included, and cuts each moon in half.
km_labels = KMeans(n_clusters=2, n_init=10, random_state=42).fit_predict(X)

# DBSCAN: a point with at least min_samples neighbours within eps is a "core" point;
# clusters grow from core points through their neighbours. Points reachable from no
# core point are labelled -1 (noise). No k to choose - but eps must be chosen.
# A common heuristic for eps: look at each point's distance to its min_samples-th
# nearest point (counting itself, as DBSCAN does). Most points are close, noise is far;
# pick eps a little above where the bulk ends.
min_samples = 5
distances, _ = NearestNeighbors(n_neighbors=min_samples).fit(X).kneighbors(X)
kth = np.sort(distances[:, -1])
print(
    f"distance to {min_samples}th-nearest point: median {np.median(kth):.2f}, "
    f"90th pct {np.percentile(kth, 90):.2f}, max {kth.max():.2f}"
)

db = DBSCAN(eps=0.2, min_samples=min_samples).fit(X)
db_labels = db.labels_

print(f"\n{'':22}{'clusters':>9}{'noise pts':>11}{'ARI vs truth':>14}")
ari = {}
for name, labels in [("k-means (k=2)", km_labels), ("DBSCAN (eps=0.2)", db_labels)]:
    n_clusters = len(set(labels) - {-1})
    n_noise = int(np.sum(labels == -1))
    ari[name] = adjusted_rand_score(truth, labels)
    print(f"{name:22}{n_clusters:9d}{n_noise:11d}{ari[name]:14.3f}")
# ARI (adjusted Rand index) = agreement with the true grouping: 1.0 perfect, ~0 random.

injected = truth == -1
caught = np.sum(db_labels[injected] == -1)
# Injected points that happen to land inside a moon look like normal points; no
# density method can (or should) flag those.
print(f"\nDBSCAN flagged {caught} of the 25 injected noise points as noise")
print(f"moon points wrongly flagged as noise: {np.sum(db_labels[~injected] == -1)}")

# eps is the knob: too small shatters the data into noise, too large merges everything.
print("\neps   clusters  noise")
sweep = {}
for eps in [0.1, 0.15, 0.2, 0.3, 0.5, 1.0]:
    labels = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(X)
    sweep[eps] = len(set(labels) - {-1}), int(np.sum(labels == -1))
    print(f"{eps:4.2f}  {sweep[eps][0]:8d}  {sweep[eps][1]:5d}")

# What the page says of this output, checked on every build:
assert len(set(db_labels) - {-1}) == 2 and ari["DBSCAN (eps=0.2)"] > 0.9  # the moons
assert ari["k-means (k=2)"] < 0.5  # k-means cuts across them
assert (
    caught > 25 / 2 and np.sum(db_labels[~injected] == -1) <= 5
)  # first-pass outliers
assert sweep[0.1][0] > 10 and sweep[0.1][1] > 100  # too small: shattered, much noise
assert sweep[1.0][0] == 1  # too large: one cluster
# --8<-- [end:cluster]
