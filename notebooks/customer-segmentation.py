# ---
# jupyter:
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
# # Project: customer segments a product team can use
#
# **What you will build:** a customer segmentation from purchase behaviour: how recently and
# how often people buy, how much they spend, what they buy and how long they have been
# customers. You will scale the features, choose the number of segments with three
# different checks, fit K-means, draw the customers on a 2-D map with PCA, and hand over a
# one-page table that says who is in each segment and what to do about them.
#
# **The backend concept it maps to:** a *derived attribute computed by a batch job*, like a
# nightly materialised view. Other teams will read `segment` the way they read any column,
# so it needs what any shared field needs: a stable meaning between runs, a definition you
# can explain in one sentence, and a note in the docs about what it is *not*. Clustering has
# no labels and no accuracy score, so most of the work below is making the result stable and
# explainable rather than "correct".
#
# The steps:
#
# 1. Generate purchase data for 3,000 customers and look at it.
# 2. Transform and scale the features (and see what goes wrong without scaling).
# 3. Choose k with the elbow, the silhouette score and stability across seeds.
# 4. Fit K-means and look at the result on a PCA map.
# 5. Describe each segment in plain language, with sizes and an action per segment.
# 6. Caveats: what clusters can and cannot tell you.
#
# Everything is seeded and runs on a laptop CPU in a few seconds.

# %%
# %matplotlib inline
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from snippets.skills.evaluation.model_comparison import decide, paired_difference

SEED = 11
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 120)
pd.set_option("display.float_format", lambda v: f"{v:,.2f}")
plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})
# K-means uses a pool of OpenMP threads. On a few thousand rows the threads cost more than
# they save, and one thread also makes timings repeatable (the same reasoning as right-sizing
# a worker pool for small jobs).
thread_limit = threadpool_limits(limits=1)  # keep a reference; the limit stays on

# %% [markdown]
# ## 1. Generate purchase behaviour
#
# A real project would start from an orders table aggregated per customer. We generate the
# per-customer table directly, from five hidden groups with different habits. The model never
# sees the group; we keep it aside to check, at the end, how much of the hidden structure the
# clustering recovered. (In real life that check is impossible, which is exactly why the
# caveats section exists.)
#
# Columns, per customer, over the last 12 months unless stated:
#
# | Column | Meaning |
# |---|---|
# | `recency_days` | days since the last order |
# | `orders_12m` | number of orders |
# | `spend_12m` | total spend in EUR |
# | `tenure_months` | months since the first order |
# | `discount_share` | share of orders that used a discount code |
# | `share_electronics`, `_home`, `_fashion`, `_grocery` | category mix of spend, sums to 1 |
#
# The hidden groups overlap on purpose: real customers do not come in tidy blobs.

# %%
rng = np.random.default_rng(SEED)
N = 3_000

# name: (share, recency mean days, orders mean, avg order EUR, tenure mean months,
#        discount share mean, category preference weights: electronics, home, fashion, grocery)
GROUPS = {
    "loyal regulars": (0.22, 12, 22, 55, 48, 0.10, (2, 3, 3, 6)),
    "deal seekers": (0.24, 25, 14, 22, 30, 0.65, (2, 3, 5, 4)),
    "new customers": (0.18, 20, 3, 45, 3, 0.30, (3, 3, 3, 3)),
    "drifting away": (0.21, 210, 2, 40, 40, 0.20, (2, 4, 4, 3)),
    "big-ticket occasionals": (0.15, 70, 3, 320, 36, 0.10, (9, 4, 1, 1)),
}
names = list(GROUPS)
shares = np.array([g[0] for g in GROUPS.values()])
group = rng.choice(len(names), size=N, p=shares / shares.sum())
params = {
    field: np.array([GROUPS[names[g]][i + 1] for g in group], dtype=float)
    for i, field in enumerate(["recency", "orders", "aov", "tenure", "discount"])
}

orders = 1 + rng.poisson(params["orders"] - 1)
tenure = np.maximum(1, rng.gamma(3, params["tenure"] / 3)).round()
# Recency cannot exceed tenure (a customer who joined 2 months ago bought within 60 days),
# and everyone in this table ordered at least once in the last 12 months.
recency = np.minimum(rng.gamma(4, params["recency"] / 4), tenure * 30)
recency = np.minimum(recency, 364).round()
avg_order = rng.lognormal(np.log(params["aov"]), 0.35)
discount = np.clip(rng.beta(2, 2 / params["discount"] - 2 + 1e-9), 0, 1)
prefs = np.array([GROUPS[names[g]][6] for g in group], dtype=float)
category_mix = np.vstack([rng.dirichlet(p) for p in prefs])

