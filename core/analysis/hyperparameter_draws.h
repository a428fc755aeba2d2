#pragma once
// What the views read off the GP (the importance shares, a slice's mean)
// spread over posterior draws of its hyperparameters: the options they
// share, and the GPs of the draws, each conditioned on the data the fit holds.
#include "gp/gaussian_process.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tw::analysis {

struct DrawOptions {
    /// Why 16 draws: a 10th-90th percentile needs a dozen or more draws to
    /// be stable, and the cost grows with them: the sampler took 0.03 s at
    /// 50 observations and 0.85 s at 200 (6-D; see IntervalOptions).
    int draws = 16;
    double lowQuantile = 0.1, highQuantile = 0.9;
    uint64_t seed = 0;  // of the sampler
    /// Why none above 256 observations: a draw's likelihood evaluations
    /// grow as n^3 and the hyperparameters are well determined by then: at
    /// 400 observations (6-D) the importance intervals took 8.7 s and the
    /// widest was 1.3 points of share.
    int maxObservations = 256;
};

/// Throws std::invalid_argument "WHAT: draws must be at least 1 (draws = 0)"
/// or "WHAT: quantiles must satisfy 0 <= low <= high <= 1 (...)".
void checkDrawOptions(const DrawOptions& o, const std::string& what);

/// Calls `f` with a GP for each of o.draws posterior draws of gp's
/// hyperparameters (gp::hyperparameterSamples, seeded by o.seed), each
/// conditioned on exactly the inputs and targets gp holds
/// (GaussianProcess::withHyperparameters), in order; none when gp holds more
/// than o.maxObservations. Returns the number of draws. Deterministic for a seed.
int forEachHyperparameterDraw(const gp::GaussianProcess& gp, const DrawOptions& o,
                              const std::function<void(const gp::GaussianProcess&)>& f);

/// The q-quantile of sorted values (linear interpolation); NaN when empty.
double quantileOfSorted(const std::vector<double>& sorted, double q);

} // namespace tw::analysis
