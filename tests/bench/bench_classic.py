#!/usr/bin/env python3
"""Classic models side by side: tw's random forest and gradient boosting
(XGBoost) and logistic regression (L-BFGS) against scikit-learn's
RandomForestClassifier, GradientBoostingClassifier, HistGradientBoostingClassifier
and LogisticRegression(solver="lbfgs"), on the same matrices.

    /usr/bin/python3 tests/bench/bench_classic.py --cpp build/tests/bench_classic \\
        --titanic ../shared/datasets/titanic [--repetitions 1]

The C++ driver writes the preprocessed Titanic split (train 80% of
data-train-large.csv, test data-test-large.csv) and a generated 20,000 x 20
training set (5,000 test rows) to a temporary folder and times its own fits;
this script fits scikit-learn on those files with the same hyperparameters:
random forest 100 trees, max_depth 8, max_features sqrt (bootstrap; tw
subsamples 63.2% of the rows per tree); boosting 100 rounds, learning rate
0.1, max_depth 3; logistic regression C 1, max_iter 100, tol 1e-4. Every fit
single-threaded (n_jobs 1, OMP_NUM_THREADS=1). Median training seconds over the
repetitions (5x more for Titanic), test accuracy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.ensemble import (GradientBoostingClassifier, HistGradientBoostingClassifier,  # noqa: E402
                              RandomForestClassifier)
from sklearn.linear_model import LogisticRegression  # noqa: E402

MODELS = [
    ("random_forest", "RandomForestClassifier",
     lambda: RandomForestClassifier(n_estimators=100, max_depth=8, max_features="sqrt", n_jobs=1, random_state=0)),
    ("gradient_boosting", "GradientBoostingClassifier",
     lambda: GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0)),
    ("gradient_boosting", "HistGradientBoostingClassifier",
     lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_depth=3, early_stopping=False,
                                            random_state=0)),
    ("logistic_regression", "LogisticRegression(lbfgs)",
     lambda: LogisticRegression(C=1.0, max_iter=100, tol=1e-4, solver="lbfgs")),
]


def load(path):
    m = np.loadtxt(path, delimiter=",", skiprows=1)
    return m[:, :-1], m[:, -1].astype(int)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpp", required=True, help="build/tests/bench_classic")
    ap.add_argument("--titanic", required=True, help="folder of the Titanic CSVs")
    ap.add_argument("--repetitions", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OMP_NUM_THREADS="1")
        out = subprocess.run([args.cpp, args.titanic, tmp, str(args.repetitions)], env=env, check=True,
                             capture_output=True, text=True)
        tw = {}
        for line in out.stdout.splitlines():
            r = json.loads(line)
            tw[(r["data"], r["model"])] = r
        rows = []
        for data in ("titanic", "generated"):
            xtr, ytr = load(f"{tmp}/{data}_train.csv")
            xte, yte = load(f"{tmp}/{data}_test.csv")
            reps = args.repetitions * (5 if data == "titanic" else 1)
            shown = set()
            for key, label, make in MODELS:
                if key not in shown:
                    r = tw[(data, key)]
                    rows.append((data, f"{xtr.shape[0]} x {xtr.shape[1]}", f"tw {key}", r["seconds"], r["accuracy"]))
                    shown.add(key)
                times, acc = [], 0.0
                for _ in range(reps):
                    m = make()
                    t0 = time.perf_counter()
                    m.fit(xtr, ytr)
                    times.append(time.perf_counter() - t0)
                    acc = float((m.predict(xte) == yte).mean())
                rows.append((data, f"{xtr.shape[0]} x {xtr.shape[1]}", f"sklearn {label}", statistics.median(times), acc))
    print(f"scikit-learn {sklearn.__version__}; {out.stderr.strip()}; single-threaded; median seconds of a fit")
    print("| data | train rows x features | model | fit seconds | test accuracy |")
    print("| --- | --- | --- | --- | --- |")
    for data, shape, model, s, acc in rows:
        print(f"| {data} | {shape} | {model} | {s:.4f} | {acc:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
