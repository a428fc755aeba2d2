#pragma once
// Internal helpers of the search space (not part of the public API).
#include "space/search_space.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tw::space::detail {

/// Integers up to 2^53 are exact in a double.
constexpr double kMaxExactInteger = 9007199254740992.0;
/// How far (in units of the step) a value may lie from its grid point.
constexpr double kStepTolerance = 1e-6;

/// Shortest text that reads back as the same double; integers without ".0".
std::string formatNumber(double v);
/// "source: " or "".
std::string prefix(const std::string& source);
/// "source: parameter 'name': ".
std::string paramContext(const std::string& source, const std::string& name);
/// An integral double as a JSON integer, anything else as a JSON float.
nlohmann::json numberToJson(double v);
/// A choice as JSON: a string, a boolean or a number (numberToJson).
nlohmann::json choiceToJson(const Choice& c);
/// The "when" object {"parent": [values...]} -> conditions (keys in JSON
/// order). Throws invalid_argument prefixed with `ctx` on a malformed form;
/// the conditions' meaning is checked by SearchSpace::validate.
std::vector<Condition> conditionsFromJson(const nlohmann::json& when, const std::string& ctx);
nlohmann::json conditionsToJson(const std::vector<Condition>& when);

} // namespace tw::space::detail
