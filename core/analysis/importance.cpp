// Main-effect variance decomposition of a GP surrogate's mean (see importance.h).
#include "analysis/importance.h"

#include "sampler/halton.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace tw::analysis {

namespace {

/// Means of the GP at configurations (parameter values), in blocks so that the
/// cross-kernel matrix stays small.
Eigen::VectorXd meanAt(const gp::Surrogate& s, const std::vector<std::vector<double>>& configs)
{
    const auto& space = s.space();
    const int block = 2048;
    Eigen::VectorXd out(Eigen::Index(configs.size()));
    for (size_t first = 0; first < configs.size(); first += block) {
        const size_t count = std::min(configs.size() - first, size_t(block));
        Eigen::MatrixXd X(Eigen::Index(count), space.encodedDim());
        for (size_t r = 0; r < count; ++r) X.row(Eigen::Index(r)) = space.toUnit(configs[first + r]).transpose();
        Eigen::VectorXd mean, var;
        s.gp().predict(X, mean, var);
        out.segment(Eigen::Index(first), Eigen::Index(count)) = mean;
    }
    return out;
}

/// The levels of parameter i's main effect (parameter values, equally weighted).
std::vector<double> levelsOf(const space::SearchSpace& space, size_t i)
{
    std::vector<double> levels;
    if (const auto* c = std::get_if<space::CategoricalParam>(&space[i])) {
        for (size_t k = 0; k < c->choices.size(); ++k) levels.push_back(double(k));
        return levels;
    }
    Eigen::VectorXd u = Eigen::VectorXd::Constant(space.encodedDim(), 0.5);
    const int off = space.encodedOffset(i);
    std::set<double> unique;
    for (int k = 0; k < kMaxLevels; ++k) {
        u[off] = (k + 0.5) / kMaxLevels;
        const double v = space.fromUnitAll(u)[i];
        levels.push_back(v);
        unique.insert(v);
    }
    // A discrete parameter with few values: each value once.
    if (int(unique.size()) < kMaxLevels) levels.assign(unique.begin(), unique.end());
    return levels;
}

double variance(const Eigen::VectorXd& v)
{
    if (v.size() < 2) return 0.0;
    return (v.array() - v.mean()).square().sum() / double(v.size());
}

} // namespace

std::vector<double> effectiveLengthscales(const gp::Surrogate& s)
{
    const auto& space = s.space();
    const auto& h = s.gp().hyperparameters();
    std::vector<double> out(space.size(), std::numeric_limits<double>::quiet_NaN());
    if (h.logLengthscales.size() != space.encodedDim()) return out;
    for (size_t i = 0; i < space.size(); ++i) {
        const int off = space.encodedOffset(i);
        const int end = i + 1 < space.size() ? space.encodedOffset(i + 1) : space.encodedDim();
        double best = INFINITY;
        for (int k = off; k < end; ++k) best = std::min(best, std::exp(h.logLengthscales[k]));
        out[i] = best;
    }
    return out;
}

std::vector<ParamImportance> importance(const gp::Surrogate& s, int samples, uint64_t seed)
{
    if (!s.gp().fitted()) throw std::invalid_argument("importance: the surrogate is not fitted");
    if (samples < 1) throw std::invalid_argument("importance: samples must be at least 1 (samples = " +
                                                 std::to_string(samples) + ")");
    const auto& space = s.space();
    const size_t dim = space.size();
    int n = std::max(samples, 16);
    const int observations = s.gp().size();
    if (observations > 256) n = std::min(n, std::max(128, int(double(n) * 256.0 / observations)));

    // Base design, decoded to legal configurations. Every parameter gets a
    // value here, inactive or not: when a level switches a parent, the
    // children it activates take their base values (toUnit encodes the
    // parameters inactive in a configuration at the neutral point, so a
    // child's level changes nothing where the child is inactive).
    const sampler::ScrambledHalton halton(space.encodedDim(), seed ^ 0x9e3779b97f4a7c15ULL);
    const Eigen::MatrixXd U = halton.points(0, n);
    std::vector<std::vector<double>> base(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) base[size_t(r)] = space.fromUnitAll(U.row(r).transpose());
    const double total = variance(meanAt(s, base));

    const std::vector<double> ell = effectiveLengthscales(s);
    std::vector<ParamImportance> out(dim);
    double sum = 0.0;
    for (size_t i = 0; i < dim; ++i) {
        const std::vector<double> levels = levelsOf(space, i);
        std::vector<std::vector<double>> configs;
        configs.reserve(levels.size() * base.size());
        for (double v : levels)
            for (const auto& b : base) {
                configs.push_back(b);
                configs.back()[i] = v;
            }
        const Eigen::VectorXd m = meanAt(s, configs);
        Eigen::VectorXd effect(Eigen::Index(levels.size()));
        for (size_t k = 0; k < levels.size(); ++k)
            effect[Eigen::Index(k)] = m.segment(Eigen::Index(k * base.size()), Eigen::Index(base.size())).mean();
        const double vi = variance(effect);
        out[i].name = space::nameOf(space[i]);
        out[i].importance = std::isfinite(vi) ? vi : 0.0;
        out[i].lengthscale = ell[i];
        out[i].firstOrder = total > 0 ? std::clamp(out[i].importance / total, 0.0, 1.0) : 0.0;
        sum += out[i].importance;
    }
    for (auto& p : out) p.importance = sum > 0 ? p.importance / sum : 1.0 / double(dim);
    return out;
}

} // namespace tw::analysis
