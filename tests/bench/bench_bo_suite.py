#!/usr/bin/python3
"""Optimizer benchmark: tw's samplers against every peer, on the same seeds, in one run.

Every function is defined once, here, in Python, and minimized; every peer sees
the same search space, the same budget and the same seeds, and the same
noise draws (evaluation i of seed s of a function gets the same noise whatever
the peer). The metric is the simple regret on the TRUE, noise-free function:
min over the evaluated points of f(x) - f* (a failed trial has no value).

    /usr/bin/python3 tests/bench/bench_bo_suite.py --tw build/app/tw \\
        [--functions all|core|NAME,...] [--peers all|NAME,...] [--seeds 10] \\
        [--first-seed 0] [--evals N] [--jobs 1] [--json OUT] [--resume | --report] \\
        [--venv build/bench-venv] [--no-install] [--install-timeout 600] [--list]

It prints a markdown table (function | evals | peer | median regret | q25-q75
| ok share | failed | s/run) and a summary: per function the best peer's
median regret against tw gp's, their ratio, and the geometric mean of the
ratios (targets: tw gp at most the best peer on every function and at most
1/3 of it on average; Hartmann6 at 50 evaluations, 80% of seeds below -3.21).
Regrets below 1e-9 count as 1e-9 in the ratios. `--json OUT` writes every
run (regret, best true value, failed trials, seconds, every evaluation's true
and observed value); it is rewritten after each run, `--resume` skips the
runs OUT already holds, and `--report` runs nothing and prints the table of
the runs OUT holds (for the chosen functions, peers, seeds and evals). A peer
run that crashes is reported (peer, function, seed, error) and left out of the
figures; the others go on.

Functions (budget 50 evaluations, 100 for the 10-D ones; `--evals` overrides):

    branin       2-D, [-5,10]x[0,15], f* 0.397887; ok: regret <= 2e-3
    camel        six-hump camel, 2-D, [-3,3]x[-2,2], f* -1.031628; ok: regret <= 2e-3
    hartmann3    [0,1]^3, f* -3.862780; ok: regret <= 0.01
    hartmann6    [0,1]^6, f* -3.322368; ok: best below -3.21 (out of the -3.2032 trap)
    rastrigin5   [-5.12,5.12]^5, f* 0, minimum shifted off the centre; ok: regret <= 5
                 (its local minima sit at whole-unit offsets z, worth sum z_i^2)
    schwefel4    [-500,500]^4, f* 0 (x_i = 420.9687); ok: regret <= 100 (the next
                 basin of a coordinate costs about 118)
    shekel10     Shekel m=10, [0,10]^4, f* -10.536443; ok: regret <= 0.5 (global basin)
    rosenbrock4  [-5,10]^4, f* 0; ok: regret <= 10
    ackley5      [-32.768,32.768]^5, f* 0, minimum shifted off the centre; ok: regret <= 3
    levy4        [-10,10]^4, f* 0; ok: regret <= 0.5
    ackley10     10-D, 100 evaluations, shifted as ackley5; ok: regret <= 3
    levy10       10-D, 100 evaluations; ok: regret <= 2
    mixed        validation-loss-like: lr float log [1e-5,1], batch int log [16,512],
                 layers int [1,6], dropout float [0,0.5], optimizer {sgd, adam, rmsprop};
                 best lr per optimizer (sgd 1e-1, adam 1e-3, rmsprop 3e-4 at batch 64,
                 times sqrt(batch/64)), best dropout 0.1 + 0.04 x layers, optimizer
                 offsets adam 0, rmsprop 0.01, sgd 0.03; f* 0.25 (adam, batch 64,
                 3 layers, dropout 0.22, lr 1e-3); ok: regret <= 0.005 (adam, near its best)
    mixed_fail   mixed, where a trial fails ("diverged") when lr is more than 10^1.5
                 times its optimizer's best, or ("out of memory") when batch is 512
                 and layers >= 5: 23% of the box (log-uniform in lr and batch); the
                 table's "failed" column is the median number of failed trials
    hartmann6_fail  hartmann6 that fails where x1 + x2 > 1.367 (20% of the box)

and NAME_noisy for every one but the *_fail: the same with additive Gaussian
noise on the observed value. The sd is about 5% of the gap between f* and the
10th percentile of f at random, to one significant digit: branin 0.3, camel
0.07, hartmann3 0.1 and hartmann6 0.1 (0.07 and 0.13 by the rule; 0.1 is the
customary figure), rastrigin5 4, schwefel4 60, shekel10 0.5, rosenbrock4 100
(the rule gives 1000, more than what 50 evaluations reach: 100 is 5% of random
search's median best), ackley5 1, levy4 0.6, ackley10 1, levy10 3, mixed
0.006. `core` is hartmann6, hartmann6_noisy, branin, rastrigin5, mixed,
mixed_fail.

Rastrigin's and Ackley's minimum sits at the box centre in their textbook
domains, where CMA-ES starts and some initial designs put a point; here it is
moved to a fixed off-centre point (unit coordinates 0.62, 0.31, 0.77, 0.43,
0.18, 0.86, 0.27, 0.55, 0.71, 0.39), so no peer gets it for free.

Peers (`--peers`, comma-separated; default all that load):

    tw_gp          tw's GP sampler (tw create --sampler gp --seed S, then tw ask /
                   tw tell --value V | --failed per trial, one process each)
    tw_random      the same with --sampler random
    optuna_tpe     Optuna TPESampler(seed=S), independent
    optuna_tpe_mv  TPESampler(multivariate=True, group=True, seed=S)
    optuna_cmaes   CmaEsSampler(seed=S) (needs the cmaes package: python3-cmaes);
                   categoricals go to its independent (random) sampler
    optuna_random  RandomSampler(seed=S)
    sk_gp_ei       a scikit-learn GP-EI baseline written here: Constant x Matern-5/2
                   ARD + White kernel, normalize_y, max(5, 2 x parameters) scrambled
                   Sobol points first (tw's initial count), then log-EI maximized over
                   4000 random legal candidates plus L-BFGS-B polish of the best 5 on
                   the relaxed encoding ([0,1] per number, log where the parameter is,
                   one-hot categoricals; rounded back to legal values)
    optuna_gp      Optuna >= 4 GPSampler(seed=S)             [virtual environment]
    botorch        BoTorch qLogNoisyExpectedImprovement on SingleTaskGP
                   (fit_gpytorch_mll, optimize_acqf 10 restarts / 512 raw samples),
                   after the same Sobol count as sk_gp_ei, on the same relaxed
                   encoding                                   [virtual environment]

Optuna's samplers run in Debian's python3-optuna (/usr/bin/python3) and mark a
failing trial TrialState.FAIL; the two GP baselines give a failed trial the
worst value observed so far. The [virtual environment] peers run in a venv the
script creates itself (`--venv`, default build/bench-venv, with
--system-site-packages) and fills with pip (`optuna>=4 torch>=2`, then
`botorch`; torch from PyPI brings its CUDA libraries, about 5 GB); each pip
step is cut at `--install-timeout` seconds, and a peer that does not install
or import is skipped with the reason printed. `--no-install` only uses what is
there. None of this is a dependency of the product or of its tests.

The machine's cores are shared: `--jobs` runs that many (peer, function,
seed) runs at once in a process pool (default 1), and every BLAS / OpenMP pool
is held to one thread.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zlib

HERE = os.path.abspath(__file__)

# ---------------------------------------------------------------- functions


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def camel(x):
    x1, x2 = x
    return (4 - 2.1 * x1 ** 2 + x1 ** 4 / 3) * x1 ** 2 + x1 * x2 + (-4 + 4 * x2 ** 2) * x2 ** 2


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
A3 = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
P3 = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
A6 = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
      [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P6 = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def _hartmann(x, a, p):
    return -sum(HARTMANN_ALPHA[i] * math.exp(-sum(a[i][j] * (x[j] - 1e-4 * p[i][j]) ** 2
                                                  for j in range(len(x))))
                for i in range(4))


def hartmann3(x):
    return _hartmann(x, A3, P3)


def hartmann6(x):
    return _hartmann(x, A6, P6)


# Where the shifted functions put their minimum, as a share of each coordinate's range.
SHIFT_UNITS = [0.62, 0.31, 0.77, 0.43, 0.18, 0.86, 0.27, 0.55, 0.71, 0.39]


def _shift(d, lo, hi):
    return [lo + u * (hi - lo) for u in SHIFT_UNITS[:d]]


RASTRIGIN_SHIFT = _shift(5, -5.12, 5.12)
ACKLEY_SHIFT = _shift(10, -32.768, 32.768)


def rastrigin(x):
    z = [xi - s for xi, s in zip(x, RASTRIGIN_SHIFT)]
    return 10 * len(z) + sum(zi * zi - 10 * math.cos(2 * math.pi * zi) for zi in z)


SCHWEFEL_ARGMIN = 420.968746


def schwefel(x):
    return 418.9828872724338 * len(x) - sum(xi * math.sin(math.sqrt(abs(xi))) for xi in x)


SHEKEL_C = [[4, 1, 8, 6, 3, 2, 5, 8, 6, 7], [4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6],
            [4, 1, 8, 6, 3, 2, 5, 8, 6, 7], [4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6]]
SHEKEL_BETA = [0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5]


def shekel10(x):
    return -sum(1.0 / (sum((x[j] - SHEKEL_C[j][i]) ** 2 for j in range(4)) + SHEKEL_BETA[i])
                for i in range(10))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    z = [xi - s for xi, s in zip(x, ACKLEY_SHIFT)]
    d = len(z)
    return (-20 * math.exp(-0.2 * math.sqrt(sum(zi * zi for zi in z) / d))
            - math.exp(sum(math.cos(2 * math.pi * zi) for zi in z) / d) + 20 + math.e)


def levy(x):
    w = [1 + (xi - 1) / 4 for xi in x]
    s = math.sin(math.pi * w[0]) ** 2
    s += sum((wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2) for wi in w[:-1])
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


class Failed(Exception):
    """The objective failed at this point (the trial is told failed)."""


# The validation-loss-like function of the mixed spaces.
MIXED_BEST_LOG10_LR = {"sgd": -1.0, "adam": -3.0, "rmsprop": -3.5}
MIXED_OFFSET = {"adam": 0.0, "rmsprop": 0.01, "sgd": 0.03}


def _mixed_lr_gap(p):
    """log10(lr) minus the optimizer's best log10(lr) at this batch size."""
    best = MIXED_BEST_LOG10_LR[p["optimizer"]] + 0.5 * math.log10(p["batch"] / 64)
    return math.log10(p["lr"]) - best


