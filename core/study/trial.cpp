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
