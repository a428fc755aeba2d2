// Usage texts of `tw` and its commands.
#include "cli/commands.h"

namespace tw::cli {

namespace {

const char* const kOverview = R"(usage: tw COMMAND [FLAGS]

Bayesian hyperparameter tuning from the command line. A study lives in a
journal file (one JSON object per line) that several processes on one machine
may share, or in a PostgreSQL database that workers on many machines share:
wherever a command takes --study FILE, `--storage URL --study NAME` names a
study in the database (URL: postgresql://USER@HOST:PORT/DB; the password
comes from ~/.pgpass, PGPASSFILE or PGPASSWORD, never from the URL).

commands:
  create      create a study file from a search space
  ask         start a trial and print its parameters
  tell        record how a trial ended
  optimize    run an objective command for N trials (several workers at once)
  worker      run an objective command until the study's budget is met (one of many workers)
  budget      show or change the study's budget (trials, time limit)
  slurm       submit K workers on a database study as a Slurm array job (sbatch)
  best        print the best completed trial
  trials      print every trial, one JSON line each
  export      write the trials to CSV (and/or JSON)
  repair      copy a damaged study file's intact events to a new file
  studies     list the studies of a database (trials, best, last activity)
  copy        copy a study between a file and a database (or two databases)
  delete      delete a study from a database (or a study file)
  contour     write the GP's mean, SE, acquisition, P(failure) over two parameters (CSV or an image)
  slice       write the surrogate's mean / standard error along one parameter (CSV)
  importance  each parameter's importance with its interval over GP hyperparameter draws
  bench       run a sampler on a synthetic test function
  tune        tune a network: run a study spec's trials with LibTorch training
  train       train one configuration of a study spec (--final: and test it)
  models      list the trained models a study keeps (its best trials')
  evaluate    a kept model's confusion matrix, per-class scores, ROC / PR curves

Output is JSON on stdout; errors go to stderr as "tw COMMAND: message".
Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted (optimize, tune, train).
Run "tw COMMAND --help" or "tw help COMMAND" for the flags of a command.
)";

const char* const kCreate = R"(usage: tw create --study FILE --space SPACE.json [FLAGS]

Creates a new study file (never overwrites an existing one).

  --study FILE          the study (journal) file to create
  --space SPACE.json    the search space: {"parameters": [{"name": ..., "type": ...}, ...]}
  --direction D         minimize (default) or maximize
  --sampler S           gp (default), random or qmc
  --seed S              sampler seed, a non-negative integer (default 0)
  --initial N           quasi-random trials before the GP (default max(5, 2 x parameters))
  --acquisition A       logei (default) or ucb
  --ucb-beta B          UCB exploration weight, mean -/+ sqrt(B) x sd (default 4)
  --kernel K            GP kernel: matern52 (default) or rbf
  --name NAME           study name (default: the file name without extension)
  --trials N            the study's budget: N trials that count (finished, not
                        cut short); every worker stops when it is met
  --time-limit S        the study's budget: S seconds of wall time from the
                        first trial's start

prints {"study": FILE, "name": ..., "parameters": n, "direction": ..., "sampler": {...}}
)";

const char* const kAsk = R"(usage: tw ask --study FILE

Starts a trial: samples the next configuration and records it as running.

prints {"number": N, "params": {"lr": 0.001, ...}}
)";

const char* const kTell = R"(usage: tw tell --study FILE --trial N (--value V | --failed [--kind K] | --pruned) [--reason TEXT]

Records how a running trial ended; exactly one outcome.

  --trial N         the trial number printed by "tw ask"
  --value V         the objective, a finite number: the trial is complete
  --failed          the trial failed
  --pruned          the trial was stopped early
  --reason TEXT     why it failed or was pruned
  --kind K          what kind of failure (default exception): exception, nan,
                    invalid_output, timeout, out_of_memory, stopped,
                    interrupted, abandoned, stale; the last four (the run was
                    cut short) count toward no budget and are no evidence of a
                    failing region for the sampler

prints {"number": N, "state": "complete", "value": V}
)";

const char* const kOptimize = R"(usage: tw optimize --study FILE --objective-cmd CMD [--trials N] [--workers K] [--timeout S]

