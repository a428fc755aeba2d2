#pragma once
// The schema of one setting (a model family's, or a training setting): its
// type, default, legal range and the range a search over it usually spans.
// Validation, the window's forms and the search-space picker read it.
#include <nlohmann/json.hpp>

#include <limits>
#include <string>
#include <vector>

namespace tw::train {

enum class SettingType { Int, Float, Bool, Choice, Text };

/// One setting: its key, type, default, legal range and the range a search
/// over it usually spans (what the search-space picker proposes).
struct SettingInfo {
    std::string key;
    SettingType type = SettingType::Float;
    /// The value when the spec does not give one; null: derived from other
    /// settings (e.g. a CNN block's filters from `filters`), as `help` says.
    nlohmann::json defaultValue;
    double min = -std::numeric_limits<double>::infinity(); // Int, Float: legal values are [min, max]
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false;                              // (min, ...
    bool maxExclusive = false;                              // ..., max)
    std::vector<std::string> choices;                       // Choice
    double searchLow = 0, searchHigh = 1;                   // Int, Float: the picker's range
    bool searchLog = false;
    std::string help;                                       // one line for tooltips and docs
    /// A setting of one of a variable number of parts (a CNN's block K):
    /// the key of the count setting ("conv_blocks") and K. The part exists
    /// while the count is at least K, and forms show the setting only then;
    /// "" for a setting that always applies.
    std::string partOf;
    int part = 0;

    /// Checks a value against the type and the range. Throws
    /// std::invalid_argument "model: 'units' must be in 1..1048576 (units = 0)"
    /// (`section` is "model" or "training").
    void check(const nlohmann::json& value, const std::string& section) const;
    /// The value coerced to this setting's type (an integral float to an int,
    /// 0/1 to a bool). Throws std::invalid_argument naming the key when the
    /// type is wrong; does not check the range.
    nlohmann::json coerce(const nlohmann::json& value, const std::string& section) const;
};

std::string toString(SettingType t); // "int", "float", "bool", "choice", "text"

/// A number setting (Int or Float): legal values [min, max], the picker's
/// range [searchLow, searchHigh] (log-scaled or not).
SettingInfo rangeSetting(std::string key, SettingType type, nlohmann::json defaultValue, double min, double max,
                         double searchLow, double searchHigh, bool searchLog, std::string help);
SettingInfo boolSetting(std::string key, bool defaultValue, std::string help);
/// One of `choices` (text values).
SettingInfo choiceSetting(std::string key, std::string defaultValue, std::vector<std::string> choices, std::string help);
/// Free text, checked by the setting's owner.
SettingInfo textSetting(std::string key, std::string defaultValue, std::string help);
/// A dropout rate: [0, 1), searched over [0, 0.5]; a null default is derived.
SettingInfo dropoutSetting(std::string key, nlohmann::json defaultValue, std::string help);

/// The training settings (TrainConfig keys) a search may override, as a
/// schema for the search-space picker: `class_weight_K` stands for
/// class_weight_0, class_weight_1, ... TrainConfig::validate() stays the
/// rule; every value of these search ranges passes it.
const std::vector<SettingInfo>& trainingSettings();

} // namespace tw::train
