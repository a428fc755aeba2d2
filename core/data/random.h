#pragma once
// A seeded random source whose draws are the same on every platform:
// std::mt19937_64 (fully specified by the standard) with our own transforms,
// since std::uniform_real_distribution, std::normal_distribution and
// std::shuffle are implementation-defined.
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace tw::data {

class Rng {
public:
    explicit Rng(uint64_t seed) : _engine(seed) {}

    /// Uniform in [0, 1), 53 random bits.
    double uniform() { return double(_engine() >> 11) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    /// Uniform integer in [0, n), n > 0 (multiply-shift; bias below 2^-64 * n).
    uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)(_engine()) * n >> 64); }
    /// Standard normal by the Box-Muller transform, one pair at a time.
    double normal()
    {
        if (_hasSpare) {
            _hasSpare = false;
            return _spare;
        }
        const double u1 = 1.0 - uniform(); // (0, 1]: log is finite
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        constexpr double kTwoPi = 6.283185307179586476925286766559;
        _spare = r * std::sin(kTwoPi * u2);
        _hasSpare = true;
        return r * std::cos(kTwoPi * u2);
    }
    double normal(double mean, double stddev) { return mean + stddev * normal(); }
    /// Fisher-Yates.
    template <class T> void shuffle(std::vector<T>& v)
    {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[size_t(below(i))]);
    }

private:
    std::mt19937_64 _engine;
    double _spare = 0;
    bool _hasSpare = false;
};

} // namespace tw::data
