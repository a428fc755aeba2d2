// GPs of posterior draws of the hyperparameters (see hyperparameter_draws.h).
#include "analysis/hyperparameter_draws.h"

#include "gp/hyperparameter_samples.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace tw::analysis {

void checkDrawOptions(const DrawOptions& o, const std::string& what)
{
    if (o.draws < 1)
        throw std::invalid_argument(what + ": draws must be at least 1 (draws = " + std::to_string(o.draws) + ")");
    if (!(o.lowQuantile >= 0 && o.lowQuantile <= o.highQuantile && o.highQuantile <= 1))
        throw std::invalid_argument(what + ": quantiles must satisfy 0 <= low <= high <= 1 (low = " +
                                    std::to_string(o.lowQuantile) + ", high = " + std::to_string(o.highQuantile) +
                                    ")");
}

int forEachHyperparameterDraw(const gp::GaussianProcess& gp, const DrawOptions& o,
                              const std::function<void(const gp::GaussianProcess&)>& f)
{
    if (gp.size() > o.maxObservations) return 0;
    gp::SampleOptions so;
    so.draws = o.draws;
    so.seed = o.seed;
    const std::vector<Eigen::VectorXd> thetas = gp::hyperparameterSamples(gp, so);
    for (const auto& theta : thetas) f(gp.withHyperparameters(gp::Hyperparameters::unpack(theta, gp.dim())));
    return int(thetas.size());
}

double quantileOfSorted(const std::vector<double>& sorted, double q)
{
    if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double pos = q * double(sorted.size() - 1);
    const size_t k = size_t(std::floor(pos));
    if (k + 1 >= sorted.size()) return sorted.back();
    return sorted[k] + (pos - double(k)) * (sorted[k + 1] - sorted[k]);
}

} // namespace tw::analysis
