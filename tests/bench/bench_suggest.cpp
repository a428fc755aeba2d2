// Suggestion latency of the GP sampler (hyperparameter fit + acquisition
// optimization) at 50, 200, 500 and 1000 observations in 6 dimensions.
//
//   build/tests/bench_suggest [observations ...]
//
// The history is Hartmann6 at quasi-random points. "warm" is the steady state
// of a study, where the previous trial's hyperparameters seed the fit; "cold"
// has no previous fit (the first GP trial, or a study opened by another tool).
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "sampler/sampler.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

using namespace tw;

int main(int argc, char** argv)
{
    std::vector<int> sizes = {50, 200, 500, 1000};
    if (argc > 1) {
        sizes.clear();
        for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    }
    const auto& fn = bench::testFunction("hartmann6");
    sampler::SamplerConfig gp;
    gp.name = "gp";
    gp.seed = 1;
    auto bo = sampler::makeSampler(gp);
    nlohmann::json out = nlohmann::json::array();
    for (int n : sizes) {
        std::vector<study::Trial> trials = bench::quasiRandomHistory(fn, n);
        const int reps = n <= 200 ? 20 : (n <= 500 ? 8 : 5);
        std::vector<double> cold, warm;
        sampler::History h{fn.space, study::Direction::Minimize, trials};
        for (int r = 0; r < reps; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            auto s = bo->suggest(h, n + r);
            cold.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            // Steady state: the last trial carries the previous fit.
            trials.back().samplerInfo = s.info;
            sampler::History hw{fn.space, study::Direction::Minimize, trials};
            t0 = std::chrono::steady_clock::now();
            bo->suggest(hw, n + r);
            warm.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            trials.back().samplerInfo = nlohmann::json::object();
        }
        nlohmann::json row = {{"observations", n}, {"dim", 6}, {"repetitions", reps},
                              {"warm_ms", {{"median", bench::median(warm)}, {"p95", bench::quantile(warm, 0.95)}}},
                              {"cold_ms", {{"median", bench::median(cold)}, {"p95", bench::quantile(cold, 0.95)}}}};
        std::cout << row.dump() << std::endl;
        out.push_back(row);
    }
    return 0;
}
