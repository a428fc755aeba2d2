// tw optimize: ask/tell around an objective command, with K worker threads.
#include "cli/commands.h"
#include "cli/process.h"
#include "cli/signals.h"

#include "study/heartbeat.h"
#include "study/retry.h"
#include "study/storage_backend.h"
#include "study/study.h"
#include "util/printable.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <chrono>
#include <limits>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <thread>

namespace tw::cli {

namespace {

const char* signalName(int sig)
{
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? abbrev : "?";
}

std::string clip(const std::string& s, size_t max = 200)
{
    return s.size() <= max ? s : s.substr(0, max) + "...";
}

/// Turns what the command did into the trial's outcome.
study::Outcome judge(int number, const CommandResult& r, double timeout)
{
    const std::string prefix = "trial " + std::to_string(number) + ": ";
    if (!r.started)
        return study::Outcome::failed(prefix + "objective command could not start: " + r.startError);
    if (r.interrupted)
        return study::Outcome::failed("interrupted", study::FailureKind::Interrupted);
    const std::string errLine = clip(lastNonEmptyLine(r.err));
    const std::string errTail = errLine.empty() ? "" : ": " + errLine;
    if (r.timedOut)
        return study::Outcome::failed(prefix + "timed out after " + study::secondsText(timeout) + " s", study::FailureKind::Timeout);
    if (!r.exited) {
        const char* name = sigdescr_np(r.signal);
        return study::Outcome::failed(prefix + "objective command killed by signal " + std::to_string(r.signal) +
                                      (name ? std::string(" (") + name + ")" : "") + errTail);
    }
    if (r.exitStatus != 0)
        return study::Outcome::failed(prefix + "objective command exited with status " +
                                      std::to_string(r.exitStatus) + errTail);
    const std::string line = lastNonEmptyLine(r.out);
    if (line.empty())
        return study::Outcome::failed(prefix + "objective command printed nothing on stdout" + errTail,
                                      study::FailureKind::InvalidOutput);
    auto v = parseDouble(line);
    if (!v)
        return study::Outcome::failed(prefix + "last line of output is not a number: '" + clip(line) + "'",
                                      study::FailureKind::InvalidOutput);
    if (std::isnan(*v))
        return study::Outcome::failed(prefix + "objective is nan", study::FailureKind::Nan);
    if (std::isinf(*v)) {
        const bool written = line.find_first_of("iI") != std::string::npos; // "inf", "-Infinity"
        return study::Outcome::failed(prefix + (written ? std::string("objective is ") + (*v > 0 ? "inf" : "-inf")
                                                        : "objective '" + clip(line) + "' is too large for a double"),
                                      study::FailureKind::Nan);
    }
    return study::Outcome::complete(*v);
}

struct Run {
    Run(study::Study& s, study::HeartbeatThread& h, std::string cmd, double seconds, int n, std::ostream& o,
        std::ostream& e)
        : study(s), heartbeats(h), command(std::move(cmd)), timeout(seconds), trials(n), out(o), err(e) {}

    study::Study& study;
    study::HeartbeatThread& heartbeats;
    std::string command;
    double timeout = 0.0;
    int trials = 0;
    std::ostream& out;
    std::ostream& err;
    std::mutex outMutex;
    std::atomic<int> claimed{0};
    std::atomic<bool> abort{false};
    std::mutex errorMutex;
    std::string error;      // first error that stopped the run
    int completed = 0, failed = 0, pruned = 0, finished = 0; // under outMutex

    bool stopping() const { return stopSignal() != 0 || abort.load(); }
    std::string budgetReason; // why the study's budget stopped the run (under errorMutex)
    bool retryUnavailable = false; // tw worker: wait for a storage that is away

    /// Runs `call`, waiting out a storage that is away when this run
    /// retries (study::StorageRetry); anything else propagates.
    template <class F> auto withRetry(const char* what, F&& call) -> decltype(call())
    {
        if (!retryUnavailable) return call();
        const study::StorageRetry retry([] { return stopSignal() != 0; },
                                        [this](const std::string& message) {
                                            std::lock_guard<std::mutex> lock(outMutex);
                                            err << "tw: warning: " << printable(message) << "; retrying\n";
                                            err.flush();
                                        });
        return retry(what, std::forward<F>(call));
    }

