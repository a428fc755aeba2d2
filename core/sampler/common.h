#pragma once
// Helpers shared by the samplers.
#include "sampler/sampler.h"

#include <random>
#include <set>
#include <vector>

namespace tw::sampler {

/// Lexicographic order of configurations in which NaN (an inactive
/// parameter) equals NaN and sorts before every number: a strict weak order
/// even for conditional spaces.
struct ConfigLess {
    bool operator()(const std::vector<double>& a, const std::vector<double>& b) const;
};

/// Every configuration already asked (any state): never proposed again.
/// Inactive parameters are NaN on both sides, so two configurations that
/// differ only in parameters inactive in both count as the same.
class SeenConfigs {
public:
    explicit SeenConfigs(const History& h);
    bool contains(const std::vector<double>& params) const { return _seen.count(params) > 0; }
    size_t size() const { return _seen.size(); }

private:
    std::set<std::vector<double>, ConfigLess> _seen;
};

/// Throws when a finite space has no configuration left.
void checkNotExhausted(const History& h, const SeenConfigs& seen);

/// One coordinate per parameter in [0,1) -> legal values. A categorical takes
/// choice floor(u * k), so quasi-random designs cover categories evenly.
/// Every coordinate is drawn, then parameters inactive at the result are
/// masked to NaN (SearchSpace::fromUnit).
std::vector<double> valuesFromParamUnit(const space::SearchSpace& space, const Eigen::VectorXd& u);

/// A uniformly random legal configuration (log parameters log-uniform).
std::vector<double> randomValues(const space::SearchSpace& space, std::mt19937_64& rng);

/// A random configuration not in `seen` (up to many draws; may return a seen
/// one only when the space is nearly exhausted and draws keep colliding).
std::vector<double> randomUnseen(const History& h, const SeenConfigs& seen, std::mt19937_64& rng);

} // namespace tw::sampler

namespace tw::sampler {
/// The quasi-random (scrambled Halton) design point for this trial number,
/// skipping configurations already tried.
Suggestion suggestQuasiRandom(const History& h, int number, uint64_t seed);
} // namespace tw::sampler
