#pragma once
// Writes a prepared classification data set as CSV (feature columns, then
// the class index as "y"), for the Python peers of the benchmarks to read
// the very rows tw trains on.
#include "data/dataset.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

namespace tw::bench {

/// `featureNames`: the data set's own column names; otherwise x0, x1, ...
/// Throws std::runtime_error when the file cannot be written.
inline void writeDatasetCsv(const data::Dataset& d, const std::string& path, bool featureNames)
{
    std::ofstream f(path);
    const int64_t k = d.sampleSize();
    for (int64_t j = 0; j < k; ++j) {
        if (featureNames && size_t(j) < d.featureNames.size()) f << d.featureNames[size_t(j)];
        else f << 'x' << j;
        f << ',';
    }
    f << "y\n";
    char buf[32];
    for (int64_t i = 0; i < d.size(); ++i) {
        for (int64_t j = 0; j < k; ++j) {
            std::snprintf(buf, sizeof buf, "%.9g,", double(d.features[size_t(i * k + j)]));
            f << buf;
        }
        f << d.labels[size_t(i)] << '\n';
    }
    if (!f) throw std::runtime_error("cannot write " + path);
}

} // namespace tw::bench
