#include "study/trial.h"

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

} // namespace tw::study
