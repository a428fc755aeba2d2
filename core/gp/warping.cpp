#include "gp/warping.h"

#include <cmath>
#include <limits>

namespace tw::gp {

double OutputWarp::yeoJohnson(double x, double l)
{
    if (x >= 0.0) return std::abs(l) < 1e-8 ? std::log1p(x) : (std::pow(x + 1.0, l) - 1.0) / l;
    return std::abs(l - 2.0) < 1e-8 ? -std::log1p(-x) : -(std::pow(1.0 - x, 2.0 - l) - 1.0) / (2.0 - l);
}

double OutputWarp::inverseYeoJohnson(double t, double l)
{
    if (t >= 0.0) {
        if (std::abs(l) < 1e-8) return std::expm1(t);
        const double base = l * t + 1.0;
        if (base <= 0.0) return std::numeric_limits<double>::max(); // lambda < 0: t beyond -1/lambda is never reached
        return std::pow(base, 1.0 / l) - 1.0;
    }
    if (std::abs(l - 2.0) < 1e-8) return -std::expm1(-t);
    return 1.0 - std::pow(1.0 - (2.0 - l) * t, 1.0 / (2.0 - l));
}

double OutputWarp::invert(double w) const
{
    if (std::isfinite(_zMax) && _lambda < 1.0) {
        const double wMax = yeoJohnson(_zMax, _lambda);
        if (w > wMax) {
            // d(yeoJohnson)/dz = (z + 1)^(lambda - 1) for z >= 0, (1 - z)^(1 - lambda) below.
            const double dw = _zMax >= 0 ? std::pow(_zMax + 1.0, _lambda - 1.0) : std::pow(1.0 - _zMax, 1.0 - _lambda);
            return _mean + _std * (_zMax + (w - wMax) / dw);
        }
    }
    return _mean + _std * inverseYeoJohnson(w, _lambda);
}

namespace {

// Profile log-likelihood of lambda for standardized data z (Yeo & Johnson 2000).
double logLikelihood(const Eigen::VectorXd& z, double l)
{
    const double n = double(z.size());
    double mean = 0.0, jac = 0.0;
    Eigen::VectorXd t(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) {
        t[i] = OutputWarp::yeoJohnson(z[i], l);
        mean += t[i];
        jac += (z[i] >= 0 ? 1.0 : -1.0) * std::log1p(std::abs(z[i]));
    }
    mean /= n;
    const double var = (t.array() - mean).square().sum() / n;
    if (!(var > 1e-300) || !std::isfinite(var)) return -1e300;
    return -0.5 * n * std::log(var) + (l - 1.0) * jac;
}

} // namespace

OutputWarp OutputWarp::fit(const Eigen::VectorXd& y)
{
    OutputWarp w;
    const Eigen::Index n = y.size();
    if (n < 3) return w;
    w._mean = y.mean();
    const double var = (y.array() - w._mean).square().sum() / double(n - 1);
    if (!(var > 1e-300)) return w;
    w._std = std::sqrt(var);
    const Eigen::VectorXd z = (y.array() - w._mean) / w._std;
    w._zMax = z.maxCoeff();
    // Golden-section search of the profile likelihood over lambda in [-2, 1].
    // Exponents above 1 (convex) would compress the low, interesting end of a
    // minimization; on Hartmann6 they did not help, so the warp only ever
    // compresses the high (bad) tail.
    double a = -2.0, b = 1.0;
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = logLikelihood(z, c), fd = logLikelihood(z, d);
    for (int it = 0; it < 60; ++it) {
        if (fc > fd) {
            b = d, d = c, fd = fc;
            c = b - g * (b - a);
            fc = logLikelihood(z, c);
        } else {
            a = c, c = d, fc = fd;
            d = a + g * (b - a);
            fd = logLikelihood(z, d);
        }
    }
    w._lambda = 0.5 * (a + b);
    return w;
}

double OutputWarp::apply(double y) const
{
    return yeoJohnson((y - _mean) / _std, _lambda);
}

Eigen::VectorXd OutputWarp::apply(const Eigen::VectorXd& y) const
{
    Eigen::VectorXd out(y.size());
    for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = apply(y[i]);
    return out;
}

} // namespace tw::gp
