#pragma once
// Samplers are pure: they read an immutable snapshot of the history and
// return parameters. Same configuration, same history, same trial number ->
// same suggestion.
#include "sampler/sampler_config.h"
#include "space/search_space.h"
#include "study/trial.h"

#include <functional>
#include <memory>
#include <string>
#include <nlohmann/json.hpp>
#include <vector>

namespace tw::sampler {

class SeenConfigs;

struct History {
    const space::SearchSpace& space;
    study::Direction direction;
    /// Every trial so far, any state; empty when the sampler said it does
    /// not read them for this trial (Sampler::readsTrials).
    const std::vector<study::Trial>& trials;
    /// Every configuration asked so far (those of every trial), when the
    /// caller keeps them (a study does); null: samplers build it from
    /// `trials` (seenConfigs, sampler/common.h).
    const SeenConfigs* seen = nullptr;
};

struct Suggestion {
    std::vector<double> params;
    /// Recorded with the trial (e.g. the GP's fitted hyperparameters, the
    /// acquisition value); later suggestions may read it back from History.
    nlohmann::json info = nlohmann::json::object();
};

class Sampler {
public:
    virtual ~Sampler() = default;
    /// Throws std::runtime_error when a finite space is exhausted.
    virtual Suggestion suggest(const History& history, int trialNumber) const = 0;
    /// Whether suggest() reads History::trials for this trial number. False:
    /// it reads only the space and History::seen, and a study hands it an
    /// empty trial list with its seen configurations instead of a copy of
    /// every trial (an ask then costs the same at 100 and 10,000 trials).
    virtual bool readsTrials(const space::SearchSpace& /*space*/, int /*trialNumber*/) const { return true; }
};

/// By name from the registry: "gp", "random", "qmc" (scrambled Halton) and
/// whatever registerSampler added. Throws invalid_argument (from
/// SamplerConfig::validate) for an unknown name or a bad setting.
std::unique_ptr<Sampler> makeSampler(const SamplerConfig& config);

using SamplerFactory = std::function<std::unique_ptr<Sampler>(const SamplerConfig&)>;
/// Adds (or replaces) a sampler kind chosen by SamplerConfig::name.
void registerSampler(const std::string& name, SamplerFactory factory);
/// Every registered name, sorted ("gp", "qmc", "random", ...).
std::vector<std::string> samplerNames();

/// Deterministic 64-bit seed for (study seed, trial number, stream).
uint64_t deriveSeed(uint64_t seed, uint64_t number, uint64_t stream = 0);

} // namespace tw::sampler
