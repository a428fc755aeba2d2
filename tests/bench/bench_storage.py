#!/usr/bin/env python3
"""Study storage under load, tw against Optuna's RDBStorage, side by side in one run.

    /usr/bin/python3 tests/bench/bench_storage.py --bench build/tests/bench_storage \\
        [--optuna5-python build/bench-venv/bin/python] [--json build/bench-storage.json]

Starts a private PostgreSQL server (initdb + pg_ctl in a temporary folder,
listening only on a Unix socket there, trust authentication for the user
"tw"; run as the user "nobody" when root, as PostgreSQL refuses root) and
stops it at the end, also on an error or Ctrl-C. On it, and on journal files
in a temporary folder:

1. ask + tell round trips per second with 1, 4 and 16 workers, random sampler,
   --trials trials in all (Optuna: --optuna-trials) on a new study of six
   floats and a categorical:
   tw's bench_storage (threads, each its own Study object and connection) on
   PostgreSQL and on a study file; Optuna's RDBStorage (the same server over
   the same socket, postgresql+psycopg2, RandomSampler, study.ask with the same
   distributions, study.tell), one *process* per worker (multiprocessing,
   spawn), each doing its share, timed from a barrier after every process
   loaded the study.
2. bookkeeping per trial: one ask + tell (random sampler) when the study
   already holds 100, 1,000 and 10,000 trials, and the time to open it
   (tw: connect + replay; Optuna: load_study + get_trials). tw fills a study
   by copying prebuilt events (study::copyEvents); Optuna by study.add_trials,
   capped at --optuna-fill-cap seconds of filling: sizes past the cap are
   left out and said so.
3. tw only: the latency of report and tell on other trials while one worker
   asks a GP study of 1,000 complete trials (its fit takes a while), against
   the same ops with no ask running and, as the control, while a thread only
   burns a core for as long as an ask took.

The server runs with synchronous_commit off by default (--commit async: a
crash loses at most the last commits, 3 x wal_writer_delay, and corrupts
nothing; close to the journal file, which writes each event but does not
fsync it); --commit durable keeps PostgreSQL's
defaults, where every commit waits for the disk (3.6 ms a flush on the
machine the README's figures come from: pg_test_fsync), --commit nosync
turns fsync off.

Optuna 3.1 is Debian's python3-optuna under this interpreter; with
--optuna5-python (a virtual environment with Optuna 4/5, SQLAlchemy and
psycopg2 importable) that Optuna runs too, in a database of its own (the two
schema versions differ). A peer that does not import is skipped with the
reason printed. Prints markdown tables and the machine's load average.
"""
import argparse
import json
import multiprocessing
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

# What a commit waits for (--commit): "durable", PostgreSQL's defaults (each
# commit waits for its WAL to reach the disk); "async", synchronous_commit
# off (a crash loses at most the last commits and corrupts nothing, close to
# the journal file, which writes but does not fsync each event); "nosync",
# fsync off as tw's tests run it (not for real data).
COMMIT_SETTINGS = {
    "durable": "",
    "async": " -c synchronous_commit=off",
    "nosync": " -c fsync=off -c full_page_writes=off",
}


# ---- the private server ------------------------------------------------------

def find_pg_bin():
    for tool in ("initdb", "pg_ctl"):
        if not shutil.which(tool):
            break
    else:
        return os.path.dirname(os.path.realpath(shutil.which("initdb")))
    root = "/usr/lib/postgresql"
    if os.path.isdir(root):
        for v in sorted(os.listdir(root), key=lambda s: [int(p) if p.isdigit() else 0 for p in s.split(".")],
                        reverse=True):
            b = os.path.join(root, v, "bin")
            if os.path.exists(os.path.join(b, "initdb")) and os.path.exists(os.path.join(b, "pg_ctl")):
                return b
    return None


