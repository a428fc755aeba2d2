#!/usr/bin/env python3
"""Latency of `tw ask` on a 200-trial study, idle and with the machine busy.

    tests/bench/bench_ask_load.py [--tw build/app/tw] [--trials 200] [--asks 15] [--busy 2]

Builds a 6-D GP study of --trials trials (tw optimize with a quadratic
objective), then times `tw ask` (process start, replay, GP fit, acquisition,
the append) --asks times, each told at once, in four settings: the engine's
BLAS threading (one OpenBLAS thread for the GP) and OpenBLAS's own default
(TW_BLAS_THREADS=0: a thread per core), each on an idle machine and with
--busy other GP processes (tw bench on Hartmann6) running under the same
threading. Prints a Markdown table.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

OBJECTIVE = "awk -F'[:,}]' '{ print ($2-0.3)^2 + ($4-0.5)^2 + $6*$8 }'"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--tw", default=os.path.join(root, "build", "app", "tw"))
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--asks", type=int, default=15)
    ap.add_argument("--busy", type=int, default=2)
    args = ap.parse_args()
    tw = os.path.abspath(args.tw)
    work = tempfile.mkdtemp(prefix="tw-ask-load-")
    try:
        space = os.path.join(work, "space.json")
        with open(space, "w") as f:
            f.write('{"parameters": [%s]}' % ",".join(
                '{"name": "%s", "type": "float", "low": 0, "high": 1}' % n for n in "abcdef"))
        study = os.path.join(work, "study.jsonl")
        subprocess.run([tw, "create", "--study", study, "--space", space], check=True, capture_output=True)
        subprocess.run([tw, "optimize", "--study", study, "--trials", str(args.trials), "--objective-cmd", OBJECTIVE],
                       check=True, capture_output=True)
        rows = []
        for label, threads in (("engine (1 OpenBLAS thread)", None), ("OpenBLAS default (a thread per core)", "0")):
            env = dict(os.environ)
            env.pop("OPENBLAS_NUM_THREADS", None)
            env.pop("TW_BLAS_THREADS", None)
            if threads is not None:
                env["TW_BLAS_THREADS"] = threads
            for load in ("idle", "busy"):
                spinners = []
                if load == "busy":
                    # Busy the way a machine running several studies is: other
                    # GP processes, under the same BLAS threading.
                    spinners = [subprocess.Popen([tw, "bench", "--function", "hartmann6", "--trials", "150",
                                                  "--seeds", "1000"], env=env, stdout=subprocess.DEVNULL)
                                for _ in range(args.busy)]
                    time.sleep(0.5)
                try:
                    copy = os.path.join(work, "copy.jsonl")
                    shutil.copyfile(study, copy)
                    times = []
                    for _ in range(args.asks):
                        t0 = time.perf_counter()
                        r = subprocess.run([tw, "ask", "--study", copy], env=env, check=True, capture_output=True, text=True)
                        times.append(time.perf_counter() - t0)
                        number = r.stdout.split('"number":')[1].split(",")[0]
                        subprocess.run([tw, "tell", "--study", copy, "--trial", number, "--value", "1"], env=env,
                                       check=True, capture_output=True)
                finally:
                    for p in spinners:
                        p.kill()
                        p.wait()
                times.sort()
                p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
                rows.append((label, load if load == "idle" else "%d busy GP processes" % args.busy,
                             1000 * statistics.median(times), 1000 * p95, 1000 * times[-1]))
        print("tw ask at %d trials (6-D GP), %d asks each, %d cores" % (args.trials, args.asks, os.cpu_count()))
        print()
        print("| BLAS threading | machine | median | p95 | max |")
        print("| --- | --- | --- | --- | --- |")
        for label, load, med, p95, mx in rows:
            print("| %s | %s | %.0f ms | %.0f ms | %.0f ms |" % (label, load, med, p95, mx))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
