#pragma once
// Model families: the kinds of model a study can train (mlp, cnn, ...), each
// an implementation of one small interface, found by name in one registry.
// A family owns the schema of its settings (the keys of a spec's "model"
// section, their types, legal ranges, defaults and a sensible search range),
// so validation, the window's forms and the search-space picker all read the
// same table. Plain types only: an implementation may use LibTorch or
// XGBoost in its own .cpp, never in a header.
#include "data/dataset.h"
#include "train/config.h"
#include "train/setting_info.h"
#include "train/metrics.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tw::train {

/// A kind of model and how to train it.
class ModelFamily {
public:
    virtual ~ModelFamily() = default;
    /// The spec's `model.family` value: "mlp".
    virtual std::string name() const = 0;
    /// For forms: "Multilayer perceptron".
    virtual std::string label() const = 0;
    /// Its own settings (keys of the spec's "model" section besides `family`).
    virtual const std::vector<SettingInfo>& settings() const = 0;
    /// Whether training with this family reads a `training` setting
    /// (TrainConfig key): a network reads the optimizer, the batch size and
    /// the epochs; a tree ensemble reads none of them.
    virtual bool usesTrainingSetting(const std::string& key) const = 0;
    /// Rules across settings, beyond each one's range. Throws
    /// std::invalid_argument naming the key.
    virtual void validate(const ModelConfig&) const {}
    /// Whether the family can learn from this data (a cnn needs images, a
    /// text model token ids). Throws std::invalid_argument naming the field.
    virtual void checkData(const ModelConfig&, const data::Dataset&) const {}

    /// As train::trainModel, for this family.
    virtual TrainResult train(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                              const TrainCallbacks& callbacks) const = 0;
    /// As train::trainAndTest, for this family.
    virtual TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test,
                                     const TrainOptions& options, const TrainCallbacks& callbacks,
                                     const std::string& savePath) const = 0;
    /// Evaluates a model this family saved at `savePath`, whose model card
    /// (the JSON beside it) is `card`. IoError / ParseError / invalid_argument.
    virtual Metrics evaluateSaved(const std::string& savePath, const nlohmann::json& card, const data::Dataset& data,
                                  int positiveClass) const = 0;
    /// The predictions of a model this family saved (as train::predictSaved).
    virtual Predictions predictSaved(const std::string& savePath, const nlohmann::json& card,
                                     const data::Dataset& data) const = 0;

    /// The schema entry of one of its settings, or nullptr.
    const SettingInfo* setting(const std::string& key) const;
    /// Whether a setting (a model key of this family, or a training key it
    /// reads) changes what this family trains.
    bool applies(const std::string& key) const;
};

/// Every family, in the order forms list them.
const std::vector<const ModelFamily*>& modelFamilies();
/// The family of that name, or nullptr.
const ModelFamily* findModelFamily(const std::string& name);
/// The family of that name. Throws std::invalid_argument "model: 'family'
/// must be one of mlp, cnn, ... (family = 'svm')".
const ModelFamily& modelFamily(const std::string& name);
/// The names, comma separated: "mlp, cnn, ...".
std::string modelFamilyNames();

/// The schema of a model key, looked up in `preferred` first, then in every
/// family in order; nullptr when no family has it.
const SettingInfo* modelSettingInfo(const std::string& key, const std::string& preferred = {});

} // namespace tw::train
