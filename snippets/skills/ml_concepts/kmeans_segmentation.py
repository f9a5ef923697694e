"""Customer segmentation with k-means: scale the features, choose k with the elbow and
silhouette scores, then describe each segment in the original units.

Run from the repo root: python snippets/skills/ml_concepts/kmeans_segmentation.py
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

pd.set_option("display.width", 100)
# KMeans runs on OpenMP threads. For a few hundred rows, thread start-up and contention
# cost more than the maths, so use one thread (same lesson as over-sized worker pools).
threadpool_limits(limits=1)

# --8<-- [start:data]
# Purchase behaviour for 600 customers, generated from four hidden groups. The model
# never sees the group; we keep it only to check the result afterwards.
rng = np.random.default_rng(42)
groups = {
    # name: (count, recency_days mean, orders_per_year mean, avg_order_value mean)
    "loyal big spenders": (120, 12, 24, 95),
    "regular": (240, 30, 10, 45),
    "bargain hunters": (140, 45, 14, 18),
    "lapsed": (100, 200, 2, 40),
}
frames = []
for name, (count, recency, frequency, value) in groups.items():
    frames.append(
        pd.DataFrame(
            {
                "recency_days": rng.gamma(4, recency / 4, count).round(),
                "orders_per_year": rng.poisson(frequency, count),
                "avg_order_value": rng.normal(value, value / 5, count).clip(5),
                "hidden_group": name,
            }
        )
    )
customers = pd.concat(frames, ignore_index=True)
features = ["recency_days", "orders_per_year", "avg_order_value"]
summary = customers[features].describe().loc[["mean", "std", "min", "max"]]
print(summary.round(1).to_string())

# k-means works with distances, so a feature measured in hundreds (recency) would drown
# one measured in tens. Standardise: mean 0, std 1 for every column.
scaler = StandardScaler()
X = scaler.fit_transform(customers[features])
means, stds = X.mean(axis=0).round(2) + 0.0, X.std(axis=0).round(2)  # +0.0: no "-0."
print(f"\nafter scaling - means: {means}, stds: {stds}")
# --8<-- [end:data]

# --8<-- [start:choose-k]
# Try several k. Inertia (sum of squared distances to the nearest centroid) always falls
# as k grows, so look for the "elbow" where it stops falling fast. Silhouette (-1..1)
# measures how well separated the clusters are; higher is better.
ks = range(2, 9)
inertia, silhouette = [], []
for k in ks:
    km = KMeans(n_clusters=k, n_init=10, random_state=42).fit(X)
    inertia.append(km.inertia_)
    silhouette.append(silhouette_score(X, km.labels_))

print(" k   inertia  silhouette")
for k, i, s in zip(ks, inertia, silhouette, strict=True):
    print(f"{k:2d}  {i:8.1f}  {s:10.3f}")
best_k = list(ks)[int(np.argmax(silhouette))]
print(f"highest silhouette at k={best_k}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7, 3.2))
ax1.plot(list(ks), inertia, marker="o")
ax1.set(title="Elbow: inertia vs k", xlabel="number of clusters k", ylabel="inertia")
ax2.plot(list(ks), silhouette, marker="o", color="tab:orange")
ax2.axvline(best_k, color="grey", linestyle="--", linewidth=1)
ax2.set(title="Silhouette vs k", xlabel="number of clusters k", ylabel="silhouette")
fig.tight_layout()
plt.show()

# What the page and the next section say of this output, checked on every build:
assert best_k == 3  # silhouette peaks at 3
drops = -np.diff(inertia)  # how much inertia each extra cluster removes
assert drops[0] > 3 * drops[1] > drops[2]  # the elbow: big gains stop after k = 3-4
# --8<-- [end:choose-k]

# --8<-- [start:segments]
# The scores are evidence, not a verdict: silhouette peaks at 3, the elbow bends at 3-4.
# k=4 splits "regular" from "bargain hunters", two groups a marketing team would treat
# differently, so we take 4. Choosing k is a product decision backed by numbers.
kmeans = KMeans(n_clusters=4, n_init=10, random_state=42).fit(X)
customers["segment"] = kmeans.labels_

# Centroids live in scaled space; inverse_transform turns them back into days, orders
# and currency - the units a marketing team (or a product manager) can act on.
centres = scaler.inverse_transform(kmeans.cluster_centers_)
centroids = pd.DataFrame(centres, columns=features)
centroids["customers"] = customers["segment"].value_counts().sort_index()
centroids["share"] = (centroids["customers"] / len(customers)).map("{:.0%}".format)
centroids["yearly_spend"] = centroids["orders_per_year"] * centroids["avg_order_value"]
centroids = centroids.sort_values("yearly_spend", ascending=False)
# Segment numbers are arbitrary (they change with the seed). Naming the rows - "loyal
# big spenders", "lapsed" - is human work, and the names are what the business uses.
print(centroids.round(1).to_string())

# Check against the hidden groups (only possible because the data is generated).
print("\nhidden group vs segment found:")
crosstab = pd.crosstab(customers["hidden_group"], customers["segment"])
print(crosstab.to_string())

# What the page says of this output, checked on every build: each hidden group has a
# segment of its own holding most of it; the biggest leak is lapsed -> regular.
shares = crosstab.div(crosstab.sum(axis=1), axis=0)
assert shares.idxmax(axis=1).is_unique  # four groups, four different segments
assert (shares.max(axis=1) >= 0.75).all()
regular_segment = shares.loc["regular"].idxmax()
assert 0.2 <= shares.loc["lapsed", regular_segment] <= 0.3  # about a quarter
# --8<-- [end:segments]
