#pragma once
// Bayesian optimization: a quasi-random initial design, then a GP surrogate
// (Matérn-5/2 ARD, MAP hyperparameters) and an acquisition function (LogEI or
// UCB) maximized over the unit cube by quasi-random candidates plus L-BFGS-B
// refinement of the best few. Pending trials enter with a constant lie. The
// model it chooses with is sampler::AcquisitionModel, which the views share.
#include "sampler/sampler.h"

namespace tw::sampler {

class GpSampler : public Sampler {
public:
    explicit GpSampler(SamplerConfig config) : _config(std::move(config)) {}
    Suggestion suggest(const History& history, int trialNumber) const override;
    /// The quasi-random initial design reads only the seen configurations.
    bool readsTrials(const space::SearchSpace& space, int trialNumber) const override;

    /// Effort knobs, scaled down as the history grows to bound latency.
    struct Effort {
        int fitRestarts;
        int fitEvaluations;
        int candidates;
        int localStarts;
        int localEvaluations;
    };
    static Effort effortFor(int observations, int encodedDim);

private:
    SamplerConfig _config;
};

} // namespace tw::sampler
