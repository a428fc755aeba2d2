#pragma once
// Train / validation / test splits, stratified by class for classification.
#include "data/dataset.h"

#include <cstdint>
#include <vector>

namespace tw::data {

struct SplitFractions {
    double validation = 0.2;
    double test = 0.0;
    /// Throws invalid_argument naming the fractions: each finite and >= 0,
    /// their sum below 1.
    void validate() const;
};

struct SplitIndices {
    std::vector<int64_t> train, validation, test; // each in increasing order
};

/// Splits the samples of `data` at random (deterministic for a seed, the same
/// on every platform). The validation and test sizes are
/// round(fraction x size) (at least 1 when the fraction is above 0); with
/// `stratify` and a classification task each class is split in the same
/// proportions (largest remainders keep the totals exact); a regression task
/// is split without strata. Throws invalid_argument when no training sample
/// would be left.
SplitIndices splitIndices(const Dataset& data, const SplitFractions& fractions, uint64_t seed, bool stratify = true);

} // namespace tw::data
