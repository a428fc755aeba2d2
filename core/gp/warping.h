#pragma once
// Output warping: a Yeo-Johnson power transform of standardized objective
// values with its exponent fitted by maximum likelihood (as scikit-learn's
// PowerTransformer, and HEBO before a GP fit). Heavy-tailed objectives
// (a loss that explodes for bad learning rates, Branin's 0.4..300) otherwise
// make the GP spend its flexibility on the bad region. The transform is
// monotone, so the minimizer is unchanged. The exponent is kept <= 1, so the
// warp only ever compresses the high (bad) end.
#include <Eigen/Core>

#include <cmath>

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

    /// The value y with apply(y) == w: the warp undone. Above the warped
    /// value of the largest observation the inverse continues as a straight
    /// line with the slope it has there: with lambda < 0 the transform is
    /// bounded above (by -1/lambda), its exact inverse explodes towards the
    /// bound and is undefined past it, so a posterior interval reaching
    /// beyond the data (far from every observation) would otherwise read as
    /// 1e308 on the objective's scale. Exact on the data's range.
    double invert(double w) const;

    /// The Yeo-Johnson transform of x with exponent lambda, and its inverse.
    static double yeoJohnson(double x, double lambda);
    static double inverseYeoJohnson(double t, double lambda);

private:
    double _mean = 0.0, _std = 1.0, _lambda = 1.0;
    double _zMax = INFINITY; // the largest standardized observation (where the linear continuation starts)
};

} // namespace tw::gp
