#include "train/config.h"

#include "train/metrics.h"
#include "train/model_family.h"
#include "train/setting_info.h"
#include "util/json_values.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace tw::train {

using nlohmann::json;

namespace {

const std::vector<std::string> kTrainKeys{
    "optimizer", "learning_rate", "weight_decay", "momentum", "nesterov", "beta1",     "beta2",
    "epsilon",   "batch_size",    "epochs",       "warmup_ratio", "schedule", "loss",  "class_weights",
    "patience",  "clip_norm",     "seed",         "device"};
constexpr const char* kClassWeightPrefix = "class_weight_";

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

std::string numberText(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return json(v).dump();
}

std::string typeError(const std::string& pre, const std::string& key, const char* expected, const json& v)
{
    return pre + "'" + key + "' must be " + expected + " (got " + v.dump() + ")";
}

int intValue(const std::string& pre, const std::string& key, const json& v)
{
    if (const auto n = jsonInteger(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max())) return int(*n);
    throw std::invalid_argument(typeError(pre, key, "an integer", v));
}

double doubleValue(const std::string& pre, const std::string& key, const json& v)
{
    if (const auto d = jsonNumber(v)) return *d;
    throw std::invalid_argument(typeError(pre, key, "a number", v));
}

bool boolValue(const std::string& pre, const std::string& key, const json& v)
{
    if (const auto b = jsonFlag(v)) return *b;
    throw std::invalid_argument(typeError(pre, key, "true or false", v));
}

std::string stringValue(const std::string& pre, const std::string& key, const json& v)
{
    if (!v.is_string()) throw std::invalid_argument(typeError(pre, key, "a string", v));
    return v.get<std::string>();
}

void require(bool ok, const std::string& pre, const std::string& key, const std::string& rule, const std::string& value)
{
    if (!ok) throw std::invalid_argument(pre + "'" + key + "' must " + rule + " (" + key + " = " + value + ")");
}

void requireChoice(const std::string& pre, const std::string& key, const std::string& value,
                   const std::vector<std::string>& choices)
{
    for (const auto& c : choices)
        if (c == value) return;
    throw std::invalid_argument(pre + "'" + key + "' must be one of " + joined(choices) + " (" + key + " = '" + value +
                                "')");
}

/// Parses "1,5" into numbers; throws naming class_weights.
std::vector<double> parseWeightList(const std::string& text)
{
    const std::string pre = "training: ";
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        size_t used = 0;
        double w = 0;
        try {
            w = std::stod(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        while (used < item.size() && std::isspace(static_cast<unsigned char>(item[used]))) ++used;
        if (used == 0 || used != item.size() || !std::isfinite(w) || !(w > 0))
            throw std::invalid_argument(pre + "'class_weights' must be none, balanced or a comma-separated list of "
                                              "positive numbers (class_weights = '" + text + "')");
        out.push_back(w);
    }
    if (out.empty())
        throw std::invalid_argument(pre + "'class_weights' must be none, balanced or a comma-separated list of "
                                          "positive numbers (class_weights = '" + text + "')");
    return out;
}

std::string weightListText(const std::vector<double>& w)
{
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
        if (i) s += ',';
        s += json(w[i]).dump();
    }
    return s;
}

std::string sourcePrefix(const std::string& source, const char* section)
{
    return (source.empty() ? std::string() : source + ": ") + section;
}

/// Rewrites an error of set()/validate() ("training: ...") with the source in front.
[[noreturn]] void rethrowWithSource(const std::invalid_argument& e, const std::string& source)
{
    if (source.empty()) throw e;
    throw std::invalid_argument(source + ": " + e.what());
}

} // namespace

// ---------------------------------------------------------------- ModelConfig

namespace {

const SettingInfo& familySetting(const std::string& family, const std::string& key)
{
    const ModelFamily& f = modelFamily(family);
    if (const SettingInfo* info = f.setting(key)) return *info;
    throw std::logic_error("model family '" + family + "' has no setting '" + key + "'");
}

std::vector<std::string> allModelKeys()
{
    std::vector<std::string> keys{"family"};
    for (const ModelFamily* f : modelFamilies())
        for (const auto& s : f->settings())
            if (std::find(keys.begin(), keys.end(), s.key) == keys.end()) keys.push_back(s.key);
    return keys;
}

json valueOf(const ModelConfig& m, const std::string& key)
{
    const SettingInfo& info = familySetting(m.family, key);
    const json& v = m.values.contains(key) ? m.values[key] : info.defaultValue;
    if (v.is_null()) throw std::logic_error("model: '" + key + "' of family '" + m.family + "' has no value");
    return v;
}

} // namespace

int ModelConfig::integer(const std::string& key) const
{
    return valueOf(*this, key).get<int>();
}

double ModelConfig::number(const std::string& key) const
{
    return valueOf(*this, key).get<double>();
}

