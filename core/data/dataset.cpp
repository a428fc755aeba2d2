// Dataset: sizes, subsets, class counts and validation; Task names.
#include "data/dataset.h"

#include <cmath>
#include <stdexcept>

namespace tw::data {

std::string toString(Task t)
{
    switch (t) {
    case Task::Binary: return "binary";
    case Task::Multiclass: return "multiclass";
    case Task::Regression: return "regression";
    }
    return "unknown";
}

Task taskFromString(const std::string& s)
{
    if (s == "binary") return Task::Binary;
    if (s == "multiclass") return Task::Multiclass;
    if (s == "regression") return Task::Regression;
    throw std::invalid_argument("unknown task '" + s + "' (expected binary, multiclass or regression)");
}

int64_t Dataset::sampleSize() const
{
    if (sampleShape.empty()) return 0;
    int64_t n = 1;
    for (int64_t d : sampleShape) n *= d;
    return n;
}

int64_t Dataset::size() const
{
    const int64_t s = sampleSize();
    if (s > 0) return int64_t(features.size()) / s;
    return int64_t(isClassification() ? labels.size() : targets.size());
}

Dataset Dataset::subset(const std::vector<int64_t>& indices) const
{
    Dataset out;
    out.name = name;
    out.task = task;
    out.sampleShape = sampleShape;
    out.classNames = classNames;
    out.featureNames = featureNames;
    out.vocabulary = vocabulary;
    out.provenance = provenance;
    const int64_t n = size(), s = sampleSize();
    const bool hasLabels = int64_t(labels.size()) == n, hasTargets = int64_t(targets.size()) == n;
    out.features.resize(size_t(s) * indices.size());
    if (hasLabels) out.labels.reserve(indices.size());
    if (hasTargets) out.targets.reserve(indices.size());
    float* dst = out.features.data();
    for (int64_t i : indices) {
        if (i < 0 || i >= n)
            throw std::invalid_argument("dataset '" + name + "': subset index " + std::to_string(i) +
                                        " out of range (size " + std::to_string(n) + ")");
        std::copy(features.begin() + i * s, features.begin() + (i + 1) * s, dst);
        dst += s;
        if (hasLabels) out.labels.push_back(labels[size_t(i)]);
        if (hasTargets) out.targets.push_back(targets[size_t(i)]);
    }
    return out;
}

std::vector<int64_t> Dataset::classCounts() const
{
    std::vector<int64_t> counts(classNames.size(), 0);
    if (!isClassification()) return counts;
    for (size_t i = 0; i < labels.size(); ++i) {
        const int64_t c = labels[i];
        if (c < 0 || c >= int64_t(counts.size()))
            throw std::invalid_argument("dataset '" + name + "': sample " + std::to_string(i) + ": label " +
                                        std::to_string(c) + " out of range (" + std::to_string(counts.size()) +
                                        " classes)");
        ++counts[size_t(c)];
    }
    return counts;
}

void Dataset::validate() const
{
    const std::string what = "dataset '" + name + "': ";
    if (sampleShape.empty()) throw std::invalid_argument(what + "empty sample shape");
    for (int64_t d : sampleShape)
        if (d <= 0) throw std::invalid_argument(what + "sample shape has a dimension " + std::to_string(d) + " (must be > 0)");
    const int64_t s = sampleSize();
    if (int64_t(features.size()) % s != 0)
        throw std::invalid_argument(what + std::to_string(features.size()) + " feature values is not a multiple of the sample size " +
                                    std::to_string(s));
    const int64_t n = size();
    for (size_t i = 0; i < features.size(); ++i)
        if (!std::isfinite(features[i]))
            throw std::invalid_argument(what + "sample " + std::to_string(int64_t(i) / s) + ": feature " +
                                        std::to_string(int64_t(i) % s) + " is not finite");
    if (!featureNames.empty() && int64_t(featureNames.size()) != s)
        throw std::invalid_argument(what + std::to_string(featureNames.size()) + " feature names for samples of " +
                                    std::to_string(s) + " values");
    if (!vocabulary.empty())
        for (size_t i = 0; i < features.size(); ++i)
            if (features[i] < 0 || features[i] >= float(vocabulary.size()) || features[i] != std::trunc(features[i]))
                throw std::invalid_argument(what + "sample " + std::to_string(int64_t(i) / s) + ": token id " +
                                            std::to_string(features[i]) + " is not an id of the " +
                                            std::to_string(vocabulary.size()) + "-token vocabulary");
    if (isClassification()) {
        if (int64_t(labels.size()) != n)
            throw std::invalid_argument(what + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " samples");
        if (task == Task::Binary && classNames.size() != 2)
            throw std::invalid_argument(what + "a binary task needs 2 class names (has " + std::to_string(classNames.size()) + ")");
        if (classNames.size() < 2)
            throw std::invalid_argument(what + "a classification task needs at least 2 class names (has " +
                                        std::to_string(classNames.size()) + ")");
        classCounts(); // throws on a label out of range
    } else if (int64_t(targets.size()) != n) {
        throw std::invalid_argument(what + std::to_string(targets.size()) + " regression targets for " + std::to_string(n) +
                                    " samples");
    } else {
        for (size_t i = 0; i < targets.size(); ++i)
            if (!std::isfinite(targets[i]))
                throw std::invalid_argument(what + "sample " + std::to_string(i) + ": regression target is not finite");
    }
}

} // namespace tw::data