Runs N more trials. For each, CMD runs under /bin/sh -c in its own process
group with:
  stdin       the parameters as one JSON line, {"lr":0.001,"epochs":3}
  TW_PARAMS   the same JSON
  TW_TRIAL    the trial number
The objective is the last non-empty line of its stdout, a number. A non-zero
exit status, a signal, a timeout, no output, a last line that is not a number,
nan or inf fail the trial (with the reason); the study goes on.

  --objective-cmd CMD   shell command evaluating one configuration
  --trials N            number of trials to run (required unless the study
                        has a budget; the study's budget stops the run too)
  --workers K           trials in flight at once (default 1)
  --timeout S           seconds per trial; then SIGTERM, and SIGKILL 2 s later

prints one JSON line per finished trial,
  {"number","state","value"?,"reason"?,"params","duration"}
then {"trials","completed","failed","best"} (best: the study's best so far).
Exits 0 even when trials failed; 130 when interrupted (SIGINT, SIGTERM, SIGHUP:
running commands are killed and their trials fail with "interrupted").
)";

const char* const kBest = R"(usage: tw best --study FILE

prints {"number": N, "value": V, "params": {...}} of the best completed trial;
fails when no trial is complete. With two or more observations it adds
"model_best": {"number", "value", "mean", "se"}: the completed trial whose
GP posterior mean is best (the sampler's own model), the recommendation to
trust on a noisy objective, where the best observed value is often luck.
)";

const char* const kTrials = R"(usage: tw trials --study FILE

prints one JSON line per trial:
  {"number","state","value"?,"reason"?,"params","duration","started","orphaned"}
orphaned: a running trial whose process (on this host) is gone.
)";

const char* const kExport = R"(usage: tw export --study FILE (--csv OUT.csv | --json OUT.json | both)

  --csv OUT.csv     one row per trial: number, one column per parameter,
                    value, state, duration (s), started (ISO-8601 UTC),
                    reason, then one column per user attribute
  --json OUT.json   an array of every trial with all its fields

Neither output may be a study file (or a link to one): it is never overwritten.
prints {"trials": n, "csv": ..., "json": ...}
)";

const char* const kRepair = R"(usage: tw repair --study FILE [--out NEW]

A study file with a bad line (corrupt JSON, a trial asked twice, a second
study_created, ...) fails every command, naming FILE:LINE and why. repair
replays FILE as opening does but goes on past each event the replay rejects,
and writes every accepted line, unchanged, to a NEW file; FILE is only read.

  --study FILE   the damaged study file
  --out NEW      the file to write (default: FILE with ".repaired" before the
                 extension, runs/s.jsonl -> runs/s.repaired.jsonl); never an
                 existing file

prints {"study","out","events","kept","dropped":[{"line","reason"}, ...],"warnings"?}
Check what was dropped, then use NEW as the study (or move it over FILE).
)";

const char* const kContour = R"(usage: tw contour --study FILE --x P --y Q --out OUT [--resolution R] [--fix NAME=VALUE ...]
                  [--panels LIST]

Fits the GP surrogate on the completed trials (at least 2) and writes its mean
and standard error on a grid over parameters P and Q. The other parameters are
fixed at the best trial's values unless --fix says otherwise.

  --x P, --y Q          the two parameters
  --out OUT             OUT.csv: rows "x,y,mean,se" after '#' comment lines (a GP
                        study past its initial trials adds "acquisition,p_feasible":
                        the acquisition of the model that chooses the next trial
                        and the probability that a trial there completes);
                        OUT.svg, OUT.png, OUT.pdf: the contour plots the window
                        shows (drawn by tw-plot): the mean and standard error with
                        the observed trials; the acquisition with the next proposal
                        and the running trials once the GP chooses; P(failure) with
                        the failed trials once trials have failed
  --resolution R        points per axis (default 50)
  --fix NAME=VALUE      fix a parameter (repeatable); a choice by its label
  --panels LIST         images only: the panels to draw, in this order, from
                        mean,se,acquisition,failure (default: all that apply)

prints {"out","x","y","rows","observations","fixed"}
)";

const char* const kSlice = R"(usage: tw slice --study FILE --x P --out OUT.csv [--resolution R] [--fix NAME=VALUE ...]

Like contour, along one parameter: rows "x,mean,se".
prints {"out","x","rows","observations","fixed"}
)";

