#pragma once
// A study's budget: how many trials, how much wall time. Part of the study
// (its configuration, changed by study_budget events), so that N workers on
// N machines stop together when it is met. The one rule every run loop
// (tw optimize, tw worker, tw tune, the window) asks.
#include "study/trial.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tw::study {

struct Budget {
    std::optional<int> trials;              // trials that count (countsTowardBudget), >= 1
    std::optional<double> timeLimitSeconds; // wall seconds from the first trial's start, > 0
    bool empty() const { return !trials && !timeLimitSeconds; }
    /// {"trials": N, "time_limit": S}, each only when set.
    nlohmann::json toJson() const;
    /// Throws invalid_argument naming `context`, the key and the rule.
    static Budget fromJson(const nlohmann::json& j, const std::string& context = "budget");
    bool operator==(const Budget& o) const { return trials == o.trials && timeLimitSeconds == o.timeLimitSeconds; }
};

/// Seconds as people write them in messages: 60, 2.5, 0.25 ("%g").
std::string secondsText(double seconds);

/// Whether a trial counts toward a budget: finished, and not cut short
/// (stopped, interrupted, abandoned, stale: cutShort).
bool countsTowardBudget(const Trial& t);
int countedTrials(const std::vector<Trial>& trials);
/// Seconds from the first trial's start to `now` (0 before any trial).
double studyElapsed(const std::vector<Trial>& trials, double now);
/// Why the budget is met, "" while it is not: "40 of 40 trials counted",
/// "time limit of 3600 s reached".
std::string budgetMet(const Budget& budget, const std::vector<Trial>& trials, double now);
/// The same rule from the counts: `counted` trials (countedTrials) and
/// `elapsed` seconds (studyElapsed).
std::string budgetMet(const Budget& budget, int counted, double elapsed);

} // namespace tw::study
