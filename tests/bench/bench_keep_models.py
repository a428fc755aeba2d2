#!/usr/bin/env python3
"""What keeping the best trials' models costs, and what it saves.

Runs the same `tw tune` study with keep_models 0 and 3 (same seed, so the
same trials), alternating, and reports the median wall time of each and the
size of the model folder; then looks at the best model on the test data
with `tw evaluate` (no training) against retraining it with `tw train
--final` (what a study without kept models has to do).

  /usr/bin/python3 tests/bench/bench_keep_models.py --tw build/app/tw [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

SPEC = {
    "name": "spirals-keep",
    "dataset": {"builtin": "spirals"},
    "split": {"test": 0.2},
    "model": {"family": "mlp", "hidden_layers": 3, "units": 64, "activation": "relu"},
    "training": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 64, "epochs": 30, "patience": 6, "seed": 0},
    "objective": {"metric": "accuracy"},
    "search_space": {"parameters": [
        {"name": "learning_rate", "type": "float", "low": 1e-4, "high": 1e-1, "log": True},
        {"name": "units", "type": "int", "low": 8, "high": 128, "log": True},
    ]},
    "sampler": {"name": "gp", "seed": 0, "initial": 4},
    "budget": {"trials": 12},
}


def run(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t, out


def folder_bytes(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)) if os.path.isdir(path) else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tw", default="build/app/tw")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    tw = os.path.abspath(a.tw)
    with tempfile.TemporaryDirectory() as d:
        times = {0: [], 3: []}
        sizes = {}
        for r in range(a.repeats):
            for keep in (0, 3):
                spec = dict(SPEC, keep_models=keep)
                sp = os.path.join(d, f"spec{keep}.json")
                with open(sp, "w") as f:
                    json.dump(spec, f)
                study = os.path.join(d, f"s{keep}-{r}.jsonl")
                sec, _ = run([tw, "tune", sp, "--study", study])
                times[keep].append(sec)
                sizes[keep] = folder_bytes(os.path.join(d, f"s{keep}-{r}.models"))
        study = os.path.join(d, "s3-0.jsonl")
        ev = [run([tw, "evaluate", "--study", study, "--data", "test"])[0] for _ in range(a.repeats)]
        best = json.loads(run([tw, "best", "--study", study])[1])
        params = os.path.join(d, "best.json")
        with open(params, "w") as f:
            json.dump(best, f)
        tr = [run([tw, "train", os.path.join(d, "spec3.json"), "--params", params, "--final"])[0]
              for _ in range(a.repeats)]
    m0, m3 = statistics.median(times[0]), statistics.median(times[3])
    print(f"spirals, 12 trials x up to 30 epochs, MLP 3x(8-128), {a.repeats} runs each, medians")
    print("| | wall time | model folder |")
    print("| --- | --- | --- |")
    print(f"| `tw tune`, keep_models 0 | {m0:.1f} s | - |")
    print(f"| `tw tune`, keep_models 3 | {m3:.1f} s ({100 * (m3 - m0) / m0:+.1f}%) | {sizes[3] / 1024:.0f} KiB |")
    print(f"| best model on the test data: `tw evaluate --data test` | {statistics.median(ev):.2f} s | |")
    print(f"| the same by retraining: `tw train --final` | {statistics.median(tr):.2f} s | |")


if __name__ == "__main__":
    main()