const char* const kImportance = R"(usage: tw importance --study FILE [--table]

Fits the GP surrogate on the completed trials (at least 2, the model the GP
sampler chooses with) and prints each parameter's importance: its share of
the variance of the GP mean's main effects (first-order, fANOVA style), with
the 10th-90th percentile of that share when the GP's hyperparameters are
drawn from their posterior (16 draws, each a GP conditioned on the same data)
and the fitted lengthscale (unit cube; shorter = the mean changes faster).
A wide interval says the data cannot tell yet how much the parameter matters.
Above 256 observations the intervals are left out (draws 0, low / high null):
the hyperparameters are well determined and each draw costs O(n^3).

  --table   a table for reading, the most important first, instead of JSON

prints {"study","observations","draws","quantiles":[0.1,0.9],
        "parameters":[{"name","importance","low","high","lengthscale","first_order"}]}
       (parameters in the order of the search space)
)";

const char* const kTune = R"(usage: tw tune SPEC.json [--study FILE] [--trials N] [--device auto|cpu|cuda|cuda:K]
               [--csv TRAIN.csv] [--test-csv TEST.csv]

Runs the study a spec describes: each trial trains the spec's model with the
sampled settings (LibTorch, CUDA when present) and reports every epoch. With
--study the study is recorded in FILE and running the same command again
continues it: trials left running by a process that died are marked failed,
and the budget counts the finished ones.

  --study FILE      the study file (created if absent; default: in memory)
  --trials N        the budget, overriding the spec's "budget.trials"
  --device D        auto (default: the spec's), cpu, cuda or cuda:K
  --csv PATH        the training CSV, overriding the spec's
  --test-csv PATH   the test CSV, overriding the spec's

prints a first line {"study","name","data","device","metric","direction","budget","done"},
one line per trial {"number","state","value"?,"reason"?,"params","duration","epochs","device"},
and a last line {"trials","best"}. Ctrl-C stops the running trial within a
second (recorded as failed, "stopped") and exits 130.
)";

const char* const kTrain = R"(usage: tw train SPEC.json [--params PARAMS.json] [--final [--save MODEL]]
                [--device auto|cpu|cuda] [--csv TRAIN.csv] [--test-csv TEST.csv]

Trains one configuration: the spec's fixed settings overridden by PARAMS, a
JSON object {"learning_rate": 0.01, ...} (or the output of tw best), given as
a file or inline. Without --final it trains on the training split and reports
the validation metrics at the best epoch; with --final it retrains on
training + validation data for the configured epochs and reports the test
metrics, and --save writes the model (LibTorch format) and MODEL.json (its
configuration, classes and test metrics).

prints {"status","reason"?,"device","epochs","best_epoch","metrics",
        "samples_per_second","seconds","parameters","evaluated_on","saved"?}
exit code 1 when training failed, 130 when interrupted.
)";

const char* const kModels = R"(usage: tw models --study FILE

Lists the trained models the study keeps: tw tune and the workbench keep the
model of each of the best "keep_models" (spec, default 3) complete trials in
the folder beside the study file (runs/a.jsonl -> runs/a.models), at its best
epoch, with a model card (.json) beside it. Best first.

prints one line per model: {"number": N, "value": V, "params": {...}, "model": PATH}
)";

const char* const kEvaluate = R"(usage: tw evaluate --study FILE [--trial N] [--data validation|test] [--out REPORT.json] [--report]

Looks at a kept model again without retraining: it predicts the trial's
validation split (default) or the study's test data, preprocessed as the
trial was, and reports the metrics, the confusion matrix, precision / recall /
F1 per class and, for two classes, the ROC and precision-recall curves.

  --trial N         the trial (default: the best); it must have a kept model;
                    "all": every kept model, best first, one line each
                    {"trial", "value", "data", "metrics", "roc_auc"} to compare them
  --data D          validation (default) or test
  --out FILE        also write the whole report as JSON, with the decision
                    regions over the data when the model takes two features
  --report          print scikit-learn's classification_report text to stderr

prints {"trial": N, "model": PATH, "data": ..., "report": {...}}
)";

const char* const kBench = R"(usage: tw bench --function F --trials N [--seeds K] [--sampler S] [FLAGS]

