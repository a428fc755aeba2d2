#pragma once
// Scrambled Halton sequence: the radical inverse in the d-th prime base with a
// random permutation of the digits for every dimension and digit position
// (Owen-type digit scrambling), seeded explicitly.
#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace tw::sampler {

class ScrambledHalton {
public:
    ScrambledHalton(int dim, uint64_t seed);
    int dim() const { return _dim; }
    /// The index-th point of [0,1)^dim.
    Eigen::VectorXd point(uint64_t index) const;
    /// Points first .. first+count-1 as rows.
    Eigen::MatrixXd points(uint64_t first, int count) const;

private:
    int _dim;
    std::vector<int> _bases;
    std::vector<int> _digits;                       // digit positions per dimension
    std::vector<std::vector<std::vector<int>>> _perm; // [dim][position][digit]
};

/// The first n primes.
std::vector<int> firstPrimes(int n);

} // namespace tw::sampler
