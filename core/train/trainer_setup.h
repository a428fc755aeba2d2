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
    bool flattenInput = true;           // mlp: samples as {D} rows
    bool batchNorm = false;
    int64_t batchesPerEpoch = 0;
};

/// Checks the options against the training data and `other` (validation or
/// test data, named `otherName` in messages); throws std::invalid_argument
/// naming the field and the rule.
Plan makePlan(const data::Dataset& train, const data::Dataset* other, const TrainOptions& options,
              const std::string& otherName);

/// Fisher-Yates with `rng() % (i + 1)`: the same order on every platform.
void shuffleInPlace(std::vector<int64_t>& v, std::mt19937_64& rng);

/// What trainAndTest writes next to a saved model.
nlohmann::json modelCard(const Plan& plan, const TrainOptions& options, const data::Dataset& trainFull,
                         const Metrics& test, int64_t parameters);

struct SavedModel {
    Plan plan;
    TrainOptions options;
};
/// Reads a model card and checks that `data` fits it (IoError, ParseError,
/// std::invalid_argument). The plan runs on the CPU.
SavedModel readModelCard(const std::string& path, const data::Dataset& data);

} // namespace tw::train