customers = pd.DataFrame(
    {
        "customer_id": np.arange(50_000, 50_000 + N),
        "recency_days": recency,
        "orders_12m": orders,
        "spend_12m": (orders * avg_order).round(2),
        "tenure_months": tenure,
        "discount_share": discount.round(3),
        "share_electronics": category_mix[:, 0].round(3),
        "share_home": category_mix[:, 1].round(3),
        "share_fashion": category_mix[:, 2].round(3),
        "share_grocery": category_mix[:, 3].round(3),
    }
)
hidden_group = pd.Series(np.array(names)[group], name="hidden_group")  # kept aside

print(f"{len(customers):,} customers x {customers.shape[1]} columns")
display(customers.head())

# %%
display(customers.drop(columns="customer_id").describe().T)

# What the text says of this output, checked on every build:
share_cols = [c for c in customers.columns if c.startswith("share_")]
assert customers["spend_12m"].max() > 1_000 and customers[share_cols].max().max() <= 1
skewed = customers[["recency_days", "orders_12m", "spend_12m"]]
assert (skewed.mean() > 1.5 * skewed.median()).all()  # long right tails
assert (customers["recency_days"] > 150).mean() > 0.1  # a bump of long-gone customers

# %% [markdown]
# Two things to notice before any modelling:
#
# * **Very different scales.** Spend runs into thousands, shares stay between 0 and 1.
# * **Long right tails.** Most customers spend little and a few spend a lot; recency has a
#   bump of long-gone customers. Distances computed on raw values would be dominated by the
#   few extreme spenders.

# %% alt="Three histograms of the raw customer features: days since last order, orders in 12 months and spend in 12 months. All three are skewed, with long tails to the right."
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
for ax, col, unit in zip(
    axes,
    ["recency_days", "orders_12m", "spend_12m"],
    ["days since last order", "orders in 12 months", "spend in 12 months (EUR)"],
    strict=True,
):
    ax.hist(customers[col], bins=50, color="tab:blue")
    ax.set(title=col, xlabel=unit, ylabel="customers")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 2. Transform and scale
#
# K-means groups points by Euclidean distance, so every feature's *units* become a vote on
# what "similar" means. Two steps put the features on an equal footing:
#
# 1. **Log-transform the skewed counts and amounts** (`log1p`, which handles zeros). A
#    difference between 10 and 20 orders then counts about as much as one between 100 and
#    200, which matches how a marketer thinks about it.
# 2. **Standardise** every column to mean 0 and standard deviation 1.
#
# Both steps live in one `Pipeline`, for the same reason as in any model: the nightly job
# that assigns segments to new customers must apply exactly the same transform.

# %%
FEATURES = [c for c in customers.columns if c != "customer_id"]
SKEWED = ["recency_days", "orders_12m", "spend_12m", "tenure_months"]


def log_skewed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df[SKEWED] = np.log1p(df[SKEWED])
    return df


prep = make_pipeline(FunctionTransformer(log_skewed), StandardScaler())
X = prep.fit_transform(customers[FEATURES])
print("shape:", X.shape)
print("column means ~0:", np.allclose(X.mean(axis=0), 0))
print("column stds  ~1:", np.allclose(X.std(axis=0), 1))

# %% [markdown]
# What happens without this step? Because we generated the data we can measure it: the
# **adjusted Rand index** (ARI) compares two ways of grouping the same customers. It is 1.0
# when they agree perfectly and about 0 when they agree no more than chance would (it
# ignores the arbitrary cluster numbers, so "cluster 3" in one run may be "cluster 0" in
# another).
#
# Each step is then judged like any change to a job: `paired_difference` reports the ARI
# gain over the same customers with a 95% interval, and `decide` keeps the step only if the
# whole interval clears a margin fixed in advance. Both come from
# `snippets/skills/evaluation/model_comparison.py` in this site's repository, taught on the
# model evaluation page (section "Is the challenger really better, or is it noise?"). If you
# downloaded this notebook, copy that file into `snippets/skills/evaluation/` next to it, or
# paste its functions into the first cell.


