#include "bench/benchmark.h"

#include "bench/functions.h"
#include "study/study.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace tw::bench {

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return std::numeric_limits<double>::quiet_NaN();
    std::sort(v.begin(), v.end());
    q = std::clamp(q, 0.0, 1.0);
    // Linear interpolation between order statistics (numpy's default).
    const double pos = q * double(v.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

double median(std::vector<double> v)
{
    return quantile(std::move(v), 0.5);
}

BenchmarkResult runBenchmark(const std::string& function, sampler::SamplerConfig sampler,
                             int trials, int seeds, uint64_t firstSeed, double noiseSd)
{
    if (trials < 1)
        throw std::invalid_argument("benchmark: trials must be >= 1 (got " + std::to_string(trials) + ")");
    if (seeds < 1)
        throw std::invalid_argument("benchmark: seeds must be >= 1 (got " + std::to_string(seeds) + ")");
    if (!(noiseSd >= 0.0) || !std::isfinite(noiseSd))
        throw std::invalid_argument("benchmark: noise must be a finite number >= 0");
    const TestFunction& fn = testFunction(function);
    BenchmarkResult result;
    result.function = fn.name;
    result.sampler = sampler.name;
    result.trials = trials;
    result.noiseSd = noiseSd;
    for (int s = 0; s < seeds; ++s) {
        sampler.seed = firstSeed + uint64_t(s);
        study::StudyConfig config;
        config.name = fn.name + "-seed" + std::to_string(sampler.seed);
        config.space = fn.space;
        config.direction = study::Direction::Minimize;
        config.sampler = sampler;
        auto study = study::Study::createInMemory(config);
        std::vector<double> trace;
        trace.reserve(size_t(trials));
        double best = std::numeric_limits<double>::infinity();
        int failed = 0;
        std::mt19937_64 noiseRng(sampler.seed * 0x9E3779B97F4A7C15ull + 17);
        std::normal_distribution<double> normal(0.0, 1.0);
        for (int t = 0; t < trials; ++t) {
            const auto t0 = std::chrono::steady_clock::now();
            study::Trial trial = study->ask();
            const auto t1 = std::chrono::steady_clock::now();
            result.suggestSeconds.push_back(std::chrono::duration<double>(t1 - t0).count());
            const double y = fn.f(trial.params);
            if (std::isnan(y)) {
                study->tell(trial.number, study::Outcome::failed("the test function is undefined here"));
                ++failed;
            } else {
                const double told = noiseSd > 0.0 ? y + noiseSd * normal(noiseRng) : y;
                study->tell(trial.number, study::Outcome::complete(told));
                best = std::min(best, y);
            }
            trace.push_back(best);
        }
        result.bestValues.push_back(best);
        result.regrets.push_back(best - fn.optimum);
        result.failed.push_back(failed);
        result.traces.push_back(std::move(trace));
    }
    return result;
}

nlohmann::json BenchmarkResult::toJson() const
{
    nlohmann::json j;
    j["function"] = function;
    j["sampler"] = sampler;
    j["trials"] = trials;
    if (noiseSd > 0.0)
        j["noise"] = noiseSd;
    j["seeds"] = bestValues.size();
    j["median_regret"] = median(regrets);
    j["regret_quantiles"] = {{"q25", quantile(regrets, 0.25)},
                             {"q75", quantile(regrets, 0.75)},
                             {"max", regrets.empty() ? 0.0 : *std::max_element(regrets.begin(), regrets.end())}};
    j["median_best"] = median(bestValues);
    j["best_values"] = bestValues;
    if (std::any_of(failed.begin(), failed.end(), [](int f) { return f > 0; })) {
        std::vector<double> f(failed.begin(), failed.end());
        j["failed"] = failed;
        j["median_failed"] = median(f);
    }
    j["regrets"] = regrets;
    std::vector<double> ms;
    ms.reserve(suggestSeconds.size());
    for (double s : suggestSeconds)
        ms.push_back(1000.0 * s);
    j["latency_ms"] = {{"median", median(ms)},
                       {"p95", quantile(ms, 0.95)},
                       {"max", ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end())}};
    if (!traces.empty())
        j["traces"] = traces;
    return j;
}

} // namespace tw::bench
