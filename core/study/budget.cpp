#include "study/budget.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace tw::study {

using nlohmann::json;

std::string secondsText(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

json Budget::toJson() const
{
    json j = json::object();
    if (trials) j["trials"] = *trials;
    if (timeLimitSeconds) j["time_limit"] = *timeLimitSeconds;
    return j;
}

Budget Budget::fromJson(const json& j, const std::string& context)
{
    if (!j.is_object()) throw std::invalid_argument(context + ": must be a JSON object");
    Budget b;
    for (const auto& [key, v] : j.items()) {
        if (key == "trials") {
            if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 100000000)
                throw std::invalid_argument(context + ": 'trials' must be an integer from 1 to 100000000 (got " +
                                            v.dump() + ")");
            b.trials = v.get<int>();
        } else if (key == "time_limit") {
            if (!v.is_number() || !std::isfinite(v.get<double>()) || !(v.get<double>() > 0))
                throw std::invalid_argument(context + ": 'time_limit' must be a number of seconds > 0 (got " +
                                            v.dump() + ")");
            b.timeLimitSeconds = v.get<double>();
        } else {
            throw std::invalid_argument(context + ": unknown key '" + key + "' (expected trials, time_limit)");
        }
    }
    return b;
}

bool countsTowardBudget(const Trial& t)
{
    if (!t.finished()) return false;
    return !(t.state == TrialState::Failed && cutShort(t.kind));
}

int countedTrials(const std::vector<Trial>& trials)
{
    int n = 0;
    for (const Trial& t : trials) n += countsTowardBudget(t);
    return n;
}

double studyElapsed(const std::vector<Trial>& trials, double now)
{
    double first = 0;
    for (const Trial& t : trials)
        if (plausibleTime(t.startedAt) && (first == 0 || t.startedAt < first)) first = t.startedAt;
    return first > 0 && now > first ? now - first : 0.0;
}

std::string budgetMet(const Budget& budget, const std::vector<Trial>& trials, double now)
{
    return budgetMet(budget, budget.trials ? countedTrials(trials) : 0,
                     budget.timeLimitSeconds ? studyElapsed(trials, now) : 0.0);
}

std::string budgetMet(const Budget& budget, int counted, double elapsed)
{
    if (budget.trials && counted >= *budget.trials)
        return std::to_string(counted) + " of " + std::to_string(*budget.trials) + " trials counted";
    if (budget.timeLimitSeconds && elapsed >= *budget.timeLimitSeconds)
        return "time limit of " + secondsText(*budget.timeLimitSeconds) + " s reached";
    return {};
}

} // namespace tw::study