# %%
def kmeans(k: int, seed: int = SEED, n_init: int = 10) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed)


raw_labels = kmeans(5).fit_predict(customers[FEATURES])
scaled_labels = kmeans(5).fit_predict(
    StandardScaler().fit_transform(customers[FEATURES])
)
log_scaled_labels = kmeans(5).fit_predict(X)
comparison = pd.Series(
    {
        "raw values": adjusted_rand_score(hidden_group, raw_labels),
        "standardised only": adjusted_rand_score(hidden_group, scaled_labels),
        "log + standardised": adjusted_rand_score(hidden_group, log_scaled_labels),
    },
    name="ARI vs hidden groups (k=5)",
)
display(comparison.to_frame())
print("raw values, cluster sizes:", np.bincount(raw_labels))
# How much of the spread in spend do the raw-value clusters explain on their own?
spend = customers["spend_12m"]
spend_explained = spend.groupby(raw_labels).transform("mean").var() / spend.var()
print(
    f"share of spend variance explained by the raw-value clusters: {spend_explained:.0%}"
)

# Each transform is a change to the job, so judge it like one: a paired difference over
# the same customers, with an interval, and a margin fixed in advance (an ARI gain of at
# least 0.02 is worth the extra step).
MARGIN_ARI = 0.02
group_codes = pd.factorize(hidden_group)[0]


def pair_count(counts: np.ndarray) -> float:
    return float(np.sum(counts * (counts - 1) / 2))


def ari(labels_true, labels_pred) -> float:
    """adjusted_rand_score's value from one contingency count, about 15 times faster,
    which counts inside a bootstrap that recomputes it 1,000 times."""
    a, b = np.asarray(labels_true), np.asarray(labels_pred)
    together = pair_count(np.bincount(a * (b.max() + 1) + b))
    same_a, same_b = pair_count(np.bincount(a)), pair_count(np.bincount(b))
    expected = same_a * same_b / pair_count(np.array([len(a)]))
    return (together - expected) / ((same_a + same_b) / 2 - expected)


assert np.isclose(
    ari(group_codes, raw_labels), adjusted_rand_score(group_codes, raw_labels)
)
steps = {}
for before, after, name in [
    (raw_labels, scaled_labels, "standardise vs raw"),
    (scaled_labels, log_scaled_labels, "log + standardise vs standardise only"),
]:
    diff = paired_difference(ari, group_codes, before, after, name=f"ARI, {name}")
    steps[name] = decide(diff, MARGIN_ARI)
    print(f"{diff}\n  -> {steps[name]}")

# What the text says of this output, checked on every build:
assert comparison["raw values"] < 0.3  # the raw clusters match the real groups poorly
assert spend_explained > 0.8  # ... because they mostly sort customers by spend
assert all(decision.verdict == "promote" for decision in steps.values())
gain_scaling = comparison["standardised only"] - comparison["raw values"]
gain_log = comparison["log + standardised"] - comparison["standardised only"]
assert gain_scaling > 3 * gain_log  # scaling fixes most of it; the log helps further

# %% [markdown]
# On raw values, K-means mostly sorts customers by spend, the column with the biggest
# numbers: the clusters alone explain most of the spread in spend, and they match the real
# groups poorly. Scaling fixes most of that and the log transform helps further; both steps
# clear the margin across their whole interval. Preprocessing is not a detail here: it *is*
# the definition of similarity.

# %% [markdown]
# ## 3. How many segments?
#
# K-means needs `k` up front, and there is no ground truth to tune it against. Use three
# checks and look for agreement, the way you would not size a cluster from a single metric:
#
# * **Elbow:** inertia (the sum of squared distances to the nearest centre) always falls as
#   `k` grows; look for the point where adding a cluster stops helping much.
# * **Silhouette:** for each customer, how much closer it is to its own cluster than to the
#   next one, averaged (from -1 to 1; higher means better separated).
# * **Stability:** refit on different random 80% samples with different seeds and compare
#   the resulting assignments with ARI. A `k` whose clusters reshuffle from run to run would
#   give the product team a different segment list every night. This is the check that
#   matters most for a batch job whose output other teams consume.
#
# Run the stability fits with the same settings as the real job (here `n_init=10`). With a
# single random start per run, K-means now and then lands in a poor local optimum, and the
# check ends up measuring bad luck with initialisation instead of the data.

