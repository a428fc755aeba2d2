#pragma once
// The median pruner: stop a trial whose intermediate value at a step is worse
// than the median of what earlier trials reported at the same step.
#include "study/trial.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace tw::study {

struct PrunerConfig {
    std::string type = "none";  // "none" or "median"
    int warmupSteps = 1;        // never prune at steps <= warmupSteps
    int minTrials = 3;          // at least this many earlier trials must have reported the step

    void validate(const std::string& source = {}) const;
    nlohmann::json toJson() const;
    static PrunerConfig fromJson(const nlohmann::json& j, const std::string& source = {});
};

/// Whether trial `number`, reporting `value` at `step`, should stop. Earlier
/// trials are the finished ones (Complete or Pruned) other than `number`.
bool shouldPrune(const PrunerConfig& config, Direction direction, const std::vector<Trial>& trials, int number,
                 int step, double value);

} // namespace tw::study
