#pragma once
// A study's trials as files other programs read: the trials CSV (one row per
// trial, a column per parameter, objective, state, duration, metrics), the
// full JSON, and the best configuration.
#include "space/search_space.h"
#include "study/trial.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tw::study {

using ordered_json = nlohmann::ordered_json;

/// Parameter values as a JSON object in the space's order.
ordered_json paramsJson(const space::SearchSpace& space, const std::vector<double>& values);
/// {"number","state","value"?,"reason"?,"params","duration"}
ordered_json trialJson(const space::SearchSpace& space, const Trial& t);
/// {"number","value","params"}
ordered_json bestJson(const space::SearchSpace& space, const Trial& t);
/// "2024-05-01T12:00:00.123Z" (empty for 0).
std::string isoTime(double unixSeconds);

/// One row per trial: number, the parameters, value, state, duration,
/// started, reason, then the user attributes flattened ("metrics.accuracy";
/// arrays such as learning curves are left to the JSON; an attribute named as
/// a parameter or a fixed column is "user_attrs.NAME"). Numbers in their
/// shortest round-trip form. IoError on failure.
void writeTrialsCsv(const std::string& path, const space::SearchSpace& space, const std::vector<Trial>& trials);
/// Every trial with its user attributes and intermediate values.
void writeTrialsJson(const std::string& path, const space::SearchSpace& space, const std::vector<Trial>& trials);
/// bestJson plus `extra` members (metric, direction, metrics...), indented.
void writeBestJson(const std::string& path, const space::SearchSpace& space, const Trial& best,
                   const ordered_json& extra = ordered_json::object());

} // namespace tw::study