    /// The study's budget is met: stop asking (every worker of the study
    /// sees the same budget; trials in flight still finish).
    bool budgetMet()
    {
        const std::string why = withRetry("budget", [this] { return study.budgetMet(); });
        if (why.empty()) return false;
        std::lock_guard<std::mutex> lock(errorMutex);
        if (budgetReason.empty()) budgetReason = why;
        return true;
    }

    void fail(const std::string& message)
    {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (error.empty())
            error = message;
        abort.store(true);
    }

    void worker()
    {
        while (!stopping() && !budgetMet() && claimed.fetch_add(1) < trials) {
            study::Trial t;
            try {
                t = withRetry("ask", [this] { return study.ask(); });
            } catch (const std::exception& e) {
                fail(e.what());
                return;
            }
            heartbeats.add(t.number);
            struct Done {
                study::HeartbeatThread& h;
                int n;
                ~Done() { h.remove(n); }
            } done{heartbeats, t.number};
            study::Outcome outcome;
            if (stopSignal() != 0) {
                outcome = study::Outcome::failed("interrupted", study::FailureKind::Interrupted);
            } else {
                CommandSpec spec;
                spec.command = command;
                spec.input = paramsJson(study.space(), t.params).dump(-1, ' ', false,
                                                                        nlohmann::json::error_handler_t::replace);
                spec.env = {{"TW_PARAMS", spec.input}, {"TW_TRIAL", std::to_string(t.number)}};
                spec.input += "\n";
                spec.timeoutSeconds = timeout;
                spec.stopRequested = [] { return stopSignal() != 0; };
                outcome = judge(t.number, runCommand(spec), timeout);
            }
            try {
                // A computed result is never dropped for a storage that is away.
                withRetry("tell", [&] { study::tellOnce(study, t.number, outcome); });
            } catch (const std::invalid_argument& e) {
                // Someone else told it meanwhile (tw tell): theirs stands.
                std::lock_guard<std::mutex> lock(outMutex);
                err << "tw: warning: trial " << t.number << ": result not recorded: " << printable(e.what()) << "\n";
                err.flush();
                continue;
            } catch (const std::exception& e) {
                fail(e.what());
                return;
            }
            report(t, outcome);
        }
    }

