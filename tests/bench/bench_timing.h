#pragma once
// What the benchmark programs share: milliseconds since a start, and the
// median / p95 of repeated timings as JSON.
#include "bench/benchmark.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <vector>

namespace tw::bench {

inline double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

inline nlohmann::json timingStats(const std::vector<double>& v)
{
    return {{"median", median(v)}, {"p95", quantile(v, 0.95)}, {"runs", v.size()}};
}

} // namespace tw::bench
