#pragma once
// The model the GP sampler chooses with, public so that what a user reads
// off a plot is what chose the next trial: the observations it is fitted on
// (Complete trials, and each Pruned trial's best intermediate value), the
// direction turned into minimization, the output warp, the MAP GP fit, the
// pending and failed trials entered as constant lies, and the acquisition
// (LogEI or UCB) over all of that.
#include "gp/gaussian_process.h"
#include "gp/surrogate.h"
#include "gp/warping.h"
#include "sampler/sampler.h"
#include "sampler/sampler_config.h"

#include <Eigen/Core>

#include <optional>
#include <vector>

namespace tw::sampler {

class AcquisitionModel {
public:
    /// The model that chooses trial `number` of history `h` (the fit is
    /// seeded by the number, as the sampler's is; trial `number` itself is
    /// not pending). nullopt with fewer than 2 observations: the sampler
    /// then proposes quasi-random points. Throws what the GP fit throws.
    static std::optional<AcquisitionModel> build(const History& h, const SamplerConfig& config, int number);

    struct Posterior {
        double mean = 0; ///< on the objective's own scale (direction and warp undone)
        double se = 0;   ///< half the width of mean's +- 1 sd interval, warp undone
    };
    /// The posterior of the fit on the observations (without the lies), at
    /// a point of the unit cube (space::SearchSpace::toUnit).
    Posterior posterior(const Eigen::VectorXd& unit) const;
    /// The acquisition the sampler maximizes (larger is better), at points
    /// of the unit cube (rows). Once trials have failed, LogEI and LogNEI
    /// are weighted by feasibility (log EI + log P(success)), so the sampler
    /// keeps out of the regions where trials crash; UCB, whose values can be
    /// negative, is not.
    Eigen::VectorXd acquisition(const Eigen::MatrixXd& units) const;
    double acquisition(const Eigen::VectorXd& unit) const;
    /// The acquisition and its gradient with respect to the unit-cube
    /// coordinates (for the sampler's local refinement).
    double acquisitionWithGradient(const Eigen::VectorXd& unit, Eigen::VectorXd& gradient) const;

    /// The probability that a trial at these points (rows of the unit cube)
    /// completes rather than fails: a Bernoulli surrogate of the outcomes
    /// (failed = 1; complete and pruned = 0), weighted by the kernel over a
    /// neighbourhood of 0.1 sqrt(D) of the cube, its prior the study's overall failure rate
    /// (Laplace-smoothed) worth one observation. Trials stopped by the user
    /// or abandoned say nothing and are left out.
    Eigen::VectorXd feasibility(const Eigen::MatrixXd& units) const;

    /// The same posterior as a gp::Surrogate (contour and slice grids,
    /// importance, the window's views).
    const gp::Surrogate& surrogate() const { return *_view; }

    /// The encoded observations and their values as the GP sees them
    /// (minimized, warped), in trial order.
    const Eigen::MatrixXd& X() const { return _X; }
    const Eigen::VectorXd& y() const { return _y; }
    /// The MAP fit on the observations, and its packed hyperparameters.
    const gp::GaussianProcess& gp() const { return _fit; }
    const Eigen::VectorXd& theta() const { return _theta; }
    int pendingCount() const { return _pending; }
    int failedCount() const { return _failed; }

private:
    explicit AcquisitionModel(const SamplerConfig& config);
    bool weightsByFeasibility() const { return _failed > 0 && _config.acquisition != "ucb"; }
    /// log feasibility at one point and its gradient.
    double logFeasibilityWithGradient(const Eigen::VectorXd& unit, Eigen::VectorXd& gradient) const;

    SamplerConfig _config;
    Eigen::MatrixXd _X;
    Eigen::VectorXd _y, _theta;
    bool _maximize = false;
    gp::OutputWarp _warp;
    gp::GaussianProcess _fit;     // on the observations
    gp::GaussianProcess _chooser; // the fit plus the lies: what the acquisition reads
    double _best = 0;             // the best observation, minimized and warped
    std::vector<double> _incumbents; // draws of the best latent value (noisy EI); empty: _best
    int _pending = 0, _failed = 0;
    std::optional<gp::Surrogate> _view; // _fit with the warp and the direction undone
    Eigen::MatrixXd _failedX;           // the failed trials' points
};

/// At most this many observations go into the GP (and as many failed
/// trials into its lies): an exact GP costs O(n^3) per likelihood
/// evaluation and n^2 doubles per kernel matrix.
constexpr size_t kMaxGpObservations = 1000;

/// Which of `values` (observations in trial order) the GP is fitted on when
/// there are more than `cap`: the best half of the cap by value (in the
/// study's direction: `maximize`), then the rest evenly spaced over the other
/// trials in trial order, so the fit knows the optimum's region and the whole
/// space. All of them (0, 1, ...) up to the cap. Indices in trial order.
std::vector<size_t> selectObservations(const std::vector<double>& values, bool maximize,
                                       size_t cap = kMaxGpObservations);

/// The posterior every view of a study shows: the model the GP sampler
/// will choose the next trial with (its observations, warp and seeded fit),
/// for any study (a study of another sampler gets the GP defaults with its
/// seed). nullopt with fewer than 2 observations.
std::optional<gp::Surrogate> studySurrogate(const space::SearchSpace& space, study::Direction direction,
                                            const SamplerConfig& config, const std::vector<study::Trial>& trials);

/// The best configuration by the model rather than by luck: among the
/// Complete trials, the one whose posterior mean is best in the study's
/// direction (as Ax recommends on noisy objectives), with that mean and its
/// standard error. With noise the best observed value is often a lucky draw;
/// without noise the two agree. nullopt when no Complete trial has a value.
struct ModelBest {
    int number = -1;
    double value = 0; ///< what the trial reported
    double mean = 0, se = 0;
};
std::optional<ModelBest> modelBest(const gp::Surrogate& surrogate, study::Direction direction,
                                   const std::vector<study::Trial>& trials);

/// Whether a failed trial says nothing about its configuration (stopped by
/// the user, interrupted, abandoned by a dead process).
bool interruptedNotFailed(const study::Trial& t);

} // namespace tw::sampler
