#include "sampler/gp_sampler.h"

#include "gp/gaussian_process.h"
#include "gp/surrogate.h"
#include "gp/warping.h"
#include "sampler/acquisition_model.h"
#include "sampler/common.h"
#include "sampler/halton.h"
#include "study/study.h"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>

namespace tw::sampler {

using study::TrialState;

GpSampler::Effort GpSampler::effortFor(int n, int dim)
{
    const gp::FitOptions fit = gp::FitOptions::forObservations(n);
    Effort e{fit.restarts, fit.maxEvaluations, 2048, 5, 100};
    if (dim > 10) e.candidates = 4096;
    if (n > 100) e = {fit.restarts, fit.maxEvaluations, 2048, 4, 80};
    if (n > 300) e = {fit.restarts, fit.maxEvaluations, 1024, 3, 60};
    if (n > 600) e = {fit.restarts, fit.maxEvaluations, 512, 2, 50};
    return e;
}

namespace {

double acqObjective(const std::vector<double>& x, std::vector<double>& g, void* data)
{
    const auto* m = static_cast<const AcquisitionModel*>(data);
    const Eigen::VectorXd xv = Eigen::Map<const Eigen::VectorXd>(x.data(), Eigen::Index(x.size()));
    Eigen::VectorXd grad;
    const double value = m->acquisitionWithGradient(xv, grad);
    for (size_t i = 0; i < g.size(); ++i) g[i] = std::isfinite(grad[Eigen::Index(i)]) ? grad[Eigen::Index(i)] : 0.0;
    return std::isfinite(value) ? value : -1e300;
}

// The acquisition over the free coordinates only: the others stay at `full`.
struct SubProblem {
    const AcquisitionModel* model;
    Eigen::VectorXd full;
    std::vector<int> free;
};

double subObjective(const std::vector<double>& x, std::vector<double>& g, void* data)
{
    auto* p = static_cast<SubProblem*>(data);
    for (size_t k = 0; k < p->free.size(); ++k) p->full[p->free[k]] = x[k];
    std::vector<double> xf(p->full.data(), p->full.data() + p->full.size());
    std::vector<double> gf(g.empty() ? 0 : xf.size());
    const double value = acqObjective(xf, gf, const_cast<AcquisitionModel*>(p->model));
    for (size_t k = 0; k < g.size(); ++k) g[k] = gf[size_t(p->free[k])];
    return value;
}

// Gradient ascent from `start` over the coordinates of the parameters active
// there: an inactive parameter's coordinates stay at their neutral value, so
// no effort goes into dimensions that do not change the configuration.
Eigen::VectorXd refine(const AcquisitionModel& model, const space::SearchSpace& space, const Eigen::VectorXd& start,
                       int maxEval)
{
    SubProblem sub{&model, start, {}};
    const std::vector<bool> act = space.active(space.fromUnit(start));
    for (size_t i = 0; i < space.size(); ++i)
        if (act[i])
            for (int k = 0; k < space.encodedWidth(i); ++k) sub.free.push_back(space.encodedOffset(i) + k);
    if (sub.free.empty()) return start;
    const auto n = unsigned(sub.free.size());
    std::vector<double> x(n);
    for (unsigned k = 0; k < n; ++k) x[k] = start[sub.free[k]];
    nlopt::opt opt(nlopt::LD_LBFGS, n);
    opt.set_lower_bounds(std::vector<double>(n, 0.0));
    opt.set_upper_bounds(std::vector<double>(n, 1.0));
    opt.set_max_objective(subObjective, &sub);
    opt.set_maxeval(maxEval);
    opt.set_ftol_rel(1e-10);
    opt.set_xtol_rel(1e-8);
    double f = 0.0;
    try {
        opt.optimize(x, f);
    } catch (const std::exception&) {
        // Keep whatever point it reached; the caller re-evaluates it.
    }
    Eigen::VectorXd out = start;
    for (unsigned k = 0; k < n; ++k) out[sub.free[k]] = x[k];
    return out.allFinite() ? out : start;
}

} // namespace

bool GpSampler::readsTrials(const space::SearchSpace& space, int number) const
{
    return number >= _config.initialFor(space.size());
}

Suggestion GpSampler::suggest(const History& h, int number) const
{
    const SeenConfigs seen = seenConfigs(h);
    checkNotExhausted(h, seen);

    const auto& space = h.space;
    const int initial = _config.initialFor(space.size());
    const std::optional<AcquisitionModel> model =
        number < initial ? std::nullopt : AcquisitionModel::build(h, _config, number);
    if (!model) return suggestQuasiRandom(h, number, _config.seed);
    const Eigen::MatrixXd& X = model->X();
    const Eigen::VectorXd& y = model->y();
    const int n = int(X.rows());
    const int dim = space.encodedDim();
    const Effort effort = effortFor(n, dim);

    // Candidates: a scrambled Halton design over the cube, plus Gaussian
    // perturbations of the best observed points (local exploitation).
    std::mt19937_64 rng(deriveSeed(_config.seed, uint64_t(number), 4));
    ScrambledHalton halton(dim, deriveSeed(_config.seed, uint64_t(number), 5));
    const int nLocal = std::min(512, effort.candidates / 4);
    Eigen::MatrixXd C(effort.candidates + nLocal, dim);
    C.topRows(effort.candidates) = halton.points(0, effort.candidates);
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return y[a] < y[b]; });
    const int nBest = std::min(n, 5);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (int i = 0; i < nLocal; ++i) {
        const Eigen::VectorXd base = X.row(order[size_t(i % nBest)]).transpose();
        const double scale = (i / nBest) % 2 == 0 ? 0.02 : 0.1;
        Eigen::VectorXd p = base;
        for (int k = 0; k < dim; ++k) p[k] = std::clamp(p[k] + scale * normal(rng), 0.0, 1.0);
        C.row(effort.candidates + i) = p.transpose();
    }
    for (Eigen::Index i = 0; i < C.rows(); ++i) C.row(i) = space.project(C.row(i).transpose()).transpose();
    const Eigen::VectorXd a = model->acquisition(C);

    // Refine the best distinct candidates by gradient ascent within the cube,
    // then project onto legal values.
    std::vector<int> idx(size_t(C.rows()));
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](int p, int q) { return a[p] > a[q] || (a[p] == a[q] && p < q); });
    std::vector<Eigen::VectorXd> refined;
    for (int i : idx) {
        if (int(refined.size()) >= effort.localStarts) break;
        if (seen.contains(space.fromUnit(C.row(i).transpose()))) continue;
        refined.push_back(refine(*model, space, C.row(i).transpose(), effort.localEvaluations));
    }
    Eigen::MatrixXd R(Eigen::Index(refined.size()), dim);
    for (size_t i = 0; i < refined.size(); ++i) R.row(Eigen::Index(i)) = space.project(refined[i]).transpose();
    const Eigen::VectorXd ar = refined.empty() ? Eigen::VectorXd() : model->acquisition(R);

    // The best legal configuration not tried before.
    struct Pick { double value; Eigen::VectorXd u; };
    std::vector<Pick> picks;
    for (Eigen::Index i = 0; i < R.rows(); ++i) picks.push_back({ar[i], R.row(i).transpose()});
    for (int i : idx) picks.push_back({a[i], C.row(i).transpose()});
    std::stable_sort(picks.begin(), picks.end(), [](const Pick& p, const Pick& q) { return p.value > q.value; });
    // Tried configurations in the cube: a continuous value a hair's breadth
    // from one of them (1e-6 of the range) counts as tried too. Inactive
    // parameters sit at the neutral point in both, so they never make two
    // configurations differ.
    Eigen::MatrixXd tried(Eigen::Index(h.trials.size()), dim);
    for (size_t i = 0; i < h.trials.size(); ++i) tried.row(Eigen::Index(i)) = space.toUnit(h.trials[i].params).transpose();
    auto nearlyTried = [&](const Eigen::VectorXd& u) {
        return tried.rows() > 0 && (tried.rowwise() - u.transpose()).cwiseAbs().rowwise().maxCoeff().minCoeff() < 1e-6;
    };
    for (const auto& p : picks) {
        auto values = space.fromUnit(p.u);
        if (seen.contains(values) || nearlyTried(space.toUnit(values))) continue;
        const Eigen::VectorXd& theta = model->theta();
        std::vector<double> th(theta.data(), theta.data() + theta.size());
        nlohmann::json info = {{"kind", "gp"},
                               {"acquisition", _config.acquisition},
                               {"acq_value", std::isfinite(p.value) ? p.value : -1e300},
                               {"observations", n},
                               {"pending", model->pendingCount()},
                               {"failed", model->failedCount()},
                               {"gp_theta", th}};
        return {std::move(values), std::move(info)};
    }
    std::mt19937_64 fallback(deriveSeed(_config.seed, uint64_t(number), 6));
    return {randomUnseen(h, seen, fallback), {{"kind", "random"}, {"why", "every candidate was already tried"}}};
}

} // namespace tw::sampler
