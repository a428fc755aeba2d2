#pragma once
// Output warping: a Yeo-Johnson power transform of standardized objective
// values with its exponent fitted by maximum likelihood (as scikit-learn's
// PowerTransformer, and HEBO before a GP fit). Heavy-tailed objectives
// (a loss that explodes for bad learning rates, Branin's 0.4..300) otherwise
// make the GP spend its flexibility on the bad region. The transform is
// monotone, so the minimizer is unchanged. The exponent is kept <= 1, so the
// warp only ever compresses the high (bad) end.
#include <Eigen/Core>

namespace tw::gp {

class OutputWarp {
public:
    /// Fits the exponent on y (any finite values) and remembers y's
    /// standardization.
    static OutputWarp fit(const Eigen::VectorXd& y);
    /// Identity warp.
    OutputWarp() = default;

    double lambda() const { return _lambda; }
    double apply(double y) const;
    Eigen::VectorXd apply(const Eigen::VectorXd& y) const;

    /// The value y with apply(y) == w: the warp undone. Beyond the range the
    /// transform reaches (lambda < 0 bounds it above), the largest finite y.
    double invert(double w) const;

    /// The Yeo-Johnson transform of x with exponent lambda, and its inverse.
    static double yeoJohnson(double x, double lambda);
    static double inverseYeoJohnson(double t, double lambda);

private:
    double _mean = 0.0, _std = 1.0, _lambda = 1.0;
};

} // namespace tw::gp