def mixed_loss(p):
    gap = _mixed_lr_gap(p)
    width = 0.45 if gap > 0 else 0.9            # too high a rate hurts sooner than too low
    loss = 0.25 + MIXED_OFFSET[p["optimizer"]]
    loss += 0.6 * (1 - math.exp(-0.5 * (gap / width) ** 2))
    loss += 0.004 * (math.log2(p["batch"]) - 6) ** 2
    loss += 0.01 * (p["layers"] - 3) ** 2
    loss += 0.4 * (p["dropout"] - (0.1 + 0.04 * p["layers"])) ** 2
    return loss


def mixed_fail_loss(p):
    if _mixed_lr_gap(p) > 1.5:
        raise Failed("diverged: the learning rate is more than 10^1.5 x its optimizer's best")
    if p["batch"] >= 512 and p["layers"] >= 5:
        raise Failed("out of memory: batch 512 with 5 or more layers")
    return mixed_loss(p)


def hartmann6_fail(x):
    if x[0] + x[1] > 1.367:
        raise Failed("x1 + x2 > 1.367")
    return hartmann6(x)


# ---------------------------------------------------------------- problems


def fparam(name, low, high, log=False):
    p = {"name": name, "type": "float", "low": low, "high": high}
    if log:
        p["log"] = True
    return p


