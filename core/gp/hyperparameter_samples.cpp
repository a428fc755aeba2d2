// Coordinate-wise slice sampling of GP hyperparameters (see hyperparameter_samples.h).
#include "gp/hyperparameter_samples.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace tw::gp {

namespace {

constexpr int kMaxShrink = 50;  // then the coordinate keeps its value

void require(bool ok, const std::string& field, const std::string& rule, int value)
{
    if (!ok)
        throw std::invalid_argument("hyperparameterSamples: " + field + " must be " + rule + " (" + field + " = " +
                                    std::to_string(value) + ")");
}

} // namespace

std::vector<Eigen::VectorXd> hyperparameterSamples(const GaussianProcess& gp, const SampleOptions& options)
{
    if (!gp.fitted()) throw std::invalid_argument("hyperparameterSamples: the GP is not fitted");
    require(options.draws >= 1, "draws", "at least 1", options.draws);
    require(options.burnIn >= 0, "burnIn", "at least 0", options.burnIn);
    require(options.thin >= 1, "thin", "at least 1", options.thin);

    const int dim = gp.dim();
    const int size = dim + 3;
    std::vector<double> lo, hi;
    GaussianProcess::bounds(dim, lo, hi);
    const auto logPosterior = [&](const Eigen::VectorXd& t) {
        for (int k = 0; k < size; ++k)
            if (!(t[k] >= lo[size_t(k)] && t[k] <= hi[size_t(k)])) return -std::numeric_limits<double>::infinity();
        const double f = gp.logMarginalLikelihood(t, nullptr) + GaussianProcess::logPrior(t, dim, nullptr);
        return std::isfinite(f) ? f : -std::numeric_limits<double>::infinity();
    };
    Eigen::VectorXd x = gp.hyperparameters().pack();
    for (int k = 0; k < size; ++k) x[k] = std::clamp(x[k], lo[size_t(k)], hi[size_t(k)]);
    double fx = logPosterior(x);

    std::mt19937_64 rng(options.seed ^ 0x5bd1e9955bd1e995ULL);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::exponential_distribution<double> expo(1.0);

    // Each coordinate's interval starts as its whole bounded range (which
    // holds the whole slice: no stepping out) and shrinks towards the current
    // value until a point falls in the slice. A fixed initial interval keeps
    // the update reversible; it costs about log2(range / slice width) + 1
    // evaluations and moves anywhere in the slice at once, so successive
    // sweeps are nearly independent where the posterior is not correlated.
    const auto sweep = [&] {
        for (int k = 0; k < size; ++k) {
            const double x0 = x[k];
            double left = lo[size_t(k)], right = hi[size_t(k)];
            if (!(right > left)) continue;
            const double level = std::isfinite(fx) ? fx - expo(rng) : -std::numeric_limits<double>::infinity();
            Eigen::VectorXd t = x;
            for (int s = 0; s < kMaxShrink; ++s) {
                t[k] = left + (right - left) * unit(rng);
                const double ft = logPosterior(t);
                if (ft > level) {
                    x[k] = t[k];
                    fx = ft;
                    break;
                }
                (t[k] < x0 ? left : right) = t[k];
            }
        }
    };

    for (int s = 0; s < options.burnIn; ++s) sweep();
    std::vector<Eigen::VectorXd> draws;
    draws.reserve(size_t(options.draws));
    for (int d = 0; d < options.draws; ++d) {
        for (int s = 0; s < options.thin; ++s) sweep();
        draws.push_back(x);
    }
    return draws;
}

} // namespace tw::gp
