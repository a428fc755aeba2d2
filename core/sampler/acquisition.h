#pragma once
// Acquisition functions for minimization, with their derivatives with respect
// to the posterior mean and standard deviation.
#include <vector>

namespace tw::sampler::acq {

struct Value {
    double value = 0.0;
    double dMean = 0.0; // d value / d mean
    double dSd = 0.0;   // d value / d sd
};

/// Scaled complementary error function exp(x^2) erfc(x), accurate for all x >= 0
/// and far into the tail where erfc underflows.
double erfcx(double x);

/// log h(z) with h(z) = phi(z) + z Phi(z), finite for every finite z (the
/// far lower tail uses the asymptotic series instead of underflowing to -inf).
double logH(double z);
/// Phi(z) / h(z) = d log h / dz, stable in the tail.
double dLogH(double z);

/// log EI for minimization: log E[max(best - f, 0)], f ~ N(mean, sd^2).
/// Numerically stable where EI itself underflows to 0 (LogEI, Ament et al. 2023).
Value logExpectedImprovement(double mean, double sd, double best);
/// Noisy log EI: log of the mean over `bests` (draws of the incumbent from
/// the posterior) of EI against each, computed stably (log-sum-exp of
/// LogEI). With one draw it is logExpectedImprovement.
Value logNoisyExpectedImprovement(double mean, double sd, const std::vector<double>& bests);
/// Plain EI (for reference and tests).
double expectedImprovement(double mean, double sd, double best);
/// Negated lower confidence bound: -(mean - sqrt(beta) sd); larger is better.
Value upperConfidenceBound(double mean, double sd, double beta);

} // namespace tw::sampler::acq
