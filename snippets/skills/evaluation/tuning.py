"""Hyperparameter tuning with cross-validation on a Pipeline: GridSearchCV and
RandomizedSearchCV, with the test set kept out until the very end.

Run from the repo root: python snippets/skills/evaluation/tuning.py
"""

import pandas as pd
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

pd.set_option("display.width", 100)

# --8<-- [start:grid]
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42, stratify=y
)
# The scaler sits inside the pipeline, so every CV fold refits it on that fold's
# training part only - no leakage from the validation fold.
pipeline = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=42)

# Grid search tries every combination: 3 x 3 = 9 candidates, each cross-validated.
# Parameter names are "<step>__<param>", addressing a step inside the pipeline.
grid = GridSearchCV(
    pipeline,
    param_grid={"svc__C": [1, 10, 100], "svc__gamma": [0.001, 0.01, 0.1]},
    cv=cv,
    scoring="accuracy",
)
grid.fit(X_train, y_train)

n_candidates = len(grid.cv_results_["params"])
print(
    f"candidates: {n_candidates}, folds: {cv.get_n_splits()}, "
    f"fits: {n_candidates * cv.get_n_splits()} + 1 refit on all training data"
)
print(f"best params: {grid.best_params_}")
print(f"best CV accuracy: {grid.best_score_:.3f}")
# The test set is used once, for the chosen model only. Using it to pick among the 9
# would make this number optimistic again (the leak of tuning on production traffic).
print(f"test accuracy:    {grid.score(X_test, y_test):.3f}")

results = pd.DataFrame(grid.cv_results_)
top = results.sort_values("rank_test_score").head(5)
top = pd.DataFrame(
    {
        "rank": top["rank_test_score"],
        "C": top["param_svc__C"],
        "gamma": top["param_svc__gamma"],
        "cv_mean": top["mean_test_score"].round(3),
        "cv_std": top["std_test_score"].round(3),
    }
)
print("\ntop 5 candidates:")
print(top.to_string(index=False))
# --8<-- [end:grid]

# --8<-- [start:random]
# Randomized search samples a fixed number of candidates from distributions. Its cost is
# set by n_iter, not by the size of the grid - a budget you choose, like a rate limit.
# loguniform: C and gamma matter by orders of magnitude, so sample exponents evenly.
search = RandomizedSearchCV(
    pipeline,
    param_distributions={
        "svc__C": loguniform(1e-2, 1e3),
        "svc__gamma": loguniform(1e-4, 1e0),
    },
    n_iter=10,
    cv=cv,
    scoring="accuracy",
    random_state=42,
)
search.fit(X_train, y_train)

n_fits = search.n_iter * cv.get_n_splits()
print(f"candidates sampled: {search.n_iter}, fits: {n_fits} + 1 refit")
best = search.best_params_
print(f"best params: C={best['svc__C']:.3g}, gamma={best['svc__gamma']:.3g}")
print(f"best CV accuracy: {search.best_score_:.3f}")
print(f"test accuracy:    {search.score(X_test, y_test):.3f}")
# CV scores of neighbouring settings differ by a fraction of a percent - noise level for
# a few hundred rows. Prefer the simpler/cheaper setting when scores are this close.
print(f"\ngrid vs random best CV: {grid.best_score_:.3f} vs {search.best_score_:.3f}")
# Test accuracies can differ more than CV scores: 143 test rows means each mistake moves
# test accuracy by 0.7 points. One small test set is a noisy judge of close models.
# --8<-- [end:random]
