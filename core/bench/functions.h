#pragma once
// Standard synthetic test functions for benchmarking samplers (all minimized).
#include "space/search_space.h"
#include "study/trial.h"

#include <cstdint>

#include <functional>
#include <string>
#include <vector>

namespace tw::bench {

struct TestFunction {
    std::string name;
    space::SearchSpace space;
    double optimum; // global minimum value (over the points where f is not NaN)
    std::function<double(const std::vector<double>&)> f; // NaN: the trial fails
};

/// "branin", "hartmann3", "hartmann6", "ackley5", "rosenbrock4", "levy4",
/// "sixhump" (six-hump camel), "rastrigin4", "schwefel4", "shekel4" (m = 10),
/// "ackley10", "mixed5" (a validation loss over learning rate, batch size,
/// layers, dropout and a categorical optimizer whose best choice looks worst
/// at random; best 0.25), "conditional3", "hartmann3_failing" (NaN, a failed trial,
/// where x1 > 0.6 and x2 < 0.5: a fifth of the cube, away from the minimum) (a categorical `family` choosing one of three branches,
/// each with its own parameters: bowl (best 1), a rescaled Branin (best 0.5)
/// and a shifted Hartmann3 (best 0, the global minimum)).
/// Throws invalid_argument listing the known names.
const TestFunction& testFunction(const std::string& name);
std::vector<std::string> testFunctionNames();

/// A history to time things against: `fn` at the first `n` points of a
/// scrambled Halton sequence (the qmc sampler, seeded), as complete trials.
std::vector<study::Trial> quasiRandomHistory(const TestFunction& fn, int n, uint64_t seed = 1);

} // namespace tw::bench
