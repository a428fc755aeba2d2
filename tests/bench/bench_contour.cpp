// Cost of the contour view's grids: one 50 x 50 contour pair (GP mean and
// standard error) of a 6-D surrogate fitted on 200 observations, as the
// window recomputes it when a fixed-value slider moves or a trial completes.
//
//   build/tests/bench_contour [observations] [repetitions] [resolution]
//
// The history is Hartmann6 at quasi-random points (seed 1). Prints one JSON
// line: the fit time, the median and p95 of one pair's grid, of the
// prediction alone (Surrogate::predict on the same 2,500 points) and of the
// 15 pairs of the all-pairs view, in milliseconds. Target: <= 50 ms per pair.
#include "bench/bench_timing.h"
#include "analysis/grid.h"
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "gp/surrogate.h"
#include "sampler/sampler.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace tw;


int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 200;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 50;
    const int resolution = argc > 3 ? std::atoi(argv[3]) : 50;
    if (n < 2 || reps < 1 || resolution < 2) {
        std::cerr << "usage: bench_contour [observations >= 2] [repetitions >= 1] [resolution >= 2]\n";
        return 2;
    }

    const auto& fn = bench::testFunction("hartmann6");
    const std::vector<study::Trial> trials = bench::quasiRandomHistory(fn, n);

    auto t0 = std::chrono::steady_clock::now();
    const auto surrogate = gp::Surrogate::fit(fn.space, trials);
    const double fitMs = bench::msSince(t0);
    if (!surrogate) {
        std::cerr << "bench_contour: the surrogate did not fit\n";
        return 1;
    }
    const auto fixed = analysis::defaultFixedValues(fn.space, trials, study::Direction::Minimize);
    std::vector<std::string> names;
    for (const auto& p : fn.space.params()) names.push_back(space::nameOf(p));

    // One pair, as the single-pair view recomputes it.
    std::vector<double> pair;
    double checksum = 0.0;
    for (int r = 0; r < reps; ++r) {
        t0 = std::chrono::steady_clock::now();
        const auto g = analysis::contour(*surrogate, names[0], names[1], fixed, resolution);
        pair.push_back(bench::msSince(t0));
        checksum += g.mean.sum() + g.se.sum();
    }

    // The prediction alone, on the same points (the rest is building configs).
    std::vector<std::vector<double>> configs;
    const auto ax = analysis::makeAxis(fn.space, 0, resolution), ay = analysis::makeAxis(fn.space, 1, resolution);
    for (double vy : ay.values)
        for (double vx : ax.values) {
            auto c = fixed;
            c[0] = vx;
            c[1] = vy;
            configs.push_back(std::move(c));
        }
    std::vector<double> predict;
    for (int r = 0; r < reps; ++r) {
        Eigen::VectorXd mean, se;
        t0 = std::chrono::steady_clock::now();
        surrogate->predict(configs, mean, se);
        predict.push_back(bench::msSince(t0));
        checksum += mean.sum();
    }

    // Every pair, as the all-pairs view recomputes it (at the full resolution).
    std::vector<double> all;
    int pairs = 0;
    for (int r = 0; r < std::max(1, reps / 10); ++r) {
        pairs = 0;
        t0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < names.size(); ++i)
            for (size_t j = i + 1; j < names.size(); ++j, ++pairs)
                checksum += analysis::contour(*surrogate, names[i], names[j], fixed, resolution).mean(0, 0);
        all.push_back(bench::msSince(t0));
    }

    const nlohmann::json row = {{"observations", surrogate->observations()},
                                {"dim", fn.space.size()},
                                {"resolution", resolution},
                                {"points_per_pair", configs.size()},
                                {"fit_ms", fitMs},
                                {"pair_ms", bench::timingStats(pair)},
                                {"predict_ms", bench::timingStats(predict)},
                                {"all_pairs", pairs},
                                {"all_pairs_ms", bench::timingStats(all)},
                                {"target_pair_ms", 50},
                                {"checksum", checksum}};
    std::cout << row.dump() << std::endl;
    return 0;
}
