#include "sampler/acquisition.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace tw::sampler::acq {

namespace {
constexpr double kSqrt2 = std::numbers::sqrt2;
const double kLogSqrt2Pi = 0.5 * std::log(2.0 * std::numbers::pi);
double normPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi); }
double normCdf(double z) { return 0.5 * std::erfc(-z / kSqrt2); }

// Mills ratio R(x) = Phi(-x) / phi(x) for x >= 0.
double millsRatio(double x) { return erfcx(x / kSqrt2) * std::sqrt(std::numbers::pi / 2.0); }

// For z = -x, x >= 20: h(z)/phi(z) = 1 - x R(x) = sum_k (-1)^k (2k+1)!! / x^(2k+2),
// and R(x) = (1/x) sum_k (-1)^k (2k-1)!! / x^(2k).
double tailRatioH(double x)
{
    const double inv2 = 1.0 / (x * x);
    double term = inv2, sum = 0.0;
    for (int k = 0; k < 8; ++k) {
        sum += term;
        term *= -(2.0 * k + 3.0) * inv2;
    }
    return sum;
}
double tailMills(double x)
{
    const double inv2 = 1.0 / (x * x);
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < 8; ++k) {
        sum += term;
        term *= -(2.0 * k + 1.0) * inv2;
    }
    return sum / x;
}
} // namespace

double erfcx(double x)
{
    if (x < 25.0) return std::exp(x * x) * std::erfc(x);
    // Asymptotic expansion: 1/(x sqrt(pi)) * sum (-1)^k (2k-1)!! / (2x^2)^k.
    const double inv = 1.0 / (2.0 * x * x);
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < 6; ++k) {
        sum += term;
        term *= -(2.0 * k + 1.0) * inv;
    }
    return sum / (x * std::sqrt(std::numbers::pi));
}

double logH(double z)
{
    if (z > -1.0) return std::log(normPdf(z) + z * normCdf(z));
    const double x = -z;
    const double logPhi = -0.5 * z * z - kLogSqrt2Pi;
    if (x < 20.0) return logPhi + std::log1p(-x * millsRatio(x));
    return logPhi + std::log(tailRatioH(x));
}

double dLogH(double z)
{
    if (z > -1.0) return normCdf(z) / (normPdf(z) + z * normCdf(z));
    const double x = -z;
    if (x < 20.0) {
        const double r = millsRatio(x);
        return r / (1.0 - x * r);
    }
    return tailMills(x) / tailRatioH(x);
}

Value logExpectedImprovement(double mean, double sd, double best)
{
    sd = std::max(sd, 1e-12);
    const double z = (best - mean) / sd;
    const double g = dLogH(z);
    Value v;
    v.value = std::log(sd) + logH(z);
    // d/dmean: (dlogh/dz)(-1/sd); d/dsd: 1/sd + (dlogh/dz)(-z/sd)
    v.dMean = -g / sd;
    v.dSd = (1.0 - g * z) / sd;
    return v;
}

Value logNoisyExpectedImprovement(double mean, double sd, const std::vector<double>& bests)
{
    if (bests.size() == 1) return logExpectedImprovement(mean, sd, bests[0]);
    std::vector<Value> v;
    v.reserve(bests.size());
    double top = -std::numeric_limits<double>::infinity();
    for (double b : bests) {
        v.push_back(logExpectedImprovement(mean, sd, b));
        top = std::max(top, v.back().value);
    }
    // log (1/S) sum exp(l_s); its derivatives are the softmax-weighted ones.
    double sum = 0.0, dMean = 0.0, dSd = 0.0;
    for (const Value& x : v) {
        const double w = std::exp(x.value - top);
        sum += w;
        dMean += w * x.dMean;
        dSd += w * x.dSd;
    }
    return {top + std::log(sum / double(v.size())), dMean / sum, dSd / sum};
}

double expectedImprovement(double mean, double sd, double best)
{
    const double z = (best - mean) / sd;
    return sd * (normPdf(z) + z * normCdf(z));
}

Value upperConfidenceBound(double mean, double sd, double beta)
{
    const double s = std::sqrt(beta);
    return {-(mean - s * sd), -1.0, s};
}

} // namespace tw::sampler::acq
