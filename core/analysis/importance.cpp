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

/// Rows of the unit cube the decomposition predicts at: the base design and,
/// for each parameter, the base design with that parameter set to each of
/// its levels in turn (level after level). With `keep`, the level rows are
/// encoded once and kept for every GP that reads them (the draws), unless
/// they would take more than kKeepBytes.
class Design {
public:
    Design(const space::SearchSpace& space, int n, int maxLevels, uint64_t seed, bool keep);
    const Eigen::MatrixXd& base() const { return _base; }
    int levels(size_t i) const { return _levels[i]; }
    size_t size() const { return _levels.size(); }
    Eigen::MatrixXd levelRows(size_t i) const { return _kept.empty() ? encode(i) : _kept[i]; }

private:
    Eigen::MatrixXd encode(size_t i) const;
    static constexpr double kKeepBytes = 64.0 * 1024 * 1024;
    const space::SearchSpace& _space;
    std::vector<std::vector<double>> _configs; // the base design's parameter values
    Eigen::MatrixXd _base;                     // n x encodedDim
    std::vector<std::vector<double>> _values;  // per parameter: its levels
    std::vector<int> _levels;
    std::vector<Eigen::MatrixXd> _kept;        // per parameter: (levels * n) x encodedDim
};

/// The levels of parameter i's main effect (parameter values, equally weighted).
std::vector<double> levelsOf(const space::SearchSpace& space, size_t i, int maxLevels)
{
    std::vector<double> levels;
    if (const auto* c = std::get_if<space::CategoricalParam>(&space[i])) {
        for (size_t k = 0; k < c->choices.size(); ++k) levels.push_back(double(k));
        return levels;
    }
    Eigen::VectorXd u = Eigen::VectorXd::Constant(space.encodedDim(), 0.5);
    const int off = space.encodedOffset(i);
    std::set<double> unique;
    for (int k = 0; k < maxLevels; ++k) {
        u[off] = (k + 0.5) / maxLevels;
        const double v = space.fromUnitAll(u)[i];
        levels.push_back(v);
        unique.insert(v);
    }
    // A discrete parameter with few values: each value once.
    if (int(unique.size()) < maxLevels) levels.assign(unique.begin(), unique.end());
    return levels;
}

/// The size of the base design for `samples` asked at this many observations.
int designSize(int samples, int observations)
{
    int n = std::max(samples, 16);
    if (observations > 256) n = std::min(n, std::max(128, int(double(n) * 256.0 / observations)));
    return n;
}

Design::Design(const space::SearchSpace& space, int n, int maxLevels, uint64_t seed, bool keep) : _space(space)
{
    // Base design, decoded to legal configurations. Every parameter gets a
    // value here, inactive or not: when a level switches a parent, the
    // children it activates take their base values (toUnit encodes the
    // parameters inactive in a configuration at the neutral point, so a
    // child's level changes nothing where the child is inactive).
    const sampler::ScrambledHalton halton(space.encodedDim(), seed ^ 0x9e3779b97f4a7c15ULL);
    const Eigen::MatrixXd U = halton.points(0, n);
    _configs.resize(size_t(n));
    _base.resize(n, space.encodedDim());
    for (int r = 0; r < n; ++r) {
        _configs[size_t(r)] = space.fromUnitAll(U.row(r).transpose());
        _base.row(r) = space.toUnit(_configs[size_t(r)]).transpose();
    }
    double rows = 0;
    for (size_t i = 0; i < space.size(); ++i) {
        _values.push_back(levelsOf(space, i, maxLevels));
        _levels.push_back(int(_values.back().size()));
        rows += double(_levels.back()) * n;
    }
    if (keep && rows * space.encodedDim() * sizeof(double) <= kKeepBytes)
        for (size_t i = 0; i < space.size(); ++i) _kept.push_back(encode(i));
}

Eigen::MatrixXd Design::encode(size_t i) const
{
    Eigen::MatrixXd X(Eigen::Index(_values[i].size() * _configs.size()), _space.encodedDim());
    Eigen::Index row = 0;
    std::vector<double> c;
    for (double v : _values[i])
        for (const auto& b : _configs) {
            c = b;
            c[i] = v;
            X.row(row++) = _space.toUnit(c).transpose();
        }
    return X;
}