class PgServer:
    """initdb + pg_ctl on a Unix socket in a temporary folder (tests/core/pg_server.h)."""

    def __init__(self, commit="async", profile=False):
        self.bin = find_pg_bin()
        if not self.bin:
            raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's postgresql")
        self.dir = tempfile.mkdtemp(prefix="tw-pg-bench-")
        self.as_user = None
        self.running = False
        if os.geteuid() == 0:
            pw = pwd.getpwnam("nobody")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = "nobody"
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self._tool("initdb", "-D", self.data, "-U", "tw", "-A", "trust", "-E", "UTF8", "--locale=C")
        options = f"-c listen_addresses='' -k {self.dir} -c max_connections=200"
        options += COMMIT_SETTINGS[commit]
        if profile:
            options += " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
        self._tool("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "-t", "60", "start")
        self.running = True

    def _tool(self, tool, *args, check=True):
        cmd = [os.path.join(self.bin, tool), *args]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        r = subprocess.run(cmd, cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
        if check and r.returncode != 0:
            log = ""
            if os.path.exists(self.log):
                with open(self.log) as f:
                    log = f.read()[-2000:]
            raise RuntimeError(f"{tool} failed ({r.returncode}): {r.stdout.strip()} {log}")
        return r.stdout

    def psql(self, database, sql):
        return subprocess.run([os.path.join(self.bin, "psql"), "-h", self.dir, "-U", "tw", "-d", database, "-X",
                               "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              check=True, stdout=subprocess.PIPE, text=True, timeout=120).stdout

    def tw_url(self, database):
        return f"postgresql://tw@/{database}?host={self.dir}"

    def sqlalchemy_url(self, database):
        return f"postgresql+psycopg2://tw@/{database}?host={self.dir}"

    def version(self):
        return self.psql("postgres", "SHOW server_version").strip()

    def stop(self):
        if self.running:
            self._tool("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- Optuna (runs under whichever interpreter --peer-optuna is given to) -----

def optuna_distributions():
    import optuna
    d = {f"x{i}": optuna.distributions.FloatDistribution(0.0, 1.0) for i in range(6)}
    d["opt"] = optuna.distributions.CategoricalDistribution(["sgd", "adam"])
    return d


def objective(params):
    return sum((params[f"x{i}"] - 0.2 - 0.1 * (i % 4)) ** 2 for i in range(6))


def optuna_worker(url, name, share, seed, barrier, results):
    try:
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=seed))
        dists = optuna_distributions()
        barrier.wait()
        start = time.time()
        lat = []
        for _ in range(share):
            t0 = time.perf_counter()
            trial = study.ask(dists)
            study.tell(trial, objective(trial.params))
            lat.append((time.perf_counter() - t0) * 1000)
        results.put({"start": start, "end": time.time(), "lat": lat})
    except BaseException as e:  # reported, not hung on
        results.put({"error": f"{type(e).__name__}: {e}"})
        try:
            barrier.abort()
        except Exception:
            pass


def quantile(v, q):
    v = sorted(v)
    if not v:
        return float("nan")
    pos = q * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def stats(ms):
    return {"n": len(ms), "p50": quantile(ms, 0.5), "p95": quantile(ms, 0.95), "max": max(ms) if ms else None}


def optuna_throughput(url, workers, trials):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = f"bench-throughput-w{workers}-{os.getpid()}"
    optuna.create_study(study_name=name, storage=url)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    procs = []
    for w in range(workers):
        share = trials // workers + (1 if w < trials % workers else 0)
        p = ctx.Process(target=optuna_worker, args=(url, name, share, w, barrier, results))
        p.start()
        procs.append(p)
    got = [results.get(timeout=900) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [g["error"] for g in got if "error" in g]
    if errors:
        return {"mode": "throughput", "storage": "optuna_rdb", "workers": workers, "error": errors[0], "ok": False}
    seconds = max(g["end"] for g in got) - min(g["start"] for g in got)
    lat = [x for g in got for x in g["lat"]]
    study = optuna.load_study(study_name=name, storage=url)
    complete = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    optuna.delete_study(study_name=name, storage=url)
    return {"mode": "throughput", "storage": "optuna_rdb", "workers": workers, "trials": trials,
            "seconds": seconds, "rt_per_s": trials / seconds, "round_trip_ms": stats(lat),
            "ok": complete == trials, "load": load()}


def optuna_scaling(url, sizes, probes, fill_cap):
    import optuna
    from optuna.trial import create_trial
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    import random
    rng = random.Random(7)
    name = f"bench-scaling-{os.getpid()}"
    study = optuna.create_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=1))
    dists = optuna_distributions()
    have, filled_s, out = 0, 0.0, []
    for size in sizes:
        need = size - have
        # The fill rate so far predicts whether this size fits under the cap.
        if have > 0 and filled_s / have * need > fill_cap - filled_s:
            out.append({"mode": "scaling", "storage": "optuna_rdb", "trials": size, "skipped":
                        f"filling {need} more trials would take about {filled_s / have * need:.0f} s "
                        f"(cap {fill_cap:.0f} s of filling)"})
            continue
        t0 = time.perf_counter()
        batch = []
        for _ in range(need):
            params = {f"x{i}": rng.random() for i in range(6)}
            params["opt"] = rng.choice(["sgd", "adam"])
            batch.append(create_trial(params=params, distributions=dists, value=objective(params)))
            if len(batch) == 500:
                study.add_trials(batch)
                batch = []
            if time.perf_counter() - t0 + filled_s > fill_cap:
                break
        if batch:
            study.add_trials(batch)
        filled_s += time.perf_counter() - t0
        have = len(study.get_trials(deepcopy=False))
        if have < size:
            out.append({"mode": "scaling", "storage": "optuna_rdb", "trials": size,
                        "skipped": f"stopped at {have} trials after {filled_s:.0f} s of filling (cap)"})
            break
        t0 = time.perf_counter()
        opened = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=2))
        n = len(opened.get_trials(deepcopy=False))
        open_ms = (time.perf_counter() - t0) * 1000
        rt = []
        for _ in range(probes):
            t0 = time.perf_counter()
            trial = opened.ask(dists)
            opened.tell(trial, objective(trial.params))
            rt.append((time.perf_counter() - t0) * 1000)
        have += probes
        out.append({"mode": "scaling", "storage": "optuna_rdb", "trials": size, "opened_trials": n,
                    "open_ms": open_ms, "round_trip_ms": stats(rt), "fill_s": filled_s, "ok": n == size,
                    "load": load()})
    optuna.delete_study(study_name=name, storage=url)
    return out


