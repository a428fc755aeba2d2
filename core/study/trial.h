#pragma once
// Trials and the plain study configuration that a journal records.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tw::study {

enum class TrialState { Running, Complete, Pruned, Failed };
enum class Direction { Minimize, Maximize };

std::string toString(TrialState s);   // "running", "complete", "pruned", "failed"
TrialState trialStateFromString(const std::string& s); // throws invalid_argument
std::string toString(Direction d);    // "minimize", "maximize"
Direction directionFromString(const std::string& s);  // throws invalid_argument

/// Why a trial did not complete, recorded as the told event's "kind": budgets,
/// the sampler's failure model and the views decide by it, never by the
/// reason's text (which is for people).
enum class FailureKind {
    None,          // complete
    Exception,     // the objective threw, crashed, exited non-zero or could not start
    Nan,           // the objective (or the training loss) was NaN or infinite
    InvalidOutput, // the objective printed no number
    Timeout,       // ran past its time limit
    OutOfMemory,   // ran out of memory
    Pruned,        // stopped early by a pruning rule (state Pruned)
    Stopped,       // the user stopped the study
    Interrupted,   // the worker got SIGINT / SIGTERM / SIGHUP
    Abandoned,     // the process that ran it is gone (seen on its own host)
    Stale,         // its worker's heartbeat stopped (seen from any host)
};
/// "none", "exception", "nan", "invalid_output", "timeout", "out_of_memory",
/// "pruned", "stopped", "interrupted", "abandoned", "stale".
std::string toString(FailureKind k);
/// Throws invalid_argument naming the known kinds.
FailureKind failureKindFromString(const std::string& s);
/// True for the kinds that say nothing about the configuration: the run was
/// cut short by the user, a signal or a lost worker. Such trials count
/// toward no budget and are no evidence of a failing region.
bool cutShort(FailureKind k);
/// The kind a told event of a file written before kinds existed implies,
/// from its state and reason (the one place that reads reason texts).
FailureKind legacyFailureKind(TrialState state, const std::string& reason);

/// One value reported during training (an epoch) for live curves and pruning.
struct IntermediateValue {
    int step = 0;
    double value = 0.0;
};

/// A unix time in seconds between 1970 and the year 9999.
inline bool plausibleTime(double t) { return t > 0.0 && t < 253402300800.0; }

struct Trial {
    int number = -1;
    TrialState state = TrialState::Running;
    std::vector<double> params;           // one double per parameter (index for categoricals; NaN: inactive, see SearchSpace)
    std::optional<double> value;          // set when Complete
    std::string reason;                   // why it failed or was pruned
    FailureKind kind = FailureKind::None; // why it did not complete, as a value
    double startedAt = 0.0;               // unix time, seconds
    double finishedAt = 0.0;              // 0 while running
    double heartbeatInterval = 0.0;       // seconds its worker promised between signs of life (0: none)
    double heartbeatGrace = 0.0;          // seconds without one after which it is stale
    double lastSeenAt = 0.0;              // unix time of the last sign of life (asked, heartbeat, epoch)
    std::string host;                     // where it was asked
    long pid = 0;                         // process that asked it
    nlohmann::json userAttrs = nlohmann::json::object();   // metrics, device, ...
    nlohmann::json samplerInfo = nlohmann::json::object(); // what the sampler wants to remember
    std::vector<IntermediateValue> intermediate;

    bool finished() const { return state != TrialState::Running; }
    /// Seconds from asked to told; nullopt while running, or when a time is
    /// missing or not a plausible unix time (a damaged or hand-written
    /// file: 1e300 once printed a negative year and duration).
    std::optional<double> duration() const
    {
        if (!finished() || !plausibleTime(startedAt) || !plausibleTime(finishedAt) || finishedAt < startedAt)
            return std::nullopt;
        return finishedAt - startedAt;
    }
};

/// How a trial ended, for Study::tell.
struct Outcome {
    TrialState state = TrialState::Complete;
    double value = 0.0;
    std::string reason;
    FailureKind kind = FailureKind::None;
    static Outcome complete(double v) { return {TrialState::Complete, v, {}, FailureKind::None}; }
    static Outcome failed(std::string why, FailureKind kind = FailureKind::Exception)
    {
        return {TrialState::Failed, 0.0, std::move(why), kind};
    }
    static Outcome pruned(std::string why = {}) { return {TrialState::Pruned, 0.0, std::move(why), FailureKind::Pruned}; }
};

/// The best-trial rule every layer uses: the numbers of the `k` best
/// Complete trials (with a value) of `trials`, best first; better means
/// higher when maximizing, lower when minimizing, and ties keep the lower
/// number first. Fewer when fewer trials are complete.
std::vector<int> bestTrialNumbers(const std::vector<Trial>& trials, Direction direction, size_t k);

} // namespace tw::study
