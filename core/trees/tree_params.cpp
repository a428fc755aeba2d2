#include "trees/tree_params.h"

#include "data/csv.h"
#include "util/json_values.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tw::trees {

using nlohmann::json;

namespace {

const std::string kPre = "model: ";

const std::vector<std::string> kKeys{"n_estimators",     "max_depth",       "min_samples_split", "max_features",
                                     "learning_rate",    "subsample",       "colsample_bytree",  "min_child_weight",
                                     "reg_lambda",       "reg_alpha",       "early_stopping_rounds", "seed",
                                     "threads"};

[[noreturn]] void typeError(const std::string& key, const char* expected, const json& v)
{
    throw std::invalid_argument(kPre + "'" + key + "' must be " + expected + " (got " + v.dump() + ")");
}

long long integerValue(const std::string& key, const json& v, long long lo, long long hi)
{
    if (const auto n = jsonInteger(v, lo, hi)) return *n;
    typeError(key, "an integer", v);
}

int intValue(const std::string& key, const json& v)
{
    return int(integerValue(key, v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

double doubleValue(const std::string& key, const json& v)
{
    if (const auto d = jsonNumber(v)) return *d;
    typeError(key, "a number", v);
}

void require(bool ok, const std::string& key, const std::string& rule, const std::string& value)
{
    if (!ok) throw std::invalid_argument(kPre + "'" + key + "' must " + rule + " (" + key + " = " + value + ")");
}

void requireRange(const std::string& key, int v, int lo, int hi)
{
    require(v >= lo && v <= hi, key, "be in " + std::to_string(lo) + ".." + std::to_string(hi), std::to_string(v));
}

void requireFraction(const std::string& key, double v)
{
    require(std::isfinite(v) && v > 0 && v <= 1, key, "be in (0, 1]", data::formatNumber(v));
}

void requireNonNegative(const std::string& key, double v)
{
    require(std::isfinite(v) && v >= 0, key, "be >= 0", data::formatNumber(v));
}

MaxFeatures maxFeaturesValue(const json& v)
{
    MaxFeatures m;
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s == "sqrt") m.rule = MaxFeatures::Rule::Sqrt;
        else if (s == "log2") m.rule = MaxFeatures::Rule::Log2;
        else
            throw std::invalid_argument(kPre + "'max_features' must be a fraction in (0, 1], \"sqrt\" or \"log2\" (got " +
                                        v.dump() + ")");
        return m;
    }
    if (!v.is_number())
        throw std::invalid_argument(kPre + "'max_features' must be a fraction in (0, 1], \"sqrt\" or \"log2\" (got " +
                                    v.dump() + ")");
    m.fraction = v.get<double>();
    return m;
}

} // namespace

std::string toString(Ensemble e)
{
    return e == Ensemble::RandomForest ? "random_forest" : "gradient_boosting";
}

Ensemble ensembleFromString(const std::string& s)
{
    if (s == "random_forest") return Ensemble::RandomForest;
    if (s == "gradient_boosting") return Ensemble::GradientBoosting;
    throw std::invalid_argument("ensemble must be random_forest or gradient_boosting (got '" + s + "')");
}

double MaxFeatures::resolve(int64_t features) const
{
    if (features <= 0) return 1.0;
    const double n = double(features);
    switch (rule) {
    case Rule::Sqrt: return std::min(1.0, std::max(1.0, std::floor(std::sqrt(n))) / n);
    case Rule::Log2: return std::min(1.0, std::max(1.0, std::floor(std::log2(n))) / n);
    case Rule::Fraction: break;
    }
    return fraction;
}

json MaxFeatures::toJson() const
{
    switch (rule) {
    case Rule::Sqrt: return "sqrt";
    case Rule::Log2: return "log2";
    case Rule::Fraction: break;
    }
    return fraction;
}

TreeParams TreeParams::randomForest()
{
    TreeParams p;
    p.maxFeatures.rule = MaxFeatures::Rule::Sqrt;
    p.learningRate = 1.0;
    p.subsample = 0.632;
    return p;
}

TreeParams TreeParams::gradientBoosting()
{
    return TreeParams{};
}

TreeParams TreeParams::defaults(Ensemble e)
{
    return e == Ensemble::RandomForest ? randomForest() : gradientBoosting();
}

void TreeParams::validate(Ensemble e) const
{
    requireRange("n_estimators", nEstimators, 1, 100000);
    requireRange("max_depth", maxDepth, 1, 64);
    require(std::isfinite(minSamplesSplit) && minSamplesSplit >= 0 &&
                (minSamplesSplit <= 1 || (minSamplesSplit >= 2 && minSamplesSplit == std::floor(minSamplesSplit))),
            "min_samples_split", "be 0 (off), a fraction in (0, 1] or an integer count >= 2",
            data::formatNumber(minSamplesSplit));
    if (maxFeatures.rule == MaxFeatures::Rule::Fraction)
        require(std::isfinite(maxFeatures.fraction) && maxFeatures.fraction > 0 && maxFeatures.fraction <= 1,
                "max_features", "be a fraction in (0, 1], \"sqrt\" or \"log2\"", data::formatNumber(maxFeatures.fraction));
    requireFraction("learning_rate", learningRate);
    requireFraction("subsample", subsample);
    requireFraction("colsample_bytree", colsampleBytree);
    requireNonNegative("min_child_weight", minChildWeight);
    requireNonNegative("reg_lambda", regLambda);
    requireNonNegative("reg_alpha", regAlpha);
    require(earlyStoppingRounds >= 0, "early_stopping_rounds", "be >= 0", std::to_string(earlyStoppingRounds));
    if (e == Ensemble::RandomForest)
        require(earlyStoppingRounds == 0, "early_stopping_rounds",
                "be 0 for a random forest (its trees are averaged, not boosted)", std::to_string(earlyStoppingRounds));
    require(threads >= 0, "threads", "be >= 0", std::to_string(threads));
}

json TreeParams::toJson() const
{
    return json{{"n_estimators", nEstimators},
                {"max_depth", maxDepth},
                {"min_samples_split", minSamplesSplit},
                {"max_features", maxFeatures.toJson()},
                {"learning_rate", learningRate},
                {"subsample", subsample},
                {"colsample_bytree", colsampleBytree},
                {"min_child_weight", minChildWeight},
                {"reg_lambda", regLambda},
                {"reg_alpha", regAlpha},
                {"early_stopping_rounds", earlyStoppingRounds},
                {"seed", seed},
                {"threads", threads}};
}

TreeParams TreeParams::fromJson(const json& j, Ensemble e, const std::string& source)
{
    TreeParams p = defaults(e);
    try {
        if (!j.is_object()) throw std::invalid_argument(kPre + "expected a JSON object (got " + j.dump() + ")");
        for (auto it = j.begin(); it != j.end(); ++it) p.set(it.key(), it.value());
        p.validate(e);
    } catch (const std::invalid_argument& err) {
        if (source.empty()) throw;
        throw std::invalid_argument(source + ": " + err.what());
    }
    return p;
}

void TreeParams::set(const std::string& key, const json& v)
{
    if (key == "n_estimators") nEstimators = intValue(key, v);
    else if (key == "max_depth") maxDepth = intValue(key, v);
    else if (key == "min_samples_split") minSamplesSplit = doubleValue(key, v);
    else if (key == "max_features") maxFeatures = maxFeaturesValue(v);
    else if (key == "learning_rate") learningRate = doubleValue(key, v);
    else if (key == "subsample") subsample = doubleValue(key, v);
    else if (key == "colsample_bytree") colsampleBytree = doubleValue(key, v);
    else if (key == "min_child_weight") minChildWeight = doubleValue(key, v);
    else if (key == "reg_lambda") regLambda = doubleValue(key, v);
    else if (key == "reg_alpha") regAlpha = doubleValue(key, v);
    else if (key == "early_stopping_rounds") earlyStoppingRounds = intValue(key, v);
    else if (key == "seed") seed = uint64_t(integerValue(key, v, 0, std::numeric_limits<long long>::max()));
    else if (key == "threads") threads = intValue(key, v);
    else {
        std::string list;
        for (const auto& k : kKeys) list += (list.empty() ? "" : ", ") + k;
        throw std::invalid_argument(kPre + "unknown setting '" + key + "' (settings: " + list + ")");
    }
}

bool TreeParams::hasKey(const std::string& key)
{
    return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

const std::vector<std::string>& TreeParams::keys()
{
    return kKeys;
}

} // namespace tw::trees