def iparam(name, low, high, log=False):
    p = {"name": name, "type": "int", "low": low, "high": high}
    if log:
        p["log"] = True
    return p


def cparam(name, choices):
    return {"name": name, "type": "categorical", "choices": list(choices)}


class Problem:
    def __init__(self, name, params, f, optimum, ok, ok_text, budget=50, noise_sd=0.0,
                 vector=True):
        self.name, self.params, self.optimum = name, params, optimum
        self.ok, self.ok_text, self.budget, self.noise_sd = ok, ok_text, budget, noise_sd
        self._f, self._vector = f, vector

    def true_value(self, p):
        """The noise-free objective at parameters p (a dict); raises Failed."""
        if self._vector:
            return self._f([p[q["name"]] for q in self.params])
        return self._f(p)


def _box(d, lo, hi):
    return [fparam(f"x{i + 1}", lo, hi) for i in range(d)]


MIXED_PARAMS = [fparam("lr", 1e-5, 1.0, log=True), iparam("batch", 16, 512, log=True),
                iparam("layers", 1, 6), fparam("dropout", 0.0, 0.5),
                cparam("optimizer", ["sgd", "adam", "rmsprop"])]
MIXED_ARGMIN = {"lr": 1e-3, "batch": 64, "layers": 3, "dropout": 0.22, "optimizer": "adam"}


def _regret_ok(tol):
    return (lambda best, opt: best - opt <= tol), f"regret <= {tol:g}"


# name: (f, params, argmin or None, ok, noise sd, budget)
_BASE = {
    "branin": (branin, [fparam("x1", -5.0, 10.0), fparam("x2", 0.0, 15.0)],
               [math.pi, 2.275], _regret_ok(2e-3), 0.3, 50),
    "camel": (camel, [fparam("x1", -3.0, 3.0), fparam("x2", -2.0, 2.0)],
              [0.0898, -0.7126], _regret_ok(2e-3), 0.07, 50),
    "hartmann3": (hartmann3, _box(3, 0.0, 1.0), [0.114614, 0.555649, 0.852547],
                  _regret_ok(0.01), 0.1, 50),
    "hartmann6": (hartmann6, _box(6, 0.0, 1.0),
                  [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
                  ((lambda best, opt: best < -3.21), "best < -3.21"), 0.1, 50),
    "rastrigin5": (rastrigin, _box(5, -5.12, 5.12), RASTRIGIN_SHIFT, _regret_ok(5), 4.0, 50),
    "schwefel4": (schwefel, _box(4, -500.0, 500.0), [SCHWEFEL_ARGMIN] * 4,
                  _regret_ok(100), 60.0, 50),
    "shekel10": (shekel10, _box(4, 0.0, 10.0), [4.0] * 4, _regret_ok(0.5), 0.5, 50),
    "rosenbrock4": (rosenbrock, _box(4, -5.0, 10.0), [1.0] * 4, _regret_ok(10), 100.0, 50),
    "ackley5": (ackley, _box(5, -32.768, 32.768), ACKLEY_SHIFT[:5], _regret_ok(3), 1.0, 50),
    "levy4": (levy, _box(4, -10.0, 10.0), [1.0] * 4, _regret_ok(0.5), 0.6, 50),
    "ackley10": (ackley, _box(10, -32.768, 32.768), ACKLEY_SHIFT, _regret_ok(3), 1.0, 100),
    "levy10": (levy, _box(10, -10.0, 10.0), [1.0] * 10, _regret_ok(2), 3.0, 100),
    "mixed": (mixed_loss, MIXED_PARAMS, MIXED_ARGMIN, _regret_ok(0.005), 0.006, 50),
}
_FAILING = {
    "mixed_fail": ("mixed", mixed_fail_loss),
    "hartmann6_fail": ("hartmann6", hartmann6_fail),
}
CORE = ["hartmann6", "hartmann6_noisy", "branin", "rastrigin5", "mixed", "mixed_fail"]


def _polished_optimum(f, params, argmin):
    """f at the literature argmin, polished by L-BFGS-B in the box (numeric spaces)."""
    value = f(argmin)
    try:
        from scipy.optimize import minimize
        bounds = [(p["low"], p["high"]) for p in params]
        r = minimize(f, argmin, method="L-BFGS-B", bounds=bounds,
                     options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 500})
        value = min(value, float(r.fun))
    except ImportError:
        pass
    return value


_PROBLEMS = None


def problems():
    global _PROBLEMS
    if _PROBLEMS is None:
        out = {}
        for name, (f, params, argmin, (ok, ok_text), sd, budget) in _BASE.items():
            vector = isinstance(argmin, list)
            opt = _polished_optimum(f, params, argmin) if vector else f(argmin)
            out[name] = Problem(name, params, f, opt, ok, ok_text, budget, 0.0, vector)
            out[name + "_noisy"] = Problem(name + "_noisy", params, f, opt, ok, ok_text, budget,
                                           sd, vector)
        for name, (base, f) in _FAILING.items():
            b = out[base]
            out[name] = Problem(name, b.params, f, b.optimum, b.ok, b.ok_text, b.budget, 0.0,
                                b._vector)
        _PROBLEMS = out
    return _PROBLEMS


# ---------------------------------------------------------------- one run


