#!/usr/bin/python3
"""Text models next to a TF-IDF + logistic-regression baseline, on the same split.

A four-class task from Debian's fortunes package (startrek, food, sports,
love; at most 300 quotations each). The rows are split once (stratified, seed
0, 25% held out) and written to train.csv and heldout.csv; scikit-learn fits
TF-IDF + logistic regression on train.csv and each text family is trained by
`tw train SPEC --final` on train.csv (the vocabulary from its training rows)
and tested on heldout.csv. Both report the accuracy on heldout.csv.

usage: /usr/bin/python3 tests/bench/bench_text.py [--tw build/app/tw] [--keep DIR]
"""
import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

FORTUNES = "/usr/share/games/fortunes"
CATEGORIES = ["startrek", "food", "sports", "love"]

# Settings per family; the training settings are shared.
FAMILIES = {
    "text_bag": ({"family": "text_bag", "embedding_dim": 64, "hidden_layers": 1, "units": 64}, 20),
    "text_cnn": ({"family": "text_cnn", "embedding_dim": 64, "kernel_sizes": "3,4,5", "filters": 64, "dropout": 0.5}, 10),
    "text_transformer": ({"family": "text_transformer", "embedding_dim": 64, "model_dim": 64, "layers": 2, "heads": 4,
                          "ff_dim": 128, "pooling": "mean", "dropout": 0.1}, 15),
}


def quotes(category, limit=300):
    with open(os.path.join(FORTUNES, category), encoding="utf-8", errors="replace") as f:
        text = f.read()
    text = re.sub(".\x08", "", text)  # overstriking
    out = [q.strip() for q in re.split(r"\n%\n", text) if q.strip()]
    return out[:limit]


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["text", "label"])
        w.writerows(rows)


def split(rows, held_out=0.25, seed=0):
    rng = random.Random(seed)
    train, test = [], []
    for c in CATEGORIES:
        part = [r for r in rows if r[1] == c]
        rng.shuffle(part)
        k = round(len(part) * held_out)
        test += part[:k]
        train += part[k:]
    rng.shuffle(train)
    return train, test


def baseline(train, test):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    t0 = time.time()
    v = TfidfVectorizer(sublinear_tf=True)
    x = v.fit_transform([r[0] for r in train])
    m = LogisticRegression(max_iter=2000, C=10).fit(x, [r[1] for r in train])
    acc = m.score(v.transform([r[0] for r in test]), [r[1] for r in test])
    return acc, time.time() - t0


def run_family(tw, folder, name, model, epochs):
    spec = {
        "name": "bench-" + name,
        "dataset": {"csv": "train.csv", "test_csv": "heldout.csv", "target": "label"},
        "split": {"validation": 0.05, "seed": 0},
        "preprocessing": {"column_types": {"text": "text"}, "text_max_length": 64},
        "model": model,
        "training": {"epochs": epochs, "batch_size": 32, "learning_rate": 1e-3 if name == "text_transformer" else 3e-3,
                     "device": "cpu", "seed": 1},
        "search_space": {"parameters": [{"name": "dropout", "type": "float", "low": 0, "high": 0.5}]},
    }
    path = os.path.join(folder, name + ".json")
    with open(path, "w") as f:
        json.dump(spec, f)
    t0 = time.time()
    out = subprocess.run([tw, "train", path, "--final"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(name + ": tw train failed: " + out.stderr + out.stdout)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["metrics"]["accuracy"], time.time() - t0, result.get("parameters")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tw", default="build/app/tw")
    ap.add_argument("--keep", help="write the split and the specs here instead of a temporary folder")
    args = ap.parse_args()
    if not all(os.path.exists(os.path.join(FORTUNES, c)) for c in CATEGORIES):
        sys.exit("Debian's fortunes package is not installed (" + FORTUNES + ")")
    rows = [(q, c) for c in CATEGORIES for q in quotes(c)]
    train, test = split(rows)
    folder = args.keep or tempfile.mkdtemp(prefix="bench_text_")
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "train.csv"), train)
    write(os.path.join(folder, "heldout.csv"), test)
    print(f"fortunes {', '.join(CATEGORIES)}: {len(train)} training, {len(test)} held-out quotations ({folder})")
    print("| model | held-out accuracy | seconds | parameters |")
    print("| --- | --- | --- | --- |")
    acc, sec = baseline(train, test)
    print(f"| TF-IDF + logistic regression (scikit-learn) | {acc:.3f} | {sec:.1f} | |")
    for name, (model, epochs) in FAMILIES.items():
        acc, sec, params = run_family(os.path.abspath(args.tw), folder, name, model, epochs)
        print(f"| {name} ({epochs} epochs) | {acc:.3f} | {sec:.1f} | {params} |", flush=True)


if __name__ == "__main__":
    main()