# %%
ks = range(2, 10)
n_runs = 6
rows = []
for k in ks:
    model = kmeans(k).fit(X)
    runs = []
    for seed in range(n_runs):
        sample = np.random.default_rng(seed).choice(N, size=int(0.8 * N), replace=False)
        fitted = kmeans(k, seed=seed).fit(X[sample])
        runs.append(fitted.predict(X))  # label *all* customers with each run's centres
    pair_ari = [adjusted_rand_score(a, b) for a, b in combinations(runs, 2)]
    rows.append(
        {
            "k": k,
            "inertia": model.inertia_,
            "silhouette": silhouette_score(
                X, model.labels_, sample_size=2000, random_state=SEED
            ),
            "stability (mean ARI)": np.mean(pair_ari),
            "worst pair ARI": np.min(pair_ari),
        }
    )
k_table = pd.DataFrame(rows).set_index("k")
display(k_table.round(3))

# %% alt="Three line charts against the number of clusters k: inertia (elbow), mean silhouette score, and stability across random seeds as adjusted Rand index, with the mean over run pairs and the worst pair."
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
axes[0].plot(k_table.index, k_table["inertia"], marker="o")
axes[0].set(
    title="Elbow", xlabel="number of clusters k", ylabel="inertia (lower = tighter)"
)
axes[1].plot(k_table.index, k_table["silhouette"], marker="o", color="tab:orange")
axes[1].set(title="Silhouette", xlabel="number of clusters k", ylabel="mean silhouette")
axes[2].plot(
    k_table.index,
    k_table["stability (mean ARI)"],
    marker="o",
    color="tab:green",
    label="mean over run pairs",
)
axes[2].plot(
    k_table.index,
    k_table["worst pair ARI"],
    ls="--",
    color="tab:green",
    label="worst pair",
)
axes[2].set(
    title="Stability across seeds",
    xlabel="number of clusters k",
    ylabel="adjusted Rand index",
    ylim=(0, 1.05),
)
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Reading the three panels together:
#
# * Inertia falls steeply up to a point and then flattens. Here the elbow is fairly
#   visible (one more cluster after it buys less than a third of the last drop); on messier
#   data it can be much softer, so it should never be the only check.
# * The silhouette and the stability curves point at the same `k`: it is among the best
#   separated solutions, and every resampled run finds almost the same clusters. Beyond it,
#   the extra clusters split real groups at arbitrary places, and where they split changes
#   from run to run (the worst-pair line drops).
#
# The cell below encodes that rule: among the `k` whose worst-pair stability is high, take
# the one with the best silhouette. Writing the rule down matters more than the exact
# cut-off; it makes the nightly job's choice reviewable and repeatable.

# %%
STABLE_ENOUGH = 0.9
candidates_k = k_table[k_table["worst pair ARI"] >= STABLE_ENOUGH]
K = int(candidates_k["silhouette"].idxmax())
print(f"stable k values: {candidates_k.index.tolist()}  ->  chosen k = {K}")

# What the text says of this output, checked on every build:
drops = -k_table["inertia"].diff()
assert drops[K + 1] < drops[K] / 3  # the elbow sits at the chosen k
assert k_table["silhouette"].idxmax() == K  # best separated ...
assert (
    k_table.loc[K, "worst pair ARI"] >= 0.95
)  # ... and every run finds the same clusters
assert k_table.loc[K + 1 :, "worst pair ARI"].max() < k_table.loc[K, "worst pair ARI"]

# %% [markdown]
# ## 4. Fit K-means and draw the map
#
# `n_init=10` runs K-means from ten random starts and keeps the best, a cheap guard against
# a bad initialisation. Cluster numbers are arbitrary, so we renumber them by size (segment
# 0 is the largest): a small step that keeps downstream dashboards from changing colour
# every time the job runs.

# %%
final = kmeans(K).fit(X)
order = np.argsort(-np.bincount(final.labels_))
renumber = {old: new for new, old in enumerate(order)}
customers["segment"] = pd.Series(final.labels_).map(renumber).to_numpy()
print(
    "customers per segment:", customers["segment"].value_counts().sort_index().tolist()
)

# %% [markdown]
# We have nine features, so we cannot look at the clusters directly. **PCA** finds the
# directions along which the scaled data varies most and projects every customer onto the
# first two. It is a lossy compression (like a thumbnail), so the first thing to report is
# how much of the variation the 2-D view keeps.

