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
    std::vector<double> bestValues;            // per seed
    std::vector<double> regrets;               // per seed: best - optimum
    std::vector<double> suggestSeconds;        // every ask() of every seed
    std::vector<std::vector<double>> traces;   // per seed: best-so-far after each trial
    nlohmann::json toJson() const;             // medians, quantiles, latency p50/p95/max
};

/// Seeds run are firstSeed .. firstSeed + seeds - 1; sampler.seed is replaced by each.
BenchmarkResult runBenchmark(const std::string& function, sampler::SamplerConfig sampler,
                             int trials, int seeds, uint64_t firstSeed = 0);

double median(std::vector<double> v);
double quantile(std::vector<double> v, double q);

} // namespace tw::bench