def peer_main(args):
    """One Optuna's figures as JSON lines (run under that Optuna's interpreter)."""
    import optuna
    print(json.dumps({"optuna_version": optuna.__version__}), flush=True)
    for w in args.workers:
        print(json.dumps(optuna_throughput(args.peer_optuna, w, args.trials)), flush=True)
    if args.sizes:
        for line in optuna_scaling(args.peer_optuna, args.sizes, args.probes, args.optuna_fill_cap):
            print(json.dumps(line), flush=True)


# ---- the orchestrator --------------------------------------------------------

def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def run_lines(cmd, timeout, what):
    print(f"  [{load()}] {what}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {what}: timed out after {timeout} s", file=sys.stderr)
        return []
    if r.returncode != 0:
        print(f"  {what}: exit {r.returncode}: {r.stderr.strip()[-1500:]}", file=sys.stderr)
    lines = []
    for line in r.stdout.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            print(f"  {what}: not JSON: {line[:200]}", file=sys.stderr)
    return lines


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def ms(v):
    if v is None:
        return "n/a"
    return f"{v:.2f}" if v < 10 else f"{v:.0f}"


def profile_report(server):
    rows = server.psql("tw", "SELECT calls, round(total_exec_time::numeric, 1), round(total_plan_time::numeric, 1), "
                             "left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_statements "
                             "WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 12")
    # What one statement's round trip costs here (the extended protocol, as
    # libpq's PQexecParams): the floor under each of tw's statements.
    script = os.path.join(server.dir, "select1.sql")
    with open(script, "w") as f:
        f.write("SELECT 1;\n")
    r = subprocess.run([os.path.join(server.bin, "pgbench"), "-h", server.dir, "-U", "tw", "-n", "-M", "extended",
                        "-c", "1", "-t", "5000", "-f", script, "tw"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    latency = [line for line in r.stdout.splitlines() if "latency average" in line]
    print(f"\none `SELECT 1` round trip over the socket (pgbench -M extended, 5000 in a row): "
          f"{latency[0].split('=')[-1].strip() if latency else 'n/a: ' + r.stdout.strip()[-300:]}")
    print("\nServer time by statement (tw on PostgreSQL, the 1-worker throughput run; pg_stat_statements):\n")
    print("| calls | exec ms | plan ms | statement |")
    print("| --- | --- | --- | --- |")
    for line in rows.strip().splitlines():
        calls, ex, plan, q = line.split("|", 3)
        print(f"| {calls} | {ex} | {plan} | `{q.replace('|', '/')}` |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default="build/tests/bench_storage", help="tw's bench_storage program")
    ap.add_argument("--trials", type=int, default=1000, help="trials in all per throughput run (default 1000)")
    ap.add_argument("--workers", default="1,4,16", help="worker counts (default 1,4,16)")
    ap.add_argument("--sizes", default="100,1000,10000", help="study sizes for bookkeeping per trial ('' to skip)")
    ap.add_argument("--optuna-trials", type=int, default=500,
                    help="trials in all per Optuna throughput run (default 500: Optuna is slower, and a smaller "
                         "study only helps it)")
    ap.add_argument("--probes", type=int, default=50, help="ask + tell round trips timed at each size (default 50)")
    ap.add_argument("--optuna-fill-cap", type=float, default=60.0,
                    help="seconds of filling Optuna's study at most, per Optuna (default 60)")
    ap.add_argument("--optuna5-python", default="build/bench-venv/bin/python",
                    help="interpreter of a second Optuna (skipped when missing)")
    ap.add_argument("--commit", choices=sorted(COMMIT_SETTINGS), default="async",
                    help="what a commit waits for: durable (the server's defaults), async (synchronous_commit "
                         "off, the default here), nosync (fsync off)")
    ap.add_argument("--no-optuna", action="store_true", help="tw only")
    ap.add_argument("--no-fitwait", action="store_true", help="skip the GP-fit wait measurement")
    ap.add_argument("--profile", action="store_true",
                    help="load pg_stat_statements and print where tw's 1-worker run spends server time")
    ap.add_argument("--json", help="write every measurement (JSON lines) here")
    ap.add_argument("--peer-optuna", help=argparse.SUPPRESS)  # internal: run Optuna's side on this URL
    args = ap.parse_args()
    try:
        args.workers = [int(w) for w in args.workers.split(",") if w]
        args.sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        ap.error("--workers / --sizes: expected comma-separated whole numbers")
    if any(w < 1 for w in args.workers) or any(s < 1 for s in args.sizes):
        ap.error("--workers / --sizes: each must be at least 1")
    if args.trials < 1 or args.probes < 1 or args.optuna_trials < 1:
        ap.error("--trials / --optuna-trials / --probes: must be at least 1")
    if args.peer_optuna:
        peer_main(args)
        return 0
    if not os.access(args.bench, os.X_OK):
        ap.error(f"--bench: {args.bench} is not an executable (ninja -C build bench_storage)")

    # Ctrl-C and SIGTERM unwind through the finally below: the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    server = None
    files = tempfile.mkdtemp(prefix="tw-bench-files-")
    began = time.time()
    print(f"load average at start: {load()} ({os.cpu_count()} CPUs)", file=sys.stderr)
    try:
        server = PgServer(commit=args.commit, profile=args.profile)
        for db in ("tw", "optuna31", "optuna5"):
            server.psql("postgres", f"CREATE DATABASE {db}")
        if args.profile:
            server.psql("tw", "CREATE EXTENSION pg_stat_statements")
        print(f"PostgreSQL {server.version()} at {server.dir}, --commit {args.commit}", file=sys.stderr)
        tw_url = server.tw_url("tw")

        # 1. throughput, tw.
        for w in args.workers:
            if args.profile and w == args.workers[0]:
                server.psql("tw", "SELECT pg_stat_statements_reset()")
            for label, target in (("postgresql", tw_url), ("file", files)):
                for r in run_lines([args.bench, "throughput", "--storage", target, "--workers", str(w),
                                    "--trials", str(args.trials)], 600, f"tw {label} W={w}"):
                    r["load"] = load()
                    results.append(r)
            if args.profile and w == args.workers[0]:
                profile_report(server)
        # 2. bookkeeping per trial, tw.
        if args.sizes:
            sizes = ",".join(map(str, args.sizes))
            for label, target in (("postgresql", tw_url), ("file", files)):
                for r in run_lines([args.bench, "scaling", "--storage", target, "--sizes", sizes, "--probes",
                                    str(args.probes)], 600, f"tw {label} scaling"):
                    r["load"] = load()
                    results.append(r)
        # 3. the wait while a GP fits, tw.
        if not args.no_fitwait:
            for label, target in (("postgresql", tw_url), ("file", files)):
                for r in run_lines([args.bench, "fitwait", "--storage", target], 600, f"tw {label} fitwait"):
                    r["load"] = load()
                    results.append(r)
        # Optuna, each under its interpreter.
        if not args.no_optuna:
            peers = [("optuna31", sys.executable)]
            if args.optuna5_python and os.access(args.optuna5_python, os.X_OK):
                peers.append(("optuna5", args.optuna5_python))
            else:
                print(f"  second Optuna skipped: {args.optuna5_python} is not an executable", file=sys.stderr)
            for db, python in peers:
                probe = subprocess.run([python, "-c", "import optuna, sqlalchemy, psycopg2; print(optuna.__version__)"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                if probe.returncode != 0:
                    print(f"  {db} skipped: {python} cannot import optuna, sqlalchemy and psycopg2: "
                          f"{probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else ''}", file=sys.stderr)
                    continue
                cmd = [python, os.path.abspath(__file__), "--peer-optuna", server.sqlalchemy_url(db),
                       "--workers", ",".join(map(str, args.workers)), "--trials", str(args.optuna_trials),
                       "--sizes", ",".join(map(str, args.sizes)), "--probes", str(args.probes),
                       "--optuna-fill-cap", str(args.optuna_fill_cap)]
                version = None
                for r in run_lines(cmd, 1800, f"Optuna {probe.stdout.strip()}"):
                    if "optuna_version" in r:
                        version = r["optuna_version"]
                        continue
                    r["optuna"] = version
                    r.setdefault("load", load())
                    results.append(r)
    finally:
        if server:
            server.stop()
        shutil.rmtree(files, ignore_errors=True)
    elapsed = time.time() - began
    if args.json:
        with open(args.json, "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")
    report(results, args, elapsed)
    return 0 if all(r.get("ok", True) for r in results) else 1


def report(results, args, elapsed):
    def find(mode, storage, **kw):
        for r in results:
            if r.get("mode") == mode and r.get("storage") == storage and all(r.get(k) == v for k, v in kw.items()):
                return r
        return None

    optunas = []
    for r in results:
        if r.get("storage") == "optuna_rdb" and r.get("optuna") not in optunas:
            optunas.append(r.get("optuna"))

    print(f"\nask + tell round trips per second, random sampler, {args.trials} trials per tw run and "
          f"{args.optuna_trials} per Optuna run (threads for tw, processes for Optuna):\n")
    head = ["workers", "tw PostgreSQL", "tw file"] + [f"Optuna {v} RDB" for v in optunas] + \
           [f"tw PostgreSQL / Optuna {v}" for v in optunas] + ["1-min load at each run"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for w in args.workers:
        pg = find("throughput", "postgresql", workers=w)
        fi = find("throughput", "file", workers=w)
        ops = [find("throughput", "optuna_rdb", workers=w, optuna=v) for v in optunas]
        rate = lambda r: r.get("rt_per_s") if r and r.get("ok") else None
        row = [str(w), fmt(rate(pg)), fmt(rate(fi))] + [fmt(rate(o)) for o in ops]
        for o in ops:
            row.append(f"{rate(pg) / rate(o):.1f}x" if rate(pg) and rate(o) else "n/a")
        row.append(" / ".join((r or {}).get("load", "?").split()[0] if r else "-" for r in [pg, fi] + ops))
        print("| " + " | ".join(row) + " |")

    if args.sizes:
        print(f"\nOne ask + tell (random sampler; median of {args.probes}, ms) and opening the study (ms), "
              "by trials already in it:\n")
        head = ["trials", "tw PostgreSQL", "tw file"] + [f"Optuna {v}" for v in optunas] + \
               ["open: tw PostgreSQL", "open: tw file"] + [f"open: Optuna {v}" for v in optunas]
        print("| " + " | ".join(head) + " |")
        print("|" + " --- |" * len(head))
        for s in args.sizes:
            pg = find("scaling", "postgresql", trials=s)
            fi = find("scaling", "file", trials=s)
            ops = [find("scaling", "optuna_rdb", trials=s, optuna=v) for v in optunas]
            rt = lambda r: ms(r["round_trip_ms"]["p50"]) if r and "round_trip_ms" in r else "n/a"
            op = lambda r: ms(r["open_ms"]) if r and "open_ms" in r else "n/a"
            print("| " + " | ".join([f"{s:,}", rt(pg), rt(fi)] + [rt(o) for o in ops] + [op(pg), op(fi)] +
                                    [op(o) for o in ops]) + " |")
        for r in results:
            if r.get("skipped"):
                print(f"\nOptuna {r.get('optuna')} at {r['trials']:,} trials left out: {r['skipped']}")

    fw = [find("fitwait", s) for s in ("postgresql", "file")]
    if any(fw):
        print("\nreport / tell latency (ms, p50 / p95 / max) of one worker, one op every 5 ms, while another "
              "asks a GP study of 1,000 complete trials (5 floats, 100 pending), with no ask running, and while a "
              "thread only burns a core for as long as an ask took:\n")
        print("| storage | GP ask (fit + acquisition) | report, no ask | report, during the ask | "
              "report, a core busy | tell, no ask | tell, during the ask | tell, a core busy |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in fw:
            if not r or not r.get("ok"):
                continue
            t = lambda s: f"{ms(s['p50'])} / {ms(s['p95'])} / {ms(s['max'])} (n={s['n']})" if s.get("n") else "n/a"
            asks = ", ".join(f"{a / 1000:.2f} s" for a in r["ask_ms"])
            print(f"| {r['storage']} | {asks} | {t(r['baseline']['report_ms'])} | {t(r['during_fit']['report_ms'])} | "
                  f"{t(r['core_busy']['report_ms'])} | {t(r['baseline']['tell_ms'])} | "
                  f"{t(r['during_fit']['tell_ms'])} | {t(r['core_busy']['tell_ms'])} |")

    failed = [r for r in results if not r.get("ok", True)]
    for r in failed:
        print(f"\nFAILED: {json.dumps(r)[:400]}")
    print(f"\n{elapsed:.0f} s in all; load average at the end {load()} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    sys.exit(main())