Runs a sampler on a synthetic test function (minimized, in memory) for
several seeds and prints the regret and the ask() latency.

  --function F      branin, hartmann3, hartmann6, ackley5, rosenbrock4, levy4,
                    sixhump, rastrigin4, schwefel4, shekel4, ackley10,
                    mixed5, conditional3, hartmann3_failing
  --noise SD        tell f(x) plus Gaussian noise of this sd; best values
                    and regrets stay those of the noise-free f
  --trials N        trials per seed
  --seeds K         number of seeds (default 5)
  --first-seed S    seeds are S .. S+K-1 (default 0)
  --sampler S       gp (default), random or qmc
  --acquisition A   logei (default) or ucb
  --ucb-beta B      UCB exploration weight (default 4)
  --kernel K        GP kernel: matern52 (default) or rbf
  --initial N       quasi-random trials before the GP
  --traces          include the best-so-far trace of every seed

prints {"function","sampler","acquisition","trials","seeds","median_regret",
        "regret_quantiles","median_best","best_values","regrets","latency_ms",...}
)";

const char* const kHelp = R"(usage: tw help [COMMAND]
)";

const char* const kWorker = R"(usage: tw worker --storage URL --study NAME --objective-cmd CMD [--max-trials N] [--workers K] [--timeout S] [--grace S]
       tw worker --storage URL --study NAME --spec SPEC.json [--device auto|cpu|cuda|cuda:K] [--max-trials N] [--grace S]
       tw worker --study FILE (--objective-cmd CMD | --spec SPEC.json) ...

One of many workers on one study: ask, run CMD (as tw optimize runs it) or
train the spec's model (as tw tune does, on --device), tell, until the
study's budget (tw create --trials / --time-limit, tw budget; a spec's
"budget" when the spec creates the study) is met, --max-trials were run
here, or a signal (SIGINT / SIGTERM / SIGHUP: the running trials are
recorded as interrupted). Trials in flight when the budget is met still
finish, so a study may end a few trials over it.

With --spec the study is created from the spec when it does not exist (of
workers starting together one creates it, the others join); an existing one
must have the spec's search space and direction. Models of the best trials
are kept in ./NAME.models (a database study) or beside the study file.

Its trials promise heartbeats (every 10 s; stale after --grace, default 60 s, without one): a
worker killed on any machine leaves trials that the next worker to start
fails as stale. When the database is unreachable (down, restarting) the worker
waits and retries (0.5 s doubling to 30 s) and never drops a result it has
computed: a tell is retried until it is recorded, and a retry that finds its
own outcome already recorded counts as done.

  --max-trials N    at most N trials from this worker (required without a budget)
  --spec SPEC       train this spec's model for each trial (one at a time)
  --device D        with --spec: auto (the spec's), cpu, cuda or cuda:K
  --workers K       with --objective-cmd: trials in flight at once in this
                    process (default 1)
  --timeout S       with --objective-cmd: seconds per trial; then SIGTERM,
                    and SIGKILL 2 s later
  --grace S         seconds without a heartbeat after which others fail this
                    worker's trials as stale (default 60, at least 1;
                    heartbeats every min(10, S/6) s)

prints what tw optimize prints (with --spec, what tw tune prints); the
summary has "budget": why it was met.
)";

const char* const kSlurm = R"(usage: tw slurm --storage URL --study NAME --workers K (--spec SPEC.json | --objective-cmd CMD)
                [--device D] [--max-trials N] [--timeout S] [--grace S]
                [--gpus-per-task G] [--partition P] [--time T] [--cpus-per-task C] [--mem M]
                [--output DIR] [--script FILE] [--tw PATH] [--dry-run]

Writes an sbatch script, an array job of K tasks that each run one
`tw worker` on the study (this tw, by its absolute path, with every argument
shell-quoted), and submits it with `sbatch --parsable`. The workers stop when
the study's budget is met. The script's worker part is
scripts/slurm/tw-worker.sbatch's, which also runs by hand (sbatch --array).