class Recorder:
    """Evaluates a problem for one peer run and records every evaluation."""

    def __init__(self, problem, seed):
        self.problem = problem
        self.noise = random.Random(zlib.crc32(f"{problem.name}:{seed}".encode()))
        self.true, self.observed, self.reasons = [], [], []

    def __call__(self, p):
        """Returns the observed value, or None where the trial failed."""
        eps = self.noise.gauss(0.0, 1.0)  # drawn for every evaluation: the same stream per seed
        try:
            t = float(self.problem.true_value(p))
        except Failed as e:
            self.true.append(None)
            self.observed.append(None)
            self.reasons.append(str(e))
            return None
        obs = t + self.problem.noise_sd * eps
        self.true.append(t)
        self.observed.append(obs)
        return obs

    @property
    def count(self):
        return len(self.true)

    @property
    def reason(self):
        return self.reasons[-1] if self.reasons else ""


def run_tw(rec, seed, budget, sampler, tw):
    with tempfile.TemporaryDirectory(prefix="bo-suite-") as d:
        space, study = os.path.join(d, "space.json"), os.path.join(d, "study.jsonl")
        with open(space, "w") as f:
            json.dump({"parameters": rec.problem.params}, f)

        def call(*args):
            r = subprocess.run([tw, *args], capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                raise RuntimeError(f"tw {args[0]} exited {r.returncode}: {r.stderr.strip()}")
            return json.loads(r.stdout)

        call("create", "--study", study, "--space", space, "--sampler", sampler,
             "--seed", str(seed))
        for _ in range(budget):
            trial = call("ask", "--study", study)
            value = rec(trial["params"])
            n = str(trial["number"])
            if value is None:
                call("tell", "--study", study, "--trial", n, "--failed", "--reason", rec.reason)
            else:
                call("tell", "--study", study, "--trial", n, "--value", repr(value))


def run_optuna(rec, seed, budget, kind):
    import optuna
    from optuna.trial import TrialState
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")  # experimental-feature warnings
    if kind == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif kind == "tpe_mv":
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True)
    elif kind == "cmaes":
        sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    elif kind == "random":
        sampler = optuna.samplers.RandomSampler(seed=seed)
    elif kind == "gp":
        sampler = optuna.samplers.GPSampler(seed=seed)
    else:
        raise ValueError(kind)
    study = optuna.create_study(sampler=sampler)
    for _ in range(budget):
        trial = study.ask()
        p = {}
        for q in rec.problem.params:
            if q["type"] == "float":
                p[q["name"]] = trial.suggest_float(q["name"], q["low"], q["high"],
                                                   log=q.get("log", False))
            elif q["type"] == "int":
                p[q["name"]] = trial.suggest_int(q["name"], q["low"], q["high"],
                                                 log=q.get("log", False))
            else:
                p[q["name"]] = trial.suggest_categorical(q["name"], q["choices"])
        value = rec(p)
        if value is None:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, value)


class Encoding:
    """The relaxed [0,1]^D encoding of the GP baselines: a coordinate per number
    (log-scaled where the parameter is), one-hot categoricals; decode() rounds
    back to legal values."""

    def __init__(self, params):
        self.params = params
        self.dim = sum(len(q["choices"]) if q["type"] == "categorical" else 1 for q in params)

    @staticmethod
    def _scale(q):
        if q.get("log"):
            return math.log(q["low"]), math.log(q["high"])
        return float(q["low"]), float(q["high"])

    def encode(self, p):
        z = []
        for q in self.params:
            v = p[q["name"]]
            if q["type"] == "categorical":
                z.extend(1.0 if c == v else 0.0 for c in q["choices"])
            else:
                lo, hi = self._scale(q)
                z.append(((math.log(v) if q.get("log") else v) - lo) / (hi - lo))
        return z

    def decode(self, z):
        p, k = {}, 0
        for q in self.params:
            if q["type"] == "categorical":
                n = len(q["choices"])
                seg = list(z[k:k + n])
                p[q["name"]] = q["choices"][seg.index(max(seg))]
                k += n
                continue
            lo, hi = self._scale(q)
            v = lo + min(max(float(z[k]), 0.0), 1.0) * (hi - lo)
            v = math.exp(v) if q.get("log") else v
            if q["type"] == "int":
                v = min(max(int(round(v)), q["low"]), q["high"])
            else:
                v = min(max(v, q["low"]), q["high"])
            p[q["name"]] = v
            k += 1
        return p

    def sample(self, u):
        """Legal parameters from one uniform number per parameter."""
        p = {}
        for q, ui in zip(self.params, u):
            if q["type"] == "categorical":
                n = len(q["choices"])
                p[q["name"]] = q["choices"][min(int(ui * n), n - 1)]
            elif q["type"] == "int":
                lo, hi = q["low"] - 0.5, q["high"] + 0.5
                if q.get("log"):
                    v = math.exp(math.log(lo) + ui * (math.log(hi) - math.log(lo)))
                else:
                    v = lo + ui * (hi - lo)
                p[q["name"]] = min(max(int(round(v)), q["low"]), q["high"])
            else:
                lo, hi = self._scale(q)
                v = lo + ui * (hi - lo)
                p[q["name"]] = min(max(math.exp(v) if q.get("log") else v, q["low"]), q["high"])
        return p


def _initial_design(enc, seed):
    """max(5, 2 x parameters) scrambled Sobol points (tw's default initial count)."""
    from scipy.stats import qmc
    n = max(5, 2 * len(enc.params))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "balance properties" when n is not a power of 2
        u = qmc.Sobol(len(enc.params), scramble=True, seed=seed).random(n)
    return [enc.sample(row) for row in u]


def _training_set(enc, points, values):
    """Encoded points and values; a failed trial gets the worst value observed."""
    done = [v for v in values if v is not None]
    worst = max(done) if done else 0.0
    return [enc.encode(p) for p in points], [worst if v is None else v for v in values]


