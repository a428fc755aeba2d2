#!/usr/bin/env python3
"""Training throughput of Python PyTorch on the workloads of bench_training.cpp,
and, with --cpp, both side by side.

    /usr/bin/python3 tests/bench/bench_training.py                 # Python only, JSON lines
    /usr/bin/python3 tests/bench/bench_training.py --cpp build/tests/bench_training
    /usr/bin/python3 tests/bench/bench_training.py --cpp build/tests/bench_training --dataloader

Same models, data shapes, optimizer (Adam, lr 1e-3), loss (cross-entropy) and
loop as tw::train::trainModel: a shuffled permutation per epoch, index_select
per batch, zero_grad, forward, loss, loss.item() (the trainer checks every
batch's loss for nan/inf), backward, step. Samples per second of the training
steps of an epoch, median over the epochs after the first. --dataloader adds
the loop of the seed notebooks (TensorDataset + DataLoader(shuffle=True)) as
a further column. Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import math
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# name, sample shape, classes, samples, epochs, batch (as bench_training.cpp)
WORKLOADS = [
    ("spirals", (2,), 2, 20000, 4, 64),
    ("tabular", (30,), 2, 40000, 4, 128),
    ("fashion_mlp", (1, 28, 28), 10, 60000, 3, 128),
    ("fashion_cnn", (1, 28, 28), 10, 6000, 3, 128),
]


def build(name, shape, classes):
    if name == "spirals":
        return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, classes))
    if name == "tabular":
        return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, classes))
    if name == "fashion_mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, classes))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, classes))


def run(workload, quick, dataloader):
    name, shape, classes, samples, epochs, batch = workload
    if quick:
        samples //= 4
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    x = torch.randn((samples,) + shape, generator=g)
    if name != "fashion_cnn":
        x = x.reshape(samples, -1)  # an MLP takes flattened rows, as the trainer's view
    y = torch.randint(0, classes, (samples,), generator=g)
    model = build(name, shape, classes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        if dataloader:
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch, shuffle=True)
            batches = iter(loader)
        else:
            perm = torch.randperm(samples)
            batches = ((x.index_select(0, perm[s:s + batch]), y.index_select(0, perm[s:s + batch]))
                       for s in range(0, samples, batch))
        for xb, yb in batches:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            value = loss.item()
            if not math.isfinite(value):
                raise RuntimeError("loss became nan")
            loss.backward()
            opt.step()
        rates.append(samples / (time.perf_counter() - start))
    rates = sorted(rates[1:])
    return {"impl": "python-dataloader" if dataloader else "python", "workload": name, "batch": batch,
            "samples": samples, "epochs": epochs, "samples_per_second": rates[len(rates) // 2],
            "threads": torch.get_num_threads(), "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpp", help="path of build/tests/bench_training: run it too and print a table")
    ap.add_argument("--quick", action="store_true", help="a quarter of the samples")
    ap.add_argument("--dataloader", action="store_true", help="also time the DataLoader loop of the notebooks")
    ap.add_argument("workloads", nargs="*", help="spirals tabular fashion_mlp fashion_cnn (default: all)")
    args = ap.parse_args()
    chosen = [w for w in WORKLOADS if not args.workloads or w[0] in args.workloads]
    cpp = {}
    if args.cpp:
        cmd = [args.cpp] + (["--quick"] if args.quick else []) + [w[0] for w in chosen]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.strip():
                print(line, flush=True)
                r = json.loads(line)
                cpp[r["workload"]] = r
    py, dl = {}, {}
    for w in chosen:
        r = run(w, args.quick, False)
        print(json.dumps(r), flush=True)
        py[w[0]] = r
        if args.dataloader:
            r = run(w, args.quick, True)
            print(json.dumps(r), flush=True)
            dl[w[0]] = r
    if not args.cpp:
        return
    print()
    head = "| workload | batch | tw (C++) samples/s | PyTorch samples/s | ratio |"
    rule = "| --- | --- | --- | --- | --- |"
    if args.dataloader:
        head += " PyTorch DataLoader samples/s | ratio |"
        rule += " --- | --- |"
    print(head)
    print(rule)
    for w in chosen:
        c, p = cpp[w[0]]["samples_per_second"], py[w[0]]["samples_per_second"]
        row = f"| {w[0]} | {w[5]} | {c:,.0f} | {p:,.0f} | {c / p:.2f}x |"
        if args.dataloader:
            d = dl[w[0]]["samples_per_second"]
            row += f" {d:,.0f} | {c / d:.2f}x |"
        print(row)


if __name__ == "__main__":
    sys.exit(main())
