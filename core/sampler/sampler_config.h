#pragma once
// Plain configuration of a sampler, chosen by name at run time; round-trips
// through JSON.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tw::sampler {

/// The acquisitions the GP sampler knows: "logei" (log expected improvement
/// over the best observed value), "lognei" (noisy LogEI: EI averaged over
/// draws of the best latent value at the observations) and "ucb".
const std::vector<std::string>& acquisitionNames();

struct SamplerConfig {
    std::string name = "gp";            // "gp", "random", "qmc"
    uint64_t seed = 0;
    int initialTrials = -1;             // -1: max(5, 2 * number of parameters)
    std::string acquisition = "logei";  // one of acquisitionNames()
    double ucbBeta = 4.0;               // UCB: mean -/+ sqrt(beta) * sd
    std::string kernel = "matern52";

    /// Resolved number of quasi-random initial trials for `numParams` parameters.
    int initialFor(size_t numParams) const;
    /// Throws std::invalid_argument naming the field and the rule.
    void validate() const;
    nlohmann::json toJson() const;
    static SamplerConfig fromJson(const nlohmann::json& j, const std::string& source = {});
};

} // namespace tw::sampler