def run_sk_gp_ei(rec, seed, budget):
    import numpy as np
    from scipy.optimize import minimize
    from scipy.stats import norm
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    enc = Encoding(rec.problem.params)
    rng = np.random.default_rng(seed)
    init = _initial_design(enc, seed)
    points, values = [], []

    def log_ei(gp, z, best):
        mu, sd = gp.predict(np.atleast_2d(z), return_std=True)
        sd = np.maximum(sd, 1e-12)
        u = (best - mu) / sd
        with np.errstate(divide="ignore"):
            direct = np.log(np.maximum(u * norm.cdf(u) + norm.pdf(u), 1e-300))
            tail = norm.logpdf(u) - 2 * np.log(np.maximum(-u, 1e-12))
        return np.where(u > -5, direct, tail) + np.log(sd)

    for i in range(budget):
        if i < len(init) or not any(v is not None for v in values):
            p = init[i] if i < len(init) else enc.sample(rng.random(len(enc.params)))
        else:
            X, y = _training_set(enc, points, values)
            X, y = np.array(X), np.array(y)
            kernel = (ConstantKernel(1.0, (1e-3, 1e3))
                      * Matern(length_scale=np.full(enc.dim, 0.3), length_scale_bounds=(1e-2, 1e2),
                               nu=2.5)
                      + WhiteKernel(1e-4, (1e-8, 1.0)))
            gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=2,
                                          random_state=int(rng.integers(2 ** 31)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gp.fit(X, y)
            best = y.min()
            cands = np.array([enc.encode(enc.sample(u)) for u in rng.random((4000, len(enc.params)))])
            scores = log_ei(gp, cands, best)
            legal = [cands[j] for j in np.argsort(-scores)[:5]]
            for z0 in list(legal):
                r = minimize(lambda z: -float(log_ei(gp, z, best)[0]), z0, method="L-BFGS-B",
                             bounds=[(0.0, 1.0)] * enc.dim, options={"maxiter": 50})
                legal.append(np.array(enc.encode(enc.decode(r.x))))
            legal = np.array(legal)
            order = np.argsort(-log_ei(gp, legal, best))
            chosen = legal[order[0]]
            for j in order:  # the best point not yet evaluated (rounding can repeat one)
                if np.min(np.abs(X - legal[j]).max(axis=1)) > 1e-9:
                    chosen = legal[j]
                    break
            p = enc.decode(chosen)
        points.append(p)
        values.append(rec(p))


def run_botorch(rec, seed, budget):
    import torch
    from botorch.acquisition.logei import qLogNoisyExpectedImprovement
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from botorch.optim import optimize_acqf
    from gpytorch.mlls import ExactMarginalLogLikelihood
    warnings.simplefilter("ignore")
    torch.manual_seed(seed)
    enc = Encoding(rec.problem.params)
    init = _initial_design(enc, seed)
    bounds = torch.stack([torch.zeros(enc.dim, dtype=torch.double),
                          torch.ones(enc.dim, dtype=torch.double)])
    points, values = [], []
    for i in range(budget):
        if i < len(init) or not any(v is not None for v in values):
            p = init[i] if i < len(init) else enc.decode(torch.rand(enc.dim).tolist())
        else:
            X, y = _training_set(enc, points, values)
            train_x = torch.tensor(X, dtype=torch.double)
            train_y = -torch.tensor(y, dtype=torch.double).unsqueeze(-1)  # BoTorch maximizes
            model = SingleTaskGP(train_x, train_y, outcome_transform=Standardize(m=1))
            fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
            acq = qLogNoisyExpectedImprovement(model, X_baseline=train_x, prune_baseline=True)
            cand, _ = optimize_acqf(acq, bounds=bounds, q=1, num_restarts=10, raw_samples=512)
            p = enc.decode(cand[0].tolist())
        points.append(p)
        values.append(rec(p))


# peer: (label, where it runs: "system" or "venv")
PEERS = {
    "tw_gp": ("tw gp", "system"),
    "tw_random": ("tw random", "system"),
    "optuna_tpe": ("Optuna TPE", "system"),
    "optuna_tpe_mv": ("Optuna TPE multivariate", "system"),
    "optuna_cmaes": ("Optuna CMA-ES", "system"),
    "optuna_random": ("Optuna random", "system"),
    "sk_gp_ei": ("sklearn GP-EI", "system"),
    "optuna_gp": ("Optuna GPSampler", "venv"),
    "botorch": ("BoTorch qLogNEI", "venv"),
}


def _preload(peer):
    if peer.startswith("optuna_"):
        import optuna  # noqa: F401
        if peer == "optuna_gp":
            import torch  # noqa: F401
            try:
                from optuna._gp import gp  # noqa: F401  (private: loaded on the first GP trial)
            except ImportError:
                pass
    elif peer == "sk_gp_ei":
        import scipy.optimize  # noqa: F401
        import scipy.stats  # noqa: F401
        import sklearn.gaussian_process  # noqa: F401
    elif peer == "botorch":
        import botorch  # noqa: F401
        import scipy.stats  # noqa: F401


def run_in_process(peer, function, seed, budget, tw):
    """One (peer, function, seed) run here; returns its result record."""
    problem = problems()[function]
    rec = Recorder(problem, seed)
    _preload(peer)  # imports are not the peer's time
    t0 = time.perf_counter()
    if peer in ("tw_gp", "tw_random"):
        run_tw(rec, seed, budget, peer[3:], tw)
    elif peer == "sk_gp_ei":
        run_sk_gp_ei(rec, seed, budget)
    elif peer == "botorch":
        run_botorch(rec, seed, budget)
    elif peer.startswith("optuna_"):
        run_optuna(rec, seed, budget, peer[len("optuna_"):])
    else:
        raise ValueError(f"unknown peer {peer}")
    seconds = time.perf_counter() - t0
    done = [t for t in rec.true if t is not None]
    best = min(done) if done else math.inf
    return {"peer": peer, "function": function, "seed": seed, "evals": budget, "status": "ok",
            "best_true": best, "regret": best - problem.optimum,
            "ok": bool(done) and bool(problem.ok(best, problem.optimum)),
            "failed": rec.true.count(None), "seconds": round(seconds, 3),
            "true": rec.true, "observed": rec.observed}


def run_job(job):
    """A pool job: never raises; a crash becomes a record with status "error"."""
    peer, function, seed, budget, tw, venv_python = job
    try:
        if PEERS[peer][1] == "venv":
            r = subprocess.run([venv_python, HERE, "--worker", json.dumps(
                {"peer": peer, "function": function, "seed": seed, "evals": budget})],
                capture_output=True, text=True, timeout=6 * 3600)
            if r.returncode != 0:
                raise RuntimeError(f"worker exited {r.returncode}: "
                                   + (r.stderr.strip().splitlines() or ["(no output)"])[-1])
            return json.loads(r.stdout.strip().splitlines()[-1])
        return run_in_process(peer, function, seed, budget, tw)
    except Exception as e:  # noqa: BLE001 - reported, the suite goes on
        detail = traceback.format_exc(limit=3) if not isinstance(e, RuntimeError) else str(e)
        return {"peer": peer, "function": function, "seed": seed, "evals": budget,
                "status": "error", "error": f"{type(e).__name__}: {e}", "detail": detail}


# ---------------------------------------------------------------- peers' set-up


def _probe_system(peer):
    """None if the peer can run in this interpreter, else the reason."""
    try:
        if peer.startswith("optuna_"):
            import optuna  # noqa: F401
            if peer == "optuna_cmaes":
                import cmaes  # noqa: F401
        elif peer == "sk_gp_ei":
            import scipy  # noqa: F401
            import sklearn  # noqa: F401
    except ImportError as e:
        return f"{e} (apt-get install python3-optuna python3-cmaes python3-sklearn)"
    return None


VENV_PEERS = {
    "optuna_gp": {
        "probe": "import optuna, torch\nfrom optuna.samplers import GPSampler\n"
                 "assert int(optuna.__version__.split('.')[0]) >= 4, 'optuna ' + optuna.__version__\n"
                 "assert int(torch.__version__.split('.')[0]) >= 2, 'torch ' + torch.__version__\n"
                 "print('optuna', optuna.__version__, 'torch', torch.__version__)",
        "install": ["optuna>=4", "torch>=2"],
    },
    "botorch": {
        "probe": "import botorch, gpytorch, torch\n"
                 "from botorch.acquisition.logei import qLogNoisyExpectedImprovement\n"
                 "print('botorch', botorch.__version__, 'gpytorch', gpytorch.__version__,"
                 " 'torch', torch.__version__)",
        "install": ["torch>=2", "botorch"],
    },
}


def _probe_venv(python, peer):
    """(None, versions) when the peer imports in the venv, else (reason, None)."""
    if not os.path.exists(python):
        return "no virtual environment", None
    try:
        r = subprocess.run([python, "-c", VENV_PEERS[peer]["probe"]], capture_output=True,
                           text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "importing it took over 300 s", None
    if r.returncode != 0:
        lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
        return (lines[-1] if lines else f"exit {r.returncode}"), None
    return None, r.stdout.strip()


def set_up_venv(venv, peers, install, timeout):
    """Makes the venv peers importable; returns ({peer: reason skipped}, {peer: versions})."""
    python = os.path.join(venv, "bin", "python")
    skipped, versions = {}, {}
    log = os.path.join(venv, "install.log")
    for peer in peers:
        reason, ver = _probe_venv(python, peer)
        if reason and install:
            print(f"setting up {peer} in {venv} (pip, at most {timeout} s a step; log: {log})",
                  file=sys.stderr)
            try:
                if not os.path.exists(python):
                    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv],
                                   check=True, capture_output=True, text=True, timeout=timeout)
                with open(log, "a") as out:
                    t0 = time.time()
                    r = subprocess.run([python, "-m", "pip", "install", *VENV_PEERS[peer]["install"]],
                                       stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
                    print(f"  pip install {' '.join(VENV_PEERS[peer]['install'])}: exit "
                          f"{r.returncode} after {time.time() - t0:.0f} s", file=sys.stderr)
                reason, ver = _probe_venv(python, peer)
            except subprocess.TimeoutExpired:
                reason = f"installation cut after {timeout} s (--install-timeout)"
            except (subprocess.CalledProcessError, OSError) as e:
                reason = f"could not create the virtual environment: {e}"
        if reason:
            skipped[peer] = reason
        else:
            versions[peer] = ver
    return skipped, versions


# ---------------------------------------------------------------- report


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1000 or a < 1e-3:
        m, e = f"{x:.1e}".split("e")
        return f"{m}e{int(e)}"
    return f"{x:.3g}"


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return math.nan
    pos = q * (len(xs) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(runs, functions, peers):
    """{(function, peer): stats} over the runs with status ok."""
    cells = {}
    for fn in functions:
        for peer in peers:
            rs = [r for r in runs if r["function"] == fn and r["peer"] == peer]
            good = [r for r in rs if r["status"] == "ok"]
            if not rs:
                continue
            regrets = [r["regret"] for r in good]
            cells[(fn, peer)] = {
                "evals": rs[0]["evals"], "n": len(good), "errors": len(rs) - len(good),
                "median": statistics.median(regrets) if regrets else math.nan,
                "q25": quantile(regrets, 0.25), "q75": quantile(regrets, 0.75),
                "ok": sum(r["ok"] for r in good) / len(good) if good else math.nan,
                "failed": statistics.median([r["failed"] for r in good]) if good else math.nan,
                "seconds": statistics.median([r["seconds"] for r in good]) if good else math.nan,
            }
    return cells


def print_report(cells, functions, peers, out=sys.stdout):
    P = problems()
    print("| function | evals | peer | median regret | q25-q75 | ok share | failed | s/run |", file=out)
    print("| --- | --- | --- | --- | --- | --- | --- | --- |", file=out)
    for fn in functions:
        failing = fn in _FAILING
        for peer in peers:
            c = cells.get((fn, peer))
            if not c:
                continue
            n = f" ({c['errors']} of {c['n'] + c['errors']} runs crashed)" if c["errors"] else ""
            if not c["n"]:
                print(f"| {fn} | {c['evals']} | {PEERS[peer][0]}{n} | - | - | - | - | - |", file=out)
                continue
            print(f"| {fn} | {c['evals']} | {PEERS[peer][0]}{n} | {fmt(c['median'])} | "
                  f"{fmt(c['q25'])}-{fmt(c['q75'])} | "
                  f"{'-' if math.isnan(c['ok']) else format(c['ok'], '.0%')} | "
                  f"{fmt(c['failed']) if failing else '-'} | {fmt(c['seconds'])} |", file=out)
    print(file=out)
    print("ok: " + "; ".join(f"{fn}, {P[fn].ok_text}" for fn in functions) + ".", file=out)
    noisy = [fn for fn in functions if P[fn].noise_sd]
    if noisy:
        print("noise sd: " + ", ".join(f"{fn} {P[fn].noise_sd:g}" for fn in noisy) + ".", file=out)

    # Summary: tw gp against the best other peer (tw random is not a peer).
    others = [p for p in peers if not p.startswith("tw_")]
    if "tw_gp" not in peers or not others:
        return
    floor = 1e-9
    logs, worse, rows = [], [], []
    for fn in functions:
        tw = cells.get((fn, "tw_gp"))
        cand = [(cells[(fn, p)]["median"], p) for p in others
                if (fn, p) in cells and not math.isnan(cells[(fn, p)]["median"])]
        if not tw or math.isnan(tw["median"]) or not cand:
            continue
        best, bp = min(cand)
        ratio = max(tw["median"], floor) / max(best, floor)
        logs.append(math.log(ratio))
        if ratio > 1:
            worse.append(fn)
        rows.append(f"| {fn} | {fmt(tw['median'])} | {PEERS[bp][0]} | {fmt(best)} | {ratio:.3g} |")
    if logs:
        print(file=out)
        print("| function | tw gp median regret | best peer | its median regret | tw gp / best |",
              file=out)
        print("| --- | --- | --- | --- | --- |", file=out)
        print("\n".join(rows), file=out)
        g = math.exp(sum(logs) / len(logs))
        print(file=out)
        print(f"geometric mean of tw gp / best peer over {len(logs)} functions: {g:.3g} "
              f"(target <= 0.333: {'met' if g <= 1 / 3 else 'not met'}); tw gp at most the best "
              f"peer on every function: "
              f"{'met' if not worse else 'not met (' + ', '.join(worse) + ')'}", file=out)
    for fn in ("hartmann6", "hartmann6_noisy"):
        c = cells.get((fn, "tw_gp"))
        if c and c["evals"] == 50:
            print(f"{fn} at 50 evaluations: tw gp best below -3.21 in {c['ok']:.0%} of seeds "
                  f"(target 80%: {'met' if c['ok'] >= 0.8 else 'not met'})", file=out)


# ---------------------------------------------------------------- main


def parse_list(text, known, groups, what):
    names = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if item in groups:
            names.extend(groups[item])
        elif item in known:
            names.append(item)
        else:
            raise SystemExit(f"bench_bo_suite: --{what}: unknown name '{item}' "
                             f"(one of: {', '.join(list(groups) + list(known))})")
    return list(dict.fromkeys(names))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tw", default="build/app/tw", help="the tw executable (default build/app/tw)")
    ap.add_argument("--functions", default="all", help="all, core, or names (comma-separated)")
    ap.add_argument("--peers", default="all", help="all or names (comma-separated)")
    ap.add_argument("--seeds", type=int, default=10, help="seeds per (peer, function) (default 10)")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--evals", type=int, default=None,
                    help="evaluations per run for every function (default: 50, 100 in 10-D)")
    ap.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    ap.add_argument("--json", metavar="OUT", help="write every run's result to OUT")
    ap.add_argument("--resume", action="store_true", help="skip the runs --json OUT already holds")
    ap.add_argument("--report", action="store_true",
                    help="run nothing: print the table of the runs --json OUT holds")
    ap.add_argument("--venv", default="build/bench-venv",
                    help="virtual environment of the optional peers (default build/bench-venv)")
    ap.add_argument("--no-install", action="store_true", help="never pip-install the optional peers")
    ap.add_argument("--install-timeout", type=int, default=600,
                    help="seconds per pip step before the peer is skipped (default 600)")
    ap.add_argument("--list", action="store_true", help="list the functions and peers, and exit")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:  # one run inside the virtual environment; the result on stdout
        job = json.loads(args.worker)
        print(json.dumps(run_in_process(job["peer"], job["function"], job["seed"], job["evals"],
                                        None)))
        return

    P = problems()
    if args.list:
        for name, p in P.items():
            print(f"{name:<16} {len(p.params):>2} parameters, {p.budget:>3} evaluations, "
                  f"f* {p.optimum:.6g}, noise sd {p.noise_sd:g}, ok: {p.ok_text}")
        for name, (label, where) in PEERS.items():
            print(f"{name:<16} {label} ({'virtual environment' if where == 'venv' else 'python3'})")
        return
    for flag in ("seeds", "jobs"):
        if getattr(args, flag) < 1:
            raise SystemExit(f"bench_bo_suite: --{flag}: must be at least 1 "
                             f"(got {getattr(args, flag)})")
    if args.first_seed < 0:
        raise SystemExit(f"bench_bo_suite: --first-seed: must be non-negative (got {args.first_seed})")
    if args.evals is not None and args.evals < 1:
        raise SystemExit(f"bench_bo_suite: --evals: must be at least 1 (got {args.evals})")
    for flag in ("resume", "report"):
        if getattr(args, flag) and not args.json:
            raise SystemExit(f"bench_bo_suite: --{flag}: needs --json OUT")
    functions = parse_list(args.functions, P, {"all": list(P), "core": CORE}, "functions")
    peers = parse_list(args.peers, PEERS, {"all": list(PEERS)}, "peers")
    if not functions or not peers:
        raise SystemExit("bench_bo_suite: --functions and --peers: name at least one")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    wanted = {(fn, seed, args.evals or P[fn].budget) for fn in functions for seed in seeds}
    if args.report:
        try:
            with open(args.json) as f:
                runs = json.load(f)["runs"]
        except (OSError, ValueError, KeyError) as e:
            raise SystemExit(f"bench_bo_suite: --json: cannot read the runs of {args.json}: {e}")
        runs = [r for r in runs if (r["function"], r["seed"], r["evals"]) in wanted]
        present = {r["peer"] for r in runs}
        print_report(summarize(runs, functions, [p for p in peers if p in present]), functions,
                     [p for p in peers if p in present])
        return

    skipped, versions = {}, {}
    tw = shutil.which(args.tw) or (os.path.abspath(args.tw) if os.path.exists(args.tw) else None)
    for peer in [p for p in peers if p.startswith("tw_")]:
        if not tw or not os.access(tw, os.X_OK):
            skipped[peer] = f"--tw: '{args.tw}' is not an executable"
    for peer in [p for p in peers if PEERS[p][1] == "system" and not p.startswith("tw_")]:
        reason = _probe_system(peer)
        if reason:
            skipped[peer] = reason
    try:
        import optuna
        versions["optuna (system)"] = optuna.__version__
    except ImportError:
        pass
    venv_peers = [p for p in peers if PEERS[p][1] == "venv"]
    venv_python = os.path.abspath(os.path.join(args.venv, "bin", "python"))
    if venv_peers:
        s, v = set_up_venv(os.path.abspath(args.venv), venv_peers, not args.no_install,
                           args.install_timeout)
        skipped.update(s)
        versions.update(v)
    for peer, reason in skipped.items():
        print(f"skipped {peer} ({PEERS[peer][0]}): {reason}", file=sys.stderr)
    peers = [p for p in peers if p not in skipped]
    if not peers:
        raise SystemExit("bench_bo_suite: --peers: no peer left to run (see the reasons above)")
    if versions:
        print("versions: " + "; ".join(f"{k}: {v}" for k, v in versions.items()), file=sys.stderr)

    runs, have = [], set()
    if args.resume and os.path.exists(args.json):
        with open(args.json) as f:
            runs = [r for r in json.load(f)["runs"] if r["status"] == "ok"]
        have = {(r["peer"], r["function"], r["seed"], r["evals"]) for r in runs}
    jobs = [(peer, fn, seed, args.evals or P[fn].budget, tw, venv_python)
            for fn in functions for seed in seeds for peer in peers
            if (peer, fn, seed, args.evals or P[fn].budget) not in have]
    meta = {"argv": sys.argv[1:], "functions": functions, "peers": peers, "skipped": skipped,
            "versions": versions, "seeds": list(seeds),
            "optima": {fn: P[fn].optimum for fn in functions},
            "noise_sd": {fn: P[fn].noise_sd for fn in functions}}

    def save():
        if args.json:
            tmp = args.json + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"meta": meta, "runs": runs}, f)
            os.replace(tmp, args.json)

    print(f"{len(jobs)} runs ({len(have)} already in {args.json})" if have else f"{len(jobs)} runs",
          file=sys.stderr)
    t_start = time.time()

    def done(k, r):
        runs.append(r)
        save()
        head = f"[{k}/{len(jobs)} {time.time() - t_start:.0f}s] {r['function']} {r['peer']} seed {r['seed']}"
        if r["status"] == "ok":
            print(f"{head}: regret {fmt(r['regret'])}, failed {r['failed']}, {r['seconds']:.1f} s",
                  file=sys.stderr)
        else:
            print(f"{head}: CRASHED, left out of the figures: {r['error']}", file=sys.stderr)

    if args.jobs == 1:
        for k, job in enumerate(jobs, 1):
            done(k, run_job(job))
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_job, job): job for job in jobs}
            for k, fut in enumerate(as_completed(futures), 1):
                try:
                    r = fut.result()
                except Exception as e:  # noqa: BLE001 - a worker process died
                    peer, fn, seed, budget = futures[fut][:4]
                    r = {"peer": peer, "function": fn, "seed": seed, "evals": budget,
                         "status": "error", "error": f"{type(e).__name__}: {e}"}
                done(k, r)
    print(f"{len(jobs)} runs in {time.time() - t_start:.0f} s", file=sys.stderr)
    errors = [r for r in runs if r["status"] != "ok"]  # this invocation's: resumed runs are ok
    for r in errors:
        print(f"crashed: {r['peer']} on {r['function']} seed {r['seed']}: {r['error']}",
              file=sys.stderr)
    print_report(summarize([r for r in runs if (r["function"], r["seed"], r["evals"]) in wanted],
                           functions, peers), functions, peers)


if __name__ == "__main__":
    main()
