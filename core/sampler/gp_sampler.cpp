#include "sampler/gp_sampler.h"

#include "gp/gaussian_process.h"
#include "gp/surrogate.h"
#include "gp/warping.h"
#include "sampler/acquisition.h"
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

// The acquisition averaged over an ensemble of GPs (one per hyperparameter
// sample; a single GP for the MAP fit): LogEI as the log of the mean EI,
// UCB as the mean UCB.
struct AcqContext {
    std::vector<const gp::GaussianProcess*> gps;
    std::string kind;
    double best;
    double beta;
};

acq::Value acquisition(const AcqContext& c, double mean, double var)
{
    const double sd = std::sqrt(std::max(var, 1e-300));
    if (c.kind == "ucb") return acq::upperConfidenceBound(mean, sd, c.beta);
    return acq::logExpectedImprovement(mean, sd, c.best);
}

double combine(const AcqContext& c, const std::vector<double>& values, std::vector<double>* weights)
{
    const double S = double(values.size());
    if (weights) weights->assign(values.size(), 1.0 / S);
    if (c.kind == "ucb") return std::accumulate(values.begin(), values.end(), 0.0) / S;
    const double m = *std::max_element(values.begin(), values.end());
    double sum = 0.0;
    for (double v : values) sum += std::exp(v - m);
    if (weights)
        for (size_t s = 0; s < values.size(); ++s) (*weights)[s] = std::exp(values[s] - m) / sum;
    return m + std::log(sum / S);
}

Eigen::VectorXd acquisitionBatch(const AcqContext& c, const Eigen::MatrixXd& X)
{
    Eigen::MatrixXd per(X.rows(), Eigen::Index(c.gps.size()));
    for (size_t s = 0; s < c.gps.size(); ++s) {
        Eigen::VectorXd mean, var;
        c.gps[s]->predict(X, mean, var);
        for (Eigen::Index i = 0; i < X.rows(); ++i) per(i, Eigen::Index(s)) = acquisition(c, mean[i], var[i]).value;
    }
    Eigen::VectorXd a(X.rows());
    std::vector<double> row(c.gps.size());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (size_t s = 0; s < row.size(); ++s) row[s] = per(i, Eigen::Index(s));
        a[i] = combine(c, row, nullptr);
    }
    return a;
}

double acqObjective(const std::vector<double>& x, std::vector<double>& g, void* data)
{
    const auto* c = static_cast<const AcqContext*>(data);
    const Eigen::VectorXd xv = Eigen::Map<const Eigen::VectorXd>(x.data(), Eigen::Index(x.size()));
    const size_t S = c->gps.size();
    std::vector<double> values(S);
    std::vector<Eigen::VectorXd> grads(S);
    for (size_t s = 0; s < S; ++s) {
        double mean = 0.0, var = 0.0;
        Eigen::VectorXd dmean, dvar;
        c->gps[s]->predictWithGradient(xv, mean, var, dmean, dvar);
        const acq::Value v = acquisition(*c, mean, var);
        const double sd = std::sqrt(std::max(var, 1e-300));
        values[s] = v.value;
        grads[s] = v.dMean * dmean + (v.dSd / (2.0 * sd)) * dvar;
    }
    std::vector<double> w;
    const double value = combine(*c, values, &w);
    if (!g.empty()) {
        for (size_t i = 0; i < g.size(); ++i) {
            double gi = 0.0;
            for (size_t s = 0; s < S; ++s) gi += w[s] * grads[s][Eigen::Index(i)];
            g[i] = std::isfinite(gi) ? gi : 0.0;
        }
    }
    return std::isfinite(value) ? value : -1e300;
}

// The acquisition over the free coordinates only: the others stay at `full`.
struct SubProblem {
    const AcqContext* ctx;
    Eigen::VectorXd full;
    std::vector<int> free;
};

double subObjective(const std::vector<double>& x, std::vector<double>& g, void* data)
{
    auto* p = static_cast<SubProblem*>(data);
    for (size_t k = 0; k < p->free.size(); ++k) p->full[p->free[k]] = x[k];
    std::vector<double> xf(p->full.data(), p->full.data() + p->full.size());
    std::vector<double> gf(g.empty() ? 0 : xf.size());
    const double value = acqObjective(xf, gf, const_cast<AcqContext*>(p->ctx));
    for (size_t k = 0; k < g.size(); ++k) g[k] = gf[size_t(p->free[k])];
    return value;
}

