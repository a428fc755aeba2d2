// Random and stratified splits of a data set's sample indices.
#include "data/split.h"

#include "data/csv.h"
#include "data/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tw::data {

namespace {

/// Shares `total` among strata in proportion to `sizes` by largest
/// remainders (ties to the lower index), at most `room[k]` each.
std::vector<int64_t> allocate(int64_t total, const std::vector<int64_t>& sizes, std::vector<int64_t>& room)
{
    const int64_t n = std::accumulate(sizes.begin(), sizes.end(), int64_t(0));
    std::vector<int64_t> out(sizes.size(), 0);
    std::vector<std::pair<double, size_t>> remainders;
    int64_t given = 0;
    for (size_t k = 0; k < sizes.size(); ++k) {
        const double quota = n > 0 ? double(total) * double(sizes[k]) / double(n) : 0.0;
        out[k] = std::min<int64_t>(int64_t(std::floor(quota)), room[k]);
        given += out[k];
        remainders.push_back({quota - std::floor(quota), k});
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    // Hand out the rest, one per stratum in order of remainder, while room is left.
    while (given < total) {
        bool progress = false;
        for (const auto& [fraction, k] : remainders) {
            if (given >= total) break;
            if (out[k] < room[k]) {
                ++out[k];
                ++given;
                progress = true;
            }
        }
        if (!progress) break;
    }
    for (size_t k = 0; k < sizes.size(); ++k) room[k] -= out[k];
    return out;
}

int64_t countFor(double fraction, int64_t n)
{
    if (fraction <= 0) return 0;
    return std::max<int64_t>(1, std::llround(fraction * double(n)));
}

} // namespace

void SplitFractions::validate() const
{
    auto check = [](const char* name, double v) {
        if (!std::isfinite(v) || v < 0)
            throw std::invalid_argument(std::string("split fractions: ") + name + " = " + formatNumber(v) +
                                        " must be a finite number >= 0");
    };
    check("validation", validation);
    check("test", test);
    if (validation + test >= 1)
        throw std::invalid_argument("split fractions: validation " + formatNumber(validation) + " + test " + formatNumber(test) +
                                    " = " + formatNumber(validation + test) + " must be below 1 (the rest is for training)");
}

SplitIndices splitIndices(const Dataset& data, const SplitFractions& fractions, uint64_t seed, bool stratify)
{
    fractions.validate();
    const int64_t n = data.size();
    const int64_t nVal = countFor(fractions.validation, n), nTest = countFor(fractions.test, n);
    if (nVal + nTest >= n)
        throw std::invalid_argument("split: dataset '" + data.name + "' has " + std::to_string(n) + " samples; " +
                                    std::to_string(nVal) + " for validation and " + std::to_string(nTest) +
                                    " for test leave none for training");

    std::vector<std::vector<int64_t>> strata;
    if (stratify && data.isClassification()) {
        if (int64_t(data.labels.size()) != n)
            throw std::invalid_argument("split: dataset '" + data.name + "' has " + std::to_string(data.labels.size()) +
                                        " labels for " + std::to_string(n) + " samples");
        strata.resize(data.classCounts().size()); // throws on a label out of range
        for (int64_t i = 0; i < n; ++i) strata[size_t(data.labels[size_t(i)])].push_back(i);
    } else {
        strata.emplace_back(size_t(n));
        std::iota(strata[0].begin(), strata[0].end(), int64_t(0));
    }

    Rng rng(seed);
    std::vector<int64_t> sizes, room;
    for (auto& s : strata) {
        rng.shuffle(s);
        sizes.push_back(int64_t(s.size()));
    }
    room = sizes;
    const std::vector<int64_t> valCounts = allocate(nVal, sizes, room);
    const std::vector<int64_t> testCounts = allocate(nTest, sizes, room);

    SplitIndices out;
    for (size_t k = 0; k < strata.size(); ++k) {
        const auto& s = strata[k];
        const auto v = s.begin() + valCounts[k], t = v + testCounts[k];
        out.validation.insert(out.validation.end(), s.begin(), v);
        out.test.insert(out.test.end(), v, t);
        out.train.insert(out.train.end(), t, s.end());
    }
    std::sort(out.train.begin(), out.train.end());
    std::sort(out.validation.begin(), out.validation.end());
    std::sort(out.test.begin(), out.test.end());
    return out;
}

} // namespace tw::data