bool ModelConfig::flag(const std::string& key) const
{
    return valueOf(*this, key).get<bool>();
}

std::string ModelConfig::text(const std::string& key) const
{
    return valueOf(*this, key).get<std::string>();
}

bool ModelConfig::has(const std::string& key) const
{
    return values.contains(key) && !values[key].is_null();
}

bool ModelConfig::hasKey(const std::string& key)
{
    return key == "family" || modelSettingInfo(key) != nullptr;
}

void ModelConfig::set(const std::string& key, const json& v)
{
    const std::string pre = "model: ";
    if (key == "family") {
        family = stringValue(pre, key, v);
        return;
    }
    const SettingInfo* info = modelSettingInfo(key, family);
    if (!info) throw std::invalid_argument(pre + "unknown key '" + key + "' (expected " + joined(allModelKeys()) + ")");
    values[key] = info->coerce(v, "model");
}

void ModelConfig::validate() const
{
    const ModelFamily& f = modelFamily(family);
    for (const auto& [key, value] : values.items()) {
        const SettingInfo* info = modelSettingInfo(key, family);
        if (!info)
            throw std::invalid_argument("model: unknown key '" + key + "' (expected " + joined(allModelKeys()) + ")");
        info->check(value, "model");
    }
    f.validate(*this);
}

json ModelConfig::toJson() const
{
    json j{{"family", family}};
    if (const ModelFamily* f = findModelFamily(family))
        for (const auto& s : f->settings())
            if (!s.defaultValue.is_null()) j[s.key] = s.defaultValue;
    for (const auto& [key, value] : values.items()) j[key] = value;
    return j;
}

namespace {
// Every key through set(), then validate(); messages prefixed with the source.
template <class Config>
Config configFromJson(const json& j, const std::string& source, const char* section)
{
    if (!j.is_object()) throw std::invalid_argument(sourcePrefix(source, section) + "must be a JSON object");
    Config c;
    try {
        for (const auto& item : j.items()) c.set(item.key(), item.value());
        c.validate();
    } catch (const std::invalid_argument& e) {
        rethrowWithSource(e, source);
    }
    return c;
}
} // namespace

ModelConfig ModelConfig::fromJson(const json& j, const std::string& source)
{
    return configFromJson<ModelConfig>(j, source, "model: ");
}

// ---------------------------------------------------------------- TrainConfig

bool TrainConfig::hasKey(const std::string& key)
{
    for (const auto& k : kTrainKeys)
        if (k == key) return true;
    const std::string prefix = kClassWeightPrefix;
    return key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 &&
           key.find_first_not_of("0123456789", prefix.size()) == std::string::npos && key.size() - prefix.size() < 4;
}

void TrainConfig::set(const std::string& key, const json& v)
{
    const std::string pre = "training: ";
    const std::string prefix = kClassWeightPrefix;
    if (key == "optimizer") optimizer = stringValue(pre, key, v);
    else if (key == "learning_rate") learningRate = doubleValue(pre, key, v);
    else if (key == "weight_decay") weightDecay = doubleValue(pre, key, v);
    else if (key == "momentum") momentum = doubleValue(pre, key, v);
    else if (key == "nesterov") nesterov = boolValue(pre, key, v);
    else if (key == "beta1") beta1 = doubleValue(pre, key, v);
    else if (key == "beta2") beta2 = doubleValue(pre, key, v);
    else if (key == "epsilon") epsilon = doubleValue(pre, key, v);
    else if (key == "batch_size") batchSize = intValue(pre, key, v);
    else if (key == "epochs") epochs = intValue(pre, key, v);
    else if (key == "warmup_ratio") warmupRatio = doubleValue(pre, key, v);
    else if (key == "schedule") schedule = stringValue(pre, key, v);
    else if (key == "loss") loss = stringValue(pre, key, v);
    else if (key == "patience") patience = intValue(pre, key, v);
    else if (key == "clip_norm") clipNorm = doubleValue(pre, key, v);
    else if (key == "device") device = stringValue(pre, key, v);
    else if (key == "seed") {
        if (v.is_number_unsigned()) seed = v.get<uint64_t>();
        else if (v.is_number_float() && v.get<double>() >= 0 && v.get<double>() < 1.8e19 &&
                 v.get<double>() == std::floor(v.get<double>()))
            seed = uint64_t(v.get<double>());
        else throw std::invalid_argument(typeError(pre, key, "a non-negative integer", v));
    } else if (key == "class_weights") {
        if (v.is_string()) {
            classWeights = v.get<std::string>();
        } else if (v.is_array()) {
            std::vector<double> w;
            for (const auto& x : v) {
                if (!x.is_number()) throw std::invalid_argument(typeError(pre, key, "a string or an array of numbers", v));
                w.push_back(x.get<double>());
            }
            classWeights = weightListText(w);
        } else {
            throw std::invalid_argument(typeError(pre, key, "a string or an array of numbers", v));
        }
    } else if (hasKey(key)) { // class_weight_K
        const size_t k = std::stoul(key.substr(prefix.size()));
        std::vector<double> w;
        if (classWeights != "none" && classWeights != "balanced") w = parseWeightList(classWeights);
        if (w.size() <= k) w.resize(k + 1, 1.0);
        w[k] = doubleValue(pre, key, v);
        classWeights = weightListText(w);
    } else {
        throw std::invalid_argument(pre + "unknown key '" + key + "' (expected " + joined(kTrainKeys) + " or " +
                                    prefix + "K)");
    }
}

