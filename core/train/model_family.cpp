#include "train/model_family.h"

#include "train/families.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

namespace tw::train {

using nlohmann::json;

namespace {

std::string numberText(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return json(v).dump();
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

std::string rangeText(const SettingInfo& s)
{
    const bool lowInf = std::isinf(s.min), highInf = std::isinf(s.max);
    if (s.type == SettingType::Int && !lowInf && !highInf) return "be in " + numberText(s.min) + ".." + numberText(s.max);
    if (!lowInf && highInf) return (s.minExclusive ? "be > " : "be >= ") + numberText(s.min);
    if (lowInf && !highInf) return "be <= " + numberText(s.max);
    return std::string("be in ") + (s.minExclusive ? "(" : "[") + numberText(s.min) + ", " + numberText(s.max) + (s.maxExclusive ? ")" : "]");
}

} // namespace

std::string toString(SettingType t)
{
    switch (t) {
    case SettingType::Int: return "int";
    case SettingType::Float: return "float";
    case SettingType::Bool: return "bool";
    case SettingType::Choice: return "choice";
    case SettingType::Text: return "text";
    }
    return "text";
}

json SettingInfo::coerce(const json& v, const std::string& section) const
{
    const std::string pre = section + ": '" + key + "' must be ";
    auto wrong = [&](const std::string& expected) {
        return std::invalid_argument(pre + expected + " (got " + v.dump() + ")");
    };
    if (v.is_null() && defaultValue.is_null()) return v; // "derived", as when not given
    switch (type) {
    case SettingType::Int:
        if (v.is_number_integer()) {
            const auto n = v.get<long long>();
            if (n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max()) return int(n);
        } else if (v.is_number_float()) {
            const double d = v.get<double>();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= std::numeric_limits<int>::max()) return int(d);
        }
        throw wrong("an integer");
    case SettingType::Float:
        if (!v.is_number()) throw wrong("a number");
        return v.get<double>();
    case SettingType::Bool:
        if (v.is_boolean()) return v;
        if (v.is_number() && (v.get<double>() == 0.0 || v.get<double>() == 1.0)) return v.get<double>() != 0.0;
        throw wrong("true or false");
    case SettingType::Choice:
        if (!v.is_string()) throw wrong(choices.empty() ? std::string("a string") : "one of " + joined(choices));
        return v;
    case SettingType::Text:
        // A number where text is read (max_features: 0.5 or "sqrt") is its shortest text.
        if (v.is_number()) return v.is_number_integer() ? std::to_string(v.get<long long>()) : json(v.get<double>()).dump();
        if (!v.is_string()) throw wrong("a string");
        return v;
    }
    return v;
}

SettingInfo rangeSetting(std::string key, SettingType type, json defaultValue, double min, double max,
                         double searchLow, double searchHigh, bool searchLog, std::string help)
{
    SettingInfo s;
    s.key = std::move(key);
    s.type = type;
    s.defaultValue = std::move(defaultValue);
    s.min = min;
    s.max = max;
    s.searchLow = searchLow;
    s.searchHigh = searchHigh;
    s.searchLog = searchLog;
    s.help = std::move(help);
    return s;
}

SettingInfo boolSetting(std::string key, bool defaultValue, std::string help)
{
    SettingInfo s;
    s.key = std::move(key);
    s.type = SettingType::Bool;
    s.defaultValue = defaultValue;
    s.help = std::move(help);
    return s;
}

SettingInfo choiceSetting(std::string key, std::string defaultValue, std::vector<std::string> choices, std::string help)
{
    SettingInfo s;
    s.key = std::move(key);
    s.type = SettingType::Choice;
    s.defaultValue = std::move(defaultValue);
    s.choices = std::move(choices);
    s.help = std::move(help);
    return s;
}

SettingInfo textSetting(std::string key, std::string defaultValue, std::string help)
{
    SettingInfo s;
    s.key = std::move(key);
    s.type = SettingType::Text;
    s.defaultValue = std::move(defaultValue);
    s.help = std::move(help);
    return s;
}

SettingInfo dropoutSetting(std::string key, json defaultValue, std::string help)
{
    SettingInfo s = rangeSetting(std::move(key), SettingType::Float, std::move(defaultValue), 0, 1, 0, 0.5, false,
                                 std::move(help));
    s.maxExclusive = true;
    return s;
}

void SettingInfo::check(const json& value, const std::string& section) const
{
    const json v = coerce(value, section);
    if (v.is_null()) return;
    const std::string pre = section + ": '" + key + "' must ";
    if (type == SettingType::Int || type == SettingType::Float) {
        const double d = v.get<double>();
        const bool ok = std::isfinite(d) && (minExclusive ? d > min : d >= min) && (maxExclusive ? d < max : d <= max);
        const std::string shown = type == SettingType::Int || !std::isfinite(d) ? numberText(d) : json(d).dump();
        if (!ok) throw std::invalid_argument(pre + rangeText(*this) + " (" + key + " = " + shown + ")");
    } else if (type == SettingType::Choice) {
        const std::string s = v.get<std::string>();
        if (std::find(choices.begin(), choices.end(), s) == choices.end())
            throw std::invalid_argument(pre + "be one of " + joined(choices) + " (" + key + " = '" + s + "')");
    }
}

const SettingInfo* ModelFamily::setting(const std::string& key) const
{
    for (const auto& s : settings())
        if (s.key == key) return &s;
    return nullptr;
}

bool ModelFamily::applies(const std::string& key) const
{
    if (key == "family" || setting(key)) return true;
    return TrainConfig::hasKey(key) && usesTrainingSetting(key);
}

const std::vector<const ModelFamily*>& modelFamilies()
{
    // Built once, on first use, in the order the forms list them. Adding a
    // family: its own file with a make...Family() factory (families.h), and
    // one line here.
    static const std::vector<std::unique_ptr<ModelFamily>> owned = [] {
        std::vector<std::unique_ptr<ModelFamily>> v;
        v.push_back(makeMlpFamily());
        v.push_back(makeCnnFamily());
        v.push_back(makeLogisticRegressionFamily());
        v.push_back(makeRandomForestFamily());
        v.push_back(makeGradientBoostingFamily());
        v.push_back(makeTextBagFamily());
        v.push_back(makeTextCnnFamily());
        v.push_back(makeTextTransformerFamily());
        return v;
    }();
    static const std::vector<const ModelFamily*> all = [] {
        std::vector<const ModelFamily*> v;
        for (const auto& f : owned) v.push_back(f.get());
        return v;
    }();
    return all;
}

const ModelFamily* findModelFamily(const std::string& name)
{
    for (const ModelFamily* f : modelFamilies())
        if (f->name() == name) return f;
    return nullptr;
}

std::string modelFamilyNames()
{
    std::vector<std::string> names;
    for (const ModelFamily* f : modelFamilies()) names.push_back(f->name());
    return joined(names);
}

const ModelFamily& modelFamily(const std::string& name)
{
    if (const ModelFamily* f = findModelFamily(name)) return *f;
    throw std::invalid_argument("model: 'family' must be one of " + modelFamilyNames() + " (family = '" + name + "')");
}

const SettingInfo* modelSettingInfo(const std::string& key, const std::string& preferred)
{
    if (const ModelFamily* f = findModelFamily(preferred))
        if (const SettingInfo* s = f->setting(key)) return s;
    for (const ModelFamily* f : modelFamilies())
        if (const SettingInfo* s = f->setting(key)) return s;
    return nullptr;
}

} // namespace tw::train
