#pragma once
// Parameter importance from a fitted GP surrogate.
//
// Method (primary): a variance decomposition of the GP posterior mean m(x),
// first-order (main-effect) indices in the fANOVA / Sobol' sense, estimated on
// a grid-based quasi-random design:
//   1. Base design: N points of the search space from a seeded scrambled
//      Halton sequence in the unit-cube encoding, decoded to legal values
//      (SearchSpace::fromUnit): log parameters are log-uniform, integers
//      uniform over their cells, a categorical uniform over its choices.
//   2. Total variance V = Var over the base design of m(x).
//   3. For each parameter i, levels v_1..v_L: every choice of a categorical,
//      every value of a discrete parameter with at most kMaxLevels values,
//      otherwise kMaxLevels equal-width cells' midpoints of the unit encoding.
//      The main effect at a level is the mean of m over the base design with
//      x_i replaced by that level (common random numbers: a parameter the mean
//      does not depend on gets exactly zero). V_i = Var over the (equally
//      weighted) levels of the main effect.
//   4. firstOrder_i = V_i / V (Sobol' S_i; the remainder 1 - sum S_i is what
//      interactions explain) and importance_i = V_i / sum_j V_j, so the
//      importances sum to 1. A flat mean (V = 0) gives every parameter 1/D.
// Cost: N * (1 + sum_i L_i) predictions, in blocks; N is reduced for large
// GPs (see importance()) so that the cost stays bounded.
//
// For reference it also reports the fitted ARD lengthscales (in the unit
// cube: a short lengthscale means the mean varies quickly along it). A
// categorical is one-hot encoded and has one lengthscale per choice: its
// effective lengthscale is the shortest of them.
#include "gp/surrogate.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tw::analysis {

struct ParamImportance {
    std::string name;
    double importance = 0.0;   // share of the main-effect variance; the shares sum to 1
    double lengthscale = 0.0;  // effective fitted lengthscale (unit cube)
    double firstOrder = 0.0;   // first-order Sobol' index V_i / V, in [0, 1]
};

/// Maximum number of levels of a continuous parameter's main effect.
constexpr int kMaxLevels = 16;

/// One entry per parameter, in the order of the search space (not sorted).
/// `samples` is the size N of the base design (at least 16); when the GP has
/// more than 256 observations N is scaled down by 256 / observations (not
/// below 128) because every prediction then costs more. Deterministic for a
/// given `seed`. Throws std::invalid_argument when the surrogate is not fitted
/// or `samples` < 1.
std::vector<ParamImportance> importance(const gp::Surrogate& s, int samples = 1024, uint64_t seed = 0);

/// The effective lengthscale of every parameter (as in ParamImportance).
std::vector<double> effectiveLengthscales(const gp::Surrogate& s);

} // namespace tw::analysis
