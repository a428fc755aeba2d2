#pragma once
// Ax's parameter lists (ax.service.AxClient.create_experiment(parameters=...))
// as a search space:
//   [{"name": "lr", "type": "range", "bounds": [1e-6, 8e-5], "log_scale": true, "value_type": "float"},
//    {"name": "epochs", "type": "range", "bounds": [1, 6], "value_type": "int"},
//    {"name": "optimizer", "type": "choice", "values": ["sgd", "adam"], "is_ordered": false},
//    {"name": "seed", "type": "fixed", "value": 42}]
// range -> float (int when value_type is "int", or when it is absent and both
// bounds are JSON integers, as Ax infers it), log_scale -> log; choice ->
// categorical (is_ordered and sort_values are accepted and ignored: a choice
// is one-hot encoded either way); fixed -> a categorical with one choice.
// Ax keys without a meaning here (digits, is_fidelity, target_value) are
// accepted and ignored; any other key is an error.
#include "space/search_space.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace tw::space {

/// True for a JSON array of parameters, or {"parameters": [...]}, whose
/// first parameter has an Ax type (range, choice, fixed) or "bounds".
bool isAxFormat(const nlohmann::json& j);

/// Parses an Ax-style list. Throws std::invalid_argument naming `source`, the
/// parameter and the rule: "space.json: parameter 'lr': 'bounds' must be
/// [low, high] (two numbers)".
SearchSpace fromAxJson(const nlohmann::json& j, const std::string& source = {});

} // namespace tw::space
