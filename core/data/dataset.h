#pragma once
// A data set as plain values: features, labels, names, task and provenance.
// No LibTorch here: core/train wraps the buffers as tensors (torch::from_blob)
// without copying, and ui/ and app/ can include this header cheaply.
#include <cstdint>
#include <string>
#include <vector>

namespace tw::data {

enum class Task { Binary, Multiclass, Regression };
std::string toString(Task t);           // "binary", "multiclass", "regression"
Task taskFromString(const std::string& s); // throws invalid_argument

/// Where the data came from and what was done to it (shown to the user,
/// recorded with trials).
struct Provenance {
    std::string source;          // file path(s) or "builtin:spirals"
    int64_t rows = 0;            // rows read from the source
    int64_t columns = 0;         // columns read from the source (target included)
    std::string preprocessing;   // human-readable summary, e.g. "impute mean; one-hot 3 columns; standardize"
};

struct Dataset {
    std::string name;
    Task task = Task::Multiclass;
    /// Shape of one sample: {D} for tabular data, {C, H, W} for images.
    std::vector<int64_t> sampleShape;
    /// size() x prod(sampleShape) values, row-major, sample after sample.
    std::vector<float> features;
    /// Classification: class index in [0, classNames.size()) per sample.
    std::vector<int64_t> labels;
    /// Regression: target value per sample.
    std::vector<float> targets;
    std::vector<std::string> classNames;   // classification only
    std::vector<std::string> featureNames; // tabular only (after one-hot encoding)
    /// Text data: the token of each id (0 "<pad>", 1 "<unk>"); the features
    /// are then token ids (exact as floats up to 2^24). Empty otherwise.
    std::vector<std::string> vocabulary;
    Provenance provenance;

    int64_t size() const;          // number of samples
    int64_t sampleSize() const;    // prod(sampleShape)
    int numClasses() const { return int(classNames.size()); }
    bool isClassification() const { return task != Task::Regression; }
    /// The samples at these indices, in this order (same names and task).
    Dataset subset(const std::vector<int64_t>& indices) const;
    /// Number of samples per class (classification).
    std::vector<int64_t> classCounts() const;
    /// Throws invalid_argument naming the rule broken when sizes disagree or
    /// a label is out of range.
    void validate() const;
};

} // namespace tw::data