# %%
pca = PCA(n_components=2, random_state=SEED).fit(X)
coords = pca.transform(X)
kept = pca.explained_variance_ratio_
print(
    f"variance kept by PC1: {kept[0]:.0%}, PC2: {kept[1]:.0%}, together: {kept.sum():.0%}"
)

loadings = pd.DataFrame(pca.components_.T, index=FEATURES, columns=["PC1", "PC2"])
display(loadings.round(2).sort_values("PC1"))

# %% [markdown]
# The loadings say what each axis means. Large positive or negative numbers are the
# features that move a customer along that axis; read them like the weights of an index.

# %% alt="Scatter plot of customers on the first two principal components, coloured by segment, with each segment's centre marked X and arrows showing how the original features load on the two components."
fig, ax = plt.subplots(figsize=(7.5, 5.2))
for seg in range(K):
    mask = customers["segment"].to_numpy() == seg
    ax.scatter(
        coords[mask, 0], coords[mask, 1], s=6, alpha=0.45, label=f"segment {seg}"
    )
centres = pca.transform(final.cluster_centers_[order])
ax.scatter(centres[:, 0], centres[:, 1], marker="X", s=140, color="black")
for feat in [
    "recency_days",
    "orders_12m",
    "spend_12m",
    "discount_share",
    "share_electronics",
]:
    dx, dy = loadings.loc[feat] * 3
    ax.annotate(
        "", xy=(dx, dy), xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 1}
    )
    ax.text(dx * 1.08, dy * 1.08, feat, fontsize=8)
ax.set(
    xlabel=f"PC1 ({kept[0]:.0%} of variance)",
    ylabel=f"PC2 ({kept[1]:.0%} of variance)",
    title=f"Customers on the first two principal components (X = centre), k = {K}",
)
ax.legend(fontsize=8, markerscale=2, loc="best")
fig.tight_layout()
plt.show()

# %% [markdown]
# The arrows show which way each original feature points on the map. Clusters that overlap
# in this picture may still be well separated in the dimensions the picture drops; the map
# is for intuition and for spotting oddities, not for judging the clustering. Here the two
# centres closest on the map are more than three times as far apart in the full nine
# dimensions: what tells them apart is mostly tenure, the feature the first two components
# carry least (see its small loadings above).

# %%
centres_full = final.cluster_centers_[order]
pairs = list(combinations(range(K), 2))
on_map = [np.linalg.norm(centres[a] - centres[b]) for a, b in pairs]
a, b = pairs[int(np.argmin(on_map))]
in_full = np.linalg.norm(centres_full[a] - centres_full[b])
apart_by = FEATURES[int(np.argmax(np.abs(centres_full[a] - centres_full[b])))]
print(
    f"closest on the map: segments {a} and {b}, {min(on_map):.2f} apart on the map, "
    f"{in_full:.2f} in all nine dimensions; largest difference: {apart_by}"
)

# What the text says of this output, checked on every build:
assert in_full > 3 * min(on_map)
assert apart_by == "tenure_months"
assert (loadings**2).sum(axis=1).idxmin() == "tenure_months"

# %% [markdown]
# ## 5. Describe the segments for a product team
#
# Centroids in standardised units ("+1.3 on log spend") mean nothing to a product manager.
# Describe every segment in the original units, with medians (robust to the long tails),
# and compare each to the overall median.

# %%
view = customers.assign(avg_order=customers["spend_12m"] / customers["orders_12m"])
profile = view.groupby("segment").agg(
    customers=("customer_id", "size"),
    recency_days=("recency_days", "median"),
    orders_12m=("orders_12m", "median"),
    spend_12m=("spend_12m", "median"),
    avg_order=("avg_order", "median"),
    tenure_months=("tenure_months", "median"),
    discount_share=("discount_share", "median"),
    share_electronics=("share_electronics", "mean"),
    share_grocery=("share_grocery", "mean"),
)
profile.insert(1, "share_of_base", profile["customers"] / N)
profile["share_of_revenue"] = (
    customers.groupby("segment")["spend_12m"].sum() / customers["spend_12m"].sum()
)
display(profile.round(2))

# %% [markdown]
# Names come next. A name is a claim about behaviour, so derive it from the profile with
# explicit rules instead of eyeballing: the rules are the segment's *definition*, and if a
# rerun produces a segment that fits no rule, the job should say so loudly rather than keep
# a stale name.

