#include "sampler/acquisition_model.h"

#include "gp/surrogate.h"
#include "sampler/acquisition.h"
#include "sampler/common.h"
#include "sampler/gp_sampler.h"
#include "study/study.h"

#include <algorithm>
#include <cmath>

namespace tw::sampler {

using study::TrialState;

namespace {

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

bool interruptedNotFailed(const study::Trial& t)
{
    for (const char* p : {"stopped", "interrupted", "abandoned"})
        if (t.reason.rfind(p, 0) == 0) return true;
    return false;
}

AcquisitionModel::AcquisitionModel(const SamplerConfig& config)
    : _config(config), _fit(gp::kernelFromString(config.kernel)), _chooser(gp::kernelFromString(config.kernel))
{
}

std::optional<AcquisitionModel> AcquisitionModel::build(const History& h, const SamplerConfig& config, int number)
{
    AcquisitionModel m(config);
    observations(h, m._X, m._y);
    const int n = int(m._X.rows());
    if (n < 2) return std::nullopt;
    const auto& space = h.space;

    // Internally always minimize, on warped outputs.
    m._maximize = h.direction == study::Direction::Maximize;
    Eigen::VectorXd y = m._maximize ? Eigen::VectorXd(-m._y) : m._y;
    m._warp = gp::OutputWarp::fit(y);
    m._y = m._warp.apply(y);

    const int dim = space.encodedDim();
    const GpSampler::Effort effort = GpSampler::effortFor(n, dim);
    Eigen::VectorXd warm;
    gp::FitOptions fo;
    fo.restarts = effort.fitRestarts;
    fo.maxEvaluations = effort.fitEvaluations;
    fo.seed = deriveSeed(config.seed, uint64_t(number), 3);
    if (gp::Surrogate::previousTheta(h.trials, dim + 3, warm)) fo.warmStart = &warm;
    m._fit.fit(m._X, m._y, fo);
    m._theta = m._fit.hyperparameters().pack();

    // Pending trials enter with a constant lie, the worst value observed
    // (CL-max, Ginsbourger et al. 2010): the GP then expects nothing good
    // near them, so parallel workers spread out instead of piling onto the
    // same optimum of the acquisition (which the Kriging believer, whose lie
    // is the posterior mean, does when the model is confident). Trials that
    // failed get the same lie after the fit: their failure is never a number
    // the hyperparameters are fitted on, but the acquisition steers away
    // from them instead of proposing their neighbours again and again.
    // (Averaging the acquisition over slice-sampled hyperparameters instead
    // of the MAP fit was measured on Hartmann6 and Branin and gave no gain
    // for 5x the latency.)
    std::vector<Eigen::VectorXd> lies;
    for (const auto& t : h.trials) {
        if (t.state == TrialState::Running && t.number != number && !study::isOrphaned(t)) {
            lies.push_back(space.toUnit(t.params));
            ++m._pending;
        }
    }
    for (const auto& t : h.trials)
        if (t.state == TrialState::Failed && !interruptedNotFailed(t)) {
            lies.push_back(space.toUnit(t.params));
            ++m._failed;
        }
    m._failedX.resize(m._failed, dim);
    for (int i = 0; i < m._failed; ++i) m._failedX.row(i) = lies[size_t(m._pending + i)].transpose();
    m._chooser = m._fit;
    if (!lies.empty()) {
        Eigen::MatrixXd Xl(Eigen::Index(lies.size()), dim);
        for (size_t i = 0; i < lies.size(); ++i) Xl.row(Eigen::Index(i)) = lies[i].transpose();
        m._chooser.addObservations(Xl, Eigen::VectorXd::Constant(Xl.rows(), m._y.maxCoeff()));
    }
    m._best = m._y.minCoeff();
    m._view = gp::Surrogate::fromFit(space, m._fit, m._warp, m._maximize, n);
    return m;
}

Eigen::VectorXd AcquisitionModel::feasibility(const Eigen::MatrixXd& units) const
{
    // A neighbourhood of its own, not the objective's lengthscales: a smooth
    // objective (long lengthscales) spreads a crash region's failures over
    // the whole cube (a corner that always failed read 0.88 feasible). With
    // 0.1 sqrt(D) of the cube, test_acquisition's failing quarter reads 0.41
    // at its failed trials and 0.94 at the complete ones (0.44 / 0.92 with 0.15).
    const Eigen::VectorXd ls = Eigen::VectorXd::Constant(_X.cols(), 0.1 * std::sqrt(double(_X.cols())));
    const double n = double(_X.rows() + _failedX.rows()), failed = double(_failedX.rows());
    const double prior = (failed + 1) / (n + 2);
    Eigen::VectorXd ok = Eigen::VectorXd::Constant(units.rows(), 1 - prior);
    if (units.rows() == 0) return ok;
    const Eigen::VectorXd wOk = gp::kernelMatrix(_fit.kernel(), units, _X, ls).rowwise().sum();
    const Eigen::VectorXd wFail = _failedX.rows() > 0 ? Eigen::VectorXd(gp::kernelMatrix(_fit.kernel(), units, _failedX, ls).rowwise().sum())
                                                      : Eigen::VectorXd::Zero(units.rows());
    for (Eigen::Index i = 0; i < units.rows(); ++i) ok[i] = 1 - (prior + wFail[i]) / (1 + wOk[i] + wFail[i]);
    return ok;
}

AcquisitionModel::Posterior AcquisitionModel::posterior(const Eigen::VectorXd& unit) const
{
    Eigen::VectorXd mean, se;
    _view->predictUnit(unit.transpose(), mean, se);
    return {mean[0], se[0]};
}

std::optional<gp::Surrogate> studySurrogate(const space::SearchSpace& space, study::Direction direction,
                                            const SamplerConfig& config, const std::vector<study::Trial>& trials)
{
    SamplerConfig gpConfig = config;
    if (gpConfig.name != "gp") {
        gpConfig = SamplerConfig{};
        gpConfig.seed = config.seed;
    }
    const History h{space, direction, trials};
    const auto model = AcquisitionModel::build(h, gpConfig, int(trials.size()));
    if (!model) return std::nullopt;
    return model->surrogate();
}

namespace {

acq::Value acquisitionValue(const std::string& kind, double mean, double var, double best, double beta)
{
    const double sd = std::sqrt(std::max(var, 1e-300));
    if (kind == "ucb") return acq::upperConfidenceBound(mean, sd, beta);
    return acq::logExpectedImprovement(mean, sd, best);
}

} // namespace

Eigen::VectorXd AcquisitionModel::acquisition(const Eigen::MatrixXd& units) const
{
    Eigen::VectorXd mean, var;
    _chooser.predict(units, mean, var);
    Eigen::VectorXd a(units.rows());
    for (Eigen::Index i = 0; i < units.rows(); ++i)
        a[i] = acquisitionValue(_config.acquisition, mean[i], var[i], _best, _config.ucbBeta).value;
    return a;
}

double AcquisitionModel::acquisition(const Eigen::VectorXd& unit) const
{
    return acquisition(Eigen::MatrixXd(unit.transpose()))[0];
}

double AcquisitionModel::acquisitionWithGradient(const Eigen::VectorXd& unit, Eigen::VectorXd& gradient) const
{
    double mean = 0.0, var = 0.0;
    Eigen::VectorXd dmean, dvar;
    _chooser.predictWithGradient(unit, mean, var, dmean, dvar);
    const acq::Value v = acquisitionValue(_config.acquisition, mean, var, _best, _config.ucbBeta);
    const double sd = std::sqrt(std::max(var, 1e-300));
    gradient = v.dMean * dmean + (v.dSd / (2.0 * sd)) * dvar;
    return v.value;
}

} // namespace tw::sampler