void TrainConfig::validate() const
{
    const std::string pre = "training: ";
    requireChoice(pre, "optimizer", optimizer, {"sgd", "adam", "adamw", "rmsprop"});
    require(std::isfinite(learningRate) && learningRate > 0, pre, "learning_rate", "be a finite number > 0",
            numberText(learningRate));
    require(std::isfinite(weightDecay) && weightDecay >= 0, pre, "weight_decay", "be a finite number >= 0",
            numberText(weightDecay));
    require(std::isfinite(momentum) && momentum >= 0 && momentum < 1, pre, "momentum", "be in [0, 1)",
            numberText(momentum));
    require(!(nesterov && optimizer == "sgd" && momentum == 0), pre, "nesterov", "come with momentum > 0",
            "true, momentum = 0");
    require(std::isfinite(beta1) && beta1 >= 0 && beta1 < 1, pre, "beta1", "be in [0, 1)", numberText(beta1));
    require(std::isfinite(beta2) && beta2 >= 0 && beta2 < 1, pre, "beta2", "be in [0, 1)", numberText(beta2));
    require(std::isfinite(epsilon) && epsilon > 0, pre, "epsilon", "be a finite number > 0", numberText(epsilon));
    require(batchSize >= 1, pre, "batch_size", "be >= 1", std::to_string(batchSize));
    require(epochs >= 1, pre, "epochs", "be >= 1", std::to_string(epochs));
    require(std::isfinite(warmupRatio) && warmupRatio >= 0 && warmupRatio <= 1, pre, "warmup_ratio", "be in [0, 1]",
            numberText(warmupRatio));
    requireChoice(pre, "schedule", schedule, {"constant", "linear", "cosine", "step"});
    requireChoice(pre, "loss", loss, {"auto", "cross_entropy", "bce", "mse"});
    if (classWeights != "none" && classWeights != "balanced") parseWeightList(classWeights);
    require(patience >= 0, pre, "patience", "be >= 0", std::to_string(patience));
    require(std::isfinite(clipNorm) && clipNorm >= 0, pre, "clip_norm", "be a finite number >= 0 (0 = off)",
            numberText(clipNorm));
    if (!isDeviceName(device))
        throw std::invalid_argument(pre + "'device' must be auto, cpu, cuda or cuda:K (K a device number) (device = '" +
                                    device + "')");
}

json TrainConfig::toJson() const
{
    return json{{"optimizer", optimizer},     {"learning_rate", learningRate}, {"weight_decay", weightDecay},
                {"momentum", momentum},       {"nesterov", nesterov},          {"beta1", beta1},
                {"beta2", beta2},             {"epsilon", epsilon},            {"batch_size", batchSize},
                {"epochs", epochs},           {"warmup_ratio", warmupRatio},   {"schedule", schedule},
                {"loss", loss},               {"class_weights", classWeights}, {"patience", patience},
                {"clip_norm", clipNorm},      {"seed", seed},                  {"device", device}};
}

TrainConfig TrainConfig::fromJson(const json& j, const std::string& source)
{
    return configFromJson<TrainConfig>(j, source, "training: ");
}

std::vector<double> TrainConfig::classWeightValues(const std::vector<int64_t>& classCounts) const
{
    if (classWeights == "none") return {};
    if (classWeights == "balanced") return balancedClassWeights(classCounts);
    std::vector<double> w = parseWeightList(classWeights);
    if (w.size() != classCounts.size())
        throw std::invalid_argument("training: 'class_weights' must have one weight per class (" +
                                    std::to_string(classCounts.size()) + " classes, class_weights = '" +
                                    classWeights + "')");
    return w;
}

double TrainConfig::learningRateFactor(int64_t step, int64_t totalSteps) const
{
    if (totalSteps <= 0) return 1.0;
    const auto warm = int64_t(std::llround(warmupRatio * double(totalSteps)));
    if (step < warm) return double(step + 1) / double(warm);
    if (schedule == "step") {
        const double done = double(step) / double(totalSteps);
        return done < 0.5 ? 1.0 : done < 0.75 ? 0.1 : 0.01;
    }
    const double progress = double(step - warm) / double(std::max<int64_t>(1, totalSteps - warm));
    if (schedule == "linear") return std::max(0.0, 1.0 - progress);
    if (schedule == "cosine") return 0.5 * (1.0 + std::cos(std::numbers::pi * std::min(1.0, progress)));
    return 1.0;
}

