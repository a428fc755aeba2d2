#include "study/trial.h"

#include <algorithm>
#include <stdexcept>

namespace tw::study {

std::string toString(TrialState s)
{
    switch (s) {
    case TrialState::Running: return "running";
    case TrialState::Complete: return "complete";
    case TrialState::Pruned: return "pruned";
    case TrialState::Failed: return "failed";
    }
    return "unknown";
}

TrialState trialStateFromString(const std::string& s)
{
    if (s == "running") return TrialState::Running;
    if (s == "complete") return TrialState::Complete;
    if (s == "pruned") return TrialState::Pruned;
    if (s == "failed") return TrialState::Failed;
    throw std::invalid_argument("unknown trial state '" + s + "' (expected running, complete, pruned or failed)");
}

namespace {

constexpr std::pair<FailureKind, const char*> kKinds[] = {
    {FailureKind::None, "none"},
    {FailureKind::Exception, "exception"},
    {FailureKind::Nan, "nan"},
    {FailureKind::InvalidOutput, "invalid_output"},
    {FailureKind::Timeout, "timeout"},
    {FailureKind::OutOfMemory, "out_of_memory"},
    {FailureKind::Pruned, "pruned"},
    {FailureKind::Stopped, "stopped"},
    {FailureKind::Interrupted, "interrupted"},
    {FailureKind::Abandoned, "abandoned"},
    {FailureKind::Stale, "stale"},
};

bool startsWith(const std::string& s, const char* prefix)
{
    return s.rfind(prefix, 0) == 0;
}

} // namespace

std::string toString(FailureKind k)
{
    for (const auto& [kind, name] : kKinds)
        if (kind == k) return name;
    return "none";
}

FailureKind failureKindFromString(const std::string& s)
{
    std::string known;
    for (const auto& [kind, name] : kKinds) {
        if (s == name) return kind;
        known += (known.empty() ? "" : ", ") + std::string(name);
    }
    throw std::invalid_argument("unknown failure kind '" + s + "' (expected " + known + ")");
}

bool cutShort(FailureKind k)
{
    return k == FailureKind::Stopped || k == FailureKind::Interrupted || k == FailureKind::Abandoned ||
           k == FailureKind::Stale;
}

FailureKind legacyFailureKind(TrialState state, const std::string& reason)
{
    if (state == TrialState::Complete || state == TrialState::Running) return FailureKind::None;
    if (state == TrialState::Pruned) return FailureKind::Pruned;
    // The reasons earlier versions wrote, as they wrote them.
    if (reason == "stopped") return FailureKind::Stopped;
    if (startsWith(reason, "interrupted")) return FailureKind::Interrupted;
    if (startsWith(reason, "abandoned")) return FailureKind::Abandoned;
    if (startsWith(reason, "stale")) return FailureKind::Stale;
    const auto has = [&reason](const char* part) { return reason.find(part) != std::string::npos; };
    if (has("timed out after")) return FailureKind::Timeout;
    if (has("objective is nan") || has("objective is inf") || has("objective is -inf")) return FailureKind::Nan;
    if (has("last line of output is not a number") || has("printed nothing on stdout"))
        return FailureKind::InvalidOutput;
    return FailureKind::Exception;
}

std::string toString(Direction d)
{
    return d == Direction::Maximize ? "maximize" : "minimize";
}

Direction directionFromString(const std::string& s)
{
    if (s == "minimize") return Direction::Minimize;
    if (s == "maximize") return Direction::Maximize;
    throw std::invalid_argument("unknown direction '" + s + "' (expected minimize or maximize)");
}

std::vector<int> bestTrialNumbers(const std::vector<Trial>& trials, Direction direction, size_t k)
{
    std::vector<const Trial*> done;
    for (const Trial& t : trials)
        if (t.state == TrialState::Complete && t.value) done.push_back(&t);
    const bool maximize = direction == Direction::Maximize;
    std::stable_sort(done.begin(), done.end(), [&](const Trial* a, const Trial* b) {
        if (*a->value != *b->value) return maximize ? *a->value > *b->value : *a->value < *b->value;
        return a->number < b->number;
    });
    std::vector<int> out;
    for (size_t i = 0; i < done.size() && i < k; ++i) out.push_back(done[i]->number);
    return out;
}

} // namespace tw::study
