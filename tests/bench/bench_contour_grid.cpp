// Cost of the contour view's grids: the GP surrogate of a 6-D study with 200
// completed trials (Hartmann6 at quasi-random points), then one 50x50 grid
// pair (mean and standard error at 2,500 points) recomputed many times, as a
// slider moves; and every one of the 15 pairs, as the all-pairs view does.
//
//   build/tests/bench_contour_grid [observations] [resolution]
#include "analysis/grid.h"
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "gp/surrogate.h"
#include "sampler/sampler.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace tw;

namespace {

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 200;
    const int resolution = argc > 2 ? std::atoi(argv[2]) : 50;
    const auto& fn = bench::testFunction("hartmann6");
    sampler::SamplerConfig qmc;
    qmc.name = "qmc";
    qmc.seed = 1;
    auto design = sampler::makeSampler(qmc);
    std::vector<study::Trial> trials;
    for (int i = 0; i < n; ++i) {
        sampler::History h{fn.space, study::Direction::Minimize, trials};
        study::Trial t;
        t.number = i;
        t.params = design->suggest(h, i).params;
        t.state = study::TrialState::Complete;
        t.value = fn.f(t.params);
        trials.push_back(std::move(t));
    }
    auto t0 = std::chrono::steady_clock::now();
    const auto s = gp::Surrogate::fit(fn.space, trials);
    const double fitMs = msSince(t0);
    if (!s) return 1;
    const auto fixed = analysis::defaultFixedValues(fn.space, trials, study::Direction::Minimize);
    const std::string x = space::nameOf(fn.space[0]), y = space::nameOf(fn.space[1]);

    std::vector<double> pair;
    for (int r = 0; r < 40; ++r) {
        t0 = std::chrono::steady_clock::now();
        const auto g = analysis::contour(*s, x, y, fixed, resolution);
        pair.push_back(msSince(t0));
        if (g.mean.size() != resolution * resolution) return 1;
    }
    std::vector<double> all;
    for (int r = 0; r < 5; ++r) {
        t0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < fn.space.size(); ++i)
            for (size_t j = i + 1; j < fn.space.size(); ++j)
                analysis::contour(*s, space::nameOf(fn.space[i]), space::nameOf(fn.space[j]), fixed, resolution);
        all.push_back(msSince(t0));
    }
    std::printf("%d observations, 6-D, %dx%d grid: GP fit %.0f ms (off the GUI thread); one grid pair (mean + SE) "
                "median %.1f ms, p95 %.1f ms (target 50 ms); all 15 pairs median %.0f ms\n",
                n, resolution, resolution, fitMs, bench::median(pair), bench::quantile(pair, 0.95),
                bench::median(all));
    return 0;
}
