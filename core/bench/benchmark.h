#pragma once
// Runs a sampler on a test function for several seeds (in memory, ask/tell).
#include "sampler/sampler_config.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tw::bench {

struct BenchmarkResult {
    std::string function;
    std::string sampler;
    int trials = 0;
    double noiseSd = 0.0;
    std::vector<double> bestValues;            // per seed
    std::vector<double> regrets;               // per seed: best - optimum
    std::vector<int> failed;                   // per seed: trials whose f was NaN (told as failed)
    std::vector<double> suggestSeconds;        // every ask() of every seed
    std::vector<std::vector<double>> traces;   // per seed: best-so-far after each trial
    nlohmann::json toJson() const;             // medians, quantiles, latency p50/p95/max
};

/// Seeds run are firstSeed .. firstSeed + seeds - 1; sampler.seed is replaced by each.
/// With noiseSd > 0 the sampler is told f(x) plus Gaussian noise of that
/// standard deviation (seeded by the seed), while best values, regrets and
/// traces stay those of the noise-free f at the evaluated points: how close
/// the search came, not how lucky the noise was. Throws invalid_argument for
/// trials or seeds below 1, a negative or non-finite noiseSd.
BenchmarkResult runBenchmark(const std::string& function, sampler::SamplerConfig sampler,
                             int trials, int seeds, uint64_t firstSeed = 0, double noiseSd = 0.0);

double median(std::vector<double> v);
double quantile(std::vector<double> v, double q);

} // namespace tw::bench
