#include "gp/surrogate.h"

#include <cmath>

namespace tw::gp {

void Surrogate::trainingData(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                             Eigen::MatrixXd& X, Eigen::VectorXd& y)
{
    std::vector<const study::Trial*> done;
    for (const auto& t : trials)
        if (t.state == study::TrialState::Complete && t.value && std::isfinite(*t.value)) done.push_back(&t);
    X.resize(Eigen::Index(done.size()), space.encodedDim());
    y.resize(Eigen::Index(done.size()));
    for (size_t i = 0; i < done.size(); ++i) {
        X.row(Eigen::Index(i)) = space.toUnit(done[i]->params).transpose();
        y[Eigen::Index(i)] = *done[i]->value;
    }
}

bool Surrogate::previousTheta(const std::vector<study::Trial>& trials, int size, Eigen::VectorXd& theta)
{
    for (auto it = trials.rbegin(); it != trials.rend(); ++it) {
        const auto& info = it->samplerInfo;
        if (!info.is_object() || !info.contains("gp_theta") || !info["gp_theta"].is_array()) continue;
        const auto& a = info["gp_theta"];
        if (int(a.size()) != size) return false;
        theta.resize(size);
        for (int i = 0; i < size; ++i) theta[i] = a[size_t(i)].get<double>();
        return theta.allFinite();
    }
    return false;
}

std::optional<Surrogate> Surrogate::fit(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                                        std::optional<FitOptions> fitOptions, int minTrials)
{
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    trainingData(space, trials, X, y);
    if (X.rows() < std::max(1, minTrials)) return std::nullopt;
    FitOptions options = fitOptions.value_or(FitOptions::forObservations(int(X.rows())));

    // Warm start from the hyperparameters the GP sampler recorded last.
    Eigen::VectorXd warm;
    if (previousTheta(trials, space.encodedDim() + 3, warm)) options.warmStart = &warm;
    Surrogate s(space);
    s._gp.fit(X, y, options);
    s._observations = int(X.rows());
    return s;
}

Surrogate Surrogate::fromFit(space::SearchSpace space, GaussianProcess gp, OutputWarp warp, bool maximize,
                             int observations)
{
    Surrogate s(std::move(space));
    s._gp = std::move(gp);
    s._warp = warp;
    s._maximize = maximize;
    s._observations = observations;
    return s;
}

void Surrogate::predict(const std::vector<std::vector<double>>& configs, Eigen::VectorXd& mean,
                        Eigen::VectorXd& se) const
{
    Eigen::MatrixXd Xs(Eigen::Index(configs.size()), _space.encodedDim());
    for (size_t i = 0; i < configs.size(); ++i) Xs.row(Eigen::Index(i)) = _space.toUnit(configs[i]).transpose();
    predictUnit(Xs, mean, se);
}

void Surrogate::predictUnit(const Eigen::MatrixXd& units, Eigen::VectorXd& mean, Eigen::VectorXd& se) const
{
    Eigen::VectorXd var;
    _gp.predict(units, mean, var);
    se = var.cwiseMax(0.0).cwiseSqrt();
    if (_warp.lambda() == 1.0 && !_maximize && _warp.invert(0.0) == 0.0 && _warp.invert(1.0) == 1.0) return;
    const auto back = [&](double w) {
        const double v = _warp.invert(w);
        return _maximize ? -v : v;
    };
    for (Eigen::Index i = 0; i < mean.size(); ++i) {
        const double m = mean[i], sd = se[i];
        mean[i] = back(m);
        se[i] = std::abs(back(m + sd) - back(m - sd)) / 2;
    }
}

} // namespace tw::gp
