#!/usr/bin/python3
"""Tuning quality on the Titanic CSVs, the talk's search space: tw's GP (and
random) sampler against Optuna's TPE, same space, same rows, same budget.

    /usr/bin/python3 tests/bench/bench_titanic_tuning.py --tw build/app/tw \\
        --export build/tests/bench_titanic_tuning --titanic ../shared/datasets/titanic \\
        [--spec resources/examples/titanic-families.json] [--trials 30] [--seeds 5] [--no-tpe-on-tw]

The space is the spec's (resources/examples/titanic-families.json: numeric
and categorical imputation, the family, C and fit_intercept of a logistic
regression, n_estimators, max_depth and min_samples_split of a random
forest); each seed s runs

- `tw tune` with the spec's sampler (gp) and with `random`, sampler seed s;
- Optuna's TPESampler(seed=s) (Debian's python3-optuna, defaults: 10 random
  startup trials, independent sampling), the spec's parameters suggested
  define-by-run in the spec's order, a parameter with a `when` only when its
  condition holds, on scikit-learn's models: LogisticRegression(C,
  fit_intercept, lbfgs, max_iter 100, tol 1e-4, tw's defaults too) or
  RandomForestClassifier(n_estimators, max_depth, min_samples_split,
  max_features "sqrt", random_state 0, n_jobs 1);
- unless --no-tpe-on-tw, the same Optuna TPE on tw's own models: each trial
  is `tw train SPEC --params ...`, the objective `tw tune` records, so this
  row and the tw rows differ in the sampler only.

Same rows: build/tests/bench_titanic_tuning reads and splits the CSVs with
tw's own DataSource (the spec's split: 20% validation, stratified, seed 0;
preprocessing fitted on the training rows only) and writes the prepared
matrices of each imputation choice; scikit-learn trains on those, so both
sides see identical numbers (534 training rows, 134 validation, the 223 of
data-test-large.csv as test).

Reported per sampler, median over the seeds: the best validation accuracy
(the study's objective), the trial (1-based) that first reached it, and the
test accuracy of that best configuration retrained on training + validation
rows (`tw train --final`; scikit-learn: fit on both matrices). tw's
objective for a forest or a logistic regression is the best of its epochs
(a forest grows in up to 10 chunks of its trees, L-BFGS reports every 10
iterations), so the column "best, full model" gives the best over the
trials of the last epoch's accuracy, the figure scikit-learn's models give.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    return f"{median(xs):.4f} ({min(xs):.4f}-{max(xs):.4f})" if xs else "n/a"


def first_reaching(values):
    """1-based index of the first trial whose value equals the best."""
    best = max(values)
    return next(i for i, v in enumerate(values) if v >= best - 1e-12) + 1


class TwRunner:
    def __init__(self, tw, spec_path, csv, test_csv, tmp):
        self.tw, self.spec_path, self.tmp = tw, spec_path, tmp
        self.data = ["--csv", csv, "--test-csv", test_csv]
        with open(spec_path) as f:
            self.spec = json.load(f)

    def spec_with_sampler(self, name, seed):
        spec = dict(self.spec)
        spec["sampler"] = dict(spec.get("sampler", {}), name=name, seed=seed)
        path = os.path.join(self.tmp, f"spec-{name}-{seed}.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        return path

    def tune(self, sampler, seed, trials):
        spec = self.spec_with_sampler(sampler, seed)
        study = os.path.join(self.tmp, f"study-{sampler}-{seed}.jsonl")
        out = subprocess.run([self.tw, "tune", spec, "--study", study, "--trials", str(trials)] + self.data,
                             check=True, capture_output=True, text=True).stdout
        trials_out, best = [], None
        for line in out.splitlines():
            r = json.loads(line)
            if "number" in r and r.get("state") == "complete":
                trials_out.append(r)
            elif "best" in r:
                best = r["best"]
        # The last epoch of each trial: the full forest / the last L-BFGS iterate.
        last = {}
        with open(study) as f:
            for line in f:
                e = json.loads(line)
                if e.get("event") == "trial_reported":
                    if e["number"] not in last or e["step"] >= last[e["number"]][0]:
                        last[e["number"]] = (e["step"], e["value"])
        values = [t["value"] for t in sorted(trials_out, key=lambda t: t["number"])]
        full = [last[t["number"]][1] for t in trials_out if t["number"] in last]
        return values, max(full) if full else float("nan"), best["params"]

    def train(self, params, final):
        cmd = [self.tw, "train", self.spec_path, "--params", json.dumps(params)] + self.data
        if final:
            cmd.append("--final")
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        if r.get("status") != "completed":
            raise RuntimeError(f"tw train {params}: {r}")
        return r["metrics"]["accuracy"]


def suggest(trial, spec):
    """The spec's search space, define-by-run: a parameter with a `when` only
    when the parameters it names took one of the listed values."""
    params = {}
    for p in spec["search_space"]["parameters"]:
        when = p.get("when", {})
        if any(params.get(k) not in v for k, v in when.items()):
            continue
        name, kind = p["name"], p["type"]
        if kind == "categorical":
            params[name] = trial.suggest_categorical(name, p["choices"])
        elif kind == "float":
            v = trial.suggest_float(name, p["low"], p["high"], log=p.get("log", False), step=p.get("step"))
            params[name] = round(v, 10) if p.get("step") else v
        elif kind == "int":
            params[name] = trial.suggest_int(name, p["low"], p["high"], log=p.get("log", False), step=p.get("step", 1))
        else:
            raise ValueError(f"parameter {name}: type {kind} not handled here")
    return params


class SklearnSide:
    def __init__(self, export, spec_path, csv, test_csv, tmp, spec):
        import numpy as np
        self.np = np
        out = subprocess.run([export, spec_path, tmp, "--csv", csv, "--test-csv", test_csv], check=True,
                             capture_output=True, text=True).stdout
        self.sets, self.describe = {}, None
        for line in out.splitlines():
            r = json.loads(line)
            self.sets[(r["numeric_impute"], r["categorical_impute"])] = r["stem"]
            self.describe = self.describe or (f"{r['train']} training, {r['validation']} validation and "
                                              f"{r['test']} test rows, written by {os.path.basename(export)}")
        self.pre = spec.get("preprocessing", {})
        self.cache = {}

    def matrices(self, params):
        key = (params.get("numeric_impute", self.pre.get("numeric_impute", "mean")),
               params.get("categorical_impute", self.pre.get("categorical_impute", "most_frequent")))
        if key not in self.cache:
            def load(part):
                m = self.np.loadtxt(f"{self.sets[key]}-{part}.csv", delimiter=",", skiprows=1, ndmin=2)
                return m[:, :-1], m[:, -1].astype(int)
            self.cache[key] = tuple(load(part) for part in ("train", "validation", "test"))
        return self.cache[key]

    @staticmethod
    def model(params):
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        if params["family"] == "logistic_regression":
            return LogisticRegression(C=params["C"], fit_intercept=params["fit_intercept"], solver="lbfgs",
                                      max_iter=100, tol=1e-4)
        if params["family"] == "random_forest":
            return RandomForestClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"],
                                          min_samples_split=params["min_samples_split"], max_features="sqrt",
                                          random_state=0, n_jobs=1)
        raise ValueError(f"family {params['family']} not handled here")

    def validation(self, params):
        (xtr, ytr), (xva, yva), _ = self.matrices(params)
        return float((self.model(params).fit(xtr, ytr).predict(xva) == yva).mean())

    def test(self, params):
        (xtr, ytr), (xva, yva), (xte, yte) = self.matrices(params)
        x, y = self.np.vstack([xtr, xva]), self.np.concatenate([ytr, yva])
        return float((self.model(params).fit(x, y).predict(xte) == yte).mean())


def run_optuna(objective, spec, seed, trials):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    chosen = {}

    def wrapped(trial):
        params = suggest(trial, spec)
        chosen[trial.number] = params
        return objective(params)

    study.optimize(wrapped, n_trials=trials)
    values = [t.value for t in study.trials]
    return values, chosen[study.best_trial.number]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tw", default="build/app/tw")
    ap.add_argument("--export", default="build/tests/bench_titanic_tuning")
    ap.add_argument("--titanic", default="../shared/datasets/titanic")
    ap.add_argument("--spec", default="resources/examples/titanic-families.json")
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--no-tpe-on-tw", action="store_true", help="skip Optuna's TPE driving tw's own models")
    ap.add_argument("--verbose", action="store_true", help="print every seed's figures")
    args = ap.parse_args()
    csv = os.path.abspath(os.path.join(args.titanic, "data-train-large.csv"))
    test_csv = os.path.abspath(os.path.join(args.titanic, "data-test-large.csv"))
    for path in (csv, test_csv):
        if not os.path.exists(path):
            print(f"bench_titanic_tuning: {path} not found (--titanic)", file=sys.stderr)
            return 2
    seeds = list(range(args.seeds))
    rows = []  # (sampler, models, bests, full bests, trials of best, test accuracies, seconds)

    with tempfile.TemporaryDirectory() as tmp:
        tw = TwRunner(args.tw, args.spec, csv, test_csv, tmp)
        for sampler in (tw.spec.get("sampler", {}).get("name", "gp"), "random"):
            bests, fulls, at, tests = [], [], [], []
            t0 = time.perf_counter()
            for s in seeds:
                values, full, best = tw.tune(sampler, s, args.trials)
                bests.append(max(values))
                fulls.append(full)
                at.append(first_reaching(values))
                tests.append(tw.train(best, final=True))
                if args.verbose:
                    print(f"tw {sampler} seed {s}: best {bests[-1]:.4f} at trial {at[-1]}, full {full:.4f}, "
                          f"test {tests[-1]:.4f}, {json.dumps(best)}", file=sys.stderr)
            rows.append((f"tw {sampler}", "tw", bests, fulls, at, tests,
                         time.perf_counter() - t0))

        try:
            import optuna
            import sklearn
            optuna_version = f"Optuna {optuna.__version__}, scikit-learn {sklearn.__version__}"
        except ImportError as e:
            optuna_version = None
            print(f"Optuna TPE skipped: {e} (Debian: apt install python3-optuna python3-sklearn; "
                  "run with /usr/bin/python3)")
        if optuna_version:
            from sklearn.exceptions import ConvergenceWarning
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            sk = SklearnSide(args.export, args.spec, csv, test_csv, tmp, tw.spec)
            bests, at, tests = [], [], []
            t0 = time.perf_counter()
            for s in seeds:
                values, best = run_optuna(sk.validation, tw.spec, s, args.trials)
                bests.append(max(values))
                at.append(first_reaching(values))
                tests.append(sk.test(best))
                if args.verbose:
                    print(f"Optuna TPE (scikit-learn) seed {s}: best {bests[-1]:.4f} at trial {at[-1]}, "
                          f"test {tests[-1]:.4f}, {json.dumps(best)}", file=sys.stderr)
            rows.append(("Optuna TPE", "scikit-learn", bests, bests, at, tests, time.perf_counter() - t0))
            if not args.no_tpe_on_tw:
                bests, fulls, at, tests = [], [], [], []
                t0 = time.perf_counter()
                for s in seeds:
                    values, best = run_optuna(lambda p: tw.train(p, final=False), tw.spec, s, args.trials)
                    bests.append(max(values))
                    at.append(first_reaching(values))
                    tests.append(tw.train(best, final=True))
                    if args.verbose:
                        print(f"Optuna TPE (tw) seed {s}: best {bests[-1]:.4f} at trial {at[-1]}, "
                              f"test {tests[-1]:.4f}, {json.dumps(best)}", file=sys.stderr)
                rows.append(("Optuna TPE", "tw, `tw train` per trial", bests, None, at, tests,
                             time.perf_counter() - t0))
            print(f"{optuna_version}; data: {sk.describe}")

    print(f"{args.spec}, {args.trials} trials, seeds {seeds[0]}-{seeds[-1]}; median (min-max) over the seeds")
    print()
    print("| sampler | models | best validation accuracy | best, full model | trial of the best | "
          "test accuracy of the best | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    rows.sort(key=lambda r: r[1] == "scikit-learn")  # tw's models first
    for sampler, models, bests, fulls, at, tests, seconds in rows:
        full = spread(fulls) if fulls is not None else "n/a"
        print(f"| {sampler} | {models} | {spread(bests)} | {full} | {median(at):g} ({min(at)}-{max(at)}) | "
              f"{spread(tests)} | {seconds:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
