#pragma once
// The Ax notebook's parameter list (seeds/ax-xenophobia-bayesian-optimization),
// shared by the tests of Ax spaces in core and in the search-space table.
#include <nlohmann/json.hpp>

inline nlohmann::json axNotebookParameters()
{
    return nlohmann::json::parse(R"([
        {"name": "lr", "type": "range", "bounds": [1e-6, 8e-5], "log_scale": true, "value_type": "float"},
        {"name": "weight_decay", "type": "range", "bounds": [0.005, 0.50], "log_scale": true, "value_type": "float"},
        {"name": "warm_up_ratio", "type": "range", "bounds": [0.0, 0.8], "log_scale": false, "value_type": "float"},
        {"name": "epochs", "type": "range", "bounds": [1, 6], "value_type": "int"},
        {"name": "opt_weights_cls0", "type": "range", "bounds": [0.60, 1.0], "log_scale": true, "value_type": "float"},
        {"name": "opt_weights_cls1", "type": "range", "bounds": [1.0, 3.5], "log_scale": true, "value_type": "float"}
    ])");
}
