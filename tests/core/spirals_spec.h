#pragma once
// The small spirals study the training tests share: an MLP, two searched
// parameters (a log learning rate and the activation), quasi-random sampling.
#include <nlohmann/json.hpp>

#include <string>

inline nlohmann::json spiralsSpecJson(const std::string& name, int epochs)
{
    nlohmann::json j = nlohmann::json::parse(R"({
      "dataset": {"builtin": "spirals"},
      "model": {"hidden_layers": 2, "units": 32},
      "training": {"optimizer": "adam", "batch_size": 64, "seed": 1},
      "objective": {"metric": "accuracy"},
      "search_space": {"parameters": [
        {"name": "learning_rate", "type": "float", "low": 1e-3, "high": 3e-2, "log": true},
        {"name": "activation", "type": "categorical", "choices": ["relu", "tanh"]}
      ]},
      "sampler": {"name": "qmc", "seed": 3}
    })");
    j["name"] = name;
    j["training"]["epochs"] = epochs;
    return j;
}