// Gradient ascent from `start` over the coordinates of the parameters active
// there: an inactive parameter's coordinates stay at their neutral value, so
// no effort goes into dimensions that do not change the configuration.
Eigen::VectorXd refine(const AcqContext& c, const space::SearchSpace& space, const Eigen::VectorXd& start,
                       int maxEval)
{
    SubProblem sub{&c, start, {}};
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

// A trial stopped by the user, interrupted or abandoned by a dead process
// says nothing about its configuration.
bool interruptedNotFailed(const study::Trial& t)
{
    for (const char* p : {"stopped", "interrupted", "abandoned"})
        if (t.reason.rfind(p, 0) == 0) return true;
    return false;
}

// What the GP is fitted on: every Complete trial's value, and every Pruned
// trial's best intermediate value (in the study's direction). A pruned trial
// was stopped because it lagged behind; leaving it out would let the
// acquisition propose its configuration again and again.
void observations(const History& h, Eigen::MatrixXd& X, Eigen::VectorXd& y)
{
    std::vector<std::pair<const study::Trial*, double>> rows;
    for (const auto& t : h.trials) {
        if (t.state == TrialState::Complete && t.value && std::isfinite(*t.value)) {
            rows.emplace_back(&t, *t.value);
        } else if (t.state == TrialState::Pruned) {
            std::optional<double> best;
            for (const auto& iv : t.intermediate) {
                if (!std::isfinite(iv.value)) continue;
                if (!best || (h.direction == study::Direction::Maximize ? iv.value > *best : iv.value < *best))
                    best = iv.value;
            }
            if (best) rows.emplace_back(&t, *best);
        }
    }
    X.resize(Eigen::Index(rows.size()), h.space.encodedDim());
    y.resize(Eigen::Index(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        X.row(Eigen::Index(i)) = h.space.toUnit(rows[i].first->params).transpose();
        y[Eigen::Index(i)] = rows[i].second;
    }
}

} // namespace

Suggestion GpSampler::suggest(const History& h, int number) const
{
    SeenConfigs seen(h);
    checkNotExhausted(h, seen);

    const auto& space = h.space;
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    observations(h, X, y);
    const int n = int(X.rows());
    const int initial = _config.initialFor(space.size());
    if (number < initial || n < 2) return suggestQuasiRandom(h, number, _config.seed);

    // Internally always minimize, on warped outputs.
    if (h.direction == study::Direction::Maximize) y = -y;
    y = gp::OutputWarp::fit(y).apply(y);

    const int dim = space.encodedDim();
    const Effort effort = effortFor(n, dim);

    Eigen::VectorXd warm;
    gp::FitOptions fo;
    fo.restarts = effort.fitRestarts;
    fo.maxEvaluations = effort.fitEvaluations;
    fo.seed = deriveSeed(_config.seed, uint64_t(number), 3);
    if (gp::Surrogate::previousTheta(h.trials, dim + 3, warm)) fo.warmStart = &warm;
    gp::GaussianProcess map(gp::kernelFromString(_config.kernel));
    map.fit(X, y, fo);
    const Eigen::VectorXd theta = map.hyperparameters().pack();

    // One GP per hyperparameter setting the acquisition averages over: the
    // MAP fit. (Averaging over slice-sampled hyperparameters was measured on
    // Hartmann6 and Branin and gave no gain for 5x the latency.)
    std::vector<gp::GaussianProcess> ensemble{map};

    // Pending trials enter with a constant lie, the worst value observed
    // (CL-max, Ginsbourger et al. 2010): the GP then expects nothing good
    // near them, so parallel workers spread out instead of piling onto the
    // same optimum of the acquisition (which the Kriging believer, whose lie
    // is the posterior mean, does when the model is confident). Trials that
    // failed get the same lie after the fit: their failure is never a number
    // the hyperparameters are fitted on, but the acquisition steers away
    // from them instead of proposing their neighbours again and again.
    std::vector<Eigen::VectorXd> pending, failed;
    for (const auto& t : h.trials) {
        if (t.state == TrialState::Running && t.number != number && !study::isOrphaned(t))
            pending.push_back(space.toUnit(t.params));
        else if (t.state == TrialState::Failed && !interruptedNotFailed(t))
            failed.push_back(space.toUnit(t.params));
    }
    std::vector<Eigen::VectorXd> lies = pending;
    lies.insert(lies.end(), failed.begin(), failed.end());
    if (!lies.empty()) {
        Eigen::MatrixXd Xl(Eigen::Index(lies.size()), dim);
        for (size_t i = 0; i < lies.size(); ++i) Xl.row(Eigen::Index(i)) = lies[i].transpose();
        const Eigen::VectorXd lie = Eigen::VectorXd::Constant(Xl.rows(), y.maxCoeff());
        for (auto& g : ensemble) g.addObservations(Xl, lie);
    }

    AcqContext ctx{{}, _config.acquisition, y.minCoeff(), _config.ucbBeta};
    for (const auto& g : ensemble) ctx.gps.push_back(&g);

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
    const Eigen::VectorXd a = acquisitionBatch(ctx, C);

    // Refine the best distinct candidates by gradient ascent within the cube,
    // then project onto legal values.
    std::vector<int> idx(size_t(C.rows()));
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](int p, int q) { return a[p] > a[q] || (a[p] == a[q] && p < q); });
    std::vector<Eigen::VectorXd> refined;
    for (int i : idx) {
        if (int(refined.size()) >= effort.localStarts) break;
        if (seen.contains(space.fromUnit(C.row(i).transpose()))) continue;
        refined.push_back(refine(ctx, space, C.row(i).transpose(), effort.localEvaluations));
    }
    Eigen::MatrixXd R(Eigen::Index(refined.size()), dim);
    for (size_t i = 0; i < refined.size(); ++i) R.row(Eigen::Index(i)) = space.project(refined[i]).transpose();
    const Eigen::VectorXd ar = refined.empty() ? Eigen::VectorXd() : acquisitionBatch(ctx, R);

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
        std::vector<double> th(theta.data(), theta.data() + theta.size());
        nlohmann::json info = {{"kind", "gp"},
                               {"acquisition", _config.acquisition},
                               {"acq_value", std::isfinite(p.value) ? p.value : -1e300},
                               {"observations", n},
                               {"pending", pending.size()},
                               {"failed", failed.size()},
                               {"gp_theta", th}};
        return {std::move(values), std::move(info)};
    }
    std::mt19937_64 fallback(deriveSeed(_config.seed, uint64_t(number), 6));
    return {randomUnseen(h, seen, fallback), {{"kind", "random"}, {"why", "every candidate was already tried"}}};
}

} // namespace tw::sampler
