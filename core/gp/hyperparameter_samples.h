#pragma once
// Draws of a GP's hyperparameters from their posterior, for the uncertainty
// of what the views read off the MAP fit (importance intervals).
//
// Target: the log marginal likelihood of the data the GP holds plus the fit's
// log prior (GaussianProcess::logMarginalLikelihood + logPrior), restricted to
// the fit's bounds (GaussianProcess::bounds). Method: a coordinate-wise slice
// sampler (Neal 2003, stepping out and shrinkage, each interval clipped to
// the bounds) started at the MAP theta: `burnIn` sweeps discarded, then one
// draw kept every `thin` sweeps. A sweep updates every coordinate once, in
// the packed order (log lengthscales, log output scale, log noise, mean).
#include "gp/gaussian_process.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace tw::gp {

struct SampleOptions {
    int draws = 16;
    int burnIn = 4;   ///< sweeps discarded (the chain starts at the mode)
    int thin = 1;     ///< sweeps per kept draw
    uint64_t seed = 0;
};

/// `options.draws` packed thetas (Hyperparameters::pack layout) from the
/// posterior of the hyperparameters given the inputs and targets `gp` holds,
/// each within GaussianProcess::bounds; the chain starts at gp's own
/// hyperparameters (clamped into the bounds). Deterministic for a seed.
/// Cost: about log2(range / slice width) + 1 likelihood evaluations
/// (O(n^3) each) per coordinate and sweep, (D + 3) coordinates, burnIn + draws * thin sweeps.
/// Throws std::invalid_argument when gp is not fitted, draws < 1, burnIn < 0
/// or thin < 1 (the message names the field).
std::vector<Eigen::VectorXd> hyperparameterSamples(const GaussianProcess& gp, const SampleOptions& options = {});

} // namespace tw::gp
