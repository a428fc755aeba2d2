#pragma once
// Internal to core/train: the checks and bookkeeping of a training run that
// need no LibTorch (so that trainer.cpp, the only file that includes it, stays
// small). Not for ui/ or app/: use trainer.h.
#include "data/dataset.h"
#include "train/trainer.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tw::train {

enum class LossKind { CrossEntropy, Bce, Mse };

/// How a network takes its samples: rows {N, D} (images flattened), the
/// sample shape {N, C, H, W}, or token ids (int64 {N, L}; the features hold
/// the ids as floats).
enum class InputKind { Rows, Shaped, Tokens };

/// A checked, resolved training setup.
struct Plan {
    LossKind loss = LossKind::CrossEntropy;
    std::string lossName = "cross_entropy";
    bool classification = true;
    int numClasses = 0;                 // classification
    int outputs = 1;                    // units of the last layer
    std::vector<double> classWeights;   // empty: none
    std::string device = "cpu";         // "cpu" or "cuda"
    std::vector<int64_t> sampleShape;
    InputKind input = InputKind::Rows;
    bool batchNorm = false;             // a last batch of one sample is skipped
    int64_t batchesPerEpoch = 0;
    /// Text data: the training vocabulary (ids 0 padding, 1 unknown); a
    /// saved model's card keeps only its size.
    std::vector<std::string> vocabulary;
    int64_t vocabularySize = 0;
};

/// Checks the options against the training data and `other` (validation or
/// test data, named `otherName` in messages), the family's rules included,
/// for a network that takes `input` and has batch-norm layers or not;
/// throws std::invalid_argument naming the field and the rule.
Plan makePlan(const data::Dataset& train, const data::Dataset* other, const TrainOptions& options,
              const std::string& otherName, InputKind input, bool batchNorm);

/// The checks of makePlan that every family shares: the model and training
/// settings, the data (non-empty, `other` like `train`), the objective
/// metric and the positive class. Throws std::invalid_argument.
void checkCommon(const data::Dataset& train, const data::Dataset* other, const TrainOptions& options,
                 const std::string& otherName);

/// "{1,28,28}".
std::string shapeText(const std::vector<int64_t>& shape);

/// Fisher-Yates with `rng() % (i + 1)`: the same order on every platform.
void shuffleInPlace(std::vector<int64_t>& v, std::mt19937_64& rng);

/// The fields of every family's model card: format, data, settings, the
/// training criterion `loss`, `outputs` per sample, class weights, objective,
/// parameters and the metrics (test_metrics; markAsTuningModel renames them).
nlohmann::json modelCardFields(const TrainOptions& options, const data::Dataset& trainFull, const Metrics& metrics,
                               int64_t parameters, const std::string& loss, int outputs,
                               const std::vector<double>& classWeights);
/// What trainAndTest writes next to a saved network: modelCardFields and the plan's own.
nlohmann::json modelCard(const Plan& plan, const TrainOptions& options, const data::Dataset& trainFull,
                         const Metrics& test, int64_t parameters);

/// Turns a model card written for a final fit into one of a tuning trial's
/// model: its metrics are the validation metrics ("validation_metrics") of
/// the best epoch `bestEpoch`, the epoch it was saved at.
void markAsTuningModel(nlohmann::json& card, int bestEpoch);

struct SavedModel {
    Plan plan;
    TrainOptions options;
};
/// Reads a model card (the JSON file beside a saved model). IoError / ParseError.
nlohmann::json readModelCardJson(const std::string& path);
/// A network's plan and options from its card (`path` names it in
/// messages), checked against `data` (ParseError, std::invalid_argument).
/// The plan runs on the CPU.
SavedModel savedModelFromCard(const std::string& path, const nlohmann::json& card, const data::Dataset& data,
                              InputKind input);
/// That `data` fits a model card's task, classes and sample shape.
/// Throws std::invalid_argument naming the card.
void checkCardData(const std::string& path, const nlohmann::json& card, const data::Dataset& data);

} // namespace tw::train
