#pragma once
// How unsure a slice of the GP mean is about the GP itself: the slice's mean
// under posterior draws of the GP's hyperparameters (lengthscales, output
// scale, noise, constant mean), each draw a GP conditioned on the same data.
// The band of the slice (mean +- 2 SE) is the posterior at the MAP fit; the
// spread of the draws' means says how much that curve would move with other
// plausible hyperparameters (wide with few observations, narrow with many).
#include "analysis/grid.h"
#include "analysis/hyperparameter_draws.h"
#include "gp/surrogate.h"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace tw::analysis {

struct SliceSpread {
    std::vector<double> x;               // the slice's points (slice(s, x, fixed, resolution).x.values)
    std::vector<Eigen::VectorXd> means;  // each draw's posterior mean at them, on the objective's scale
    Eigen::VectorXd low, high;           // the lowQuantile / highQuantile of those means, point by point
    int draws = 0;                       // 0: none (above maxObservations), low and high empty
    int observations = 0;                // of the surrogate
};

/// The slice of `s` along parameter `x` (as analysis::slice, same points)
/// under o.draws posterior draws of its GP's hyperparameters
/// (forEachHyperparameterDraw): each draw's mean curve and their quantiles.
/// No draws above o.maxObservations. Deterministic for a seed. Throws
/// std::invalid_argument for what slice() rejects, and for bad options
/// ("slice spread: draws must be at least 1 ...").
SliceSpread sliceSpread(const gp::Surrogate& s, const std::string& x, const std::vector<double>& fixed,
                        int resolution = 50, const DrawOptions& o = {});

} // namespace tw::analysis