    void report(const study::Trial& asked, const study::Outcome& outcome)
    {
        study::Trial t = asked;
        if (auto told = study.trial(asked.number))
            t = *told;
        t.state = outcome.state;
        t.reason = outcome.reason;
        if (outcome.state == study::TrialState::Complete)
            t.value = outcome.value;
        std::lock_guard<std::mutex> lock(outMutex);
        ++finished;
        if (outcome.state == study::TrialState::Complete)
            ++completed;
        else if (outcome.state == study::TrialState::Failed)
            ++failed;
        else
            ++pruned;
        printLine(out, trialJson(study.space(), t));
    }
};

} // namespace

/// The loop of tw optimize and tw worker: K threads each asking, running
/// the command and telling, until `trials` more, the study's budget, or a signal.
int runObjective(Context& ctx, const Args& a, bool worker)
{
    const StudyRef ref = studyRef(a);
    const std::string command = a.required("objective-cmd");
    const int workers = a.integer("workers", 1, 1);
    const double timeout = a.positiveNumber("timeout", 0.0);
    if (workers > 256)
        throw usageError(expected("workers", "at most 256", *a.get("workers")));
    const char* limitFlag = worker ? "max-trials" : "trials";
    const int trials = a.integer(limitFlag, std::numeric_limits<int>::max(), 1);

    std::unique_ptr<study::Study> study;
    for (double wait = 0.5;; wait = std::min(wait * 2, 30.0)) {
        try {
            study = openStudy(ref);
            break;
        } catch (const study::StorageUnavailableError& e) {
            // A worker started before its database (or during a restart) waits for it.
            if (!worker || stopSignal() != 0) throw;
            ctx.err << "tw: warning: " << printable(e.what()) << "; retrying in " << wait << " s\n";
            ctx.err.flush();
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        }
    }
    if (!a.has(limitFlag) && study->config().budget.empty())
        throw usageError(worker ? std::string("--max-trials is required when the study has no budget "
                                              "(tw budget --trials N sets one)")
                                : std::string("--trials is required when the study has no budget "
                                              "(tw create --trials N, or tw budget, sets one)"));
    printWarnings(ctx, *study);
    // A killed run's trials would otherwise stay running forever.
    if (const int n = study::failOrphans(*study))
        ctx.err << "tw: warning: " << n << " trial(s) left running by a process that died were marked failed\n";

    // Heartbeats for the trials in flight: a run killed on any host leaves
    // them stale for everyone else (isStale), not running forever.
    const double grace = worker ? a.positiveNumber("grace", study::kHeartbeatGrace) : study::kHeartbeatGrace;
    if (grace < 1.0) throw usageError(expected("grace", "at least 1 (seconds)", *a.get("grace")));
    study::HeartbeatThread heartbeats(*study, std::min(study::kHeartbeatInterval, grace / 6), grace);
    Run run(*study, heartbeats, command, timeout, trials, ctx.out, ctx.err);
    run.retryUnavailable = worker;
    {
        SignalGuard guard;
        std::vector<std::thread> threads;
        const int k = std::min(workers, trials);
        for (int i = 0; i < k; ++i)
            threads.emplace_back([&run] { run.worker(); });
        for (auto& t : threads)
            t.join();
        const int sig = stopSignal();
        ordered_json summary;
        summary["trials"] = run.finished;
        summary["completed"] = run.completed;
        summary["failed"] = run.failed;
        if (run.pruned)
            summary["pruned"] = run.pruned;
        auto best = run.withRetry("best", [&] { return study->bestTrial(); });
        summary["best"] = best ? bestJson(study->space(), *best) : ordered_json();
        if (!run.budgetReason.empty())
            summary["budget"] = run.budgetReason;
        if (sig)
            summary["interrupted"] = true;
        printLine(ctx.out, summary);
        printWarnings(ctx, *study);
        if (!run.error.empty())
            throw failure(run.error);
        if (sig) {
            ctx.err << "tw " << ctx.command << ": interrupted by SIG" << signalName(sig) << "\n";
            return 130;
        }
    }
    return 0;
}

int cmdOptimize(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"objective-cmd"}, {"trials"}, {"workers"}, {"timeout"}});
    if (a.help())
        return 0;
    return runObjective(ctx, a, false);
}

int cmdWorker(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"objective-cmd"}, {"max-trials"}, {"workers"}, {"timeout"}, {"grace"}});
    if (a.help())
        return 0;
    return runObjective(ctx, a, true);
}

int cmdBudget(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"trials"}, {"time-limit"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    auto study = openStudy(ref);
    study::Budget b = study->config().budget;
    if (auto v = a.get("trials")) {
        if (*v == "none") b.trials.reset();
        else b.trials = a.integer("trials", 0, 1);
    }
    if (auto v = a.get("time-limit")) {
        if (*v == "none") b.timeLimitSeconds.reset();
        else b.timeLimitSeconds = a.positiveNumber("time-limit", 0.0);
    }
    if (a.has("trials") || a.has("time-limit")) study->setBudget(b);
    const auto trials = study->trials();
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    ordered_json o;
    ref.describeIn(o);
    o["budget"] = ordered_json(study->config().budget.toJson());
    o["counted"] = study::countedTrials(trials);
    o["elapsed"] = study::studyElapsed(trials, now);
    const std::string met = study::budgetMet(study->config().budget, trials, now);
    o["met"] = met.empty() ? ordered_json() : ordered_json(met);
    printLine(ctx.out, o);
    printWarnings(ctx, *study);
    return 0;
}

} // namespace tw::cli
