#pragma once
// Helpers shared by the samplers.
#include "sampler/sampler.h"
#include "sampler/seen_configs.h"

#include <random>
#include <vector>

namespace tw::sampler {

/// The configurations of the history: h.seen when the caller keeps them (a
/// snapshot, O(log n) to copy), else built from h.trials.
SeenConfigs seenConfigs(const History& h);

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
