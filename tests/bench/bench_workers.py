#!/usr/bin/env python3
"""Trials per minute with 1, 2 and 4 `tw worker --spec` processes on one study.

    /usr/bin/python3 tests/bench/bench_workers.py --tw build/app/tw \\
        [--spec resources/examples/spirals.json] [--trials 20] [--workers 1,2,4]

For each worker count K, a new study with a budget of --trials trials is
filled by K `tw worker --spec SPEC --device cpu` processes started together
(the first to come creates the study from the spec, the others join), on a
private PostgreSQL server (initdb + pg_ctl on a Unix socket in a temporary
folder, as bench_storage.py starts it) and, side by side, on a study file in
a temporary folder. The reference is one `tw tune SPEC --trials N` on a
study file: what a single process does. Timed from the start of the first
process to the end of the last; counted trials (complete, pruned and failed
ones, as the budget counts them) per minute of that wall time. Workers stop
when the budget is met, so up to K - 1 trials in flight then still finish
and are counted. Prints a markdown table, the machine's cores and load.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_storage import PgServer  # noqa: E402  (the same private server)


def counted(tw, study_args):
    r = subprocess.run([tw, "budget", *study_args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"tw budget {' '.join(study_args)}: {r.stderr.strip()}")
    return json.loads(r.stdout.splitlines()[-1])["counted"]


def run_workers(tw, spec, study_args, k, logdir, tag):
    """K workers on one new study (created from the spec, with its budget);
    returns (wall seconds, counted trials)."""
    procs = []
    t0 = time.monotonic()
    for i in range(k):
        log = open(os.path.join(logdir, f"{tag}-{i}.log"), "w")
        procs.append((subprocess.Popen([tw, "worker", *study_args, "--spec", spec, "--device", "cpu"],
                                       stdout=log, stderr=subprocess.STDOUT), log))
    for p, log in procs:
        p.wait(timeout=3600)
        log.close()
        if p.returncode != 0:
            with open(log.name) as f:
                raise RuntimeError(f"worker {log.name} exited {p.returncode}: {f.read()[-2000:]}")
    wall = time.monotonic() - t0
    return wall, counted(tw, study_args)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tw", required=True)
    ap.add_argument("--spec", default="resources/examples/spirals.json")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--json")
    args = ap.parse_args()
    tw = os.path.abspath(args.tw)
    ks = [int(k) for k in args.workers.split(",")]

    work = tempfile.mkdtemp(prefix="tw-bench-workers-")
    with open(args.spec) as f:
        spec = json.load(f)
    spec.setdefault("budget", {})["trials"] = args.trials
    spec_path = os.path.join(work, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)

    rows = []
    server = PgServer(commit="async")
    try:
        # The reference: one tw tune process on a study file.
        ref_study = os.path.join(work, "tune.study")
        t0 = time.monotonic()
        r = subprocess.run([tw, "tune", spec_path, "--study", ref_study, "--device", "cpu"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=3600)
        if r.returncode != 0:
            raise RuntimeError(f"tw tune: {r.stderr.strip()}")
        ref_wall = time.monotonic() - t0
        ref_n = counted(tw, ["--study", ref_study])
        ref_rate = ref_n / ref_wall * 60
        rows.append({"run": "tw tune (1 process), file", "workers": 1, "trials": ref_n, "wall_s": ref_wall,
                     "per_min": ref_rate})
        for k in ks:
            for kind in ("postgresql", "file"):
                if kind == "postgresql":
                    study_args = ["--storage", server.tw_url("postgres"), "--study", f"spirals-{k}"]
                else:
                    study_args = ["--study", os.path.join(work, f"spirals-{k}.study")]
                wall, n = run_workers(tw, spec_path, study_args, k, work, f"{kind}-{k}")
                rows.append({"run": f"tw worker x{k}, {kind}", "workers": k, "trials": n, "wall_s": wall,
                             "per_min": n / wall * 60})
    finally:
        server.stop()

    print(f"spec {args.spec}, budget {args.trials} trials, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    print()
    print("| run | workers | trials counted | wall (s) | trials / min | vs tw tune |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['run']} | {r['workers']} | {r['trials']} | {r['wall_s']:.1f} | {r['per_min']:.1f} | "
              f"{r['per_min'] / ref_rate:.2f}x |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