# %%
overall = view[["recency_days", "orders_12m", "avg_order", "discount_share"]].median()


def name_segment(p: pd.Series) -> str:
    if p["tenure_months"] <= 6:
        return "new customers"
    if p["recency_days"] >= 3 * overall["recency_days"]:
        return "drifting away"
    if p["avg_order"] >= 3 * overall["avg_order"]:
        return "big-ticket occasionals"
    if p["discount_share"] >= 1.5 * overall["discount_share"]:
        return "deal seekers"
    if p["orders_12m"] >= 1.5 * overall["orders_12m"]:
        return "loyal regulars"
    return "unnamed: review"


profile["name"] = profile.apply(name_segment, axis=1)
assert profile["name"].is_unique, "two segments got the same name: review the rules"
display(profile[["name", "customers", "share_of_base", "share_of_revenue"]])

# %% [markdown]
# Now the hand-over table. Each row says who the customers are in one sentence, what to do,
# and which metric tells you whether it worked. The last column matters most: a segment is
# only useful if some action differs by segment and someone measures the difference.

# %%
PLAYBOOK = {
    "loyal regulars": (
        "Buy often, pay full price, been here for years.",
        "Protect: early access, loyalty perks. Do not send discounts they would not need.",
        "retention rate; share of full-price orders",
    ),
    "deal seekers": (
        "Buy often, mostly with a discount code, small baskets.",
        "Bundle offers and free-shipping thresholds to lift basket size, not deeper discounts.",
        "average order value; margin per order",
    ),
    "new customers": (
        "Joined in the last few months, only a few orders so far.",
        "Onboarding journey aimed at a second and third order within 60 days.",
        "second-order rate within 60 days",
    ),
    "drifting away": (
        "Long-standing customers with no order for months.",
        "Win-back campaign; ask why they left before offering money.",
        "reactivation rate; unsubscribes",
    ),
    "big-ticket occasionals": (
        "Rare but large orders, mostly electronics.",
        "Accessory and warranty offers after a purchase; price-drop alerts.",
        "repeat purchase within 12 months; attach rate",
    ),
}
handover = profile[["name", "customers", "share_of_base", "share_of_revenue"]].copy()
handover["who they are"] = handover["name"].map(
    lambda n: PLAYBOOK.get(n, ("?",) * 3)[0]
)
handover["what to do"] = handover["name"].map(lambda n: PLAYBOOK.get(n, ("?",) * 3)[1])
handover["measure with"] = handover["name"].map(
    lambda n: PLAYBOOK.get(n, ("?",) * 3)[2]
)
for col in ["share_of_base", "share_of_revenue"]:
    handover[col] = handover[col].map("{:.0%}".format)
display(handover.set_index("name"))

# What the text says of this output, checked on every build:
by_name = profile.set_index("name")
assert "unnamed: review" not in by_name.index
assert 0.2 < by_name.loc["loyal regulars", "share_of_base"] < 0.3
assert 0.45 < by_name.loc["loyal regulars", "share_of_revenue"] < 0.6
big = by_name.loc["big-ticket occasionals"]
assert 1.6 < big["share_of_revenue"] / big["share_of_base"] < 2.4  # about twice

# %% [markdown]
# Two columns in that table deserve a second look. **Share of revenue vs share of base**
# shows where the money is: here the loyal regulars, a quarter of the customers, bring in
# about half the revenue, and the big-ticket occasionals bring in about twice their share of
# the base. And every "what to do" is a *hypothesis*: run it as an A/B test within the
# segment (half get the campaign, half do not), because a segment that responds well may
# simply be a segment that would have bought anyway.

# %% [markdown]
# ## 6. Caveats: clusters are a lens, not ground truth
#
# Because we generated the data, we can do something you never can in production: compare
# the segments with the hidden groups.

# %%
check = pd.crosstab(
    hidden_group,
    customers["segment"].map(profile["name"]),
    rownames=["hidden group"],
    colnames=["segment"],
)
display(check)
ari = adjusted_rand_score(hidden_group, customers["segment"])
print(f"ARI between segments and hidden groups: {ari:.2f}")