/// The GP's posterior mean at rows of the unit cube, in blocks so that the
/// cross-kernel matrix stays small.
Eigen::VectorXd meanAt(const gp::GaussianProcess& gp, const Eigen::MatrixXd& X)
{
    const Eigen::Index block = 256;
    Eigen::VectorXd out(X.rows());
    for (Eigen::Index first = 0; first < X.rows(); first += block) {
        const Eigen::Index count = std::min(X.rows() - first, block);
        out.segment(first, count) = gp.predictMean(X.middleRows(first, count));
    }
    return out;
}

double variance(const Eigen::VectorXd& v)
{
    if (v.size() < 2) return 0.0;
    return (v.array() - v.mean()).square().sum() / double(v.size());
}

/// Main-effect variances V_i of gp's mean over the design, and the total V.
std::vector<double> mainEffects(const gp::GaussianProcess& gp, const Design& d, double& total)
{
    total = variance(meanAt(gp, d.base()));
    const Eigen::Index n = d.base().rows();
    std::vector<double> out;
    for (size_t i = 0; i < d.size(); ++i) {
        const Eigen::VectorXd m = meanAt(gp, d.levelRows(i));
        Eigen::VectorXd effect(d.levels(i));
        for (int k = 0; k < d.levels(i); ++k) effect[k] = m.segment(k * n, n).mean();
        const double vi = variance(effect);
        out.push_back(std::isfinite(vi) ? vi : 0.0);
    }
    return out;
}

/// The shares V_i / sum_j V_j (1/D each when the mean is flat).
std::vector<double> sharesOf(const std::vector<double>& v)
{
    double sum = 0.0;
    for (double x : v) sum += x;
    std::vector<double> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = sum > 0 ? v[i] / sum : 1.0 / double(v.size());
    return out;
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
    const Design design(space, designSize(samples, s.gp().size()), kMaxLevels, seed, false);
    double total = 0.0;
    const std::vector<double> v = mainEffects(s.gp(), design, total);
    const std::vector<double> shares = sharesOf(v);
    const std::vector<double> ell = effectiveLengthscales(s);
    std::vector<ParamImportance> out(space.size());
    for (size_t i = 0; i < space.size(); ++i) {
        out[i].name = space::nameOf(space[i]);
        out[i].importance = shares[i];
        out[i].lengthscale = ell[i];
        out[i].firstOrder = total > 0 ? std::clamp(v[i] / total, 0.0, 1.0) : 0.0;
    }
    return out;
}

std::vector<ParamImportance> importanceWithIntervals(const gp::Surrogate& s, int samples, const IntervalOptions& o)
{
    checkDrawOptions(o, "importance intervals");
    const auto fail = [](const std::string& what) { throw std::invalid_argument("importance intervals: " + what); };
    if (o.samples < 1) fail("samples must be at least 1 (samples = " + std::to_string(o.samples) + ")");
    if (o.levels < 2) fail("levels must be at least 2 (levels = " + std::to_string(o.levels) + ")");
    std::vector<ParamImportance> out = importance(s, samples, o.seed);
    if (s.gp().size() > o.maxObservations) return out;

    // One design for every draw (common random numbers): the spread is the
    // hyperparameters', not the design's.
    const Design design(s.space(), designSize(o.samples, s.gp().size()), o.levels, o.seed, true);
    std::vector<std::vector<double>> byParam(out.size());
    const int draws = forEachHyperparameterDraw(s.gp(), o, [&](const gp::GaussianProcess& g) {
        double total = 0.0;
        const std::vector<double> shares = sharesOf(mainEffects(g, design, total));
        for (size_t i = 0; i < out.size(); ++i) byParam[i].push_back(shares[i]);
    });
    for (size_t i = 0; i < out.size(); ++i) {
        std::sort(byParam[i].begin(), byParam[i].end());
        out[i].low = quantileOfSorted(byParam[i], o.lowQuantile);
        out[i].high = quantileOfSorted(byParam[i], o.highQuantile);
        out[i].draws = draws;
    }
    return out;
}

} // namespace tw::analysis