The study must exist, in PostgreSQL: a study file is refused (flock is
unreliable on network file systems; tw copy moves it onto a database). A URL
never holds a password: libpq on each node reads ~/.pgpass, PGPASSFILE or
PGPASSWORD (sbatch passes the submitting environment to the job).

  --workers K         array tasks, one worker each (1 to 1000)
  --spec SPEC.json    each worker trains the spec's trials (tw worker --spec);
                      the file must be at that path on every node
  --objective-cmd CMD or runs CMD per trial (as tw optimize runs it), in this folder
  --device D          auto, cpu, cuda or cuda:K, passed to tw worker (with --spec)
  --max-trials N      at most N trials per worker (required when the study has no budget)
  --timeout S         seconds per trial (tw worker --timeout)
  --grace S           heartbeat grace (tw worker --grace)
  --gpus-per-task G   #SBATCH --gres=gpu:G: G GPUs per task, numbered from 0
                      inside it (default 1 with --device cuda*, else none)
  --partition P       #SBATCH --partition
  --time T            #SBATCH --time: MINUTES, HH:MM:SS or DAYS-HH[:MM[:SS]];
                      at the limit Slurm sends SIGTERM and the running trial
                      is recorded as interrupted
  --cpus-per-task C   #SBATCH --cpus-per-task (default 1)
  --mem M             #SBATCH --mem, such as 16G
  --output DIR        the tasks' logs, DIR/tw-worker-JOB_TASK.out, and the
                      script (default ./tw-slurm)
  --script FILE       where to write the script (default
                      DIR/tw-worker-NAME.sbatch); "-" with --dry-run: stdout
  --tw PATH           the tw the tasks run (default: this one); an absolute path
  --dry-run           write the script, do not submit it

prints {"study","storage","workers","script","output","job","cluster"?,"logs"}
("job": null and "submit": the command, with --dry-run). A storage that only
this machine reaches (a Unix socket, localhost) is warned about.
)";

const char* const kBudget = R"(usage: tw budget --study FILE|NAME [--storage URL] [--trials N|none] [--time-limit S|none]

Shows the study's budget and how much of it is used; with --trials or
--time-limit, changes it first (every worker sees the change at its next
trial; "none" removes that limit).

prints {"study","budget":{"trials"?,"time_limit"?},"counted","elapsed","met": why | null}
)";

const char* const kStudies = R"(usage: tw studies --storage URL

prints one JSON line per study of the database, by name:
  {"name","events","created","last_activity","trials","complete","running","direction","best"}
(a study that does not replay has "error" in place of the trial counts).
The schema (tables tw_schema, tw_studies, tw_events) is created on first use.
)";

const char* const kCopy = R"(usage: tw copy --from FILE|URL --to FILE|URL [--name NAME] [--to-name NAME]

Copies every event of a study, unchanged, into a new study: a study file onto
PostgreSQL (and continued there by every worker), a database study into a
file, or between two databases. The target must not exist; the source is
checked to replay first and is left as it is.

  --from FILE|URL   a study file, or a storage URL
  --to FILE|URL     a new study file, or a storage URL
  --name NAME       the study's name in the database (default: the file's
                    name without extension)
  --to-name NAME    the name of the copy, when both are databases (default NAME)

prints {"from","to","name","events","trials"}
)";

const char* const kDelete = R"(usage: tw delete --storage URL --study NAME
       tw delete --study FILE

Deletes the study and all its events (a study file: the file; its models
folder stays). Anything that is not a study is left alone.

prints {"study","storage"?,"deleted": true}
)";

} // namespace

const char* helpText(const std::string& command)
{
    if (command.empty())
        return kOverview;
    static const std::pair<const char*, const char*> kTexts[] = {
        {"create", kCreate}, {"ask", kAsk},         {"tell", kTell},       {"optimize", kOptimize},
        {"best", kBest},     {"trials", kTrials},   {"export", kExport},   {"repair", kRepair},   {"contour", kContour},
        {"slice", kSlice},   {"importance", kImportance}, {"bench", kBench},     {"tune", kTune},       {"train", kTrain},
        {"models", kModels}, {"evaluate", kEvaluate}, {"help", kHelp},
        {"studies", kStudies}, {"copy", kCopy}, {"delete", kDelete}, {"worker", kWorker}, {"budget", kBudget},
        {"slurm", kSlurm},
    };
    for (const auto& [name, text] : kTexts)
        if (command == name)
            return text;
    return nullptr;
}

} // namespace tw::cli
