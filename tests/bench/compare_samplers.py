#!/usr/bin/python3
"""Side-by-side sampler comparison on the same seeds.

Runs our `gp` and `random` samplers through `tw bench`, and Optuna's TPE
(Debian's python3-optuna; a comparison only, not a dependency of the product)
on the same functions, budgets and seeds, and prints the median simple
regret of each, the share of seeds that escaped Hartmann6's -3.2032 trap, and
the suggestion latency.

    /usr/bin/python3 tests/bench/compare_samplers.py [--tw build/app/tw] [--seeds 10]
        [--functions branin,hartmann6,conditional3]

`conditional3` is a conditional space: a categorical `family` picks one of
three branches, each with its own parameters (bowl: 2, best 1; a rescaled
Branin: 2, best 0.5; a shifted Hartmann3: 3, best 0). Optuna samples it
define-by-run, as in its documentation's conditional example.

Debian's python3-optuna loads in Debian's own interpreter (/usr/bin/python3).

The full comparison, with more functions, noise, mixed and failing spaces and
more peers (Optuna's other samplers, GP-EI, BoTorch), is bench_bo_suite.py.
"""
import argparse
import json
import math
import statistics
import subprocess
import sys
import time

HARTMANN6_TRAP = -3.2032

def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10

A6 = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
      [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P6 = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]

def hartmann6(*x):
    return -sum(ALPHA[i] * math.exp(-sum(A6[i][j] * (x[j] - 1e-4 * P6[i][j]) ** 2 for j in range(6)))
                for i in range(4))

A3 = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
P3 = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]

def hartmann3(*x):
    return -sum(ALPHA[i] * math.exp(-sum(A3[i][j] * (x[j] - 1e-4 * P3[i][j]) ** 2 for j in range(3)))
                for i in range(4))

# The branches of core/bench/functions.cpp's conditional3.
CONDITIONAL3 = {
    "bowl": ([("bowl_x", 0.0, 1.0), ("bowl_y", 0.0, 1.0)],
             lambda x, y: 1.0 + 4.0 * ((x - 0.2) ** 2 + (y - 0.7) ** 2)),
    "branin": ([("branin_x1", -5.0, 10.0), ("branin_x2", 0.0, 15.0)],
               lambda a, b: 0.5 + (branin(a, b) - 0.397887357729738) / 20.0),
    "hartmann3": ([("h_x1", 0.0, 1.0), ("h_x2", 0.0, 1.0), ("h_x3", 0.0, 1.0)],
                  lambda *x: hartmann3(*x) + 3.86278214782076),
}

FUNCTIONS = {
    "branin": (branin, [(-5.0, 10.0), (0.0, 15.0)], 0.397887),
    "hartmann6": (hartmann6, [(0.0, 1.0)] * 6, -3.32237),
    "conditional3": (None, None, 0.0),
}

def conditional_objective(trial):
    family = trial.suggest_categorical("family", list(CONDITIONAL3))
    params, f = CONDITIONAL3[family]
    return f(*[trial.suggest_float(name, lo, hi) for name, lo, hi in params])

def run_tw(tw, function, sampler, trials, seeds):
    out = subprocess.run([tw, "bench", "--function", function, "--trials", str(trials),
                          "--seeds", str(seeds), "--sampler", sampler],
                         check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["best_values"], r["latency_ms"]["median"], r["latency_ms"]["p95"]

def run_optuna(function, trials, seeds):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    f, bounds, _ = FUNCTIONS[function]
    best, lat = [], []
    for seed in range(seeds):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        for _ in range(trials):
            t0 = time.perf_counter()
            trial = study.ask()
            if f is None:  # conditional: parameters are drawn while the objective runs
                value = conditional_objective(trial)
            else:
                x = [trial.suggest_float(f"x{i + 1}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
                value = f(*x)
            lat.append((time.perf_counter() - t0) * 1000)
            study.tell(trial, value)
        best.append(study.best_value)
    lat.sort()
    return best, statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tw", default="build/app/tw")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--functions", default="branin,hartmann6,conditional3")
    args = ap.parse_args()
    chosen = args.functions.split(",")
    cases = [c for c in [("branin", 30), ("branin", 50), ("hartmann6", 50), ("conditional3", 40)]
             if c[0] in chosen]
    print(f"{'function':<10} {'evals':>5} {'sampler':<11} {'median best':>12} {'median regret':>14} "
          f"{'share ok':>9} {'latency p50/p95 ms':>19}")
    for function, trials in cases:
        optimum = FUNCTIONS[function][2]
        rows = [("tw gp", *run_tw(args.tw, function, "gp", trials, args.seeds)),
                ("tw random", *run_tw(args.tw, function, "random", trials, args.seeds))]
        try:
            rows.append(("optuna tpe", *run_optuna(function, trials, args.seeds)))
        except ImportError:
            print("  (python3-optuna is not installed: apt-get install python3-optuna)", file=sys.stderr)
        for name, best, p50, p95 in rows:
            regrets = [b - optimum for b in best]
            if function == "hartmann6":
                ok = sum(b < -3.21 for b in best) / len(best)   # out of the -3.2032 trap
            elif function == "conditional3":
                ok = sum(b < 0.5 for b in best) / len(best)     # in the best branch, below the others' optima
            else:
                ok = sum(r <= 2e-3 for r in regrets) / len(regrets)  # regret <= 2e-3
            print(f"{function:<10} {trials:>5} {name:<11} {statistics.median(best):>12.5f} "
                  f"{statistics.median(regrets):>14.2e} {ok:>9.0%} {p50:>9.1f}/{p95:<9.1f}")
    print("share ok: Branin, regret <= 2e-3; Hartmann6, best below -3.21 (out of the -3.2032 trap); "
          "conditional3, best below 0.5 (the Hartmann3 branch, better than the others' optima).")

if __name__ == "__main__":
    main()
