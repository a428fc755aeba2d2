// Cost of parameter importance with intervals over GP hyperparameter draws
// (analysis::importanceWithIntervals, default options) next to the MAP
// importance alone, and of the slice view's spread over the same draws
// (analysis::sliceSpread, 60 points along x0, the best trial's values
// elsewhere) next to the MAP slice, on a 6-D surrogate: Hartmann6 at
// quasi-random points (seed 1), as the window and `tw importance` compute it.
//
//   build/tests/bench_importance [observations...]   (default: 50 200)
//
// Prints one JSON line per size: the fit, importance() alone, the
// hyperparameter draws alone and the whole importanceWithIntervals, in
// milliseconds (median of 3 runs), one likelihood evaluation (the sampler's
// unit of cost), the widest interval, the MAP slice, the slice spread and its
// mean width (the 10th-90th percentile of the mean, averaged along the slice).
#include "bench/bench_timing.h"
#include "analysis/importance.h"
#include "analysis/slice_spread.h"
#include "bench/functions.h"
#include "gp/hyperparameter_samples.h"
#include "gp/surrogate.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace tw;

int main(int argc, char** argv)
{
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    if (sizes.empty()) sizes = {50, 200};
    const auto& fn = bench::testFunction("hartmann6");
    for (int n : sizes) {
        if (n < 2) {
            std::cerr << "usage: bench_importance [observations >= 2 ...]\n";
            return 2;
        }
        const std::vector<study::Trial> trials = bench::quasiRandomHistory(fn, n);
        auto t0 = std::chrono::steady_clock::now();
        const auto s = gp::Surrogate::fit(fn.space, trials);
        const double fitMs = bench::msSince(t0);
        if (!s) return 1;
        // One likelihood evaluation, the sampler's unit of cost.
        const Eigen::VectorXd theta = s->gp().hyperparameters().pack();
        t0 = std::chrono::steady_clock::now();
        double sink = 0;
        for (int r = 0; r < 50; ++r) sink += s->gp().logMarginalLikelihood(theta, nullptr);
        const double lmlMs = bench::msSince(t0) / 50;
        std::vector<double> point, draws, whole, slice, spread;
        double widest = 0, spreadWidth = 0;
        const std::vector<double> fixed = analysis::defaultFixedValues(fn.space, trials, study::Direction::Minimize);
        const std::string x = space::nameOf(fn.space[0]);
        for (int r = 0; r < 3; ++r) {
            t0 = std::chrono::steady_clock::now();
            analysis::importance(*s);
            point.push_back(bench::msSince(t0));
            t0 = std::chrono::steady_clock::now();
            gp::hyperparameterSamples(s->gp(), {});
            draws.push_back(bench::msSince(t0));
            t0 = std::chrono::steady_clock::now();
            const auto imp = analysis::importanceWithIntervals(*s);
            whole.push_back(bench::msSince(t0));
            for (const auto& p : imp) widest = std::max(widest, p.high - p.low);
            t0 = std::chrono::steady_clock::now();
            analysis::slice(*s, x, fixed, 60);
            slice.push_back(bench::msSince(t0));
            t0 = std::chrono::steady_clock::now();
            const auto sp = analysis::sliceSpread(*s, x, fixed, 60);
            spread.push_back(bench::msSince(t0));
            spreadWidth = sp.draws > 0 ? (sp.high - sp.low).mean() : 0.0;
        }
        nlohmann::json j = {{"observations", n},           {"dim", fn.space.size()},
                            {"fit_ms", fitMs}, {"lml_ms", lmlMs + 0 * sink},             {"importance_ms", bench::timingStats(point)},
                            {"draws_ms", bench::timingStats(draws)}, {"with_intervals_ms", bench::timingStats(whole)},
                            {"draws", analysis::IntervalOptions{}.draws}, {"widest_interval", widest},
                            {"slice_ms", bench::timingStats(slice)}, {"slice_spread_ms", bench::timingStats(spread)},
                            {"slice_spread_width", spreadWidth}};
        std::cout << j.dump() << std::endl;
    }
    return 0;
}
