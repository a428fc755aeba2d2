#include "study/pruner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tw::study {

namespace {
std::string prefix(const std::string& source) { return source.empty() ? "pruner: " : source + ": pruner: "; }
} // namespace

void PrunerConfig::validate(const std::string& source) const
{
    if (type != "none" && type != "median")
        throw std::invalid_argument(prefix(source) + "unknown type '" + type + "' (expected none or median)");
    if (warmupSteps < 0)
        throw std::invalid_argument(prefix(source) + "'warmup_epochs' must be >= 0 (warmup_epochs = " +
                                    std::to_string(warmupSteps) + ")");
    if (minTrials < 1)
        throw std::invalid_argument(prefix(source) + "'min_trials' must be >= 1 (min_trials = " +
                                    std::to_string(minTrials) + ")");
}

nlohmann::json PrunerConfig::toJson() const
{
    return {{"type", type}, {"warmup_epochs", warmupSteps}, {"min_trials", minTrials}};
}

PrunerConfig PrunerConfig::fromJson(const nlohmann::json& j, const std::string& source)
{
    if (!j.is_object()) throw std::invalid_argument(prefix(source) + "must be a JSON object");
    PrunerConfig c;
    for (const auto& [key, value] : j.items()) {
        if (key == "type") {
            if (!value.is_string()) throw std::invalid_argument(prefix(source) + "'type' must be a string");
            c.type = value.get<std::string>();
        } else if (key == "warmup_epochs" || key == "min_trials") {
            if (!value.is_number_integer())
                throw std::invalid_argument(prefix(source) + "'" + key + "' must be an integer");
            (key == "warmup_epochs" ? c.warmupSteps : c.minTrials) = value.get<int>();
        } else {
            throw std::invalid_argument(prefix(source) + "unknown key '" + key +
                                        "' (expected type, warmup_epochs, min_trials)");
        }
    }
    c.validate(source);
    return c;
}

bool shouldPrune(const PrunerConfig& config, Direction direction, const std::vector<Trial>& trials, int number,
                 int step, double value)
{
    if (config.type != "median" || step <= config.warmupSteps) return false;
    if (!std::isfinite(value)) return true;
    std::vector<double> others;
    for (const auto& t : trials) {
        if (t.number == number) continue;
        if (t.state != TrialState::Complete && t.state != TrialState::Pruned) continue;
        for (const auto& iv : t.intermediate)
            if (iv.step == step && std::isfinite(iv.value)) {
                others.push_back(iv.value);
                break;
            }
    }
    if (int(others.size()) < config.minTrials) return false;
    const size_t mid = others.size() / 2;
    std::nth_element(others.begin(), others.begin() + long(mid), others.end());
    double median = others[mid];
    if (others.size() % 2 == 0) {
        const double lower = *std::max_element(others.begin(), others.begin() + long(mid));
        median = 0.5 * (median + lower);
    }
    return direction == Direction::Minimize ? value > median : value < median;
}

} // namespace tw::study
