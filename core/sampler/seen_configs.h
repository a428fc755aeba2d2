#pragma once
// The configurations a study has asked so far, as a set that a study keeps
// up to date trial by trial and hands to a sampler as an immutable snapshot
// without copying it.
#include "space/search_space.h"
#include "study/trial.h"

#include <memory>
#include <vector>

namespace tw::sampler {

/// Lexicographic order of configurations in which NaN (an inactive
/// parameter) equals NaN and sorts before every number: a strict weak order
/// even for conditional spaces.
struct ConfigLess {
    bool operator()(const std::vector<double>& a, const std::vector<double>& b) const;
};

/// Every configuration already asked (any state): never proposed again.
/// Inactive parameters are NaN on both sides, so two configurations that
/// differ only in parameters inactive in both count as the same.
///
/// A persistent set: sorted runs of distinct configurations that are never
/// changed once built, shared between copies. A copy is a snapshot that
/// costs O(log n) (one pointer per run), whatever the size; insert() adds a
/// run of one and merges runs of equal size (a binary counter), so an insert
/// costs O(log n) amortized and contains() O(log^2 n). A snapshot stays valid
/// and unchanged while the original goes on inserting, on another thread too.
class SeenConfigs {
public:
    SeenConfigs() = default;
    /// The configurations of every trial, masked by `space` (one sort).
    SeenConfigs(const space::SearchSpace& space, const std::vector<study::Trial>& trials);

    /// Adds a trial's configuration, its inactive parameters masked (NaN)
    /// by `space` when it has one value per parameter. False when it was
    /// there already.
    bool insert(const space::SearchSpace& space, std::vector<double> params);
    bool contains(const std::vector<double>& params) const;
    /// Distinct configurations.
    size_t size() const { return _size; }

private:
    using Run = std::vector<std::vector<double>>; // sorted by ConfigLess, distinct, disjoint from other runs
    std::vector<std::shared_ptr<const Run>> _runs; // sizes strictly decreasing
    size_t _size = 0;
};

} // namespace tw::sampler
