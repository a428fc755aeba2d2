#pragma once
// Names that Ax, Keras, Optuna and Hugging Face scripts give to training
// settings ("lr", "num_epochs", "opt_weights_cls1"), mapped onto this
// project's setting keys, so a search space written for those tools runs
// here unchanged. A study keeps the parameter's own name; the mapping applies
// when a trial is configured (StudySpec::settingFor).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tw::train {

/// The setting key a known alias stands for ("lr" -> "learning_rate"), or
/// nullopt. Case-sensitive; a setting key itself is not an alias.
std::optional<std::string> settingAlias(const std::string& name);
/// Every alias and its setting, in a stable order (for documentation and the forms).
const std::vector<std::pair<std::string, std::string>>& settingAliases();

} // namespace tw::train
