#include "sampler/halton.h"

#include <cmath>
#include <numeric>
#include <random>

namespace tw::sampler {

std::vector<int> firstPrimes(int n)
{
    std::vector<int> primes;
    for (int c = 2; int(primes.size()) < n; ++c) {
        bool prime = true;
        for (int p : primes) {
            if (p * p > c) break;
            if (c % p == 0) { prime = false; break; }
        }
        if (prime) primes.push_back(c);
    }
    return primes;
}

ScrambledHalton::ScrambledHalton(int dim, uint64_t seed) : _dim(dim), _bases(firstPrimes(dim))
{
    std::mt19937_64 rng(seed);
    _digits.resize(dim);
    _perm.resize(dim);
    for (int d = 0; d < dim; ++d) {
        const int b = _bases[d];
        // Enough digits to fill a double's mantissa: b^-k < 2^-53.
        _digits[d] = int(std::ceil(53.0 * std::log(2.0) / std::log(double(b))));
        _perm[d].resize(_digits[d]);
        for (auto& perm : _perm[d]) {
            perm.resize(b);
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), rng);
        }
    }
}

Eigen::VectorXd ScrambledHalton::point(uint64_t index) const
{
    Eigen::VectorXd x(_dim);
    for (int d = 0; d < _dim; ++d) {
        const int b = _bases[d];
        uint64_t i = index;
        double f = 1.0 / b, v = 0.0;
        // Permuting every digit position, trailing zeros included, scrambles
        // the whole mantissa rather than leaving the points on a b-adic grid.
        for (int k = 0; k < _digits[d]; ++k) {
            const int digit = int(i % uint64_t(b));
            i /= uint64_t(b);
            v += _perm[d][k][digit] * f;
            f /= b;
        }
        x[d] = std::min(v, std::nextafter(1.0, 0.0));
    }
    return x;
}

Eigen::MatrixXd ScrambledHalton::points(uint64_t first, int count) const
{
    Eigen::MatrixXd m(count, _dim);
    for (int r = 0; r < count; ++r) m.row(r) = point(first + uint64_t(r)).transpose();
    return m;
}

} // namespace tw::sampler
