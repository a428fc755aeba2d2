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
#include "analysis/hyperparameter_draws.h"
#include "gp/surrogate.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace tw::analysis {

struct ParamImportance {
    std::string name;
    double importance = 0.0;   // share of the main-effect variance; the shares sum to 1
    double lengthscale = 0.0;  // effective fitted lengthscale (unit cube)
    double firstOrder = 0.0;   // first-order Sobol' index V_i / V, in [0, 1]
    // The interval of `importance` over posterior draws of the GP
    // hyperparameters (importanceWithIntervals); NaN and 0 draws without one.
    double low = std::numeric_limits<double>::quiet_NaN();
    double high = std::numeric_limits<double>::quiet_NaN();
    int draws = 0;
    bool hasInterval() const { return draws > 0; }
};

/// How importanceWithIntervals spreads the importance over the GP's
/// hyperparameter uncertainty: the draws, quantiles, seed (of the sampler and
/// of the base designs) and observation limit of DrawOptions, and the design
/// of each draw's decomposition.
struct IntervalOptions : DrawOptions {
    /// Why 16 draws of 128 base points, 8 levels: in 6-D (Hartmann6,
    /// Release, one core shared with another job, single-threaded OpenBLAS)
    /// the whole computation took 0.16-0.17 s at 50 observations and
    /// 1.3-1.45 s at 200, of which the MAP importance 0.07 / 0.3 s and the
    /// sampler 0.03 / 0.85 s (tests/bench/bench_importance.cpp;
    /// multi-threaded OpenBLAS on the busy 2-core machine: 2.2 s at 200).
    int samples = 128;          // base design size of each draw's decomposition
    int levels = 8;             // at most this many levels of a continuous parameter per draw
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

/// importance(s, samples, options.seed) with an interval per parameter: the
/// hyperparameters are drawn from their posterior (gp::hyperparameterSamples,
/// on exactly the inputs and targets the surrogate's GP holds), a GP with
/// each draw is conditioned on those data (GaussianProcess::withHyperparameters),
/// its importances computed on a common base design of options.samples
/// points, and low / high are the lowQuantile / highQuantile of the shares
/// over the draws. A GP on more than options.maxObservations observations
/// gets importance() alone (no interval, draws = 0). The point estimate
/// stays the MAP fit's (on the larger
/// design), so it need not lie inside the interval when the posterior
/// leans away from the mode. Deterministic for
/// a seed. Throws std::invalid_argument when the surrogate is not fitted,
/// samples, draws or options.samples < 1, options.levels < 2, or the quantiles are not
/// 0 <= low <= high <= 1.
std::vector<ParamImportance> importanceWithIntervals(const gp::Surrogate& s, int samples = 1024,
                                                     const IntervalOptions& options = {});

/// The effective lengthscale of every parameter (as in ParamImportance).
std::vector<double> effectiveLengthscales(const gp::Surrogate& s);

} // namespace tw::analysis