const std::vector<SettingInfo>& trainingSettings()
{
    static const std::vector<SettingInfo> all = [] {
        constexpr double inf = std::numeric_limits<double>::infinity();
        std::vector<SettingInfo> v;
        const auto exclusive = [](SettingInfo s, bool lowEnd) {
            (lowEnd ? s.minExclusive : s.maxExclusive) = true;
            return s;
        };
        const TrainConfig d;
        v.push_back(choiceSetting("optimizer", d.optimizer, {"sgd", "adam", "adamw", "rmsprop"}, "The update rule."));
        v.push_back(exclusive(rangeSetting("learning_rate", SettingType::Float, d.learningRate, 0, inf, 1e-5, 1e-1, true,
                                    "Step size of the optimizer."),
                              true));
        v.push_back(rangeSetting("weight_decay", SettingType::Float, d.weightDecay, 0, inf, 1e-6, 1e-2, true,
                          "L2 penalty (decoupled for adamw)."));
        v.push_back(exclusive(rangeSetting("momentum", SettingType::Float, d.momentum, 0, 1, 0.5, 0.99, false, "SGD momentum."),
                              false));
        v.push_back(boolSetting("nesterov", d.nesterov, "Nesterov momentum (SGD)."));
        v.push_back(exclusive(rangeSetting("beta1", SettingType::Float, d.beta1, 0, 1, 0.8, 0.99, false, "Adam first-moment decay."),
                              false));
        v.push_back(exclusive(rangeSetting("beta2", SettingType::Float, d.beta2, 0, 1, 0.9, 0.9999, false,
                                    "Adam second-moment decay."),
                              false));
        v.push_back(exclusive(rangeSetting("epsilon", SettingType::Float, d.epsilon, 0, inf, 1e-9, 1e-6, true,
                                    "Denominator term of Adam and RMSprop."),
                              true));
        v.push_back(rangeSetting("batch_size", SettingType::Int, d.batchSize, 1, inf, 16, 512, true, "Samples per optimizer step."));
        v.push_back(rangeSetting("epochs", SettingType::Int, d.epochs, 1, inf, 5, 50, false, "Passes over the training data."));
        v.push_back(rangeSetting("warmup_ratio", SettingType::Float, d.warmupRatio, 0, 1, 0, 0.3, false,
                          "Share of all steps with a linear learning-rate warm-up."));
        v.push_back(choiceSetting("schedule", d.schedule, {"constant", "linear", "cosine", "step"},
                                  "Learning rate after the warm-up."));
        v.push_back(choiceSetting("loss", d.loss, {"auto", "cross_entropy", "bce", "mse"}, "The loss function."));
        v.push_back(textSetting("class_weights", d.classWeights, "none, balanced, or one weight per class (1,5)."));
        v.push_back(exclusive(rangeSetting("class_weight_K", SettingType::Float, 1.0, 0, inf, 0.5, 10, true,
                                    "Loss weight of class K alone (class_weight_0, class_weight_1, ...)."),
                              true));
        v.push_back(rangeSetting("patience", SettingType::Int, d.patience, 0, inf, 0, 10, false,
                          "Early stopping: epochs without improvement (0 = off)."));
        v.push_back(rangeSetting("clip_norm", SettingType::Float, d.clipNorm, 0, inf, 0.1, 10, true,
                          "Gradient norm clipping (0 = off)."));
        return v;
    }();
    return all;
}

void setOption(ModelConfig& model, TrainConfig& training, const std::string& key, const json& value)
{
    // A key of the model's own family first (gradient boosting's
    // learning_rate is the shrinkage of its trees, not the optimizer's), then
    // a training key, then a key of another family (for a study that
    // searches over the family).
    const ModelFamily* family = findModelFamily(model.family);
    if (key == "family" || (family && family->setting(key))) model.set(key, value);
    else if (TrainConfig::hasKey(key)) training.set(key, value);
    else if (ModelConfig::hasKey(key)) model.set(key, value);
    else
        throw std::invalid_argument("unknown setting '" + key + "' (model: " + joined(allModelKeys()) +
                                    "; training: " + joined(kTrainKeys) + ", " + kClassWeightPrefix + "K)");
}

bool isDeviceName(const std::string& name)
{
    if (name == "auto" || name == "cpu" || name == "cuda") return true;
    if (name.rfind("cuda:", 0) != 0) return false;
    const std::string k = name.substr(5);
    return !k.empty() && k.size() <= 3 && k.find_first_not_of("0123456789") == std::string::npos;
}

} // namespace tw::train
