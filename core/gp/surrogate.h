#pragma once
// The GP surrogate of a study: fitted on its completed trials in the unit-cube
// encoding of the search space, predicting in the objective's own units.
#include "gp/gaussian_process.h"
#include "gp/warping.h"
#include "space/search_space.h"
#include "study/trial.h"

#include <optional>
#include <vector>

namespace tw::gp {

class Surrogate {
public:
    /// Fits on the Complete trials with a finite value. Returns nullopt when
    /// there are fewer than `minTrials` of them. Without `options`, the fit's
    /// effort follows the number of observations (FitOptions::forObservations). A "gp_theta" array in the most
    /// recent trial's samplerInfo (when its size matches) is used as warm start.
    static std::optional<Surrogate> fit(const space::SearchSpace& space,
                                        const std::vector<study::Trial>& trials,
                                        std::optional<FitOptions> options = std::nullopt, int minTrials = 2);
    /// A surrogate over a GP fitted elsewhere on transformed values: `warp`
    /// applied to the objective (negated first when `maximize`), so that
    /// predict() undoes both. The window and tw show the GP sampler's own
    /// model this way (sampler::studySurrogate).
    static Surrogate fromFit(space::SearchSpace space, GaussianProcess gp, OutputWarp warp, bool maximize,
                             int observations);

    const GaussianProcess& gp() const { return _gp; }
    GaussianProcess& gp() { return _gp; }
    const space::SearchSpace& space() const { return _space; }
    /// Number of completed trials it was fitted on.
    int observations() const { return _observations; }

    /// Mean and standard error at configurations (one vector of parameter
    /// values each), on the objective's own scale: with a warp, the mean is
    /// the warped posterior mean mapped back, the standard error half the
    /// width of the mapped-back mean +- 1 sd.
    void predict(const std::vector<std::vector<double>>& configs,
                 Eigen::VectorXd& mean, Eigen::VectorXd& se) const;
    /// The same at points of the unit cube (rows).
    void predictUnit(const Eigen::MatrixXd& units, Eigen::VectorXd& mean, Eigen::VectorXd& se) const;

    /// The packed hyperparameters the GP sampler recorded with the most recent
    /// trial that has them ("gp_theta" in its sampler info), when their size
    /// is `size`; false otherwise.
    static bool previousTheta(const std::vector<study::Trial>& trials, int size, Eigen::VectorXd& theta);

    /// Encodes every completed trial: rows of X, values in y.
    static void trainingData(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                             Eigen::MatrixXd& X, Eigen::VectorXd& y);

private:
    Surrogate(space::SearchSpace space) : _space(std::move(space)) {}
    space::SearchSpace _space;
    GaussianProcess _gp;
    OutputWarp _warp;       // identity for fit()
    bool _maximize = false; // the GP saw the negated objective
    int _observations = 0;
};

} // namespace tw::gp
