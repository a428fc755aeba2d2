#pragma once
// Plain configuration of a model and of its training; round-trips through
// JSON with snake_case keys, and any single setting can be overridden by name
// (a study's search parameters map onto these keys). No LibTorch here.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tw::train {

/// The model: its family (a name in the registry of core/train/model_family.h)
/// and the values of settings given for it. A family reads its own keys and
/// takes its schema's defaults for the ones not given; values given for
/// another family's keys are kept (a study that searches over the family
/// sets each family's own settings) and checked against that family's
/// schema. The families and their keys are listed in README ("The spec format").
struct ModelConfig {
    std::string family = "mlp";
    /// Setting values by key, as given (coerced to the schema's type).
    nlohmann::json values = nlohmann::json::object();

    /// A setting of the family: the given value or the schema's default.
    /// Throws std::logic_error when the family has no such setting or the
    /// value is null (a derived default: check has() first).
    int integer(const std::string& key) const;
    double number(const std::string& key) const;
    bool flag(const std::string& key) const;
    std::string text(const std::string& key) const;
    /// True when a value was given for the key.
    bool has(const std::string& key) const;

    /// Throws std::invalid_argument naming the field and the rule:
    /// "model: 'hidden_layers' must be in 0..8 (hidden_layers = 9)", an
    /// unknown family, or a rule of the family's (ModelFamily::validate).
    void validate() const;
    /// {"family": ..., every setting of the family (given or default), and
    /// the values given for other families' keys}.
    nlohmann::json toJson() const;
    /// Unknown keys and wrong types are errors naming the key; validates.
    static ModelConfig fromJson(const nlohmann::json& j, const std::string& source = {});
    /// Overrides one setting by its snake_case key: `family`, or a key of any
    /// family (an int accepts an integral number (64.0), a bool true/false or
    /// 0/1). Throws std::invalid_argument naming the key when no family has it
    /// or the type is wrong; does not validate (call validate() after the
    /// last set()).
    void set(const std::string& key, const nlohmann::json& value);
    /// True when `key` is `family` or a setting of some family.
    static bool hasKey(const std::string& key);
};

/// How the network is trained.
/// Whether `name` names a training device: "auto", "cpu", "cuda" (the first
/// CUDA device) or "cuda:K" (K a device index, 0 to 999).
bool isDeviceName(const std::string& name);

struct TrainConfig {
    std::string optimizer = "adam";   // sgd | adam | adamw | rmsprop
    double learningRate = 1e-3;
    double weightDecay = 0.0;         // L2 for sgd/adam/rmsprop, decoupled for adamw
    double momentum = 0.9;            // sgd only
    bool nesterov = false;            // sgd only; needs momentum > 0
    double beta1 = 0.9, beta2 = 0.999; // adam, adamw
    double epsilon = 1e-8;            // adam, adamw, rmsprop
    int batchSize = 64;
    int epochs = 10;
    double warmupRatio = 0.0;         // share of all steps with a linear warm-up, [0, 1]
    std::string schedule = "constant"; // constant | linear | cosine | step
    /// auto | cross_entropy | bce | mse. auto: cross_entropy for
    /// classification, mse for regression. bce: binary tasks only, one output.
    /// mse on a classification task: mean squared error between the softmax
    /// probabilities and the one-hot labels.
    std::string loss = "auto";
    /// "none", "balanced" (n / (k * count_c), as scikit-learn) or one positive
    /// weight per class, comma separated ("1,5").
    std::string classWeights = "none";
    int patience = 0;                 // epochs without improvement of the objective; 0 = off
    double clipNorm = 0.0;            // global gradient norm; 0 = off
    uint64_t seed = 0;
    std::string device = "auto";      // auto | cpu | cuda | cuda:K (isDeviceName)

    /// Throws std::invalid_argument naming the field and the rule:
    /// "training: 'batch_size' must be >= 1 (batch_size = 0)".
    void validate() const;
    nlohmann::json toJson() const;
    static TrainConfig fromJson(const nlohmann::json& j, const std::string& source = {});
    /// As ModelConfig::set. `class_weights` also accepts an array of numbers,
    /// and `class_weight_K` (K = 0, 1, ...) sets the weight of class K alone
    /// (the others stay as they are, 1 when there was no list), so a search
    /// space can tune each class weight as its own parameter.
    void set(const std::string& key, const nlohmann::json& value);
    static bool hasKey(const std::string& key);

    /// The class weights for a data set with these class counts: empty for
    /// "none". Throws std::invalid_argument when an explicit list does not
    /// have one weight per class.
    std::vector<double> classWeightValues(const std::vector<int64_t>& classCounts) const;
    /// Multiplier of the learning rate at optimizer step `step` (0-based) of
    /// `totalSteps`: a linear warm-up over round(warmupRatio * totalSteps)
    /// steps ((step + 1) / warmup), then constant 1, a linear decay to 0, a
    /// cosine decay to 0 (both over the steps after the warm-up), or "step":
    /// x0.1 from 50% and x0.01 from 75% of all steps.
    double learningRateFactor(int64_t step, int64_t totalSteps) const;
};

/// Overrides a model or training setting by its key (the ModelConfig keys
/// first). Throws std::invalid_argument naming the key when neither knows it.
void setOption(ModelConfig& model, TrainConfig& training, const std::string& key, const nlohmann::json& value);

} // namespace tw::train