# What the text says of this output, checked on every build:
assert 0.8 < ari < 0.98  # good but not perfect
stacked = check.stack()  # customers per (hidden group, segment name)
off_diagonal = stacked[[group != name for group, name in stacked.index]]
assert off_diagonal.idxmax() == ("deal seekers", "loyal regulars")
assert off_diagonal.max() > off_diagonal.sum() / 2  # most of the disagreement
segment_name = customers["segment"].map(profile["name"])
deal = hidden_group.eq("deal seekers").to_numpy()
misplaced = deal & segment_name.eq("loyal regulars").to_numpy()
placed = deal & segment_name.eq("deal seekers").to_numpy()
assert (
    customers.loc[misplaced, "discount_share"].median()
    < customers.loc[placed, "discount_share"].median() / 2
)  # ... they rarely used a code

# %% [markdown]
# The match is good but not perfect. Most of the disagreement is deal seekers placed with
# the loyal regulars: frequent buyers who, by chance, rarely used a code. Groups overlap, so
# some customers behave more like another group than their own, and no method can place
# them "correctly". That leads to the
# caveats worth writing into the segment's documentation:
#
# * **Boundaries are fuzzy.** Some customers sit nearly as close to a second centre as to
#   their own. They will flip segment when their behaviour changes slightly, or when the job
#   is re-run on new data. The next cell counts them.
# * **K-means always returns k clusters,** even from data with no structure at all (see the
#   second cell below). The stability and silhouette checks are what tell you the structure
#   is real.
# * **The features define the answer.** Add a "returns rate" column or drop the category
#   mix and you get different segments, equally "valid". Segments answer the question the
#   feature list asks.
# * **K-means prefers round clusters of similar spread.** Long thin groups or very small
#   groups get split or absorbed. If you expect those, look at Gaussian mixtures or DBSCAN.
# * **Segments drift.** Behaviour changes with seasons and campaigns. Re-fit on a schedule,
#   map new clusters to old names with the rules above, and track how many customers change
#   segment between runs, the same way you would track churn in any ID mapping.

# %%
dist = final.transform(X)  # distance of every customer to every centre
nearest, second = np.sort(dist, axis=1)[:, 0], np.sort(dist, axis=1)[:, 1]
ambiguous = (second - nearest) / nearest < 0.1
print(f"customers within 10% of a second centre: {ambiguous.mean():.1%}")
display(
    customers.assign(ambiguous=ambiguous)
    .groupby(customers["segment"].map(profile["name"]))["ambiguous"]
    .mean()
    .rename("share near a boundary")
    .to_frame()
)

# %%
noise = np.random.default_rng(SEED).uniform(size=(N, len(FEATURES)))
noise_labels = kmeans(K).fit_predict(noise)
print(
    f"K-means on pure noise: {K} clusters of sizes {np.bincount(noise_labels).tolist()}"
)
noise_silhouette = silhouette_score(
    noise, noise_labels, sample_size=2000, random_state=SEED
)
print(f"silhouette on noise: {noise_silhouette:.2f}", end="   ")
print(f"on the customers: {k_table.loc[K, 'silhouette']:.2f}")

# What the text says of this output, checked on every build:
assert np.bincount(noise_labels).min() > 0.5 * N / K  # k groups of similar size
assert noise_silhouette < k_table.loc[K, "silhouette"] / 2

# %% [markdown]
# K-means happily cut uniform noise into k tidy-looking groups. Only the lower silhouette
# gives it away, which is why "the algorithm found k segments" is never evidence by itself.
#
# ## Conclusions
#
# * Scaling and transforms are the definition of similarity. Without them, the clustering
#   mostly sorted customers by their largest-valued column.
# * Choosing `k` came from three signals that agreed, and from a written rule. Stability
#   across seeds is the one to insist on when other teams consume the output.
# * PCA gave a 2-D map that was useful for intuition, with the honest caption "keeps this
#   much of the variance".
# * The deliverable was a table in plain language, with sizes, revenue share, an action and
#   a metric per segment, not a scatter plot.
#
# ## What to try next
#
# * **Track membership churn between runs.** Fit on last month and this month, map segments
#   by name, and report the share of customers that moved. Alert if it jumps, as you would
#   on any sudden change in a derived column.
# * **Try a Gaussian mixture** (`sklearn.mixture.GaussianMixture`): it gives each customer a
#   probability per segment, which turns "near a boundary" into a number you can use.
# * **Drop the category mix** and see how the segments change: a concrete demonstration that
#   the feature list decides what the segments mean.
# * **Test one playbook action** as an A/B test inside one segment before rolling it out.
